//! [`Gridbook`]: one device's documents and store, and every operation people perform on them.
//!
//! An operation edits one or more documents in memory, one Automerge commit per document, then
//! writes the new changes, the summary rows they touch and the device's id counter to the store
//! in one durable redb transaction. If anything fails first, the edits are dropped from memory
//! and nothing is written.

mod access;
mod audit;
mod directory;
mod enforce;
mod exports;
mod follow_ups;
mod history;
mod ledger;
mod local;
mod meetings;
mod need_ref;
mod needs;
mod new_need;
mod parallel;
mod report;
mod residents;
pub mod signing;
mod sync;
mod volunteers;
mod walk_ins;
mod why_ignored;
mod write;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType, ROOT, ReadDoc};

use crate::RecordKind;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{DeviceTag, MemberId};
use crate::store::crypt::Passphrase;
use crate::store::tables::meta;
use crate::store::{Store, StoreError, WriteBatch};
use crate::summary::Row;
use crate::time::Timestamp;

pub use audit::AuditEntry;
pub use directory::{DirectoryView, PlaceKind, PlaceView};
pub use enforce::Ignored;
pub use exports::ExportRecord;
pub use history::HistoryEntry;
pub use meetings::{FollowUpView, MeetingView, MotionView, NewMeeting};
pub use needs::{NeedEdit, NewNeed, Recorded};
pub use residents::{NewResident, ResidentEdit};
pub use volunteers::{ACTIVITY, ActivitySummary, NewVolunteer, VolunteerView};
pub use walk_ins::WalkIn;
pub use why_ignored::{Part, WhyIgnored};
use write::Loaded;

/// This device's identity: an ed25519 key, kept in the store. Its public key is the device id
/// and the Automerge actor of every change this device makes.
#[derive(Clone)]
pub struct DeviceKey {
    secret: [u8; 32],
    public: [u8; 32],
    signing: ed25519_dalek::SigningKey,
}

impl DeviceKey {
    fn from_secret(secret: [u8; 32]) -> Self {
        let signing = ed25519_dalek::SigningKey::from_bytes(&secret);
        let public = signing.verifying_key().to_bytes();
        DeviceKey {
            secret,
            public,
            signing,
        }
    }

    /// The message of the signature change that signs this device's change `hash`
    /// ([`signing`]).
    pub fn sign_change(&self, hash: &automerge::ChangeHash) -> String {
        signing::signature_message(&self.signing, hash)
    }

    /// The secret key bytes (for the network layer).
    pub fn secret_bytes(&self) -> &[u8; 32] {
        &self.secret
    }

    /// The public key: the device id.
    pub fn public_bytes(&self) -> &[u8; 32] {
        &self.public
    }

    /// The device id as hex.
    pub fn id_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(&self.public)
    }

    /// The short tag in this device's record ids.
    pub fn tag(&self) -> DeviceTag {
        DeviceTag::of_key(&self.public)
    }
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKey")
            .field("public", &self.id_hex())
            .finish_non_exhaustive()
    }
}

/// Hands out record sequence numbers inside an operation.
pub struct IdSource {
    tag: DeviceTag,
    next: u64,
}

impl IdSource {
    /// The next id of any record kind, like `NeedId::new`.
    pub fn next<T>(&mut self, make: fn(&DeviceTag, u64) -> T) -> T {
        let id = make(&self.tag, self.next);
        self.next += 1;
        id
    }

    /// This device's tag.
    pub fn tag(&self) -> &DeviceTag {
        &self.tag
    }
}

/// One device's Gridbook: its store, its key and the documents it has loaded.
pub struct Gridbook {
    store: Store,
    key: DeviceKey,
    ids: IdSource,
    docs: HashMap<DocId, Loaded>,
    pending: WriteBatch,
    touched: HashSet<DocId>,
    clock: fn() -> Timestamp,
    fixed_now: Option<Timestamp>,
    depth: u32,
    /// Durable writes that stored document changes since the book was opened.
    revision: u64,
    access: access::AccessCache,
    /// The documents whose changes were checked in full (enforce.rs), for tests.
    #[cfg(test)]
    full_checks: Vec<DocId>,
}

impl std::fmt::Debug for Gridbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gridbook")
            .field("store", &self.store)
            .field("device", &self.key)
            .finish_non_exhaustive()
    }
}

/// What makes a device's identity, written once when its store is made: its secret key and
/// its id counter, starting at 1.
fn device_identity(secret: [u8; 32]) -> WriteBatch {
    WriteBatch {
        meta: vec![
            (meta::DEVICE_SECRET, secret.to_vec()),
            (meta::NEXT_SEQ, 1u64.to_be_bytes().to_vec()),
        ],
        ..Default::default()
    }
}

/// The device (hex public key) whose change has `actor`: its first 32 bytes. A device writes as
/// its key, or — on a document where some of its own changes are ignored — as its key followed
/// by 8 bytes ([`enforce`]'s derived actors), because Automerge numbers each actor's changes
/// and the accepted view lacks the ignored ones.
pub(crate) fn device_of(actor: &ActorId) -> String {
    let bytes = actor.to_bytes();
    data_encoding::HEXLOWER.encode(&bytes[..bytes.len().min(32)])
}

/// The actor of a document's first change. Every device writes the same first change (the
/// document's empty containers, by this actor, at time 0), so two devices that start the same
/// document offline share its containers instead of racing to create them.
fn genesis_actor(doc: &DocId) -> ActorId {
    ActorId::from(format!("gridbook-genesis:{doc}").into_bytes())
}

fn genesis(doc_id: &DocId) -> Result<Automerge> {
    let mut doc = Automerge::new().with_actor(genesis_actor(doc_id));
    let maps: &[&str] = match doc_id {
        DocId::Directory => &[
            "communities",
            "courtyards",
            "grids",
            "buildings",
            "residents",
            "members",
            "devices",
            "catalog",
        ],
        DocId::Needs { .. } => &["needs"],
        DocId::Meeting(_) => &["attendees", "topics", "motions", "decisions"],
        DocId::Roster { .. } => &["volunteers", "teams"],
        DocId::Timebank { .. } => &["activities", "movements"],
    };
    doc.transact_with::<_, _, automerge::AutomergeError, _>(
        |_| {
            CommitOptions::default()
                .with_time(0)
                .with_message("genesis")
        },
        |tx| {
            for key in maps {
                tx.put_object(ROOT, *key, ObjType::Map)?;
            }
            if matches!(doc_id, DocId::Meeting(_)) {
                tx.put_object(ROOT, "minutes", ObjType::Text)?;
            }
            Ok(())
        },
    )
    .map_err(|f| Error::malformed(doc_id, f.error))?;
    Ok(doc)
}

impl Gridbook {
    /// Opens the store in `data_dir`, which must exist, with its passphrase.
    pub fn open(data_dir: &Path, passphrase: &Passphrase) -> Result<Gridbook> {
        Self::from_store(Store::open(data_dir, false, passphrase)?)
    }

    /// Opens the store in `data_dir`, creating it (locked with `passphrase`) if there is none.
    pub fn open_or_create(data_dir: &Path, passphrase: &Passphrase) -> Result<Gridbook> {
        Self::from_store(Store::open(data_dir, true, passphrase)?)
    }

    /// A Gridbook on a store in memory, for tests.
    pub fn in_memory() -> Result<Gridbook> {
        Self::from_store(Store::in_memory()?)
    }

    /// A Gridbook in memory whose device key is made from `seed`, for deterministic demos.
    pub fn in_memory_seeded(seed: [u8; 32]) -> Result<Gridbook> {
        let store = Store::in_memory()?;
        store.write(device_identity(seed))?;
        Self::from_store(store)
    }

    /// Creates a store in `data_dir` whose device key is `secret`, for deterministic demo data.
    /// Refuses a directory that already holds a store.
    pub fn create_with_key(
        data_dir: &Path,
        secret: [u8; 32],
        passphrase: &Passphrase,
    ) -> Result<Gridbook> {
        if data_dir.join(crate::store::STORE_FILE).exists() {
            return Err(Error::StoreExists(data_dir.to_path_buf()));
        }
        let store = Store::open(data_dir, true, passphrase)?;
        store.write(device_identity(secret))?;
        Self::from_store(store)
    }

    /// Uses an opened store; makes this device's key on first use.
    ///
    /// The key and the id counter are written together, once, so a store that has one and
    /// not the other, or has documents and no key, is damaged: making a new key or counting
    /// ids from 1 again would silently give the device another identity or reuse its ids.
    pub fn from_store(store: Store) -> Result<Gridbook> {
        let damaged = |detail: &str| StoreError::Corrupt {
            path: store.path().into(),
            detail: detail.into(),
        };
        let secret = store.meta(meta::DEVICE_SECRET)?;
        let next = store.meta(meta::NEXT_SEQ)?;
        let (secret, next): ([u8; 32], u64) = match (secret, next) {
            (Some(secret), Some(next)) => (
                secret
                    .as_slice()
                    .try_into()
                    .map_err(|_| damaged("the device key"))?,
                next.as_slice()
                    .try_into()
                    .map(u64::from_be_bytes)
                    .map_err(|_| damaged("the id counter"))?,
            ),
            (None, None) if store.doc_ids()?.is_empty() => {
                let mut secret = [0u8; 32];
                getrandom::fill(&mut secret).map_err(|e| {
                    StoreError::Key(crate::store::crypt::CryptError::NoRandomness(e.to_string()))
                })?;
                store.write(device_identity(secret))?;
                (secret, 1)
            }
            (None, _) => return Err(damaged("the device key is missing").into()),
            (Some(_), None) => return Err(damaged("the id counter is missing").into()),
        };
        let key = DeviceKey::from_secret(secret);
        Ok(Gridbook {
            ids: IdSource {
                tag: key.tag(),
                next,
            },
            store,
            key,
            docs: HashMap::new(),
            pending: WriteBatch::default(),
            touched: HashSet::new(),
            clock: Timestamp::now,
            fixed_now: None,
            depth: 0,
            revision: 0,
            access: access::AccessCache::default(),
            #[cfg(test)]
            full_checks: Vec::new(),
        })
    }

    /// Replaces the clock (tests and deterministic demos).
    pub fn set_clock(&mut self, clock: fn() -> Timestamp) {
        self.clock = clock;
    }

    /// Makes `now` return this time until set back to `None` (demo data, imports of dated
    /// records, tests of wrong clocks).
    pub fn set_now(&mut self, now: Option<Timestamp>) {
        self.fixed_now = now;
    }

    /// Now, by this device's clock.
    pub fn now(&self) -> Timestamp {
        self.fixed_now.unwrap_or_else(self.clock)
    }

    /// This device's key.
    pub fn device(&self) -> &DeviceKey {
        &self.key
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The member using this device, if set.
    pub fn member(&self) -> Result<Option<MemberId>> {
        match self.store.meta(meta::MEMBER)? {
            None => Ok(None),
            Some(b) => Ok(Some(String::from_utf8_lossy(&b).parse()?)),
        }
    }

    /// Every document id this device holds.
    pub fn doc_ids(&self) -> Result<Vec<DocId>> {
        let mut ids: std::collections::BTreeSet<DocId> =
            self.store.doc_ids()?.into_iter().collect();
        // A document a peer named but never filled (a sync cut or refused before its first
        // change) is loaded empty; it is no document of this device's.
        ids.extend(
            self.docs
                .iter()
                .filter(|(_, l)| !l.doc.get_heads().is_empty())
                .map(|(id, _)| id.clone()),
        );
        Ok(ids.into_iter().collect())
    }

    /// A document as the app reads it: at the heads of its accepted changes (see enforce.rs),
    /// loaded from the store on first use; `None` if this device has no such document.
    pub fn doc(&mut self, id: &DocId) -> Result<Option<&Automerge>> {
        if !self.load(id)? {
            return Ok(None);
        }
        self.check(id)?;
        Ok(self.docs.get(id).map(|l| {
            l.checked
                .as_ref()
                .and_then(|c| c.view.as_ref())
                .unwrap_or(&l.doc)
        }))
    }

    /// A document with every change this device holds, ignored ones included: for copying it
    /// whole to another replica (tests, bundles), never for reading.
    pub fn full_doc(&mut self, id: &DocId) -> Result<Option<&Automerge>> {
        self.load(id)?;
        Ok(self.docs.get(id).map(|l| &l.doc))
    }

    fn load(&mut self, id: &DocId) -> Result<bool> {
        if self.docs.contains_key(id) {
            return Ok(true);
        }
        let Some(stored) = self.store.doc_bytes(id)? else {
            return Ok(false);
        };
        let bad = |e: automerge::AutomergeError| StoreError::BadDocument {
            doc: id.to_string(),
            detail: e.to_string(),
        };
        let mut doc = match &stored.snapshot {
            Some(bytes) => Automerge::load(bytes).map_err(bad)?,
            None => Automerge::new(),
        };
        let snapshot_ops = doc.stats().num_ops;
        for chunk in &stored.chunks {
            doc.load_incremental(chunk).map_err(bad)?;
        }
        doc.set_actor(ActorId::from(self.key.public.as_slice()));
        self.docs.insert(
            id.clone(),
            Loaded {
                doc,
                checked: None,
                chunks: stored.chunks.len(),
                snapshot_ops,
            },
        );
        Ok(true)
    }

    /// A summary row, as this operation (or batch) has it so far.
    pub(crate) fn summary_row(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>> {
        if let Some((_, _, json)) = self
            .pending
            .summaries
            .iter()
            .rev()
            .find(|(k, i, _)| *k == kind && i == id)
        {
            return Ok(Some(json.clone()));
        }
        Ok(self.store.summary(kind, id)?)
    }

    /// Every stored summary row of `kind`, decoded, in id order (decoded on every core).
    pub(crate) fn summary_rows<T>(&self, kind: &str) -> Result<Vec<T>>
    where
        T: serde::de::DeserializeOwned + Send,
    {
        self.store.decode_summaries(kind, |b| {
            serde_json::from_slice(b).map_err(|e| Error::malformed("summaries", e))
        })
    }

    /// Writes raw meta values (device-local settings) durably.
    pub(crate) fn write_meta(&self, key: &'static str, value: Vec<u8>) -> Result<()> {
        Ok(self.store.write(WriteBatch {
            meta: vec![(key, value)],
            ..Default::default()
        })?)
    }

    /// Merges another replica's document into this device's copy and stores what was new, with
    /// fresh summary rows for the whole document. Returns how many changes were new.
    pub fn merge_doc(&mut self, doc_id: &DocId, other: &mut Automerge) -> Result<usize> {
        let before = self.membership_before(doc_id)?;
        self.op(|book| {
            if !book.load(doc_id)? {
                // A document this device lacks is taken whole: merged into an empty one, its
                // changes would be applied one by one (a bundle of 10k needs took 10 s so).
                let mut doc = other.clone();
                doc.set_actor(ActorId::from(book.key.public.as_slice()));
                let new = signing::edits_since(&doc, &[]);
                book.docs.insert(doc_id.clone(), Loaded::new(doc, 0));
                book.touched.insert(doc_id.clone());
                book.stage_changes(doc_id, &[]);
                for row in book.rows_of(doc_id)? {
                    book.pending.summaries.push((row.kind, row.id, row.json));
                }
                return Ok(new);
            }
            let loaded = book
                .docs
                .get_mut(doc_id)
                .ok_or_else(|| Error::not_found(RecordKind::Document, doc_id))?;
            let heads = loaded.doc.get_heads();
            // `merge` answers with the new heads, not the new changes: count those after it.
            loaded
                .doc
                .merge(other)
                .map_err(|e| Error::malformed(doc_id, e))?;
            // A signature alone is no edit to report, but it may make one count: store it and
            // recompute the rows all the same.
            let arrived = loaded.doc.get_heads() != heads;
            let new = signing::edits_since(&loaded.doc, &heads);
            book.touched.insert(doc_id.clone());
            if arrived {
                book.stage_changes(doc_id, &heads);
                let rows = book.rows_of(doc_id)?;
                for row in rows {
                    book.pending.summaries.push((row.kind, row.id, row.json));
                }
                if let Some(before) = &before {
                    book.refresh_rows_since(before)?;
                }
            }
            Ok(new)
        })
    }

    /// The membership before a change to `doc_id`, when that document is the directory (whose
    /// records decide how every other document reads).
    pub(crate) fn membership_before(
        &mut self,
        doc_id: &DocId,
    ) -> Result<Option<crate::access::Membership>> {
        Ok(if *doc_id == DocId::Directory {
            Some(self.membership()?.clone())
        } else {
            None
        })
    }

    /// Every summary row a document yields, recomputed from the document.
    pub fn rows_of(&mut self, doc_id: &DocId) -> Result<Vec<Row>> {
        let Some(doc) = self.doc(doc_id)? else {
            return Ok(Vec::new());
        };
        match doc_id {
            DocId::Needs { .. } => needs::rows_of_doc(doc, doc_id),
            DocId::Meeting(_) => {
                meetings::rows_of_doc(doc, doc_id).map(|r| r.into_iter().collect())
            }
            DocId::Roster { .. } | DocId::Timebank { .. } => volunteers::rows_of_doc(doc, doc_id),
            DocId::Directory => Ok(Vec::new()),
        }
    }

    /// The summary rows whose stored copy differs from a recomputation from the documents
    /// (missing or stale), as `kind id`: empty in a healthy store. Reads every document.
    pub fn stale_summaries(&mut self) -> Result<Vec<String>> {
        let mut stale = Vec::new();
        for doc in self.doc_ids()? {
            for row in self.rows_of(&doc)? {
                if self.store.summary(row.kind, &row.id)?.as_ref() != Some(&row.json) {
                    stale.push(format!("{} {}", row.kind, row.id));
                }
            }
        }
        Ok(stale)
    }
}

/// A document's heads as the store records them: sorted, concatenated.
pub(crate) fn encode_heads(mut heads: Vec<automerge::ChangeHash>) -> Vec<u8> {
    heads.sort();
    heads.iter().flat_map(|h| h.0).collect()
}

/// The map object at `key` in `obj`, which Gridbook's genesis change created.
pub(crate) fn map_at<D: Read>(
    doc: &D,
    obj: automerge::ObjId,
    key: &str,
    doc_name: &str,
) -> Result<automerge::ObjId> {
    match ReadDoc::get(doc, &obj, key).map_err(|e| Error::malformed(doc_name, e))? {
        Some((automerge::Value::Object(_), id)) => Ok(id),
        _ => Err(Error::malformed(doc_name, format!("'{key}' is missing"))),
    }
}

/// What both Automerge (conflicts, keys) and autosurgeon (hydrate) read from: a document or a
/// transaction in progress.
pub(crate) trait Read: ReadDoc + autosurgeon::ReadDoc {}
impl<T: ReadDoc + autosurgeon::ReadDoc> Read for T {}

impl Gridbook {
    /// The canonical JSON of every document (see [`crate::dump`]): one object keyed by
    /// document id. Two converged devices produce identical values.
    pub fn dump(&mut self) -> Result<serde_json::Value> {
        let mut out = serde_json::Map::new();
        for id in self.doc_ids()? {
            if let Some(doc) = self.doc(&id)? {
                out.insert(id.to_string(), crate::dump::doc_json(doc));
            }
        }
        Ok(serde_json::Value::Object(out))
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod meeting_day_tests;
