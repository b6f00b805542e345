//! Helpers shared by Gridbook's tests and benchmarks: devices that exchange documents or sync
//! messages, deterministic data (a directory of communities and grids, needs with realistic
//! Chinese titles, a bulk plan spread over months), and the benchmark report.

pub mod actor_index;
pub mod crash_disk;
pub mod data;
pub mod naive;
pub mod net;
pub mod office;
pub mod report;
pub mod work;
pub mod world;

use gridbook_model::{DocId, Gridbook, Passphrase, PlaceKind, Result};

/// The passphrase of the stores tests make, with the cheap Argon2id cost (tests make hundreds
/// of stores; one test in `encryption.rs` uses the real cost).
pub fn passphrase() -> Passphrase {
    Passphrase::tests_only("gridbook tests 测试")
}

/// The benchmarks' passphrase, with OWASP's Argon2id cost as people's stores get: figures that
/// open a store include unlocking it.
pub fn bench_passphrase() -> Passphrase {
    Passphrase::new("gridbook bench")
}

/// Brings two devices' documents together both ways, as a completed sync would: afterwards both
/// hold every change either had. Returns how many changes moved.
pub fn exchange(a: &mut Gridbook, b: &mut Gridbook) -> Result<usize> {
    Ok(copy_into(a, b)? + copy_into(b, a)?)
}

/// Merges every document of `from` into `to`; returns how many changes were new to `to`.
pub fn copy_into(from: &mut Gridbook, to: &mut Gridbook) -> Result<usize> {
    let mut moved = 0;
    for id in from.doc_ids()? {
        let Some(doc) = from.full_doc(&id)? else {
            continue;
        };
        let mut copy = doc.clone();
        moved += to.merge_doc(&id, &mut copy)?;
    }
    Ok(moved)
}

/// An office device (赵敏, the founder) of a network with one community (`zt`, 中台社区) and
/// its grid `zt-g3` (第3网格).
pub fn founded_office() -> Result<Gridbook> {
    let mut office = Gridbook::in_memory()?;
    found_network(&mut office)?;
    Ok(office)
}

/// Makes `office` found the network (凤凰台街道, by 赵敏) with one community (`zt`, 中台社区)
/// and its grid `zt-g3`.
pub fn found_network(office: &mut Gridbook) -> Result<()> {
    office.init_network("凤凰台街道", "赵敏")?;
    office.add_place(PlaceKind::Community, None, "zt", "中台社区")?;
    office.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")?;
    Ok(())
}

/// A new device, granted `role` for a new member `name` by `office` (an admin).
pub fn granted_device(
    office: &mut Gridbook,
    name: &str,
    role: gridbook_model::vocab::Role,
) -> Result<Gridbook> {
    let book = Gridbook::in_memory()?;
    let member = office.add_member(name, role)?;
    office.add_device(&book.device().id_hex(), &member, role)?;
    Ok(book)
}

/// A founded network with one community (`zt`, 中台社区), grid `zt-g3` and building
/// `zt-g3-b12`, and a second device, granted the admin role, that has received its directory.
pub fn two_devices() -> Result<(Gridbook, Gridbook)> {
    let mut office = founded_office()?;
    office.add_place(PlaceKind::Building, Some("zt-g3"), "b12", "12号楼")?;
    let mut tablet = Gridbook::in_memory()?;
    let worker = office.add_member("李娜", gridbook_model::vocab::Role::Admin)?;
    office.add_device(
        &tablet.device().id_hex(),
        &worker,
        gridbook_model::vocab::Role::Admin,
    )?;
    exchange(&mut office, &mut tablet)?;
    Ok((office, tablet))
}

/// What one document's sync moved.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncTraffic {
    /// Messages sent, both ways.
    pub messages: usize,
    /// Bytes sent, both ways.
    pub bytes: usize,
    /// Round trips until both sides had nothing to say.
    pub rounds: usize,
}

/// Syncs one document between `a` and `b` with Automerge sync messages, half-duplex as
/// docs/design.md prescribes (`a` speaks first; each side answers only after applying the other's
/// message), with the sync states each side keeps for the other. Stops when a round moves
/// nothing both ways; panics after `max_rounds`, so a sync that never settles fails its test.
pub fn sync_doc(
    a: &mut Gridbook,
    b: &mut Gridbook,
    doc: &DocId,
    max_rounds: usize,
) -> Result<SyncTraffic> {
    let (a_id, b_id) = (a.device().id_hex(), b.device().id_hex());
    let mut a_state = a.sync_state(&b_id, doc)?;
    let mut b_state = b.sync_state(&a_id, doc)?;
    let mut traffic = SyncTraffic::default();
    loop {
        traffic.rounds += 1;
        assert!(
            traffic.rounds <= max_rounds,
            "sync of {doc} did not settle in {max_rounds} rounds"
        );
        let mut quiet = true;
        if let Some(m) = a.generate_sync_message(doc, &mut a_state)? {
            let bytes = m.encode();
            traffic.messages += 1;
            traffic.bytes += bytes.len();
            let m = automerge::sync::Message::decode(&bytes).expect("a message decodes");
            b.receive_sync_message(&a_id, doc, &mut b_state, m)?;
            quiet = false;
        }
        if let Some(m) = b.generate_sync_message(doc, &mut b_state)? {
            let bytes = m.encode();
            traffic.messages += 1;
            traffic.bytes += bytes.len();
            let m = automerge::sync::Message::decode(&bytes).expect("a message decodes");
            a.receive_sync_message(&b_id, doc, &mut a_state, m)?;
            quiet = false;
        }
        if quiet {
            break;
        }
    }
    a.save_sync_state(&b_id, doc, &a_state)?;
    b.save_sync_state(&a_id, doc, &b_state)?;
    Ok(traffic)
}

/// Syncs every document either side holds.
pub fn sync_all(a: &mut Gridbook, b: &mut Gridbook, max_rounds: usize) -> Result<SyncTraffic> {
    let mut docs: std::collections::BTreeSet<DocId> = a.doc_ids()?.into_iter().collect();
    docs.extend(b.doc_ids()?);
    let mut total = SyncTraffic::default();
    for doc in docs {
        let t = sync_doc(a, b, &doc, max_rounds)?;
        total.messages += t.messages;
        total.bytes += t.bytes;
        total.rounds = total.rounds.max(t.rounds);
    }
    Ok(total)
}
