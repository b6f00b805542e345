//! Two real processes sync over iroh on loopback: `gridbook serve` on one data directory,
//! `gridbook sync` on another. Nothing leaves 127.0.0.1 (no relay, no lookup, no discovery).

mod common;
use common::{gridbook, ok};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Output, Stdio};

use serde_json::Value;

/// A running `gridbook serve` on loopback, killed when dropped.
struct Serve {
    child: Child,
    id: String,
    addr: String,
}

impl Serve {
    fn start(data: &Path) -> Serve {
        let mut child = common::command()
            .args(["serve", "--bind", "127.0.0.1:0", "--no-discovery"])
            .env("GRIDBOOK_DATA", data)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start gridbook serve");
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
            }
        });
        Serve { child, id, addr }
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
    assert!(third.contains("0 documents, 2 frames"), "{third}");
    serve.stop();

    let a = ok(office.path(), &["dump"]);
    let b = ok(tablet.path(), &["dump"]);
    assert!(a == b, "the two devices dump different data");
    assert!(a.contains("独居老人需要送餐(已核实)"));
}

/// Runs `gridbook invite` until it prints its ticket; returns the running process and the ticket.
fn start_invite(data: &Path, member: &str) -> (Child, String) {
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
    (child, ticket)
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
    let status = inviter.wait().unwrap();
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
    let mut serve = common::command()
        .args(["serve", "--bind", &bind, "--no-discovery"])
        .env("GRIDBOOK_DATA", office.path())
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start gridbook serve");
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
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("no open invite"),
        "{err}"
    );
}
