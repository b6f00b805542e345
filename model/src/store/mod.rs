//! The redb store: one file per device holding every document (snapshot + incremental chunks),
//! the summary rows that feed list views, per-peer sync states and this device's key.
//!
//! Every write goes through [`Store::write`], one durable redb transaction: when it returns the
//! data is on disk (fdatasync), and a crash before that leaves the previous state whole.
//!
//! Encryption at rest: a store opens only with its passphrase, and every value is sealed
//! (XChaCha20-Poly1305) before it reaches redb and opened after it leaves, so redb's own crash
//! safety is untouched. Keys (ids) stay in the clear; `sealing.rs` lists exactly what does. A
//! value that does not verify is [`StoreError::Corrupt`], never data.

mod actor_index;
#[cfg_attr(
    not(feature = "test-support"),
    allow(unreachable_pub, reason = "public with test-support")
)]
mod batch;
pub mod crypt;
mod error;
mod migrations;
mod open;
mod sealing;
mod summary_rows;
// The tables and the batch are the store's internals: Gridbook's own tests, benchmarks and
// fuzz targets reach them with the `test-support` feature (see model/Cargo.toml), nothing else.
#[cfg(feature = "test-support")]
pub mod tables;
#[cfg(not(feature = "test-support"))]
#[allow(unreachable_pub, reason = "public with test-support")]
pub(crate) mod tables;

#[cfg(not(feature = "test-support"))]
pub(crate) use batch::WriteBatch;
#[cfg(feature = "test-support")]
pub use batch::WriteBatch;
pub use error::StoreError;
use error::panic_detail;

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use crate::doc_id::DocId;
use crypt::{CryptError, StoreKey};
use sealing::row;
use tables::{CHUNKS, HEADS, LOCAL, META, SNAPSHOTS, SUMMARIES, SYNC_STATES};

/// The file name of the store inside a data directory.
pub const STORE_FILE: &str = "gridbook.redb";

/// A document's stored bytes: its snapshot and chunks, in load order.
#[derive(Debug, Default)]
pub struct StoredDoc {
    /// The snapshot, if one was written.
    pub snapshot: Option<Vec<u8>>,
    /// The chunks after it, in order.
    pub chunks: Vec<Vec<u8>>,
}

/// A Gridbook store, unlocked.
pub struct Store {
    /// Always `Some` until dropped (see the `Drop` impl).
    db: Option<Database>,
    path: PathBuf,
    key: StoreKey,
    /// What redb said when it panicked, if it ever did: its state is then broken (locks
    /// poisoned, page cache half-updated), so it is never called again (see [`Store::guard`]).
    broken: std::sync::Mutex<Option<String>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Runs a read or write of the store, turning a panic inside redb into
    /// [`StoreError::Corrupt`]: redb 4.6 also panics on some damaged pages while reading (a
    /// flipped bit in a branch page, found by `tests/tests/suites/encryption.rs`), and damage must
    /// be reported, never crash the app.
    ///
    /// After such a panic redb is never called again, not even to close it: its state is
    /// broken (page cache half-updated, locks poisoned), every later call panics again, and a
    /// close can panic twice over (a page's destructor panicking during the unwind), which
    /// aborts the process whatever catches it. Every later read or write says the store is
    /// damaged.
    fn guard<T, E: From<StoreError>>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        if let Some(detail) = self.broken().clone() {
            return Err(self.corrupt(detail).into());
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
            let detail = panic_detail(panic.as_ref());
            *self.broken() = Some(detail.clone());
            Err(self.corrupt(detail).into())
        })
    }

    fn broken(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.broken
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn corrupt(&self, detail: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail,
        }
    }

    fn db(&self) -> &Database {
        self.db
            .as_ref()
            .unwrap_or_else(|| unreachable!("the database is only taken when the store drops"))
    }

    /// The store file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store file's size in bytes (0 in memory).
    pub fn file_size(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    /// A meta value.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(META)?;
            let Some(value) = table.get(key)? else {
                return Ok(None);
            };
            if sealing::meta_is_plain(key) {
                return Ok(Some(value.value().to_vec()));
            }
            self.unseal(&row(&META, &[key.as_bytes()]), value.value())
                .map(Some)
        })
    }

    /// Every document id in the store, sorted.
    pub fn doc_ids(&self) -> Result<Vec<DocId>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let mut ids = std::collections::BTreeSet::new();
            for row in tx.open_table(SNAPSHOTS)?.iter()? {
                ids.insert(row?.0.value().to_string());
            }
            for row in tx.open_table(CHUNKS)?.iter()? {
                ids.insert(row?.0.value().0.to_string());
            }
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.push(id.parse().map_err(|_| StoreError::BadDocument {
                    doc: id.clone(),
                    detail: "unknown document id".into(),
                })?);
            }
            Ok(out)
        })
    }

    /// A document's stored bytes, or `None` when the store has no such document.
    pub fn doc_bytes(&self, doc: &DocId) -> Result<Option<StoredDoc>, StoreError> {
        self.guard(|| {
            let key = doc.to_string();
            let tx = self.db().begin_read()?;
            let snapshot = match tx.open_table(SNAPSHOTS)?.get(key.as_str())? {
                Some(v) => Some(self.unseal(&row(&SNAPSHOTS, &[key.as_bytes()]), v.value())?),
                None => None,
            };
            let chunks_table = tx.open_table(CHUNKS)?;
            let mut chunks = Vec::new();
            for stored in chunks_table.range((key.as_str(), 0)..=(key.as_str(), u64::MAX))? {
                let (k, v) = stored?;
                let n = k.value().1.to_be_bytes();
                chunks.push(self.unseal(&row(&CHUNKS, &[key.as_bytes(), &n]), v.value())?);
            }
            if snapshot.is_none() && chunks.is_empty() {
                return Ok(None);
            }
            Ok(Some(StoredDoc { snapshot, chunks }))
        })
    }

    /// Every summary row of one kind, as stored JSON bytes, in id order.
    pub fn summaries(&self, kind: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        self.decode_summaries(kind, |b| Ok(b.to_vec()))
    }

    /// One summary row.
    pub fn summary(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(SUMMARIES)?;
            table
                .get((kind, id))?
                .map(|v| {
                    self.unseal(
                        &row(&SUMMARIES, &[kind.as_bytes(), id.as_bytes()]),
                        v.value(),
                    )
                })
                .transpose()
        })
    }

    /// The number of summary rows of each kind.
    pub fn summary_count(&self) -> Result<u64, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            Ok(tx.open_table(SUMMARIES)?.len()?)
        })
    }

    /// A document's recorded heads (sorted hashes concatenated), if recorded.
    pub fn doc_heads(&self, doc: &DocId) -> Result<Option<Vec<u8>>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(HEADS)?;
            let key = doc.to_string();
            table
                .get(key.as_str())?
                .map(|v| self.unseal(&row(&HEADS, &[key.as_bytes()]), v.value()))
                .transpose()
        })
    }

    /// A stored sync state.
    pub fn sync_state(&self, peer: &str, doc: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(SYNC_STATES)?;
            table
                .get((peer, doc))?
                .map(|v| {
                    self.unseal(
                        &row(&SYNC_STATES, &[peer.as_bytes(), doc.as_bytes()]),
                        v.value(),
                    )
                })
                .transpose()
        })
    }

    /// A device-local record (see [`tables::LOCAL`]).
    pub fn local(&self, kind: &str, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(LOCAL)?;
            table
                .get((kind, key))?
                .map(|v| self.unseal(&row(&LOCAL, &[kind.as_bytes(), key.as_bytes()]), v.value()))
                .transpose()
        })
    }

    /// Every device-local record of one kind, in key order.
    pub fn locals(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(LOCAL)?;
            let mut out = Vec::new();
            for stored in table.range((kind, "")..)? {
                let (k, v) = stored?;
                let (k_kind, key) = k.value();
                if k_kind != kind {
                    break;
                }
                let value =
                    self.unseal(&row(&LOCAL, &[kind.as_bytes(), key.as_bytes()]), v.value())?;
                out.push((key.to_string(), value));
            }
            Ok(out)
        })
    }

    /// Applies a batch as it is, in one durable transaction, for tests that write what no
    /// operation would (damaged bytes, bare rows): see [`Store::write`].
    #[cfg(feature = "test-support")]
    pub fn write_unchecked(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.write(batch)
    }

    /// Applies a batch in one durable transaction.
    pub(crate) fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.guard(|| {
            if batch.is_empty() {
                return Ok(());
            }
            let tx = self.db().begin_write()?;
            {
                let mut snapshots = tx.open_table(SNAPSHOTS)?;
                let mut chunks = tx.open_table(CHUNKS)?;
                for (doc, bytes) in &batch.snapshots {
                    let key = doc.to_string();
                    let sealed = self.seal(&row(&SNAPSHOTS, &[key.as_bytes()]), bytes)?;
                    snapshots.insert(key.as_str(), sealed.as_slice())?;
                    chunks.retain_in((key.as_str(), 0)..=(key.as_str(), u64::MAX), |_, _| false)?;
                }
                for (doc, bytes) in &batch.chunks {
                    let key = doc.to_string();
                    let next = chunks
                        .range((key.as_str(), 0)..=(key.as_str(), u64::MAX))?
                        .next_back()
                        .transpose()?
                        .map(|(k, _)| k.value().1 + 1)
                        .unwrap_or(0);
                    let sealed =
                        self.seal(&row(&CHUNKS, &[key.as_bytes(), &next.to_be_bytes()]), bytes)?;
                    chunks.insert((key.as_str(), next), sealed.as_slice())?;
                }
                let mut summaries = tx.open_table(SUMMARIES)?;
                for (kind, id, json) in &batch.summaries {
                    let sealed =
                        self.seal(&row(&SUMMARIES, &[kind.as_bytes(), id.as_bytes()]), json)?;
                    summaries.insert((*kind, id.as_str()), sealed.as_slice())?;
                }
                let mut meta_table = tx.open_table(META)?;
                for (key, value) in &batch.meta {
                    if sealing::meta_is_plain(key) {
                        // The lock and the format are written by the store itself, never by a batch.
                        return Err(StoreError::Key(CryptError::Damaged(
                            "a write of the store's own plain meta values",
                        )));
                    }
                    let sealed = self.seal(&row(&META, &[key.as_bytes()]), value)?;
                    meta_table.insert(*key, sealed.as_slice())?;
                }
                let mut heads = tx.open_table(HEADS)?;
                for (doc, bytes) in &batch.heads {
                    let key = doc.to_string();
                    let sealed = self.seal(&row(&HEADS, &[key.as_bytes()]), bytes)?;
                    heads.insert(key.as_str(), sealed.as_slice())?;
                }
                let mut states = tx.open_table(SYNC_STATES)?;
                for (peer, doc, bytes) in &batch.sync_states {
                    let sealed = self.seal(
                        &row(&SYNC_STATES, &[peer.as_bytes(), doc.as_bytes()]),
                        bytes,
                    )?;
                    states.insert((peer.as_str(), doc.as_str()), sealed.as_slice())?;
                }
                let mut local = tx.open_table(LOCAL)?;
                for (kind, key, bytes) in &batch.local {
                    match bytes {
                        Some(b) => {
                            let sealed =
                                self.seal(&row(&LOCAL, &[kind.as_bytes(), key.as_bytes()]), b)?;
                            local.insert((*kind, key.as_str()), sealed.as_slice())?
                        }
                        None => local.remove((*kind, key.as_str()))?,
                    };
                }
                self.raise_actor_seqs(&tx, &batch.actor_seqs)?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}

impl Drop for Store {
    /// Closing writes redb's allocator state, and redb 4.6 panics there on some damaged files
    /// ("bit < self.len" in its bitmap): closing a damaged store must not crash the app
    /// either. A store redb already panicked on is not closed at all (see [`Store::guard`]):
    /// its memory and file handle go when the process ends, and redb repairs the file the next
    /// time it opens, or says it is damaged.
    fn drop(&mut self) {
        let Some(db) = self.db.take() else {
            return;
        };
        if let Some(detail) = self.broken().take() {
            tracing::warn!(store = %self.path.display(), %detail, "the damaged store is left unclosed");
            std::mem::forget(db);
            return;
        }
        let closed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(db)));
        if closed.is_err() {
            tracing::warn!(store = %self.path.display(), "the damaged store did not close cleanly");
        }
    }
}

#[cfg(test)]
mod tests;
