//! What peer-to-peer sync needs from a device's documents: Automerge sync messages generated
//! from and applied to the stored documents, with per-peer sync states kept in the store so a
//! peer that comes back resumes where it stopped.
//!
//! A received message's changes, the fresh summary rows and the new sync state reach the store
//! in one durable transaction: a sync cut at any point leaves either all of a message or none.

use automerge::sync::{Capability, Message, State, SyncDoc};
use automerge::{ActorId, Automerge};

use super::{Gridbook, Loaded, encode_heads};
use crate::RecordKind;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::store::WriteBatch;

impl Gridbook {
    /// The sync state this device keeps for `peer` and `doc` (fresh when there is none, or when
    /// the stored one does not decode).
    pub fn sync_state(&self, peer: &str, doc: &DocId) -> Result<State> {
        let stored = self.store.sync_state(peer, &doc.to_string())?;
        Ok(stored
            .and_then(|b| State::decode(&b).ok())
            .unwrap_or_default())
    }

    /// Stores the sync state for `peer` and `doc` (durably).
    pub fn save_sync_state(&mut self, peer: &str, doc: &DocId, state: &State) -> Result<()> {
        self.op(|book| {
            book.pending
                .sync_states
                .push((peer.to_string(), doc.to_string(), state.encode()));
            Ok(())
        })
    }

    /// The heads of a document, sorted (empty when this device lacks it).
    ///
    /// Read from the store's heads table when the document is not loaded, so comparing two
    /// devices does not load every document; a document with no recorded heads is loaded once
    /// and its heads recorded.
    pub fn heads(&mut self, doc: &DocId) -> Result<Vec<automerge::ChangeHash>> {
        if !self.docs.contains_key(doc)
            && let Some(bytes) = self.store.doc_heads(doc)?
        {
            return decode_heads(&bytes)
                .ok_or_else(|| Error::malformed("heads", format!("{doc}: bad length")));
        }
        // Every change held, ignored ones included: they travel like the rest (enforce.rs).
        let Some(d) = self.full_doc(doc)? else {
            return Ok(Vec::new());
        };
        let mut heads = d.get_heads();
        if !self.touched.contains(doc) && self.store.doc_heads(doc)?.is_none() {
            let batch = WriteBatch {
                heads: vec![(doc.clone(), encode_heads(heads.clone()))],
                ..Default::default()
            };
            self.store.write(batch)?;
        }
        heads.sort();
        Ok(heads)
    }

    fn ensure_loaded(&mut self, doc: &DocId) -> Result<()> {
        if !self.load(doc)? {
            // A document only the peer has: start empty (not from genesis) and let sync fill it.
            let mut empty = Automerge::new();
            empty.set_actor(ActorId::from(self.key.public.as_slice()));
            self.docs.insert(doc.clone(), Loaded::new(empty, 0));
        }
        Ok(())
    }

    /// The next message to send `peer` about `doc`, or `None` when there is nothing to say.
    pub fn generate_sync_message(
        &mut self,
        doc: &DocId,
        state: &mut State,
    ) -> Result<Option<Message>> {
        self.ensure_loaded(doc)?;
        let loaded = self
            .docs
            .get(doc)
            .ok_or_else(|| Error::not_found(RecordKind::Document, doc))?;
        // Automerge 0.12 sends its whole saved document instead of the changes the peer lacks
        // whenever those are over a third of the document's changes (`generate_sync_message`
        // in its sync.rs), whatever their size. A document made of a few big commits (a bulk
        // import) then travels whole, megabytes, for a few edits; yet for a document made
        // mostly of changes the peer lacks, the compressed save is the smaller form. So when
        // Automerge picks the whole document for a peer that has some of it, the message
        // with just the missing changes is made too (with the capability that allows the
        // whole document hidden for that one call), and the smaller one is sent.
        let before = state.clone();
        let mut message = loaded.doc.generate_sync_message(state);
        let peer_has_some = before.their_heads.as_ref().is_some_and(|h| !h.is_empty());
        if peer_has_some && message.as_ref().is_some_and(carries_whole_document) {
            let mut changes_only = before;
            let capabilities = changes_only.their_capabilities.clone();
            if let Some(caps) = changes_only.their_capabilities.as_mut() {
                caps.retain(|c| *c != Capability::MessageV2);
            }
            let alternative = loaded.doc.generate_sync_message(&mut changes_only);
            changes_only.their_capabilities = capabilities;
            if change_bytes(alternative.as_ref()) < change_bytes(message.as_ref()) {
                *state = changes_only;
                message = alternative;
            }
        }
        Ok(message)
    }

    /// Applies a message from `peer` about `doc`, and stores the new changes, the summary rows
    /// they touch and the sync state in one durable transaction. Returns how many changes were
    /// new. A message that Automerge refuses changes nothing, in memory or on disk.
    pub fn receive_sync_message(
        &mut self,
        peer: &str,
        doc: &DocId,
        state: &mut State,
        message: Message,
    ) -> Result<usize> {
        check_blooms(doc, &message)?;
        self.ensure_loaded(doc)?;
        let before = self.membership_before(doc)?;
        self.op(|book| {
            let loaded = book
                .docs
                .get_mut(doc)
                .ok_or_else(|| Error::not_found(RecordKind::Document, doc))?;
            let heads = loaded.doc.get_heads();
            book.touched.insert(doc.clone());
            // Work on a copy of the state: a refused message leaves the caller's state as it was.
            let mut next = state.clone();
            loaded
                .doc
                .receive_sync_message(&mut next, message)
                .map_err(|e| Error::BadSyncMessage {
                    doc: doc.to_string(),
                    detail: e.to_string(),
                })?;
            // A signature alone is no edit to report, but it may make one count: store it and
            // recompute the rows all the same.
            let arrived = loaded.doc.get_heads() != heads;
            let new = super::signing::edits_since(&loaded.doc, &heads);
            if arrived {
                book.stage_changes(doc, &heads);
                for row in book.rows_of(doc)? {
                    book.pending.summaries.push((row.kind, row.id, row.json));
                }
                if let Some(before) = &before {
                    book.refresh_rows_since(before)?;
                }
            }
            book.pending
                .sync_states
                .push((peer.to_string(), doc.to_string(), next.encode()));
            *state = next;
            Ok(new)
        })
    }
}

/// Bytes of changes a message carries.
fn change_bytes(message: Option<&Message>) -> usize {
    message.map_or(0, |m| m.changes.iter().map(<[u8]>::len).sum())
}

/// Whether a message carries a whole saved document: one chunk whose storage header (4 magic
/// bytes, 4 checksum bytes, then the chunk type) says "document" (type 0).
fn carries_whole_document(message: &Message) -> bool {
    let mut chunks = message.changes.iter();
    matches!((chunks.next(), chunks.next()), (Some(c), None) if c.get(8) == Some(&0))
}

fn decode_heads(bytes: &[u8]) -> Option<Vec<automerge::ChangeHash>> {
    if !bytes.len().is_multiple_of(32) {
        return None;
    }
    bytes
        .chunks_exact(32)
        .map(|c| c.try_into().ok().map(automerge::ChangeHash))
        .collect()
}

/// The most probes a peer's Bloom filter may ask for (Automerge's own filters use 7).
const MAX_BLOOM_PROBES: u64 = 64;

/// Refuses a message whose Bloom filters Automerge 0.12 would panic on or spin over when it
/// next generates a message: a filter that claims entries but has no bits makes it divide by
/// zero (`sync/bloom.rs`, `get_probes`), and one asking for billions of probes allocates and
/// loops for each of them. Found by fuzzing the sync session (tests/tests/decoders/targets.rs).
fn check_blooms(doc: &DocId, message: &Message) -> Result<()> {
    for have in &message.have {
        let bytes = have.bloom.to_bytes();
        let mut rest = bytes.as_slice();
        let mut next = || leb128(&mut rest);
        let (entries, bits_per_entry, probes) = (next(), next(), next());
        let bad = match (entries, bits_per_entry, probes) {
            (None, ..) => false, // an empty filter
            (Some(0), ..) => false,
            (Some(_), Some(bits), Some(probes)) => bits == 0 || probes > MAX_BLOOM_PROBES,
            _ => true,
        };
        if bad {
            return Err(Error::BadSyncSummary {
                doc: doc.to_string(),
            });
        }
    }
    Ok(())
}

/// Reads one unsigned LEB128 number (as Automerge writes them) off the front of `bytes`.
fn leb128(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}
