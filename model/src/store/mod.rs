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

pub mod crypt;
mod migrations;
mod sealing;
pub mod tables;

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use crate::doc_id::DocId;
use crypt::{CryptError, Passphrase, StoreKey};
use sealing::{Unlock, row};
use tables::{CHUNKS, HEADS, LOCAL, META, SNAPSHOTS, SUMMARIES, SYNC_STATES, meta};

/// The file name of the store inside a data directory.
pub const STORE_FILE: &str = "gridbook.redb";

/// Why the store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No store in the data directory yet.
    #[error(
        "no Gridbook store in {0}: found a network with `gridbook init` or make demo data with `gridbook demo`"
    )]
    Missing(PathBuf),
    /// The file exists but is not a Gridbook store.
    #[error(
        "{0} is not a Gridbook store; it was left untouched: point --data at a Gridbook data directory"
    )]
    NotAStore(PathBuf),
    /// The file is damaged.
    #[error(
        "the store {path} is damaged ({detail}); it was left untouched: restore it from a backup or sync a fresh store from a peer"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What redb said.
        detail: String,
    },
    /// Another process holds the store.
    #[error(
        "the store {0} is open in another Gridbook process (the app or `gridbook serve`): close it, or run this command through it"
    )]
    InUse(PathBuf),
    /// Written by a newer Gridbook.
    #[error(
        "this store has schema version {found}, newer than this Gridbook understands ({supported}): update Gridbook"
    )]
    NewerFormat {
        /// The store's version.
        found: u32,
        /// This build's version.
        supported: u32,
    },
    /// A document's stored bytes did not load.
    #[error("document {doc} in the store does not load ({detail}): the store may be damaged")]
    BadDocument {
        /// Which document.
        doc: String,
        /// What Automerge said.
        detail: String,
    },
    /// The passphrase does not open the store's lock.
    #[error(
        "wrong passphrase for the store {0}: nothing was opened; give the one set at `gridbook init` or by the last `gridbook passphrase`"
    )]
    WrongPassphrase(PathBuf),
    /// Written before encryption at rest: refused rather than sealed in place.
    #[error(
        "the store {path} was written by a Gridbook without encryption at rest (schema {schema}); it was left untouched: move it aside and join the network again (`gridbook join`) so this device gets an encrypted store from a peer"
    )]
    Unencrypted {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        schema: u32,
    },
    /// The key could not be made or the passphrase is unusable.
    #[error("{0}")]
    Key(CryptError),
    /// The disk or redb failed.
    #[error("storage error: {0}")]
    Storage(#[from] redb::Error),
    /// The data directory could not be made.
    #[error("cannot use data directory {path}: {source}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Storage(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// What one durable write puts in the store. Built by the caller, applied in one transaction.
#[derive(Debug, Default)]
pub struct WriteBatch {
    /// Incremental saves to append, per document.
    pub chunks: Vec<(DocId, Vec<u8>)>,
    /// Full saves that replace a document's snapshot and drop its chunks (compaction).
    pub snapshots: Vec<(DocId, Vec<u8>)>,
    /// Summary rows to upsert: (kind, id, JSON).
    pub summaries: Vec<(&'static str, String, Vec<u8>)>,
    /// Meta values to set.
    pub meta: Vec<(&'static str, Vec<u8>)>,
    /// Sync states to set: (peer, document, bytes).
    pub sync_states: Vec<(String, String, Vec<u8>)>,
    /// Documents' current heads to record: (document, sorted hashes concatenated).
    pub heads: Vec<(DocId, Vec<u8>)>,
    /// Device-local records to set, or to delete when `None`: (kind, key, bytes).
    pub local: Vec<(&'static str, String, Option<Vec<u8>>)>,
}

impl WriteBatch {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
            && self.snapshots.is_empty()
            && self.summaries.is_empty()
            && self.meta.is_empty()
            && self.sync_states.is_empty()
            && self.heads.is_empty()
            && self.local.is_empty()
    }
}

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
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn classify_open_error(path: &Path, e: redb::DatabaseError) -> StoreError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse(path.to_path_buf()),
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(detail)) => {
            if detail.contains("magic") || detail.contains("header") {
                StoreError::NotAStore(path.to_path_buf())
            } else {
                StoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail,
                }
            }
        }
        redb::DatabaseError::Storage(redb::StorageError::Io(io))
            if io.to_string().contains("Not a redb database") =>
        {
            StoreError::NotAStore(path.to_path_buf())
        }
        other => StoreError::Storage(other.into()),
    }
}

/// Runs `open`, turning a panic inside redb into [`StoreError::Corrupt`]. redb 4.6 panics on
/// some damaged files instead of returning an error (a flipped byte in the allocator state:
/// "Malformed allocator state", found by the mutation pass in tests/tests/decoders.rs); a
/// damaged store must get the message that says what to do, not a crash. The half-opened
/// database is dropped during the unwind, which releases the file.
fn open_guarded(
    path: &Path,
    open: impl FnOnce() -> Result<Store, StoreError>,
) -> Result<Store, StoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(open)).unwrap_or_else(|panic| {
        Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: panic_detail(panic.as_ref()),
        })
    })
}

/// What a panic inside redb said.
fn panic_detail(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("redb panicked")
        .to_string()
}

impl Store {
    /// Opens the store in `data_dir` with its passphrase; creates it (and the directory),
    /// locked with `passphrase`, when `create` is set and there is none. An existing file is
    /// never overwritten.
    pub fn open(
        data_dir: &Path,
        create: bool,
        passphrase: &Passphrase,
    ) -> Result<Store, StoreError> {
        let path = data_dir.join(STORE_FILE);
        let exists = path.exists();
        if !exists && !create {
            return Err(StoreError::Missing(data_dir.to_path_buf()));
        }
        if !exists {
            std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Dir {
                path: data_dir.to_path_buf(),
                source,
            })?;
        }
        if exists
            && std::fs::metadata(&path)
                .map(|m| m.len() == 0)
                .unwrap_or(false)
        {
            return Err(StoreError::NotAStore(path));
        }
        let opened = path.clone();
        open_guarded(&opened.clone(), move || {
            let db = if exists {
                Database::open(&path)
            } else {
                Database::create(&path)
            }
            .map_err(|e| classify_open_error(&path, e))?;
            Self::init(db, path, !exists, Unlock::Passphrase(passphrase))
        })
        .map_err(|e| match e {
            StoreError::Corrupt { detail, .. } => StoreError::Corrupt {
                path: opened,
                detail,
            },
            other => other,
        })
    }

    /// A store in memory, for tests: its values are sealed with a random key no lock keeps.
    pub fn in_memory() -> Result<Store, StoreError> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(|e| classify_open_error(Path::new(":memory:"), e))?;
        Self::init(db, PathBuf::from(":memory:"), true, Unlock::Ephemeral)
    }

    /// Opens the store held by any redb storage backend, creating it when the backend is
    /// empty. Crash tests open stores on a backend whose writes fail part-way, as a power cut
    /// would leave a disk; `name` stands for the file in messages.
    pub fn with_backend(
        backend: impl redb::StorageBackend,
        name: &str,
        passphrase: &Passphrase,
    ) -> Result<Store, StoreError> {
        let fresh = backend.len().map_err(redb::StorageError::from)? == 0;
        let path = PathBuf::from(name);
        open_guarded(&path.clone(), move || {
            let db = Database::builder()
                .create_with_backend(backend)
                .map_err(|e| classify_open_error(&path, e))?;
            Self::init(db, path, fresh, Unlock::Passphrase(passphrase))
        })
    }

    fn init(
        db: Database,
        path: PathBuf,
        fresh: bool,
        unlock: Unlock<'_>,
    ) -> Result<Store, StoreError> {
        // An up-to-date store opens with a read alone: no write transaction, no disk flush.
        if !fresh {
            let read = db.begin_read()?;
            let meta_table = match read.open_table(META) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => {
                    return Err(StoreError::NotAStore(path));
                }
                Err(e) => return Err(e.into()),
            };
            let format = meta_table.get(meta::FORMAT)?.map(|v| v.value().to_vec());
            if format.as_deref() != Some(meta::FORMAT_VALUE) {
                return Err(StoreError::NotAStore(path));
            }
            let schema = meta_table
                .get(meta::SCHEMA)?
                .and_then(|v| v.value().try_into().ok().map(u32::from_be_bytes))
                .unwrap_or(0);
            if schema < migrations::SEALED {
                return Err(StoreError::Unencrypted { path, schema });
            }
            if schema == migrations::CURRENT {
                for row in meta_table.iter()? {
                    let (key, _) = row?;
                    if !meta::ALL.contains(&key.value()) {
                        return Err(StoreError::Corrupt {
                            path,
                            detail: format!("an unknown meta row {:?}", key.value()),
                        });
                    }
                }
                let lock = meta_table.get(meta::LOCK)?.map(|v| v.value().to_vec());
                drop((meta_table, read));
                let key = sealing::open_key(lock, &path, unlock)?;
                return Ok(Store {
                    db: Some(db),
                    path,
                    key,
                });
            }
        }
        let tx = db.begin_write()?;
        let key = {
            let schema = {
                let mut meta_table = tx.open_table(META)?;
                let format = meta_table.get(meta::FORMAT)?.map(|v| v.value().to_vec());
                match format {
                    Some(f) if f == meta::FORMAT_VALUE => {}
                    Some(_) => return Err(StoreError::NotAStore(path)),
                    None if fresh => {
                        meta_table.insert(meta::FORMAT, meta::FORMAT_VALUE)?;
                    }
                    None => return Err(StoreError::NotAStore(path)),
                }
                meta_table
                    .get(meta::SCHEMA)?
                    .and_then(|v| v.value().try_into().ok().map(u32::from_be_bytes))
                    .unwrap_or(0)
            };
            if schema != migrations::CURRENT {
                migrations::run(&tx, schema)?;
            }
            if fresh {
                sealing::create_key(&tx, &path, unlock)?
            } else {
                let lock = tx
                    .open_table(META)?
                    .get(meta::LOCK)?
                    .map(|v| v.value().to_vec());
                sealing::open_key(lock, &path, unlock)?
            }
        };
        tx.commit()?;
        Ok(Store {
            db: Some(db),
            path,
            key,
        })
    }

    /// Runs a read or write of the store, turning a panic inside redb into
    /// [`StoreError::Corrupt`]: redb 4.6 also panics on some damaged pages while reading (a
    /// flipped bit in a branch page, found by `tests/tests/encryption.rs`), and damage must
    /// be reported, never crash the app.
    fn guard<T, E: From<StoreError>>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
            Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: panic_detail(panic.as_ref()),
            }
            .into())
        })
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
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(SUMMARIES)?;
            let mut out = Vec::new();
            for stored in table.range((kind, "")..)? {
                let (k, v) = stored?;
                let (k_kind, id) = k.value();
                if k_kind != kind {
                    break;
                }
                out.push(self.unseal(
                    &row(&SUMMARIES, &[kind.as_bytes(), id.as_bytes()]),
                    v.value(),
                )?);
            }
            Ok(out)
        })
    }

    /// Calls `f` with every summary row of one kind, as stored JSON bytes, in id order, one row
    /// opened at a time: no copy of every row first (100k needs are ~45 MB of rows).
    pub fn for_each_summary<E: From<StoreError>>(
        &self,
        kind: &str,
        mut f: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.guard(|| {
            let tx = self.db().begin_read().map_err(StoreError::from)?;
            let table = tx.open_table(SUMMARIES).map_err(StoreError::from)?;
            for stored in table.range((kind, "")..).map_err(StoreError::from)? {
                let (k, v) = stored.map_err(StoreError::from)?;
                let (k_kind, id) = k.value();
                if k_kind != kind {
                    break;
                }
                f(&self.unseal(
                    &row(&SUMMARIES, &[kind.as_bytes(), id.as_bytes()]),
                    v.value(),
                )?)?;
            }
            Ok(())
        })
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

    /// Applies a batch in one durable transaction.
    pub fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
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
            }
            tx.commit()?;
            Ok(())
        })
    }
}

impl Drop for Store {
    /// Closing writes redb's allocator state, and redb 4.6 panics there on some damaged files
    /// ("bit < self.len" in its bitmap): closing a damaged store must not crash the app
    /// either.
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            let closed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(db)));
            if closed.is_err() {
                tracing::warn!(store = %self.path.display(), "the damaged store did not close cleanly");
            }
        }
    }
}

#[cfg(test)]
mod tests;
