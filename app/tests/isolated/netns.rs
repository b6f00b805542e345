//! LAN discovery for real, inside two network namespaces this test creates (joined by a veth
//! pair), so that no multicast ever reaches the host's network: `gridbook serve` runs in one
//! with discovery on, and a fresh tablet in the other runs `gridbook sync --once` with no peer
//! named and no address known: it finds the office by its key alone (mDNS) and syncs.
//!
//! Needs root and iproute2 (`ip netns`); skipped with the reason printed otherwise. A process
//! test (not in tests/tests) because it runs the `gridbook` binary inside the namespaces.

use crate::common;
use common::Bounded as _;
use common::netns::{Netns, ip, office_and_listed_tablet};
use common::ok;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Two namespaces joined by a veth pair, deleted when dropped.
struct Namespaces {
    a: Netns,
    b: Netns,
}

impl Namespaces {
    /// Namespaces `<tag>-a` (10.77.0.1/24) and `<tag>-b` (10.77.0.2/24).
    fn create(tag: &str) -> Result<Namespaces, String> {
        let ns = Namespaces {
            a: Netns::add(&format!("{tag}-a"))?,
            b: Netns::add(&format!("{tag}-b"))?,
        };
        let (va, vb) = (format!("{tag}a"), format!("{tag}b"));
        ip(&["link", "add", &va, "type", "veth", "peer", "name", &vb])?;
        for (n, veth, addr) in [(&ns.a, &va, "10.77.0.1/24"), (&ns.b, &vb, "10.77.0.2/24")] {
            ip(&["link", "set", veth, "netns", &n.0])?;
            n.ip(&["addr", "add", addr, "dev", veth])?;
            n.ip(&["link", "set", veth, "up"])?;
            // mDNS sends to 224.0.0.251 through the default route's interface.
            n.ip(&["route", "add", "default", "dev", veth])?;
        }
        Ok(ns)
    }
}

#[test]
fn two_devices_in_two_namespaces_find_each_other_by_key_and_sync() {
    let _alone = crate::alone();
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
    let (office, tablet) = office_and_listed_tablet();

    let mut serve =
        ns.a.gridbook(office.path(), &["serve", "--bind", "0.0.0.0:7777"])
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
    let out =
        ns.b.gridbook(tablet.path(), &["sync", "--once", "--bind", "0.0.0.0:0"])
            .bounded_output();
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
