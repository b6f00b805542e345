//! How edits reach the store: each document is edited in memory in one Automerge commit, its
//! new changes are staged as a chunk (or, once chunks grow too many or too large, a snapshot
//! that replaces them), and one operation — or a batch of them — is one durable write.

use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{ActorId, Automerge, ROOT, ReadDoc as _};

use super::{Gridbook, IdSource, encode_heads, genesis, map_at};
use crate::RecordKind;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::store::WriteBatch;
use crate::store::tables::meta;
use crate::summary::Row;

/// Documents are compacted (snapshot rewritten, chunks dropped) after this many chunks…
pub(super) const COMPACT_AFTER_CHUNKS: usize = 64;

/// …or once their chunks hold more than this many ops and more than an eighth of their
/// snapshot's. Chunks are changes: an op loads about 4 times slower from a change than from a
/// snapshot (and takes ~14 times the bytes), so a bulk import left in chunks loaded slowly
/// (5,000 needs: 528 ms from chunks, ~140 ms from a snapshot); this keeps chunks under about
/// half a snapshot's load time. Deciding by ops, known before the chunk is encoded, spares
/// encoding a chunk that compaction would throw away.
const COMPACT_AFTER_OPS: u64 = 2_048;

pub(super) struct Loaded {
    /// Every change this device holds, ignored ones included: what sync and storage see.
    pub(super) doc: Automerge,
    /// What reading it sees (see enforce.rs), once checked.
    pub(super) checked: Option<super::enforce::Checked>,
    pub(super) chunks: usize,
    /// The document's ops in its stored snapshot (0 if none); the rest are in chunks.
    pub(super) snapshot_ops: u64,
}

impl Loaded {
    pub(super) fn new(doc: Automerge, chunks: usize) -> Self {
        Loaded {
            doc,
            checked: None,
            chunks,
            snapshot_ops: 0,
        }
    }

    fn ops(&self) -> u64 {
        self.doc.stats().num_ops
    }

    /// Whether to store the document whole now instead of one more chunk.
    fn wants_compaction(&self) -> bool {
        let chunk_ops = self.ops().saturating_sub(self.snapshot_ops);
        self.chunks >= COMPACT_AFTER_CHUNKS
            || chunk_ops > COMPACT_AFTER_OPS.max(self.snapshot_ops / 8)
    }

    /// What to store for the changes since `since`: one more chunk, or, when the chunks have
    /// grown too many or too large, a new snapshot that replaces them.
    pub(super) fn stage(&mut self, since: &[automerge::ChangeHash]) -> Staged {
        let heads = encode_heads(self.doc.get_heads());
        let actor_seqs = actor_seqs(&self.doc, since);
        let bytes = if self.wants_compaction() {
            self.chunks = 0;
            self.snapshot_ops = self.ops();
            StagedBytes::Snapshot(self.doc.save())
        } else {
            self.chunks += 1;
            StagedBytes::Chunk(self.doc.save_after(since))
        };
        Staged {
            heads,
            bytes,
            actor_seqs,
        }
    }
}

/// The highest sequence number of each actor's changes after `since` in `doc`: what the
/// store's actor index (`store/actor_index.rs`) learns when they are stored. Reads the
/// changes' metadata only.
fn actor_seqs(doc: &Automerge, since: &[automerge::ChangeHash]) -> Vec<(ActorId, u64)> {
    let mut highest: std::collections::HashMap<ActorId, u64> = Default::default();
    for change in doc.get_changes_meta(since) {
        let seq = highest.entry(change.actor.into_owned()).or_default();
        *seq = (*seq).max(change.seq);
    }
    highest.into_iter().collect()
}

/// A document's new changes, ready for the pending write.
pub(super) struct Staged {
    heads: Vec<u8>,
    bytes: StagedBytes,
    /// Its actors' highest sequence numbers among them, for the actor index.
    actor_seqs: Vec<(ActorId, u64)>,
}

pub(super) enum StagedBytes {
    Chunk(Vec<u8>),
    Snapshot(Vec<u8>),
}

impl Gridbook {
    /// Edits one document in one Automerge commit, in memory. `f` returns its result and the
    /// summary rows the edit touched. The edit reaches the store at the end of the operation.
    pub(super) fn edit<R>(
        &mut self,
        doc_id: &DocId,
        message: &str,
        f: impl FnOnce(&mut Transaction<'_>, &mut IdSource) -> Result<(R, Vec<Row>)>,
    ) -> Result<R> {
        self.ensure_doc(doc_id)?;
        self.check(doc_id)?;
        let time = self.now().0 / 1000;
        let loaded = self
            .docs
            .get_mut(doc_id)
            .ok_or_else(|| Error::not_found(RecordKind::Document, doc_id))?;
        let heads = loaded.doc.get_heads();
        let ids = &mut self.ids;
        // With ignored changes present, write on the accepted view, so this edit never depends
        // on an ignored change; its change then joins the whole document.
        let target = match loaded.checked.as_mut().and_then(|c| c.view.as_mut()) {
            Some(view) => view,
            None => &mut loaded.doc,
        };
        let outcome = target.transact_with(
            |_| {
                CommitOptions::default()
                    .with_message(message.to_string())
                    .with_time(time)
            },
            |tx| f(tx, ids),
        );
        let ((result, rows), committed) = match outcome {
            Ok(success) => (success.result, success.hash),
            Err(failure) => {
                // Automerge rolled the transaction back; the document is as it was.
                return Err(failure.error);
            }
        };
        self.touched.insert(doc_id.clone());
        // An edit that changed nothing commits nothing: then there is nothing to sign.
        let change = committed.and(target.get_last_local_change());
        // Sign it (signing.rs): an empty change right after it, carrying the signature.
        let signature = change
            .as_ref()
            .and_then(|change| super::signing::sign_after(target, &self.key, change, time));
        if loaded.checked.as_ref().is_some_and(|c| c.view.is_some())
            && let Some(change) = &change
        {
            loaded
                .doc
                .apply_changes([Some(change.clone()), signature].into_iter().flatten())
                .map_err(|e| Error::malformed(doc_id, e))?;
        }
        if let Some(change) = change
            && let Some(why) = self.judge_own(doc_id, &change)
        {
            // Returning the error drops this operation's edits (see `op`).
            return Err(Error::Refused {
                why,
                device: self.key.id_hex(),
            });
        }
        self.checked_through(doc_id);
        self.stage_changes(doc_id, &heads);
        for row in rows {
            self.pending.summaries.push((row.kind, row.id, row.json));
        }
        Ok(result)
    }

    /// Puts a loaded document's changes since `heads` in the pending write: as one more chunk,
    /// or, when its chunks have grown too many or too large, as a new snapshot that replaces
    /// them (in the same transaction).
    pub(super) fn stage_changes(&mut self, doc_id: &DocId, heads: &[automerge::ChangeHash]) {
        let Some(loaded) = self.docs.get_mut(doc_id) else {
            return;
        };
        let staged = loaded.stage(heads);
        self.push_staged(doc_id, staged);
    }

    /// Puts staged changes in the pending write, with what the actor index learns from them:
    /// written in the same transaction, so the index never runs ahead of or behind the
    /// documents (see `store::tables::ACTOR_SEQS`).
    pub(super) fn push_staged(&mut self, doc_id: &DocId, staged: Staged) {
        self.pending.actor_seqs.extend(
            staged
                .actor_seqs
                .into_iter()
                .map(|(actor, seq)| (actor, doc_id.clone(), seq)),
        );
        self.pending.heads.retain(|(d, _)| d != doc_id);
        self.pending.heads.push((doc_id.clone(), staged.heads));
        match staged.bytes {
            StagedBytes::Snapshot(bytes) => {
                self.pending.chunks.retain(|(d, _)| d != doc_id);
                self.pending.snapshots.push((doc_id.clone(), bytes));
            }
            StagedBytes::Chunk(bytes) => self.pending.chunks.push((doc_id.clone(), bytes)),
        }
    }

    /// Loads a document, or starts it with its genesis change (and lists it in the catalog)
    /// if this device has none.
    pub(super) fn ensure_doc(&mut self, doc_id: &DocId) -> Result<()> {
        if self.load(doc_id)? {
            return Ok(());
        }
        let mut doc = genesis(doc_id)?;
        doc.set_actor(ActorId::from(self.key.public.as_slice()));
        // The genesis change is stored like any other, so it syncs and reloads.
        self.pending.chunks.push((doc_id.clone(), doc.save()));
        for (actor, seq) in actor_seqs(&doc, &[]) {
            self.pending.actor_seqs.push((actor, doc_id.clone(), seq));
        }
        self.docs.insert(doc_id.clone(), Loaded::new(doc, 1));
        if *doc_id != DocId::Directory {
            self.catalog(doc_id)?;
        }
        Ok(())
    }

    pub(super) fn catalog(&mut self, doc_id: &DocId) -> Result<()> {
        if !self.load(&DocId::Directory)? {
            return Err(Error::NoNetwork);
        }
        let key = doc_id.to_string();
        let kind = doc_id.kind();
        self.edit(&DocId::Directory, &format!("catalog {key}"), |tx, _| {
            let catalog = map_at(tx, ROOT, "catalog", "directory")?;
            tx.put(&catalog, key.as_str(), kind)
                .map_err(|e| Error::malformed("directory", e))?;
            Ok(((), Vec::new()))
        })
    }

    /// Runs one operation: its edits reach the store together in one durable transaction, or,
    /// if it fails, not at all.
    ///
    /// A panic inside `f` (Automerge can panic on a peer's malformed data) drops the operation's
    /// unsaved edits and restores the nesting depth before it goes on unwinding, so a caller that
    /// catches it (the sync session does) keeps a usable book and an untouched store.
    pub(super) fn op<R>(&mut self, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.depth += 1;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        self.depth -= 1;
        let result = match result {
            Ok(r) => r,
            Err(panic) => {
                if self.depth == 0 {
                    self.abort();
                }
                std::panic::resume_unwind(panic);
            }
        };
        if self.depth > 0 {
            // Inside a batch: the outermost operation writes or drops everything.
            return result;
        }
        let result = result.and_then(|r| self.flush().map(|()| r));
        if result.is_err() {
            self.abort();
        }
        result
    }

    /// Runs many operations as one: one durable write at the end, or nothing at all if any
    /// fails. For imports and demo data, where a commit per record would cost a disk flush each.
    pub fn batch<R>(&mut self, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.op(f)
    }

    pub(super) fn flush(&mut self) -> Result<()> {
        let mut batch = std::mem::take(&mut self.pending);
        if batch.is_empty() {
            return Ok(());
        }
        batch
            .meta
            .push((meta::NEXT_SEQ, self.ids.next.to_be_bytes().to_vec()));
        let changed = !batch.chunks.is_empty();
        self.store.write(batch)?;
        self.touched.clear();
        if changed {
            self.revision += 1;
        }
        Ok(())
    }

    /// How many durable writes stored new document changes (edits here, or changes received
    /// from a peer) since this book was opened: a cheap way for live sync to notice them.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub(super) fn abort(&mut self) {
        self.pending = WriteBatch::default();
        for doc in self.touched.drain() {
            // Reloaded from the store on next use, without the unsaved edits.
            self.docs.remove(&doc);
        }
    }
}
