//! What this device knows a peer holds, so that a session sends what changed before the peer
//! asks for it.
//!
//! Whenever a session ends with both sides holding the same heads for every document (their
//! digests agree), each side records, for every document, that the peer holds its current
//! heads (the `shared_heads` of the per-peer Automerge [`State`]), and marks the peer as one it
//! has agreed with. Next time, the documents whose heads moved since are exactly the ones this
//! side changed or received from elsewhere: their new changes go out in the first flight, with
//! no question asked first ([`assume_peer_holds`]). A wrong guess costs bytes, never
//! correctness: Automerge's own exchange goes on until both sides hold the same heads.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use automerge::sync::{BloomFilter, Capability, Have, State};
use gridbook_model::{DocId, Gridbook};

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// The documents this device holds, each with its stored state for `peer`: every one when
/// `all`, else those whose heads moved since the peer was last known to hold them.
pub(crate) fn changed_since(
    book: &mut Gridbook,
    peer: &str,
    all: bool,
) -> gridbook_model::Result<BTreeMap<DocId, State>> {
    let mut out = BTreeMap::new();
    for id in book.doc_ids()? {
        let heads = book.heads(&id)?;
        if heads.is_empty() {
            continue;
        }
        let state = book.sync_state(peer, &id)?;
        if all || sorted(state.shared_heads.clone()) != heads {
            out.insert(id, state);
        }
    }
    Ok(out)
}

/// Makes `state` behave as if the peer had just said it holds exactly `shared_heads` and
/// nothing else: Automerge's next message then carries the changes since (or, for a peer known
/// to hold nothing of the document, the whole compressed document).
pub(crate) fn assume_peer_holds(state: &mut State) {
    let shared = state.shared_heads.clone();
    state.their_heads = Some(shared.clone());
    state.their_need = Some(Vec::new());
    state.their_have = Some(vec![Have {
        last_sync: shared,
        bloom: BloomFilter::default(),
    }]);
    // Every Gridbook speaks Automerge's second message version.
    state.their_capabilities = Some(vec![Capability::MessageV2]);
}

/// Records that `peer` holds exactly what this device holds now (the two digests agreed).
pub(crate) fn record_agreement(book: &mut Gridbook, peer: &str) -> gridbook_model::Result<()> {
    book.batch(|b| {
        for id in b.doc_ids()? {
            let heads = b.heads(&id)?;
            let mut state = b.sync_state(peer, &id)?;
            if sorted(state.shared_heads.clone()) != heads {
                state.shared_heads = heads;
                b.save_sync_state(peer, &id, &state)?;
            }
        }
        Ok(())
    })?;
    // The mark is all that is read back: written once, not on every session (a durable write
    // costs a disk flush, more than the rest of an up-to-date session).
    if book.agreed_with(peer)? {
        return Ok(());
    }
    book.record_agreement(peer)
}
