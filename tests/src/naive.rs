//! The baseline Gridbook's sync is measured against: one plain Automerge sync per document, as
//! automerge-repo runs it — every document either side holds, fresh sync states each time (no
//! state kept between meetings), all documents in parallel over one connection.

use std::collections::{BTreeMap, BTreeSet};

use automerge::Automerge;
use automerge::sync::{Message, State, SyncDoc};

/// What the baseline moved.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NaiveCost {
    /// Automerge sync message bytes, both ways (no framing or document ids counted: the
    /// baseline gets its transport for free).
    pub bytes: usize,
    /// Messages, both ways.
    pub messages: usize,
    /// Round trips of the slowest document: documents run in parallel, so this is what the
    /// session waits for.
    pub round_trips: usize,
}

/// Every document's saved bytes, by document id, as one side holds them.
pub type Saves = BTreeMap<String, Vec<u8>>;

/// Runs the baseline between two sides' documents (each loaded from its save, an absent one
/// empty), half-duplex per document until one exchange is silent both ways.
pub fn naive_sync(a: &Saves, b: &Saves) -> anyhow::Result<NaiveCost> {
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut cost = NaiveCost::default();
    for id in ids {
        let load = |s: Option<&Vec<u8>>| match s {
            Some(bytes) => Automerge::load(bytes),
            None => Ok(Automerge::new()),
        };
        let mut da = load(a.get(id))?;
        let mut db = load(b.get(id))?;
        let (mut sa, mut sb) = (State::new(), State::new());
        let mut rounds = 0;
        loop {
            rounds += 1;
            anyhow::ensure!(rounds <= 64, "{id} did not settle");
            let to_b = da.generate_sync_message(&mut sa);
            if let Some(m) = &to_b {
                deliver(&mut db, &mut sb, m, &mut cost)?;
            }
            let to_a = db.generate_sync_message(&mut sb);
            if let Some(m) = &to_a {
                deliver(&mut da, &mut sa, m, &mut cost)?;
            }
            if to_a.is_none() && to_b.is_none() {
                break;
            }
        }
        anyhow::ensure!(da.get_heads() == db.get_heads(), "{id} did not converge");
        // The last, silent exchange is how a side learns the other has nothing more to say.
        cost.round_trips = cost.round_trips.max(rounds);
    }
    Ok(cost)
}

fn deliver(
    doc: &mut Automerge,
    state: &mut State,
    m: &Message,
    cost: &mut NaiveCost,
) -> anyhow::Result<()> {
    let bytes = m.clone().encode();
    cost.bytes += bytes.len();
    cost.messages += 1;
    doc.receive_sync_message(state, Message::decode(&bytes)?)?;
    Ok(())
}
