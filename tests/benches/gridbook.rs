//! Gridbook's benchmarks: `cargo bench -p gridbook-tests [-- --quick]`.
//!
//! Not timed tests: this generates a subdistrict's data, measures what people wait for, prints
//! a table with each figure beside its target, and merges every figure by name into
//! `<target dir>/bench/report.json`.
//!
//! - durable single-need writes (`Gridbook::add_need`) on a file store holding a few thousand
//!   needs;
//! - bulk creation of 100k needs (`Gridbook::add_needs` in batches of 1,000, each built on
//!   every core: one document per community) over 8 communities and 24 months, the busiest
//!   needs document holding 5,000;
//! - opening that store and listing every need summary, in a fresh process (this executable
//!   run again), with its peak resident memory;
//! - loading the busiest needs document, in a fresh process too;
//! - the app on that store, headless (`gui.rs`): start to the first frame of needs in a fresh
//!   process, frame time while scrolling and while filtering, whether an idle frame redraws;
//! - the office's exports, import and bundle on that store (`office.rs`);
//! - sync over iroh on loopback against a naive per-document baseline (`sync.rs` beside this
//!   file; `GRIDBOOK_BENCH_ONLY=sync` runs only those, `=store` the store's);
//! - the read-time role check on a needs document of 20k changes (`roles.rs`;
//!   `GRIDBOOK_BENCH_ONLY=roles` runs only that);
//! - finding a resident as a person types, over a register of 20k (`register.rs`;
//!   `GRIDBOOK_BENCH_ONLY=register` runs only that);
//! - the taps a person needs for the daily jobs, from the app's UI flows (`flows.rs`;
//!   `GRIDBOOK_BENCH_ONLY=flows`).
//!
//! `--quick` (or `GRIDBOOK_BENCH_SCALE=0.1`, any fraction works) runs at a smaller scale for a
//! smoke run; its figures are named `quick.*` so they never overwrite full-scale ones. Below 5 %
//! they are named `smoke.*`: `.ci/run` runs every scenario at 0.2 %
//! (`GRIDBOOK_BENCH_SCALE=0.002 cargo test -p gridbook-tests --bench gridbook`, about 25 s) so a
//! change that breaks one is caught before a long run. Unknown arguments (cargo passes
//! `--bench`) are ignored.

// In a folder of their own: a file beside this one would be taken for a bench target.
#[path = "gridbook/flows.rs"]
mod flows;
#[path = "gridbook/gui.rs"]
mod gui;
#[path = "gridbook/office.rs"]
mod office;
#[path = "gridbook/register.rs"]
mod register;
#[path = "gridbook/roles.rs"]
mod roles;
#[path = "gridbook/sync.rs"]
mod sync;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use automerge::ReadDoc;
use gridbook_model::store::WriteBatch;
use gridbook_model::{DocId, Gridbook};
use gridbook_tests::data::{
    Month, PlanShape, Rng, advance_time, bulk_plan, make_directory, new_need, set_time,
    use_settable_clock,
};
use gridbook_tests::report::{
    CpuTimes, Report, Target, load_average, median, ms, percentile, proc_status_kib, process_cpu_s,
    report_path,
};

/// Set in the environment of a child run: which fresh-process measurement to make.
const CHILD: &str = "GRIDBOOK_BENCH_CHILD";
/// The child's data directory.
const CHILD_DATA: &str = "GRIDBOOK_BENCH_DATA";
/// The document a `load` child loads.
const CHILD_DOC: &str = "GRIDBOOK_BENCH_DOC";

/// Fresh processes per fresh-process figure; the median time and the highest peak are kept.
const CHILD_RUNS: usize = 5;

/// Timed single-need writes.
const WRITES: usize = 250;

fn main() -> Result<()> {
    if let Ok(job) = std::env::var(CHILD) {
        return child(&job);
    }
    let scale = scale()?;
    // A smoke run (CI runs one at 0.2 % to keep every scenario working) never overwrites a
    // quick run's figures.
    let prefix = match scale {
        s if s >= 1.0 => "",
        s if s >= 0.05 => "quick.",
        _ => "smoke.",
    };
    let mut report = Report::new(prefix);
    let n = |full: usize| ((full as f64 * scale).round() as usize).max(1);
    eprintln!("gridbook bench at scale {scale} (figures named {prefix}*)");
    // This machine is shared: other processes' load inflates wall times (see the cpu and
    // run-queue figures beside them).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    report.info("machine.cores", cores as f64, "cores");
    if let Some(load) = load_average() {
        report.info("machine.load_average_at_start", load, "runnable");
    }

    // GRIDBOOK_BENCH_ONLY=<part> runs one part: store, sync, roles, register or flows.
    let only = std::env::var("GRIDBOOK_BENCH_ONLY").ok();
    let runs = |part: &str| only.as_deref().is_none_or(|o| o == part);
    if runs("store") {
        bench_writes(&mut report, n(3_000), n(1_000))?;
        bench_unlock(&mut report)?;
        let total = n(100_000);
        // Targets are for the full scale; a smaller run gets a proportionally smaller budget
        // for bulk work, and the same budget for what does not grow with it.
        bench_bulk(&mut report, total, n(5_000), 10.0 * scale)?;
    }
    if runs("sync") {
        sync::bench_sync(&mut report, scale)?;
    }
    if runs("roles") {
        roles::bench_roles(&mut report, n(20_000))?;
    }
    if runs("register") {
        register::bench_register(&mut report, n(20_000))?;
    }
    if runs("flows") {
        flows::bench_flows(&mut report)?;
    }

    println!();
    print!("{}", report.table());
    let path = report_path();
    report
        .merge_into(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("\nfigures merged into {}", path.display());
    let missed = report.missed();
    if !missed.is_empty() {
        let names: Vec<&str> = missed.iter().map(|f| f.name.as_str()).collect();
        println!("MISSED: {}", names.join(", "));
    }
    Ok(())
}

/// 1.0 for the full run; `--quick` gives 0.1, and so does `GRIDBOOK_BENCH_SCALE=quick`; the
/// variable also takes any fraction.
fn scale() -> Result<f64> {
    if std::env::args().skip(1).any(|a| a == "--quick") {
        return Ok(0.1);
    }
    match std::env::var("GRIDBOOK_BENCH_SCALE") {
        Err(_) => Ok(1.0),
        Ok(s) if s == "quick" => Ok(0.1),
        Ok(s) => match s.parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 1.0 => Ok(f),
            _ => bail!("GRIDBOOK_BENCH_SCALE={s}: use quick or a fraction in (0, 1]"),
        },
    }
}

/// Durable single-need writes, as a grid worker makes them, on a file store that already
/// holds `fixture` needs (`hot` of them in the month being written).
fn bench_writes(report: &mut Report, fixture: usize, hot: usize) -> Result<()> {
    eprintln!("single writes: making a store with {fixture} needs…");
    let dir = tempfile::tempdir()?;
    let mut rng = Rng::new(0x6772_6964);
    let first = Month {
        year: 2026,
        month: 1,
    };
    let places = {
        let mut book = Gridbook::open_or_create(dir.path(), &gridbook_tests::bench_passphrase())?;
        use_settable_clock(&mut book);
        set_time(first.at(1, 0));
        let places = make_directory(&mut book, &mut rng)?;
        let plan = bulk_plan(
            &mut rng,
            &places,
            PlanShape {
                total: fixture,
                busiest: hot,
                first,
                months: 6,
                busiest_month: 5,
                batch: 500,
            },
        );
        for batch in plan.batches {
            set_time(batch.at);
            book.add_needs(batch.needs)?;
        }
        places
    };

    // A device that was switched off and on again: open, then write.
    let mut book = Gridbook::open(dir.path(), &gridbook_tests::bench_passphrase())?;
    use_settable_clock(&mut book);
    let month = first.plus(5);
    set_time(month.at(20, 0));
    let community = &places[0];
    let write = |book: &mut Gridbook, rng: &mut Rng| -> Result<f64> {
        advance_time(60_000);
        let (grid, buildings) = rng.pick(&community.grids);
        let need = new_need(rng, month.at(20, 0), grid, buildings);
        let start = Instant::now();
        book.add_need(need)?;
        Ok(ms(start.elapsed()))
    };
    let first_write = write(&mut book, &mut rng)?;
    // The floor under every durable write: one small redb commit (fdatasync) on this disk.
    let mut commits = Vec::new();
    for i in 0..50u32 {
        let probe = WriteBatch {
            sync_states: vec![(
                "bench-probe".into(),
                "probe".into(),
                i.to_be_bytes().to_vec(),
            )],
            ..Default::default()
        };
        let start = Instant::now();
        book.store().write_unchecked(probe)?;
        commits.push(ms(start.elapsed()));
    }
    for _ in 0..4 {
        write(&mut book, &mut rng)?;
    }
    let mut times = Vec::with_capacity(WRITES);
    for _ in 0..WRITES {
        times.push(write(&mut book, &mut rng)?);
    }
    times.sort_by(f64::total_cmp);
    report.info("need_write.fixture_needs", fixture as f64, "needs");
    report.info("need_write.count", WRITES as f64, "writes");
    report.info("need_write.first_after_open", first_write, "ms");
    report.check(
        "need_write.p50",
        percentile(&times, 50.0),
        "ms",
        Target::AtMost(10.0),
    );
    report.check(
        "need_write.p99",
        percentile(&times, 99.0),
        "ms",
        Target::AtMost(20.0),
    );
    report.info("need_write.max", percentile(&times, 100.0), "ms");
    report.info("durable_commit.p50", median(&commits), "ms");
    let slow = times.iter().filter(|t| **t > 20.0).count();
    report.info("need_write.over_20ms", slow as f64, "writes");
    Ok(())
}

/// Unlocking a store with the real Argon2id cost (OWASP's: 19 MiB, 2 passes): what a person
/// waits for after typing the passphrase, and what a wrong one costs an attacker per guess.
fn bench_unlock(report: &mut Report) -> Result<()> {
    eprintln!("unlock: opening a store with the real Argon2id cost…");
    let dir = tempfile::tempdir()?;
    let pass = gridbook_tests::bench_passphrase();
    drop(Gridbook::open_or_create(dir.path(), &pass)?);
    let wrong = gridbook_model::Passphrase::new("not the bench passphrase");
    let (mut opens, mut refusals) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let start = Instant::now();
        drop(Gridbook::open(dir.path(), &pass)?);
        opens.push(ms(start.elapsed()));
        let start = Instant::now();
        if Gridbook::open(dir.path(), &wrong).is_ok() {
            bail!("a wrong passphrase opened the store");
        }
        refusals.push(ms(start.elapsed()));
    }
    report.check("store.unlock", median(&opens), "ms", Target::AtMost(500.0));
    report.info("store.unlock_best", least(&opens), "ms");
    report.info("store.wrong_passphrase_refused", median(&refusals), "ms");
    Ok(())
}

/// Bulk creation, then the fresh-process figures on the store it made.
fn bench_bulk(report: &mut Report, total: usize, busiest: usize, budget_s: f64) -> Result<()> {
    eprintln!("bulk: planning {total} needs…");
    let dir = tempfile::tempdir()?;
    // GRIDBOOK_BENCH_KEEP=<new directory> keeps the bulk store there, to study it afterwards.
    let keep = std::env::var_os("GRIDBOOK_BENCH_KEEP").map(std::path::PathBuf::from);
    let data = keep.clone().unwrap_or_else(|| dir.path().to_path_buf());
    if keep.as_ref().is_some_and(|k| k.exists()) {
        bail!(
            "GRIDBOOK_BENCH_KEEP={}: give a directory that does not exist yet",
            data.display()
        );
    }
    let mut rng = Rng::new(office::PLACES_SEED);
    let shape = PlanShape::two_years(total, busiest);
    let first = shape.first;
    let plan_busiest = {
        let mut book = Gridbook::open_or_create(&data, &gridbook_tests::bench_passphrase())?;
        use_settable_clock(&mut book);
        set_time(first.at(1, 0));
        let places = make_directory(&mut book, &mut rng)?;
        let plan = bulk_plan(&mut rng, &places, shape);
        let batches = plan.batches.len();
        eprintln!(
            "bulk: {} needs in {batches} add_needs calls into {} documents, busiest {} ({busiest})…",
            plan.total(),
            plan.per_doc.len(),
            plan.busiest
        );
        let start = Instant::now();
        let cpu = process_cpu_s();
        let mut slowest = 0f64;
        for batch in plan.batches {
            set_time(batch.at);
            let t = Instant::now();
            book.add_needs(batch.needs)?;
            slowest = slowest.max(ms(t.elapsed()));
        }
        let took = start.elapsed().as_secs_f64();
        let cpu = process_cpu_s().zip(cpu).map(|(end, start)| end - start);
        report.info("bulk.needs", total as f64, "needs");
        report.info("bulk.busiest_doc_needs", busiest as f64, "needs");
        report.check("bulk.add_needs_total", took, "s", Target::AtMost(budget_s));
        // Documents are built on every core, so CPU may exceed wall time; on a machine shared
        // with other work, CPU well below cores × wall means the figure waited for a core.
        if let Some(cpu) = cpu {
            report.info("bulk.add_needs_cpu_all_threads", cpu, "s");
        }
        if let Some(load) = load_average() {
            report.info("bulk.load_average_after", load, "runnable");
        }
        report.info("bulk.per_need", took * 1e6 / total as f64, "µs");
        report.info("bulk.slowest_batch", slowest, "ms");
        let size = book.store().file_size();
        report.info("store.file_size", size as f64 / 1e6, "MB");
        report.info("store.bytes_per_need", size as f64 / total as f64, "bytes");
        plan.busiest
    };

    eprintln!("fresh process: open + list every summary…");
    let mut all_cpus = Vec::new();
    let mut walls = Vec::new();
    let mut opens = Vec::new();
    let mut cpus = Vec::new();
    let mut waits = Vec::new();
    let mut peak = 0u64;
    for _ in 0..CHILD_RUNS {
        let out = run_child("list", &data, None)?;
        let count = out.get("count")?;
        if count as usize != total {
            bail!("the child listed {count} summaries, not {total}");
        }
        walls.push(out.get("open_ms")? + out.get("list_ms")?);
        opens.push(out.get("open_ms")?);
        cpus.push(out.get("cpu_ms")?);
        waits.push(out.get("wait_ms")?);
        all_cpus.push(out.get("all_cpu_ms")?);
        peak = peak.max(out.get("vmhwm_kib")? as u64);
    }
    report.check(
        "list_summaries.open_and_list",
        median(&walls),
        "ms",
        Target::AtMost(300.0),
    );
    report.info("list_summaries.open_and_list_best", least(&walls), "ms");
    report.info("list_summaries.open", median(&opens), "ms");
    report.info("list_summaries.cpu_walking_thread", median(&cpus), "ms");
    report.info(
        "list_summaries.runqueue_wait_walking_thread",
        median(&waits),
        "ms",
    );
    // At 100 ticks a second: ±10 ms.
    report.info("list_summaries.cpu_all_threads", median(&all_cpus), "ms");
    report.check(
        "list_summaries.peak_rss",
        peak as f64 / 1024.0,
        "MB",
        Target::AtMost(250.0),
    );

    eprintln!("fresh process: open + load the busiest document…");
    let mut loads = Vec::new();
    let mut cpus = Vec::new();
    let mut waits = Vec::new();
    let mut peak = 0u64;
    for _ in 0..CHILD_RUNS {
        let out = run_child("load", &data, Some(&plan_busiest))?;
        let needs = out.get("needs")?;
        if needs as usize != busiest {
            bail!("the busiest document holds {needs} needs, not {busiest}");
        }
        loads.push(out.get("load_ms")?);
        cpus.push(out.get("cpu_ms")?);
        waits.push(out.get("wait_ms")?);
        peak = peak.max(out.get("vmhwm_kib")? as u64);
    }
    report.check(
        "load_busiest_doc",
        median(&loads),
        "ms",
        Target::AtMost(100.0),
    );
    report.info("load_busiest_doc.best", least(&loads), "ms");
    report.info("load_busiest_doc.cpu", median(&cpus), "ms");
    report.info("load_busiest_doc.runqueue_wait", median(&waits), "ms");
    report.info("load_busiest_doc.peak_rss", peak as f64 / 1024.0, "MB");

    eprintln!("fresh process: the app's first frame of needs…");
    let mut firsts = Vec::new();
    for _ in 0..CHILD_RUNS {
        firsts.push(run_child("gui", &data, None)?.get("first_frame_ms")?);
    }
    report.check(
        "gui.start_to_first_frame",
        median(&firsts),
        "ms",
        Target::AtMost(500.0),
    );
    gui::bench_gui(report, &data)?;
    office::bench_office(report, &data, total)
}

/// The least of some values: the figure least disturbed by other load on the machine.
fn least(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

/// What a child printed: `key=value` pairs.
struct ChildOut(Vec<(String, f64)>);

impl ChildOut {
    fn get(&self, key: &str) -> Result<f64> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .with_context(|| format!("the child printed no {key}"))
    }
}

/// Runs this executable again as a child doing `job` on the store in `data`.
fn run_child(job: &str, data: &Path, doc: Option<&DocId>) -> Result<ChildOut> {
    let exe = std::env::current_exe()?;
    let mut cmd = Command::new(exe);
    cmd.env(CHILD, job).env(CHILD_DATA, data);
    if let Some(doc) = doc {
        cmd.env(CHILD_DOC, doc.to_string());
    }
    let out = cmd.output().context("running the bench child")?;
    if !out.status.success() {
        bail!(
            "the {job} child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stdout = String::from_utf8(out.stdout)?;
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("CHILD "))
        .context("the child printed no result")?;
    let pairs = line
        .split_whitespace()
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.to_string(), v.parse().ok()?))
        })
        .collect();
    Ok(ChildOut(pairs))
}

/// The child side: measure one thing in this fresh process and print `CHILD key=value…`.
fn child(job: &str) -> Result<()> {
    let data = std::env::var_os(CHILD_DATA).context("no data directory")?;
    if job == "gui" {
        // The app opens the store itself, on its worker thread.
        let first = gui::first_frame_ms(Path::new(&data))?;
        println!("CHILD first_frame_ms={first}");
        return Ok(());
    }
    let start = Instant::now();
    let cpu = CpuTimes::now();
    let all_cpu = process_cpu_s();
    let mut book = Gridbook::open(Path::new(&data), &gridbook_tests::bench_passphrase())?;
    let open_ms = ms(start.elapsed());
    let line = match job {
        "list" => {
            let start = Instant::now();
            let rows = book.need_summaries()?;
            let list_ms = ms(start.elapsed());
            let used = CpuTimes::now().since(cpu);
            // The rows are decoded on every core: this thread's figures are the walk alone.
            let all_ms = process_cpu_s()
                .zip(all_cpu)
                .map_or(0.0, |(end, start)| (end - start) * 1e3);
            format!(
                "open_ms={open_ms} list_ms={list_ms} count={} cpu_ms={} wait_ms={} all_cpu_ms={all_ms}",
                rows.len(),
                used.cpu_ms(),
                used.wait_ms()
            )
        }
        "load" => {
            let doc: DocId = std::env::var(CHILD_DOC)?.parse()?;
            let start = Instant::now();
            let cpu = CpuTimes::now();
            let am = book.doc(&doc)?.context("no such document")?;
            let load_ms = ms(start.elapsed());
            let used = CpuTimes::now().since(cpu);
            let needs = match am.get(automerge::ROOT, "needs")? {
                Some((_, obj)) => am.length(&obj),
                None => 0,
            };
            format!(
                "open_ms={open_ms} load_ms={load_ms} needs={needs} cpu_ms={} wait_ms={}",
                used.cpu_ms(),
                used.wait_ms()
            )
        }
        other => bail!("unknown child job {other}"),
    };
    let hwm = proc_status_kib("VmHWM").unwrap_or(0);
    let rss = proc_status_kib("VmRSS").unwrap_or(0);
    println!("CHILD {line} vmhwm_kib={hwm} vmrss_kib={rss}");
    Ok(())
}
