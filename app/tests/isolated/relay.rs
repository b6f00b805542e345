//! Sync across the internet, for real: two devices on two networks that cannot reach each other
//! converge through a self-hosted relay, iroh's own relay server.
//!
//! The relay (the `iroh-relay` crate's server, run in this test process: plain HTTP, no QUIC
//! address discovery, as `iroh-relay --dev` serves) listens in the host's network namespace, on
//! the host's end of a veth pair into namespace A. Namespace A (the office) and namespace B (a
//! tablet at home) each have one veth pair to the host: A routes only its own /24, B only its
//! own /24 and the relay's address. Neither has a route to the other, whatever the host
//! forwards, so every packet between the two devices goes through the relay. The test proves it
//! three ways: `ip route get` from each namespace to the other device's address fails, every
//! session says its connection went through the relay, and the relay's own counters show the
//! packets it forwarded.
//!
//! The story: the office runs `gridbook serve --relay URL` (the URL goes into the directory)
//! and prints a ticket naming the relay; a fresh tablet, listed by the office, runs `gridbook
//! sync --once --peer TICKET` and fetches the network. Then each side records a need while
//! apart; the tablet starts `gridbook serve` too, dials the office by its key through the relay
//! (the directory's relay, no address of the office works from B), and both converge to
//! identical dumps; a need recorded at the office then reaches the tablet over the live
//! connection.
//!
//! Needs root and iproute2; skipped with the reason printed otherwise. A process test (not in
//! tests/tests) because it runs the `gridbook` binary inside the namespaces.

use crate::common;
use common::Bounded as _;
use common::netns::{Netns, ip, office_and_listed_tablet};
use common::ok;

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gridbook_sync::node::{EndpointTicket, RelayUrl};
use iroh_relay::server::{RelayConfig, Server, ServerConfig};

/// Two namespaces, each joined to the host by its own veth pair, with no route to each other.
struct Networks {
    office: Netns,
    tablet: Netns,
    /// The host's end towards the office: where the relay listens.
    relay_ip: Ipv4Addr,
    office_ip: Ipv4Addr,
    tablet_ip: Ipv4Addr,
}

impl Networks {
    /// `<tag>-a` on 10.78.N.0/24 (host .1, office .2) and `<tag>-b` on 10.78.N+1.0/24 (host .1,
    /// tablet .2), N from the process id so that two runs on one host do not collide.
    fn create(tag: &str) -> Result<Networks, String> {
        let n = (std::process::id() % 100 * 2) as u8;
        let net = Networks {
            office: Netns::add(&format!("{tag}-a"))?,
            tablet: Netns::add(&format!("{tag}-b"))?,
            relay_ip: Ipv4Addr::new(10, 78, n, 1),
            office_ip: Ipv4Addr::new(10, 78, n, 2),
            tablet_ip: Ipv4Addr::new(10, 78, n + 1, 2),
        };
        for (ns, side, subnet) in [(&net.office, "a", n), (&net.tablet, "b", n + 1)] {
            let (host_end, ns_end) = (format!("{tag}h{side}"), format!("{tag}{side}"));
            ip(&[
                "link", "add", &host_end, "type", "veth", "peer", "name", &ns_end,
            ])?;
            ip(&["link", "set", &ns_end, "netns", &ns.0])?;
            ip(&[
                "addr",
                "add",
                &format!("10.78.{subnet}.1/24"),
                "dev",
                &host_end,
            ])?;
            ip(&["link", "set", &host_end, "up"])?;
            ns.ip(&[
                "addr",
                "add",
                &format!("10.78.{subnet}.2/24"),
                "dev",
                &ns_end,
            ])?;
            ns.ip(&["link", "set", &ns_end, "up"])?;
        }
        // The tablet reaches the relay's address on the host, and nothing else beyond its link.
        let relay = net.relay_ip.to_string();
        let gateway = format!("10.78.{}.1", n + 1);
        net.tablet
            .ip(&["route", "add", &format!("{relay}/32"), "via", &gateway])?;
        Ok(net)
    }
}

/// Whether namespace `ns` has a route to `to`.
fn has_route(ns: &Netns, to: Ipv4Addr) -> bool {
    ns.ip(&["route", "get", &to.to_string()]).is_ok()
}

/// A `gridbook serve` in a namespace: its ticket, and every line it printed since.
struct Serving {
    child: Child,
    ticket: EndpointTicket,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Serving {
    fn start(mut command: Command, who: &'static str) -> Serving {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start gridbook serve in a namespace");
        let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let ticket = loop {
            match out.next() {
                Some(Ok(line)) => {
                    if let Some(t) = line.strip_prefix("ticket") {
                        break t.trim().parse::<EndpointTicket>().expect("a ticket");
                    }
                }
                _ => panic!("{who}'s serve ended before printing its ticket"),
            }
        };
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in out.map_while(Result::ok) {
                eprintln!("{who}: {line}");
                kept.lock().unwrap().push(line);
            }
        });
        Serving {
            child,
            ticket,
            lines,
        }
    }

    fn synced_lines(&self) -> Vec<String> {
        let lines = self.lines.lock().unwrap();
        lines
            .iter()
            .filter(|l| l.starts_with("synced"))
            .cloned()
            .collect()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the two data directories dump the same; how long that took.
fn converge(a: &Path, b: &Path, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if ok(a, &["dump"]) == ok(b, &["dump"]) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "not converged through the relay within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Records a need on `data` (forwarded to its `serve` when one runs) and returns its id.
fn add_need(data: &Path, title: &str) -> String {
    ok(
        data,
        &[
            "need",
            "add",
            "--title",
            title,
            "--category",
            "other",
            "--grid",
            "zt-g3",
        ],
    )
    .trim()
    .to_string()
}

#[test]
fn two_devices_that_cannot_reach_each_other_sync_through_a_self_hosted_relay() {
    let _alone = crate::alone();
    // Short: veth names are at most 15 bytes.
    let tag = format!("gr{}", std::process::id() % 100_000);
    let net = match Networks::create(&tag) {
        Ok(net) => net,
        Err(why) => {
            eprintln!(
                "SKIPPED: cannot make network namespaces here (needs root and iproute2): {why}"
            );
            return;
        }
    };
    // No direct way between the two: the only packets that cross go through the relay.
    assert!(has_route(&net.office, net.relay_ip) && has_route(&net.tablet, net.relay_ip));
    assert!(!has_route(&net.tablet, net.office_ip), "B must not reach A");
    assert!(!has_route(&net.office, net.tablet_ip), "A must not reach B");

    // The relay server, in this process, on the host's end of A's link.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut config = ServerConfig::default();
    config.relay = Some(RelayConfig::new(SocketAddr::from((net.relay_ip, 0))));
    let relay = rt.block_on(Server::spawn(config)).expect("start the relay");
    let url = format!("http://{}", relay.http_addr().expect("a plain HTTP relay"));
    let relay_url: RelayUrl = url.parse().unwrap();

    let (office, tablet) = office_and_listed_tablet();

    let serve = |ns: &Netns, data: &Path, relay: Option<&str>| {
        let mut args = vec!["serve", "--no-discovery", "--bind", "0.0.0.0:7777"];
        if let Some(url) = relay {
            args.extend(["--relay", url]);
        }
        let mut c = ns.gridbook(data, &args);
        c.env("GRIDBOOK_DIAL_EVERY_MS", "1000");
        c
    };
    let office_serve = Serving::start(serve(&net.office, office.path(), Some(&url)), "office");
    let ticket = office_serve.ticket.endpoint_addr().clone();
    assert_eq!(
        ticket.relay_urls().collect::<Vec<_>>(),
        vec![&relay_url],
        "the ticket names the relay"
    );
    assert!(
        ticket.ip_addrs().any(|a| a.ip() == net.office_ip),
        "the ticket also names the office's own address (unreachable from B): {ticket:?}"
    );

    // A fresh tablet fetches the network through the relay the ticket names.
    let started = Instant::now();
    let out = net
        .tablet
        .gridbook(
            tablet.path(),
            &[
                "sync",
                "--once",
                "--no-discovery",
                "--peer",
                &office_serve.ticket.to_string(),
            ],
        )
        .bounded_output();
    let first = started.elapsed();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "the first sync through the relay failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("first sync through the relay in {first:?}: {said}");
    assert!(said.contains("through the relay"), "{said}");
    assert!(ok(office.path(), &["dump"]) == ok(tablet.path(), &["dump"]));

    // Apart, each side records a need; then the tablet serves too and dials the office by its
    // key through the directory's relay.
    let from_tablet = add_need(tablet.path(), "平板上记录的需求");
    let from_office = add_need(office.path(), "办公室记录的需求");
    let started = Instant::now();
    let tablet_serve = Serving::start(serve(&net.tablet, tablet.path(), None), "tablet");
    assert_eq!(
        tablet_serve
            .ticket
            .endpoint_addr()
            .relay_urls()
            .collect::<Vec<_>>(),
        vec![&relay_url],
        "the tablet took the relay from the directory"
    );
    let took = converge(office.path(), tablet.path(), Duration::from_secs(30));
    let both = started.elapsed();
    let needs = ok(office.path(), &["need", "list", "--json"]);
    assert!(needs.contains(&from_tablet) && needs.contains(&from_office));

    // Live: a need recorded at the office now reaches the tablet at once.
    let started = Instant::now();
    let live = add_need(office.path(), "实时推送的需求");
    let pushed = converge(office.path(), tablet.path(), Duration::from_secs(20));
    let pushed_total = started.elapsed();
    assert!(ok(tablet.path(), &["need", "list", "--json"]).contains(&live));

    let sessions: Vec<String> = office_serve
        .synced_lines()
        .into_iter()
        .chain(tablet_serve.synced_lines())
        .collect();
    assert!(!sessions.is_empty(), "the serves reported no session");
    for s in &sessions {
        assert!(s.contains("through the relay"), "not relayed: {s}");
    }
    let counters = &relay.metrics().server;
    let (forwarded, bytes) = (counters.send_packets_sent.get(), counters.bytes_sent.get());
    eprintln!(
        "first sync (fresh tablet, whole demo network) {first:?}; both serving to converged \
         {both:?} (dumps equal {took:?} after the tablet's serve printed its ticket); a live \
         push {pushed_total:?} ({pushed:?} polling); the relay forwarded {forwarded} packets, \
         {bytes} bytes; sessions: {sessions:#?}"
    );
    assert!(forwarded > 0 && bytes > 0, "the relay forwarded nothing");
    drop(tablet_serve);
    drop(office_serve);
    rt.block_on(relay.shutdown()).expect("stop the relay");
}
