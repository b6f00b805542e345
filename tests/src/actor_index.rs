//! What a device's actor index (`model/src/store/actor_index.rs`) must say, recomputed the slow
//! way it replaced: every document loaded and every change's metadata read.

use std::collections::BTreeMap;

use gridbook_model::access::seen_key;
use gridbook_model::{Gridbook, Result};

/// (actor hex, document id) → the highest sequence number of that actor's changes there.
pub type ActorSeqs = BTreeMap<(String, String), u64>;

/// What the store's actor index holds, every actor.
pub fn indexed(book: &Gridbook) -> Result<ActorSeqs> {
    Ok(book
        .store()
        .actor_seqs("")?
        .into_iter()
        .map(|(actor, doc, seq)| ((actor, doc), seq))
        .collect())
}

/// The same, from every document loaded whole (ignored changes included).
pub fn loaded(book: &mut Gridbook) -> Result<ActorSeqs> {
    let mut out = ActorSeqs::new();
    for id in book.doc_ids()? {
        let Some(doc) = book.full_doc(&id)? else {
            continue;
        };
        for change in doc.get_changes_meta(&[]) {
            let seq = out
                .entry((change.actor.to_hex_string(), id.to_string()))
                .or_default();
            *seq = change.seq.max(*seq);
        }
    }
    Ok(out)
}

/// `device`'s `seen` as revocations computed it before the index, loading every document:
/// its own actor's highest number per document, and (since derived actors got entries) each
/// derived actor's under its own key.
pub fn seen_by_loading(book: &mut Gridbook, device: &str) -> Result<BTreeMap<String, u64>> {
    Ok(loaded(book)?
        .into_iter()
        .filter_map(|((actor, doc), seq)| {
            let suffix = actor.strip_prefix(device)?;
            Some((seen_key(&doc, suffix), seq))
        })
        .collect())
}

/// Checks that `book`'s index, and the `seen` it gives for each of `devices`, equal what
/// loading every document gives; says where they differ.
pub fn check(book: &mut Gridbook, devices: &[String]) -> std::result::Result<(), String> {
    let e = |e: gridbook_model::Error| e.to_string();
    let (index, slow) = (indexed(book).map_err(e)?, loaded(book).map_err(e)?);
    if index != slow {
        return Err(format!(
            "the actor index differs from the documents:\nindex {index:#?}\ndocuments {slow:#?}"
        ));
    }
    for device in devices {
        let (fast, slow) = (
            book.seen_changes_of(device).map_err(e)?,
            seen_by_loading(book, device).map_err(e)?,
        );
        if fast != slow {
            return Err(format!(
                "seen of {device}: index {fast:?}, documents {slow:?}"
            ));
        }
    }
    Ok(())
}
