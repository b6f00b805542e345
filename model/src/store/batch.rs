//! [`WriteBatch`]: the rows of one durable write, built by the book and applied by the store.

use crate::doc_id::DocId;

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
    /// The highest sequence number of an actor's changes in a document, for the actor index
    /// ([`ACTOR_SEQS`](super::tables::ACTOR_SEQS)): (actor, document, seq). A row is raised to
    /// `seq`, never lowered, so entries may repeat and come in any order.
    pub actor_seqs: Vec<(automerge::ActorId, DocId, u64)>,
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
            && self.actor_seqs.is_empty()
    }
}
