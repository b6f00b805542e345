//! Sync over real iroh on loopback (127.0.0.1, no discovery, no relay), each scenario beside the
//! naive baseline (one plain Automerge sync per document with fresh states, as automerge-repo
//! runs it; see `gridbook_tests::naive`), measured in the same run.
//!
//! - a fresh device fetching the 100k-needs data set: wall time, and bytes against the lower
//!   bound, the sum of the documents' compressed saves;
//! - one edit after that full sync;
//! - the two devices apart for a week, each making 1,000 edits (needs, meetings, hours): bytes
//!   against the size of the new changes;
//! - two up-to-date devices holding 2,000 documents, and then one edit among them.
//!
//! A round trip is one flight each way (the session is a strict ping-pong of flights after the
//! QUIC handshake; a flight is one or more frames, see `gridbook_sync::wire::Frame`); bytes are
//! application bytes, frames with their length prefixes.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{Context, Result};
use gridbook_model::vocab::{MeetingLevel, Role};
use gridbook_model::{DocId, Gridbook, NeedEdit, NewMeeting};
use gridbook_sync::Book;
use gridbook_sync::Node;
use gridbook_sync::node::EndpointId;
use gridbook_tests::data::{PlanShape, Rng, bulk_plan, make_directory, set_time};
use gridbook_tests::naive::{NaiveCost, Saves, naive_sync};
use gridbook_tests::report::{Report, Target};
use gridbook_tests::work::week_of_work;

/// One device: its store on its own thread, and its node on loopback.
struct Device {
    book: Book,
    node: Node,
    _dir: tempfile::TempDir,
}

impl Device {
    fn call<R: Send + 'static>(
        &self,
        rt: &tokio::runtime::Runtime,
        f: impl FnOnce(&mut Gridbook) -> R + Send + 'static,
    ) -> Result<R> {
        Ok(rt.block_on(self.book.call(f))?)
    }

    fn saves(&self, rt: &tokio::runtime::Runtime) -> Result<Saves> {
        self.call(rt, |b| -> gridbook_model::Result<Saves> {
            let mut out = BTreeMap::new();
            for id in b.doc_ids()? {
                if let Some(doc) = b.doc(&id)? {
                    out.insert(id.to_string(), doc.save());
                }
            }
            Ok(out)
        })?
        .map_err(Into::into)
    }

    fn address(&self) -> Result<(EndpointId, SocketAddr)> {
        let addr = self
            .node
            .bound()
            .into_iter()
            .find(SocketAddr::is_ipv4)
            .context("the node bound no IPv4 socket")?;
        Ok((self.node.id(), addr))
    }
}

/// What our session moved, seen from the dialer.
struct Cost {
    bytes: usize,
    round_trips: usize,
    seconds: f64,
}

fn start(rt: &tokio::runtime::Runtime, book: Gridbook, dir: tempfile::TempDir) -> Result<Device> {
    let (book, _thread) = Book::spawn(book);
    let node = rt.block_on(Node::spawn(book.clone(), "127.0.0.1:0".parse()?))?;
    Ok(Device {
        book,
        node,
        _dir: dir,
    })
}

/// `dialer` syncs with `acceptor` once; fails unless the session completed.
fn sync(rt: &tokio::runtime::Runtime, dialer: &Device, acceptor: &Device) -> Result<Cost> {
    let (id, addr) = acceptor.address()?;
    let t = Instant::now();
    let r = rt.block_on(dialer.node.sync_with(id, addr))?;
    let seconds = t.elapsed().as_secs_f64();
    anyhow::ensure!(r.complete, "the sync did not complete: {r:?}");
    Ok(Cost {
        bytes: r.bytes_sent + r.bytes_received,
        round_trips: r.round_trips(),
        seconds,
    })
}

/// Records a scenario's figures: ours, the baseline's, and their ratios.
fn record(report: &mut Report, name: &str, ours: &Cost, naive: &NaiveCost, targets: Targets) {
    let bytes = ours.bytes as f64;
    match targets.bytes {
        Some(t) => report.check(&format!("sync.{name}.bytes"), bytes, "bytes", t),
        None => report.info(&format!("sync.{name}.bytes"), bytes, "bytes"),
    }
    let rts = ours.round_trips as f64;
    match targets.round_trips {
        Some(t) => report.check(&format!("sync.{name}.round_trips"), rts, "round trips", t),
        None => report.info(&format!("sync.{name}.round_trips"), rts, "round trips"),
    }
    report.info(&format!("sync.{name}.wall"), ours.seconds * 1e3, "ms");
    report.info(
        &format!("sync.{name}.naive_bytes"),
        naive.bytes as f64,
        "bytes",
    );
    report.info(
        &format!("sync.{name}.naive_round_trips"),
        naive.round_trips as f64,
        "round trips",
    );
    report.info(
        &format!("sync.{name}.bytes_vs_naive"),
        bytes / naive.bytes.max(1) as f64,
        "×",
    );
    report.info(
        &format!("sync.{name}.round_trips_vs_naive"),
        rts / naive.round_trips.max(1) as f64,
        "×",
    );
}

#[derive(Default, Clone, Copy)]
struct Targets {
    bytes: Option<Target>,
    round_trips: Option<Target>,
}

/// A fresh device, listed by the office, with an empty store. An admin's (the office's second
/// laptop): the week's work has meetings and volunteer hours too, which a grid worker's device
/// may not write.
fn listed_tablet(office: &mut Gridbook) -> Result<(Gridbook, tempfile::TempDir)> {
    let dir = tempfile::tempdir()?;
    let tablet = Gridbook::open_or_create(dir.path(), &gridbook_tests::passphrase())?;
    let member = office.add_member("李娜", Role::Admin)?;
    office.add_device(&tablet.device().id_hex(), &member, Role::Admin)?;
    Ok((tablet, dir))
}

/// Every sync figure, at `scale` of the full data set.
pub(crate) fn bench_sync(report: &mut Report, scale: f64) -> Result<()> {
    let n = |full: usize| ((full as f64 * scale).round() as usize).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    big_data_set(report, &rt, n(100_000), n(5_000), n(1_000))?;
    many_documents(report, &rt, n(2_000))?;
    Ok(())
}

fn big_data_set(
    report: &mut Report,
    rt: &tokio::runtime::Runtime,
    total: usize,
    busiest: usize,
    week_edits: usize,
) -> Result<()> {
    eprintln!("sync: making an office store with {total} needs…");
    let dir = tempfile::tempdir()?;
    let mut rng = Rng::new(0x7379_6e63);
    let shape = PlanShape::two_years(total, busiest);
    let first = shape.first;
    let mut office = Gridbook::open_or_create(dir.path(), &gridbook_tests::passphrase())?;
    gridbook_tests::data::use_settable_clock(&mut office);
    set_time(first.at(1, 0));
    let places = make_directory(&mut office, &mut rng)?;
    let plan = bulk_plan(&mut rng, &places, shape);
    for batch in plan.batches {
        set_time(batch.at);
        office.add_needs(batch.needs)?;
    }
    let (mut tablet, tablet_dir) = listed_tablet(&mut office)?;
    gridbook_tests::data::use_settable_clock(&mut tablet);
    let office = start(rt, office, dir)?;
    let tablet = start(rt, tablet, tablet_dir)?;

    // A fresh device fetches everything.
    let saves = office.saves(rt)?;
    let lower: usize = saves.values().map(Vec::len).sum();
    let naive = naive_sync(&saves, &Saves::new())?;
    eprintln!(
        "sync: a fresh device fetches {} documents ({:.1} MB saved)…",
        saves.len(),
        lower as f64 / 1e6
    );
    let fresh = sync(rt, &tablet, &office)?;
    report.info("sync.fresh.documents", saves.len() as f64, "documents");
    report.info("sync.fresh.lower_bound", lower as f64 / 1e6, "MB");
    report.check(
        "sync.fresh.bytes_over_lower_bound",
        fresh.bytes as f64 / lower as f64,
        "×",
        Target::AtMost(1.10),
    );
    record(report, "fresh", &fresh, &naive, Targets::default());

    // One edit after the full sync.
    office.call(rt, |b| -> gridbook_model::Result<()> {
        let id = b.need_summaries()?[0].id.clone();
        let edit = NeedEdit {
            title: Some("独居老人送餐（已改）".into()),
            ..Default::default()
        };
        b.edit_need_fields(&id, &edit)
    })??;
    let naive = naive_sync(&office.saves(rt)?, &tablet.saves(rt)?)?;
    let one = sync(rt, &tablet, &office)?;
    record(report, "one_edit", &one, &naive, ONE_EDIT);

    // A week apart: both sides work, then meet.
    eprintln!("sync: a week apart, {week_edits} edits on each side…");
    let before: BTreeMap<DocId, Vec<automerge::ChangeHash>> =
        office.call(rt, |b| -> gridbook_model::Result<_> {
            let mut out = BTreeMap::new();
            for id in b.doc_ids()? {
                let heads = b.heads(&id)?;
                out.insert(id, heads);
            }
            Ok(out)
        })??;
    let current = first.plus(23);
    for (device, seed) in [(&office, 1u64), (&tablet, 2)] {
        let places = places.clone();
        device.call(rt, move |b| {
            let mut rng = Rng::new(seed);
            week_of_work(b, &mut rng, &places, current, week_edits)
        })??;
    }
    let mut new_bytes = 0;
    for device in [&office, &tablet] {
        let before = before.clone();
        new_bytes += device.call(rt, move |b| -> gridbook_model::Result<usize> {
            let mut sum = 0;
            for id in b.doc_ids()? {
                let since = before.get(&id).cloned().unwrap_or_default();
                if let Some(doc) = b.doc(&id)? {
                    sum += doc
                        .get_changes(&since)
                        .iter()
                        .map(|c| c.raw_bytes().len())
                        .sum::<usize>();
                }
            }
            Ok(sum)
        })??;
    }
    let naive = naive_sync(&office.saves(rt)?, &tablet.saves(rt)?)?;
    let week = sync(rt, &tablet, &office)?;
    report.info("sync.week.new_changes", new_bytes as f64 / 1e3, "KB");
    report.check(
        "sync.week.bytes_over_new_changes",
        week.bytes as f64 / new_bytes as f64,
        "×",
        Target::AtMost(1.2),
    );
    record(report, "week", &week, &naive, Targets::default());
    rt.block_on(async {
        office.node.shutdown().await;
        tablet.node.shutdown().await;
    });
    Ok(())
}

const ONE_EDIT: Targets = Targets {
    bytes: Some(Target::AtMost(2048.0)),
    round_trips: Some(Target::AtMost(2.0)),
};

fn many_documents(report: &mut Report, rt: &tokio::runtime::Runtime, docs: usize) -> Result<()> {
    eprintln!("sync: two devices with {docs} documents…");
    let dir = tempfile::tempdir()?;
    let mut office = Gridbook::open_or_create(dir.path(), &gridbook_tests::passphrase())?;
    let mut rng = Rng::new(0x646f_6373);
    let places = make_directory(&mut office, &mut rng)?;
    let (grid, _) = places[0].grids[0].clone();
    let have = office.doc_ids()?.len();
    let day = "2026-11-20".parse()?;
    office.batch(|b| {
        for i in have..docs {
            b.create_meeting(NewMeeting {
                title: format!("议事会 {i}"),
                level: MeetingLevel::Grid,
                community: places[0].code.clone(),
                grid: Some(grid.clone()),
                place: "议事点".into(),
                day,
                facilitator: "陈静".into(),
                quorum: 10,
            })?;
        }
        Ok(())
    })?;
    let (tablet, tablet_dir) = listed_tablet(&mut office)?;
    let office = start(rt, office, dir)?;
    let tablet = start(rt, tablet, tablet_dir)?;
    let held = sync(rt, &tablet, &office)?;
    report.info("sync.docs_2000.first_sync", held.seconds, "s");

    let naive = naive_sync(&office.saves(rt)?, &tablet.saves(rt)?)?;
    let same = sync(rt, &tablet, &office)?;
    record(
        report,
        "docs_2000.up_to_date",
        &same,
        &naive,
        Targets {
            bytes: Some(Target::AtMost(4096.0)),
            round_trips: Some(Target::AtMost(1.0)),
        },
    );

    office.call(rt, move |b| -> gridbook_model::Result<()> {
        let id = b.meeting_summaries()?[docs / 2].id.clone();
        b.append_minutes(&id, "居民同意加装扶手。")
    })??;
    let naive = naive_sync(&office.saves(rt)?, &tablet.saves(rt)?)?;
    let one = sync(rt, &tablet, &office)?;
    record(report, "docs_2000.one_edit", &one, &naive, ONE_EDIT);
    rt.block_on(async {
        office.node.shutdown().await;
        tablet.node.shutdown().await;
    });
    Ok(())
}
