//! One running peer, used by `gridbook serve` and by the app: the node (answering other
//! devices' syncs and invites, live push on every connection it keeps), and its own dialling
//! of the devices it knows or finds on the local network, at start and every 30 s, so that two
//! devices in reach sync with nobody tapping anything.
//!
//! Decisions:
//! - It listens on 0.0.0.0:7777 unless `GRIDBOOK_BIND` (or `--bind`) says otherwise; when that
//!   port is taken (a `serve` on another data directory of the same machine), it takes any free
//!   port rather than not syncing at all.
//! - LAN discovery (mDNS) is on unless `GRIDBOOK_DISCOVERY=off` (or `--no-discovery`); tests and
//!   scripts on shared machines turn it off and bind 127.0.0.1.
//! - Every known device with a last address, and every device announced on the LAN, that has
//!   no live connection with this one is dialled and kept live (`GRIDBOOK_DIAL_EVERY_MS` sets
//!   the period). A peer that is not there is logged at `info`, not reported: that is normal.
//! - Who owns the store is the caller's business: a [`Book`] reaches it (`serve`: the store's
//!   own thread; the app: its worker).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::error::{Doing as _, Step};
use gridbook_sync::node::NodeOptions;
use gridbook_sync::node::{Dialer, EndpointAddr, EndpointId, EndpointTicket, Node, NodeEvent};
use gridbook_sync::peers::peer_record;
use gridbook_sync::{Book, Report};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How long a sync with no named peer listens for devices on the local network.
const DISCOVERY_WAIT: Duration = Duration::from_secs(3);

/// How often a peer dials the devices it knows or finds, unless `GRIDBOOK_DIAL_EVERY_MS` says.
const DIAL_EVERY: Duration = Duration::from_secs(30);

/// The small async runtime a peer or a one-off sync runs on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .doing(Step::Runtime)
        .map_err(Into::into)
}

/// Whether `GRIDBOOK_DISCOVERY` turns LAN discovery off (`off`, `0`, `no`, `false`).
pub(crate) fn discovery_off_in_env() -> bool {
    std::env::var("GRIDBOOK_DISCOVERY").is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "off" | "0" | "no" | "false"
        )
    })
}

/// A node's options: `bind` or `default_bind`, and discovery unless `no_discovery` or the
/// environment turns it off.
pub(crate) fn options(
    bind: Option<SocketAddr>,
    no_discovery: bool,
    default_bind: &str,
) -> Result<NodeOptions> {
    let bind = match bind {
        Some(b) => b,
        None => default_bind.parse()?,
    };
    Ok(NodeOptions::new(bind).discovery(!(no_discovery || discovery_off_in_env())))
}

/// The options of a peer started with no command line (the app): `GRIDBOOK_BIND`,
/// `GRIDBOOK_DISCOVERY`, else the defaults.
pub(crate) fn options_from_env() -> Result<NodeOptions> {
    let bind =
        match std::env::var("GRIDBOOK_BIND") {
            Ok(b) => Some(b.parse().with_context(|| {
                format!("GRIDBOOK_BIND={b} is not an address like 0.0.0.0:7777")
            })?),
            Err(_) => None,
        };
    options(bind, false, gridbook_sync::node::DEFAULT_BIND)
}

/// How often a peer dials: `GRIDBOOK_DIAL_EVERY_MS`, else every 30 s.
pub(crate) fn dial_every_from_env() -> Duration {
    std::env::var("GRIDBOOK_DIAL_EVERY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(DIAL_EVERY, Duration::from_millis)
}

/// A running peer: the node and its dialling.
pub(crate) struct Peer {
    node: Node,
    dialling: JoinHandle<()>,
    dialled: mpsc::UnboundedReceiver<Report>,
}

impl Peer {
    /// Starts the node on `options` (any free port when that address is taken) and dials the
    /// devices it knows or finds now and every `dial_every`.
    pub(crate) async fn start(
        book: Book,
        options: NodeOptions,
        dial_every: Duration,
    ) -> Result<Peer> {
        let node = match Node::start(book.clone(), options.clone()).await {
            Ok(node) => node,
            Err(first) if options.bind.port() != 0 => {
                let mut any_port = options;
                any_port.bind.set_port(0);
                tracing::warn!("cannot listen where asked ({first}); taking any free port");
                Node::start(book.clone(), any_port).await?
            }
            Err(e) => return Err(e.into()),
        };
        let (reports, dialled) = mpsc::unbounded_channel();
        let dialling = tokio::spawn(dial_around(
            node.dialer(),
            node.id(),
            book,
            dial_every,
            reports,
        ));
        Ok(Peer {
            node,
            dialling,
            dialled,
        })
    }

    /// The node, for what the caller asks of it (a one-off sync, an invite, a relay).
    pub(crate) fn node(&self) -> &Node {
        &self.node
    }

    /// What happened next: a session another device ran with this one or one this peer's
    /// dialling ran, or a pairing. `None` once the node has stopped.
    pub(crate) async fn next_event(&mut self) -> Option<NodeEvent> {
        tokio::select! {
            event = self.node.next_event() => event,
            Some(report) = self.dialled.recv() => Some(NodeEvent::Session(Ok(report))),
        }
    }

    /// Stops dialling, closes every connection and the endpoint.
    pub(crate) async fn shutdown(self) {
        self.dialling.abort();
        self.node.shutdown().await;
    }
}

/// The dialling: now and every `every`, each known or discovered device with no live
/// connection with this one is dialled and kept live; each session is reported.
async fn dial_around(
    dialer: Dialer,
    me: EndpointId,
    book: Book,
    every: Duration,
    reports: mpsc::UnboundedSender<Report>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let targets = match known_and_found(&dialer, me, &book, DISCOVERY_WAIT).await {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("cannot list the peers to dial: {e:#}");
                continue;
            }
        };
        for addr in targets {
            if dialer.is_live(addr.id) {
                continue;
            }
            let id = addr.id;
            match dialer.sync_live(addr).await {
                Ok(r) => {
                    if reports.send(r).is_err() {
                        return;
                    }
                }
                Err(e) => tracing::info!(peer = %id.fmt_short(), "not reached: {e}"),
            }
        }
    }
}

/// The peers a sync dials: the one given (a ticket, or a device id at `addr` or its last known
/// address), else every known device with an address and every device found on the LAN.
pub(crate) async fn targets(
    node: &Node,
    book: &Book,
    peer: Option<&str>,
    addr: Option<SocketAddr>,
) -> Result<Vec<EndpointAddr>> {
    let Some(peer) = peer else {
        return known_and_found(&node.dialer(), node.id(), book, DISCOVERY_WAIT).await;
    };
    if let Ok(ticket) = peer.parse::<EndpointTicket>() {
        return Ok(vec![ticket.endpoint_addr().clone()]);
    }
    let id: EndpointId = peer.trim().parse().doing(Step::Peer(peer.to_string()))?;
    let hex = id.to_string();
    let known = book.call(move |b| peer_record(b, &hex)).await??;
    let mut target = EndpointAddr::new(id);
    match addr {
        Some(a) => target = target.with_ip_addr(a),
        None => {
            for a in known.map(|r| r.addrs).unwrap_or_default() {
                target = target.with_ip_addr(a);
            }
        }
    }
    Ok(vec![target])
}

/// Every device the directory lists that has a known address, and every device announced on
/// the local network within `wait`, this one excepted.
async fn known_and_found(
    dialer: &Dialer,
    me: EndpointId,
    book: &Book,
    wait: Duration,
) -> Result<Vec<EndpointAddr>> {
    let known = book
        .call(
            |b| -> gridbook_model::Result<Vec<(String, Vec<SocketAddr>)>> {
                let mut out = Vec::new();
                for (device, _) in b.devices()? {
                    let addrs = peer_record(b, &device)?
                        .map(|r| r.addrs)
                        .unwrap_or_default();
                    out.push((device, addrs));
                }
                Ok(out)
            },
        )
        .await??;
    let mut out: Vec<EndpointAddr> = Vec::new();
    for (device, addrs) in known {
        let Ok(id) = device.parse::<EndpointId>() else {
            continue;
        };
        if id == me || addrs.is_empty() {
            continue;
        }
        let mut addr = EndpointAddr::new(id);
        for a in addrs {
            addr = addr.with_ip_addr(a);
        }
        out.push(addr);
    }
    for id in dialer.discover(wait).await {
        if id != me && !out.iter().any(|a| a.id == id) {
            out.push(EndpointAddr::new(id));
        }
    }
    Ok(out)
}
