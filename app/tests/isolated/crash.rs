//! Crash safety of the real binary: `gridbook` processes killed with SIGKILL at random moments
//! while they write (`need add`, `demo`) and while they sync (`serve` and `sync` over
//! 127.0.0.1, discovery off). After every kill the store opens, and every need that a
//! command reported as saved (printed its id, or a `sync` that exited 0 brought over) is
//! there; every stored summary row equals its recomputation from the documents.
//!
//! `GRIDBOOK_KILLS` sets how many kills each test makes (default 30 in CI; the figures in
//! tests/README.md come from 200 and more). `GRIDBOOK_KILL_SEED` sets the seed of the kill
//! times.

use crate::common;
use common::Bounded as _;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gridbook_model::{Gridbook, PlaceKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn command(data: &Path, args: &[&str]) -> Command {
    let mut c = common::command();
    c.args(args)
        .env("GRIDBOOK_DATA", data)
        .env("GRIDBOOK_DISCOVERY", "off")
        .env_remove("GRIDBOOK_BIND")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = command(data, args).bounded_output();
    assert!(
        out.status.success(),
        "gridbook {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// How a process ended.
enum End {
    /// It finished by itself: its exit status and stdout.
    Exited(bool, String),
    /// It was killed with SIGKILL.
    Killed,
}

/// Waits for `child` until `deadline` after `start`, then kills it with SIGKILL.
fn kill_at(mut child: Child, start: Instant, deadline: Duration) -> End {
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut out = String::new();
            if let Some(mut s) = child.stdout.take() {
                s.read_to_string(&mut out).expect("stdout");
            }
            return End::Exited(status.success(), out);
        }
        if start.elapsed() >= deadline {
            // std's kill is SIGKILL on Unix: no handler runs, nothing is flushed.
            child.kill().expect("kill");
            child.wait().expect("reap");
            return End::Killed;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// The needs a device lists; fails if the store does not open.
fn needs(data: &Path) -> BTreeSet<String> {
    let list: Value = serde_json::from_str(&ok(data, &["need", "list", "--json"])).expect("JSON");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_string())
        .collect()
}

/// Opens the store in process and checks every summary row against its recomputation.
fn summaries_match_documents(data: &Path) {
    let mut book = Gridbook::open(
        data,
        &gridbook_model::Passphrase::tests_only(common::PASSPHRASE),
    )
    .expect("the store opens after a kill");
    book.dump().expect("every document loads");
    let stale = book.stale_summaries().expect("rows");
    assert!(
        stale.is_empty(),
        "stale summary rows after a kill: {stale:?}"
    );
}

/// A network with community zt and grid zt-g3, made in process (the commands that would make
/// it are tested in cli.rs).
fn founded(data: &Path) {
    let mut book = Gridbook::open_or_create(
        data,
        &gridbook_model::Passphrase::tests_only(common::PASSPHRASE),
    )
    .expect("a store");
    book.init_network("凤凰台街道", "赵敏").expect("a network");
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .expect("a community");
    book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .expect("a grid");
}

fn add_need(data: &Path, title: &str) -> Command {
    command(
        data,
        &[
            "need",
            "add",
            "--title",
            title,
            "--category",
            "parking",
            "--grid",
            "zt-g3",
        ],
    )
}

#[test]
fn writes_killed_at_random_moments_keep_every_need_reported_saved() {
    let _beside_each_other = crate::shared();
    let kills = env("GRIDBOOK_KILLS", 30) as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(env("GRIDBOOK_KILL_SEED", 1));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    founded(data);
    // How long one `need add` takes here: kills land anywhere from spawn to exit.
    let t = Instant::now();
    let mut saved: BTreeSet<String> = BTreeSet::new();
    saved.insert(
        ok(
            data,
            &[
                "need",
                "add",
                "--title",
                "量时",
                "--category",
                "parking",
                "--grid",
                "zt-g3",
            ],
        )
        .trim()
        .into(),
    );
    let lifetime = t.elapsed();
    let started = Instant::now();
    let (mut done, mut unreported, mut finished) = (0, 0, 0);
    let mut n = 0;
    while done < kills {
        n += 1;
        let start = Instant::now();
        let child = add_need(data, &format!("需求{n}")).spawn().expect("spawn");
        let deadline = lifetime.mul_f64(rng.random_range(0.0..1.2));
        match kill_at(child, start, deadline) {
            End::Exited(true, out) => {
                saved.insert(out.trim().to_string());
                finished += 1;
            }
            End::Exited(false, _) => panic!("need add {n} failed by itself"),
            End::Killed => {
                done += 1;
                let now = needs(data);
                for id in &saved {
                    assert!(
                        now.contains(id),
                        "need {id} was reported saved and is gone after kill {done}"
                    );
                }
                // A need committed but killed before its id was printed is kept too.
                unreported += now.difference(&saved).count();
                saved = now;
                if done % 10 == 0 {
                    summaries_match_documents(data);
                }
            }
        }
    }
    // `demo` writes in many transactions: killed anywhere, the store opens whole.
    let mut demo_kills = 0;
    for _ in 0..(kills / 10).max(1) {
        let d = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let child = command(d.path(), &["demo"]).spawn().expect("spawn");
        let deadline = Duration::from_millis(rng.random_range(20..2_000));
        if let End::Killed = kill_at(child, start, deadline) {
            demo_kills += 1;
            if d.path().join("gridbook.redb").exists() {
                summaries_match_documents(d.path());
                ok(d.path(), &["status"]);
            }
        }
    }
    eprintln!(
        "{done} `need add` kills ({finished} runs finished first, {unreported} needs committed but killed before reporting) and {demo_kills} `demo` kills in {:.1} s; one `need add` takes {} ms; {} needs, none lost",
        started.elapsed().as_secs_f64(),
        lifetime.as_millis(),
        saved.len()
    );
}

/// A running `gridbook serve` on loopback.
struct Serve {
    child: Child,
    id: String,
    addr: String,
}

impl Serve {
    fn start(data: &Path) -> Serve {
        let mut child = command(data, &["serve", "--bind", "127.0.0.1:0", "--no-discovery"])
            .stderr(Stdio::null())
            .spawn()
            .expect("start gridbook serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let (mut id, mut addr) = (String::new(), String::new());
        while addr.is_empty() {
            let line = lines.next().expect("serve prints its address").unwrap();
            if let Some(v) = line.strip_prefix("device") {
                id = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("listening") {
                addr = v.trim().to_string();
            }
        }
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        Serve { child, id, addr }
    }

    fn sync(&self, data: &Path) -> Command {
        let args = [
            "sync",
            "--peer",
            &self.id,
            "--addr",
            &self.addr,
            "--bind",
            "127.0.0.1:0",
            "--no-discovery",
        ];
        command(data, &args)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn syncs_killed_at_random_moments_on_either_side_lose_nothing() {
    let _beside_each_other = crate::shared();
    let kills = env("GRIDBOOK_KILLS", 30) as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(env("GRIDBOOK_KILL_SEED", 2));
    let (office_dir, tablet_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (office, tablet) = (office_dir.path(), tablet_dir.path());
    founded(office);
    let member = ok(
        office,
        &["member", "add", "--name", "李娜", "--role", "grid-worker"],
    );
    let tablet_id = ok(tablet, &["device", "id"]).trim().to_string();
    ok(
        office,
        &["device", "add", &tablet_id, "--member", member.trim()],
    );
    // What each side must hold: its own saved needs and all that a completed sync showed it.
    let mut must = [BTreeSet::new(), BTreeSet::new()];
    let serve = Serve::start(office);
    let t = Instant::now();
    let out = serve.sync(tablet).bounded_output();
    assert!(
        out.status.success(),
        "first sync: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lifetime = t.elapsed();
    drop(serve);
    let started = Instant::now();
    let (mut done, mut completed, mut serve_kills) = (0, 0, 0);
    let mut n = 0;
    while done < kills {
        // Both sides write while apart, so that the next sync has work both ways.
        for (side, data) in [(0, office), (1, tablet)] {
            for _ in 0..rng.random_range(1..3) {
                n += 1;
                let id = ok(
                    data,
                    &[
                        "need",
                        "add",
                        "--title",
                        &format!("需求{n}"),
                        "--category",
                        "parking",
                        "--grid",
                        "zt-g3",
                    ],
                );
                must[side].insert(id.trim().to_string());
            }
        }
        let mut serve = Serve::start(office);
        let start = Instant::now();
        let child = serve.sync(tablet).spawn().expect("spawn sync");
        let deadline = lifetime.mul_f64(rng.random_range(0.0..2.5));
        let kill_serve = rng.random_bool(0.5);
        let end = if kill_serve {
            // The office dies mid-session. The tablet's sync would wait 30 s for a peer that
            // never closed the connection; it is killed too, a moment later.
            while start.elapsed() < deadline {
                std::thread::sleep(Duration::from_micros(200));
            }
            serve.child.kill().expect("kill serve");
            serve.child.wait().expect("reap serve");
            serve_kills += 1;
            let grace = Duration::from_millis(rng.random_range(0..300));
            kill_at(child, Instant::now(), grace)
        } else {
            kill_at(child, start, deadline)
        };
        drop(serve);
        match end {
            End::Exited(true, _) => {
                // Exit 0 means both hold the same data.
                completed += 1;
                let all: BTreeSet<String> = must[0].union(&must[1]).cloned().collect();
                must = [all.clone(), all];
            }
            End::Exited(false, _) if !kill_serve => panic!("sync failed by itself"),
            End::Exited(false, _) | End::Killed => done += 1,
        }
        for (side, data) in [(0, office), (1, tablet)] {
            let now = needs(data);
            for id in &must[side] {
                assert!(
                    now.contains(id),
                    "need {id} is gone from side {side} after kill {done}"
                );
            }
        }
        if done % 10 == 0 {
            summaries_match_documents(office);
            summaries_match_documents(tablet);
        }
    }
    // After all that, one clean sync brings both sides together.
    let serve = Serve::start(office);
    let out = serve.sync(tablet).bounded_output();
    assert!(
        out.status.success(),
        "last sync: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(serve);
    assert!(
        ok(office, &["dump"]) == ok(tablet, &["dump"]),
        "the two devices differ"
    );
    eprintln!(
        "{done} sync kills ({serve_kills} of `serve`, the rest of `sync`; {completed} syncs finished first) in {:.1} s; one sync takes {} ms; {} needs, none lost",
        started.elapsed().as_secs_f64(),
        lifetime.as_millis(),
        must[0].len()
    );
}
