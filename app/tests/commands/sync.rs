//! Two real processes sync over iroh on loopback: `gridbook serve` on one data directory,
//! `gridbook sync` on another. Nothing leaves 127.0.0.1 (no relay, no lookup, no discovery).

use crate::common;
use common::{Running, gridbook, ok};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Output, Stdio};

use serde_json::Value;

/// A running `gridbook serve` on loopback, killed when dropped.
struct Serve {
    child: Child,
    id: String,
    addr: String,
    /// What it prints after its address, stdout and stderr, a line at a time.
    said: std::sync::mpsc::Receiver<String>,
}

impl Serve {
    fn start(data: &Path) -> Serve {
        Serve::start_with(data, &[])
    }

    fn start_with(data: &Path, env: &[(&str, &str)]) -> Serve {
        let mut child = common::command()
            .args(["serve", "--bind", "127.0.0.1:0", "--no-discovery"])
            .envs(env.iter().copied())
            .env("GRIDBOOK_DATA", data)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gridbook serve");
        let (tell, said) = std::sync::mpsc::channel();
        let errors = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let tell_errors = tell.clone();
        std::thread::spawn(move || {
            for line in errors.map_while(Result::ok) {
                eprintln!("serve (stderr): {line}");
                let _ = tell_errors.send(line);
            }
        });
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut id = String::new();
        let mut addr = String::new();
        while addr.is_empty() {
            let line = lines.next().expect("serve prints its address").unwrap();
            if let Some(v) = line.strip_prefix("device") {
                id = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("listening") {
                addr = v.trim().to_string();
            }
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                eprintln!("serve: {line}");
                let _ = tell.send(line);
            }
        });
        Serve {
            child,
            id,
            addr,
            said,
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Fills `data` with the demo network; returns one of its members.
fn demo_office(data: &Path) -> String {
    ok(data, &["demo"]);
    let dir: Value =
        serde_json::from_str(&ok(data, &["directory", "list", "--json"])).expect("directory JSON");
    dir["members"]
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("the demo has members")
}

fn sync(data: &Path, serve: &Serve) -> Output {
    gridbook(
        data,
        &[
            "sync",
            "--peer",
            &serve.id,
            "--addr",
            &serve.addr,
            "--bind",
            "127.0.0.1:0",
            "--no-discovery",
        ],
    )
}

#[test]
fn a_listed_device_syncs_the_demo_network_and_an_edit_and_a_stranger_is_refused() {
    let office = tempfile::tempdir().unwrap();
    let tablet = tempfile::tempdir().unwrap();
    let stranger = tempfile::tempdir().unwrap();
    let member = demo_office(office.path());
    let tablet_id = ok(tablet.path(), &["device", "id"]).trim().to_string();
    assert_eq!(tablet_id.len(), 64);
    ok(
        office.path(),
        &["device", "add", &tablet_id, "--member", &member],
    );
    ok(stranger.path(), &["device", "id"]);

    let serve = Serve::start(office.path());
    assert!(serve.addr.starts_with("127.0.0.1:"), "{}", serve.addr);

    // Not listed: refused before any data, with a one-line error.
    let out = sync(stranger.path(), &serve);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");

    let out = sync(tablet.path(), &serve);
    let first = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("fresh sync of the demo: {first}");
    assert!(first.starts_with("synced with "), "{first}");

    // One field edited on the tablet, then synced again.
    serve.stop();
    let needs: Value =
        serde_json::from_str(&ok(tablet.path(), &["need", "list", "--json"])).unwrap();
    let need = needs[0]["id"].as_str().expect("a need id").to_string();
    ok(
        tablet.path(),
        &["need", "edit", &need, "--title", "独居老人需要送餐(已核实)"],
    );
    let serve = Serve::start(office.path());
    let out = sync(tablet.path(), &serve);
    assert!(
        out.status.success(),
        "second sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = String::from_utf8_lossy(&out.stdout).to_string();
    eprintln!("one-field edit: {second}");
    assert!(second.contains(": 1 documents"), "{second}");
    // In sync now: one round trip.
    let out = sync(tablet.path(), &serve);
    assert!(out.status.success());
    let third = String::from_utf8_lossy(&out.stdout).to_string();
    eprintln!("already in sync: {third}");
    assert!(third.contains("0 documents, 1 round trips"), "{third}");
    serve.stop();

    let a = ok(office.path(), &["dump"]);
    let b = ok(tablet.path(), &["dump"]);
    assert!(a == b, "the two devices dump different data");
    assert!(a.contains("独居老人需要送餐(已核实)"));
}

/// Runs `gridbook invite` until it prints its ticket; returns the running process and the ticket.
fn start_invite(data: &Path, member: &str) -> (Running, String) {
    let mut child = common::command()
        .args([
            "invite",
            "--member",
            member,
            "--bind",
            "127.0.0.1:0",
            "--no-discovery",
        ])
        .env("GRIDBOOK_DATA", data)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start gridbook invite");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let ticket = loop {
        let line = lines.next().expect("invite prints its ticket").unwrap();
        if let Some(t) = line.strip_prefix("ticket") {
            break t.trim().to_string();
        }
    };
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            eprintln!("invite: {line}");
        }
    });
    (Running(child), ticket)
}

#[test]
fn an_invited_device_joins_syncs_and_lists_its_peers_and_the_ticket_is_single_use() {
    let office = tempfile::tempdir().unwrap();
    let tablet = tempfile::tempdir().unwrap();
    let late = tempfile::tempdir().unwrap();
    let member = demo_office(office.path());

    let (mut inviter, ticket) = start_invite(office.path(), &member);
    let joined = ok(
        tablet.path(),
        &["join", &ticket, "--bind", "127.0.0.1:0", "--no-discovery"],
    );
    eprintln!("join: {joined}");
    assert!(joined.starts_with("joined "), "{joined}");
    // The inviter stops once the new device has synced.
    let status = common::wait_bounded(&mut inviter.0, "invite");
    assert!(status.success(), "invite exited with {status}");
    assert!(ok(office.path(), &["dump"]) == ok(tablet.path(), &["dump"]));

    let peers: Value = serde_json::from_str(&ok(tablet.path(), &["peers", "--json"])).unwrap();
    let peers = peers.as_array().expect("a list");
    assert!(peers.len() >= 2, "{peers:?}");
    assert!(peers[0]["this_device"].as_bool().unwrap());
    assert!(
        peers.iter().any(|p| !p["last_synced"].is_null()),
        "the office is recorded as synced: {peers:?}"
    );
    let text = ok(tablet.path(), &["peers"]);
    assert!(text.contains("LAST SYNCED"), "{text}");

    // An invite made by `invite --no-wait` is answered by a `serve` started afterwards on the
    // same address; its ticket admits one device, and the next one is told it is spent.
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let printed = ok(
        office.path(),
        &[
            "invite",
            "--member",
            &member,
            "--no-wait",
            "--bind",
            &bind,
            "--no-discovery",
        ],
    );
    let ticket = printed
        .lines()
        .find_map(|l| l.strip_prefix("ticket"))
        .expect("a ticket line")
        .trim()
        .to_string();
    let serve = common::command()
        .args(["serve", "--bind", &bind, "--no-discovery"])
        .env("GRIDBOOK_DATA", office.path())
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start gridbook serve");
    let serve = Running(serve);
    let mut joined = gridbook(late.path(), &["join", &ticket, "--bind", "127.0.0.1:0"]);
    for _ in 0..50 {
        if joined.status.success() || !String::from_utf8_lossy(&joined.stderr).contains("reach") {
            break;
        }
        // serve is still starting.
        std::thread::sleep(std::time::Duration::from_millis(100));
        joined = gridbook(late.path(), &["join", &ticket, "--bind", "127.0.0.1:0"]);
    }
    assert!(
        joined.status.success(),
        "join through serve: {}",
        String::from_utf8_lossy(&joined.stderr)
    );
    let again = tempfile::tempdir().unwrap();
    let out = gridbook(again.path(), &["join", &ticket, "--bind", "127.0.0.1:0"]);
    drop(serve);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("no open invite"),
        "{err}"
    );
}

/// Waits (at most `limit`) until the two devices dump the same data, each through its own
/// `serve` when one runs.
fn dumps_agree(a: &Path, b: &Path, limit: std::time::Duration) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if ok(a, &["dump"]) == ok(b, &["dump"]) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    false
}

#[test]
fn sync_with_no_peer_dials_the_known_one_and_two_serves_keep_each_other_live() {
    let office = tempfile::tempdir().unwrap();
    let tablet = tempfile::tempdir().unwrap();
    let member = demo_office(office.path());
    let tablet_id = ok(tablet.path(), &["device", "id"]).trim().to_string();
    ok(
        office.path(),
        &["device", "add", &tablet_id, "--member", &member],
    );
    let office_serve = Serve::start(office.path());
    // First contact by id and address: the tablet notes where the office is.
    let out = sync(tablet.path(), &office_serve);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // An edit at the office (forwarded to its serve); `sync --once` with no --peer dials the
    // office where it was last reached.
    let needs: Value =
        serde_json::from_str(&ok(office.path(), &["need", "list", "--json"])).unwrap();
    let need = needs[0]["id"].as_str().expect("a need id").to_string();
    ok(
        office.path(),
        &["need", "edit", &need, "--title", "楼道灯坏了(一)"],
    );
    let out = gridbook(
        tablet.path(),
        &["sync", "--once", "--bind", "127.0.0.1:0", "--no-discovery"],
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(&office_serve.id) && said.contains(": 1 documents"),
        "{said}"
    );
    assert!(dumps_agree(
        office.path(),
        tablet.path(),
        std::time::Duration::from_secs(1)
    ));

    // The tablet runs serve too: it dials the office it knows and the connection stays; an
    // edit at the office then reaches the tablet with no sync command at all.
    let started = std::time::Instant::now();
    let tablet_serve = Serve::start_with(tablet.path(), &[("GRIDBOOK_DIAL_EVERY_MS", "300")]);
    ok(
        office.path(),
        &["need", "edit", &need, "--title", "楼道灯坏了(二)"],
    );
    assert!(
        dumps_agree(
            office.path(),
            tablet.path(),
            std::time::Duration::from_secs(15)
        ),
        "the office's edit did not reach the tablet's serve"
    );
    eprintln!(
        "pushed serve to serve in {:?} (serve start included)",
        started.elapsed()
    );
    let shown = ok(tablet.path(), &["need", "list", "--json"]);
    assert!(shown.contains("楼道灯坏了(二)"), "{shown}");

    tablet_serve.stop();

    // A fresh device fetches the demo (its store applies it for seconds in a debug build); its
    // process is killed (SIGKILL: no goodbye) 0.3 s into that session. The office's side
    // of the session ends with a one-line error within the connection's idle timeout (8 s),
    // not after a 30 s turn timeout; the fresh device's store is whole and, synced again,
    // converges.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_id = ok(fresh.path(), &["device", "id"]).trim().to_string();
    ok(
        office.path(),
        &["device", "add", &fresh_id, "--member", &member],
    );
    while office_serve.said.try_recv().is_ok() {}
    let mut cut = common::command()
        .args([
            "sync",
            "--peer",
            &office_serve.id,
            "--addr",
            &office_serve.addr,
            "--bind",
            "127.0.0.1:0",
            "--no-discovery",
        ])
        .env("GRIDBOOK_DATA", fresh.path())
        .env("RUST_LOG", "gridbook_sync::net::transport=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gridbook sync");
    // Killed once its session is open (a loaded machine can take seconds to get there), while
    // the office is still sending the demo.
    let (opened, open) = std::sync::mpsc::channel();
    let log = BufReader::new(cut.stderr.take().expect("stderr"));
    std::thread::spawn(move || {
        for line in log.lines().map_while(Result::ok) {
            if line.contains("session open") {
                let _ = opened.send(());
            }
        }
    });
    open.recv_timeout(std::time::Duration::from_secs(60))
        .expect("the fresh device opened a session within 60 s");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        cut.try_wait().unwrap().is_none(),
        "the sync ended before the kill"
    );
    cut.kill().unwrap();
    cut.wait().unwrap();
    let killed = std::time::Instant::now();
    let failed = loop {
        let left = std::time::Duration::from_secs(40).saturating_sub(killed.elapsed());
        match office_serve.said.recv_timeout(left) {
            Ok(line) if line.contains("sync failed") => break line,
            Ok(line) => assert!(!line.starts_with("synced"), "{line}"),
            Err(_) => panic!("the session with a killed peer did not end within 40 s"),
        }
    };
    let took = killed.elapsed();
    eprintln!("the session with a killed peer ended after {took:?}: {failed}");
    assert!(took < std::time::Duration::from_secs(12), "{took:?}");
    ok(fresh.path(), &["dump"]);
    let out = sync(fresh.path(), &office_serve);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    office_serve.stop();
    assert!(ok(office.path(), &["dump"]) == ok(fresh.path(), &["dump"]));
}
