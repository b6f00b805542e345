//! The actor index ([`ACTOR_SEQS`]): which actors wrote how much of which document, kept with
//! every write of changes so that a grant or revocation learns what this device holds of a
//! device (its `seen`) without loading a document.

use redb::{ReadableDatabase as _, ReadableTable as _};

use super::sealing::row;
use super::tables::ACTOR_SEQS;
use super::{Store, StoreError};
use crate::doc_id::DocId;

impl Store {
    /// What the actor index holds for the actors whose id (hex) begins with `prefix` — a device
    /// id gives the device's own actor and its derived ones: (actor hex, document id, highest
    /// sequence number), in key order. Reads no document.
    pub fn actor_seqs(&self, prefix: &str) -> Result<Vec<(String, String, u64)>, StoreError> {
        self.guard(|| {
            let tx = self.db().begin_read()?;
            let table = tx.open_table(ACTOR_SEQS)?;
            let mut out = Vec::new();
            for stored in table.range((prefix, "")..)? {
                let (k, v) = stored?;
                let (actor, doc) = k.value();
                if !actor.starts_with(prefix) {
                    break;
                }
                let seq = self.actor_seq(actor, doc, v.value())?;
                out.push((actor.to_string(), doc.to_string(), seq));
            }
            Ok(out)
        })
    }

    /// Raises the actor index's rows to the batch's numbers (see [`super::WriteBatch::actor_seqs`]).
    pub(super) fn raise_actor_seqs(
        &self,
        tx: &redb::WriteTransaction,
        seqs: &[(automerge::ActorId, DocId, u64)],
    ) -> Result<(), StoreError> {
        if seqs.is_empty() {
            return Ok(());
        }
        let mut highest: std::collections::BTreeMap<(String, String), u64> = Default::default();
        for (actor, doc, seq) in seqs {
            let n = highest
                .entry((actor.to_hex_string(), doc.to_string()))
                .or_default();
            *n = (*n).max(*seq);
        }
        let mut table = tx.open_table(ACTOR_SEQS)?;
        for ((actor, doc), seq) in highest {
            let stored = match table.get((actor.as_str(), doc.as_str()))? {
                Some(v) => self.actor_seq(&actor, &doc, v.value())?,
                None => 0,
            };
            if stored >= seq {
                continue;
            }
            let aad = row(&ACTOR_SEQS, &[actor.as_bytes(), doc.as_bytes()]);
            let sealed = self.seal(&aad, &seq.to_be_bytes())?;
            table.insert((actor.as_str(), doc.as_str()), sealed.as_slice())?;
        }
        Ok(())
    }

    /// The number an actor index row holds.
    fn actor_seq(&self, actor: &str, doc: &str, sealed: &[u8]) -> Result<u64, StoreError> {
        let aad = row(&ACTOR_SEQS, &[actor.as_bytes(), doc.as_bytes()]);
        let plain = self.unseal(&aad, sealed)?;
        <[u8; 8]>::try_from(plain.as_slice())
            .map(u64::from_be_bytes)
            .map_err(|_| self.corrupt(format!("its actor index row {actor} {doc} is no number")))
    }
}
