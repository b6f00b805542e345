//! LAN discovery for real, inside two network namespaces this test creates (joined by a veth
//! pair), so that no multicast ever reaches the host's network: `gridbook serve` runs in one
//! with discovery on, and a fresh tablet in the other runs `gridbook sync --once` with no peer
//! named and no address known: it finds the office by its key alone (mDNS) and syncs.
//!
//! Needs root and iproute2 (`ip netns`); skipped with the reason printed otherwise. A process
//! test (not in tests/tests) because it runs the `gridbook` binary inside the namespaces.

mod common;
use common::{bin, ok};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Two namespaces joined by a veth pair, deleted when dropped.
struct Namespaces {
    a: String,
    b: String,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Namespaces {
    /// Namespaces `<tag>-a` (10.77.0.1/24) and `<tag>-b` (10.77.0.2/24).
    fn create(tag: &str) -> Result<Namespaces, String> {
        let ns = Namespaces {
            a: format!("{tag}-a"),
            b: format!("{tag}-b"),
        };
        ip(&["netns", "add", &ns.a])?;
        ip(&["netns", "add", &ns.b])?;
        let (va, vb) = (format!("{tag}a"), format!("{tag}b"));
        ip(&["link", "add", &va, "type", "veth", "peer", "name", &vb])?;
        for (name, veth, addr) in [(&ns.a, &va, "10.77.0.1/24"), (&ns.b, &vb, "10.77.0.2/24")] {
            ip(&["link", "set", veth, "netns", name])?;
            ip(&["-n", name, "addr", "add", addr, "dev", veth])?;
            ip(&["-n", name, "link", "set", veth, "up"])?;
            ip(&["-n", name, "link", "set", "lo", "up"])?;
            // mDNS sends to 224.0.0.251 through the default route's interface.
            ip(&["-n", name, "route", "add", "default", "dev", veth])?;
        }
        Ok(ns)
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        let _ = ip(&["netns", "del", &self.a]);
        let _ = ip(&["netns", "del", &self.b]);
    }
}

/// Runs `gridbook ARGS` on `data` inside namespace `ns`, discovery on.
fn in_ns(ns: &str, data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("ip");
    c.args(["netns", "exec", ns, &bin()])
        .args(args)
        .env("GRIDBOOK_DATA", data)
        .env("GRIDBOOK_PASSPHRASE", common::PASSPHRASE)
        .env("GRIDBOOK_KDF", "tests-only")
        .env_remove("GRIDBOOK_DISCOVERY")
        .env_remove("GRIDBOOK_BIND")
        .env_remove("RUST_LOG");
    c
}

#[test]
fn two_devices_in_two_namespaces_find_each_other_by_key_and_sync() {
    // Short: veth names are at most 15 bytes.
    let tag = format!("gb{}", std::process::id() % 100_000);
    let ns = match Namespaces::create(&tag) {
        Ok(ns) => ns,
        Err(why) => {
            eprintln!(
                "SKIPPED: cannot make network namespaces here (needs root and iproute2): {why}"
            );
            return;
        }
    };
    let office = tempfile::tempdir().unwrap();
    let tablet = tempfile::tempdir().unwrap();
    ok(office.path(), &["demo"]);
    let members = ok(office.path(), &["directory", "list", "--json"]);
    let members: serde_json::Value = serde_json::from_str(&members).unwrap();
    let member = members["members"]
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("the demo has members");
    let tablet_id = ok(tablet.path(), &["device", "id"]).trim().to_string();
    ok(
        office.path(),
        &["device", "add", &tablet_id, "--member", &member],
    );

    let mut serve = in_ns(&ns.a, office.path(), &["serve", "--bind", "0.0.0.0:7777"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start gridbook serve in a namespace");
    let mut lines = BufReader::new(serve.stdout.take().expect("stdout")).lines();
    while let Some(Ok(line)) = lines.next() {
        if line.starts_with("ticket") {
            break;
        }
    }
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            eprintln!("serve: {line}");
        }
    });

    // No --peer, no address known: only the LAN announcement can lead the tablet there.
    let started = Instant::now();
    let out = in_ns(
        &ns.b,
        tablet.path(),
        &["sync", "--once", "--bind", "0.0.0.0:0"],
    )
    .output()
    .expect("run gridbook sync in a namespace");
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(
        out.status.success(),
        "sync by discovery failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("found by key and synced in {took:?}: {said}");
    assert!(said.starts_with("synced with "), "{said}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(ok(office.path(), &["dump"]) == ok(tablet.path(), &["dump"]));
}
