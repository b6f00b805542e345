//! The iroh adapter: an endpoint that never touches the internet, a hook that refuses every
//! device the directory does not list before any data moves, and the protocols it accepts (a
//! sync session, run by `transport.rs`, and pairing). This module is the network side's one
//! public face: everything a caller names (options, events, errors, dialers, addresses and the
//! connection constants) is reachable here.
//!
//! The endpoint follows the recipe in docs/design.md: `presets::Minimal` (ring crypto only),
//! no address lookup (no DNS, no pkarr), no port mapping, a minimal net report, and IP sockets
//! bound only where the caller says. A device binds [`DEFAULT_BIND`]; tests bind `127.0.0.1:0`.
//! No relay, unless the network's directory names its own (see docs/relay.md): then the device
//! keeps a connection to it, probes only it, and dials every peer through it as well. On a node
//! started with [`NodeOptions::relay_can_change`] (the app's) the relay can change while it runs
//! ([`Node::set_relay`]): its relay map starts empty rather than disabled, and an empty map
//! contacts nothing.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use iroh::endpoint::{
    AfterHandshakeOutcome, Connection, EndpointHooks, NetReportConfig, PortmapperConfig,
    QuicTransportConfig, Side as QuicSide, presets,
};
use iroh::protocol::{AcceptError, ProtocolHandler, Router};
use iroh::{Endpoint, RelayConfig, RelayMap, RelayMode, SecretKey};
use iroh_mdns_address_lookup::MdnsAddressLookup;
use tokio::sync::mpsc;
use tracing::Instrument as _;

pub use super::dialer::Dialer;
use super::dialer::{Relay, current};
pub use super::error::NodeError;
pub use super::link::{ALPN, IDLE_TIMEOUT, KEEP_ALIVE, TURN_TIMEOUT};
use super::live::Live;
use super::pairing::{self, NO_INVITE, PairingProtocol};
pub use super::pairing::{ATTEMPTS_PER_MINUTE, Joined, PAIR_ALPN};
use super::transport;
use crate::actor::Book;
use crate::invite::{self, Grant, InviteTicket};
use crate::protocol::Report;
pub use iroh::{EndpointAddr, EndpointId, RelayUrl};
pub use iroh_tickets::endpoint::EndpointTicket;

/// The UDP port a device listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7777;

/// Where a device listens unless told otherwise: every IPv4 interface, [`DEFAULT_PORT`].
pub const DEFAULT_BIND: &str = "0.0.0.0:7777";

/// QUIC close code for a connection the hook refused.
const REFUSED: u32 = 403;

/// Refuses, right after the TLS handshake, every connection with a device that is not an active
/// member: a verified, unrevoked grant in the directory (see `gridbook_model::access`). A device with no network yet (listed on another device, never
/// synced) may dial out, to fetch its network from the device that listed it; it accepts
/// nothing. The pairing ALPN is the one exception: it is accepted from anyone, but only while
/// this device has an invite open.
#[derive(Debug)]
struct MembersOnly {
    book: Book,
}

impl EndpointHooks for MembersOnly {
    async fn after_handshake<'a>(&'a self, conn: &'a Connection) -> AfterHandshakeOutcome {
        let remote = data_encoding::HEXLOWER.encode(conn.remote_id().as_bytes());
        let outgoing = conn.side() == QuicSide::Client;
        let pairing = conn.alpn() == PAIR_ALPN;
        let peer = remote.clone();
        let verdict = self
            .book
            .call(move |book| -> Result<bool, String> {
                if pairing {
                    return Ok(outgoing || invite::any_open(book).map_err(|e| e.to_string())?);
                }
                if book.network().map_err(|e| e.to_string())?.is_none() {
                    return Ok(outgoing);
                }
                // Verified and unrevoked only; an unreadable directory refuses.
                book.membership().map_err(|e| e.to_string())?;
                Ok(book.is_active_member(&peer))
            })
            .await;
        match verdict {
            Ok(Ok(true)) => AfterHandshakeOutcome::Accept,
            other => {
                if let Ok(Err(e)) = other {
                    tracing::warn!(peer = %remote, "cannot read the directory: {e}");
                }
                let reason: &[u8] = if pairing {
                    NO_INVITE.as_bytes()
                } else {
                    b"not a device of this network"
                };
                tracing::info!(peer = %remote, outgoing, pairing, "refused: {}", String::from_utf8_lossy(reason));
                AfterHandshakeOutcome::Reject {
                    error_code: REFUSED.into(),
                    reason: reason.to_vec(),
                }
            }
        }
    }
}

/// How a node listens and finds its peers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeOptions {
    /// Where to listen (UDP).
    pub bind: SocketAddr,
    /// Announce this device and find peers on the local network (mDNS).
    pub discovery: bool,
    /// A relay server to reach peers on other networks through, when online.
    pub relay: Option<RelayUrl>,
    /// Whether a relay can be set while the node runs ([`Node::set_relay`]), even if it
    /// starts with none. A long-running node (the app) wants this; a one-off command does not:
    /// iroh then keeps a relay transport with an empty map, which contacts nothing but logs an
    /// error ("relay_recv_channel closed") when the node shuts down.
    pub relay_can_change: bool,
}

impl NodeOptions {
    /// Listens at `bind`, with no discovery and no relay: nothing leaves the given interface.
    pub fn new(bind: SocketAddr) -> NodeOptions {
        NodeOptions {
            bind,
            discovery: false,
            relay: None,
            relay_can_change: false,
        }
    }

    /// With a relay that can be set, changed or cleared while the node runs.
    pub fn relay_can_change(mut self) -> NodeOptions {
        self.relay_can_change = true;
        self
    }

    /// With LAN discovery on or off.
    pub fn discovery(mut self, on: bool) -> NodeOptions {
        self.discovery = on;
        self
    }

    /// With a relay server, or none.
    pub fn relay(mut self, relay: Option<RelayUrl>) -> NodeOptions {
        self.relay = relay;
        self
    }
}

/// The mDNS service name: Gridbook devices look only for each other.
const MDNS_SERVICE: &str = "gridbook";

/// Builds the endpoint with this device's key. Offline unless `options` names a relay: no DNS,
/// no pkarr, no port mapping, no HTTPS probes; mDNS on the local network only when asked.
async fn endpoint(
    book: &Book,
    options: &NodeOptions,
) -> Result<(Endpoint, Option<MdnsAddressLookup>), NodeError> {
    let secret = book.call(|b| *b.device().secret_bytes()).await?;
    let bind = options.bind;
    let bind_err = |detail: String| NodeError::Bind { addr: bind, detail };
    // An empty map rather than none when the relay can change: one can be added while the
    // node runs (`Node::set_relay`), and an empty map contacts nothing.
    let relay = match &options.relay {
        Some(url) => RelayMode::Custom(RelayMap::from(url.clone())),
        None if options.relay_can_change => RelayMode::Custom(RelayMap::empty()),
        None => RelayMode::Disabled,
    };
    // A device takes a relay as its home (connects to it and can be reached there) only once a
    // probe timed it. iroh-relay serves QUIC address discovery only when configured to, so the
    // HTTPS probe (a GET to the network's own relay, nothing else) is what finds it.
    let mut net_report = NetReportConfig::minimal();
    net_report.https_probes = options.relay.is_some() || options.relay_can_change;
    let endpoint = Endpoint::builder(presets::Minimal)
        .relay_mode(relay)
        .clear_address_lookup()
        .portmapper_config(PortmapperConfig::Disabled)
        .net_report_config(net_report)
        .clear_ip_transports()
        .bind_addr(bind)
        .map_err(|e| bind_err(e.to_string()))?
        .secret_key(SecretKey::from_bytes(&secret))
        .hooks(MembersOnly { book: book.clone() })
        .transport_config(
            QuicTransportConfig::builder()
                .keep_alive_interval(KEEP_ALIVE)
                .max_idle_timeout(IDLE_TIMEOUT.try_into().ok())
                // iroh keeps a connection while any path lives: each path must time out too.
                .default_path_keep_alive_interval(KEEP_ALIVE)
                .default_path_max_idle_timeout(IDLE_TIMEOUT)
                .build(),
        )
        .bind()
        .await
        .map_err(|e| bind_err(e.to_string()))?;
    let mdns = if options.discovery {
        let mdns = MdnsAddressLookup::builder()
            .service_name(MDNS_SERVICE)
            .build(endpoint.id())
            .map_err(|e| NodeError::Discovery(e.to_string()))?;
        endpoint
            .address_lookup()
            .map_err(|e| NodeError::Discovery(e.to_string()))?
            .add(mdns.clone());
        Some(mdns)
    } else {
        None
    };
    Ok((endpoint, mdns))
}

/// What happened at a node.
#[derive(Debug)]
#[non_exhaustive]
pub enum NodeEvent {
    /// A peer ran a session with this node: its report, or why it failed.
    Session(Result<Report, String>),
    /// A device paired through an invite, or why a pairing was refused.
    Paired(Result<Joined, String>),
}

/// A running peer: its endpoint, accepting sync sessions from the network's devices and, while
/// an invite is open, pairing requests.
#[derive(Debug)]
pub struct Node {
    router: Router,
    book: Book,
    reports: mpsc::UnboundedReceiver<Result<Report, String>>,
    pairings: mpsc::UnboundedReceiver<Result<Joined, String>>,
    mdns: Option<MdnsAddressLookup>,
    live: Live,
    relay: Relay,
    /// Whether the endpoint has a relay transport (see [`NodeOptions::relay_can_change`]).
    can_relay: bool,
}

impl Node {
    /// Starts a peer for `book` listening on `bind`, with no discovery and no relay.
    pub async fn spawn(book: Book, bind: SocketAddr) -> Result<Node, NodeError> {
        Node::start(book, NodeOptions::new(bind)).await
    }

    /// Starts a peer for `book` as `options` say.
    pub async fn start(book: Book, options: NodeOptions) -> Result<Node, NodeError> {
        let (endpoint, mdns) = endpoint(&book, &options).await?;
        let can_relay = options.relay.is_some() || options.relay_can_change;
        let (tx, reports) = mpsc::unbounded_channel();
        let (pair_tx, pairings) = mpsc::unbounded_channel();
        let live = Live::new(book.clone(), tx);
        let router = Router::builder(endpoint)
            .accept(
                ALPN,
                SyncProtocol {
                    book: book.clone(),
                    live: live.clone(),
                },
            )
            .accept(PAIR_ALPN, PairingProtocol::new(book.clone(), pair_tx))
            .spawn();
        Ok(Node {
            router,
            book,
            reports,
            pairings,
            mdns,
            live,
            relay: Arc::new(RwLock::new(options.relay)),
            can_relay,
        })
    }

    /// Uses `relay` from now on instead of the one it had (the directory's relay changed, or
    /// an invite names the inviting device's): peers on other networks are reached through it
    /// and it becomes this device's home, with no restart. Connections open stay open.
    ///
    /// Only a node started with a relay or [`NodeOptions::relay_can_change`] has a relay
    /// transport: on any other this says no and changes nothing.
    pub async fn set_relay(&self, relay: Option<RelayUrl>) -> Result<(), NodeError> {
        if !self.can_relay {
            return Err(NodeError::NoRelayTransport);
        }
        let old = std::mem::replace(
            &mut *self.relay.write().unwrap_or_else(|e| e.into_inner()),
            relay.clone(),
        );
        if old == relay {
            return Ok(());
        }
        let endpoint = self.router.endpoint();
        if let Some(new) = relay {
            endpoint
                .insert_relay(new.clone(), Arc::new(RelayConfig::from(new)))
                .await;
        }
        if let Some(old) = old {
            endpoint.remove_relay(&old).await;
        }
        Ok(())
    }

    /// The relay server this node uses, if any.
    pub fn relay(&self) -> Option<RelayUrl> {
        current(&self.relay)
    }

    /// This device's endpoint id (its device id).
    pub fn id(&self) -> EndpointId {
        self.router.endpoint().id()
    }

    /// The local addresses the endpoint listens on.
    pub fn bound(&self) -> Vec<SocketAddr> {
        self.router.endpoint().bound_sockets()
    }

    /// Where other devices can reach this one: its id, the addresses its interfaces have, and
    /// its relay if it has one (the one it was started with, even before it has connected to
    /// it, so a ticket printed at start carries it). A socket bound to one address (loopback in
    /// tests) is that address alone.
    pub fn ticket(&self) -> EndpointTicket {
        let endpoint = self.router.endpoint();
        let mut addr = EndpointAddr::new(endpoint.id());
        let bound = endpoint.bound_sockets();
        let specific: Vec<SocketAddr> = bound
            .iter()
            .copied()
            .filter(|a| !a.ip().is_unspecified())
            .collect();
        if specific.is_empty() {
            for a in endpoint.addr().addrs {
                addr.addrs.insert(a);
            }
        } else {
            for a in specific {
                addr = addr.with_ip_addr(a);
            }
        }
        if let Some(relay) = endpoint
            .addr()
            .relay_urls()
            .next()
            .cloned()
            .or(self.relay())
        {
            addr = addr.with_relay_url(relay);
        }
        EndpointTicket::new(addr)
    }

    /// The next session a peer ran with this node: its report, or why it failed.
    pub async fn next_session(&mut self) -> Option<Result<Report, String>> {
        self.reports.recv().await
    }

    /// The next device that paired with this one through an invite, or why a pairing failed.
    pub async fn next_pairing(&mut self) -> Option<Result<Joined, String>> {
        self.pairings.recv().await
    }

    /// The next thing that happened at this node: a session or a pairing.
    pub async fn next_event(&mut self) -> Option<NodeEvent> {
        tokio::select! {
            r = self.reports.recv() => r.map(NodeEvent::Session),
            p = self.pairings.recv() => p.map(NodeEvent::Paired),
        }
    }

    /// A handle that dials peers from this node, for a task of its own.
    pub fn dialer(&self) -> Dialer {
        Dialer {
            endpoint: self.router.endpoint().clone(),
            book: self.book.clone(),
            live: self.live.clone(),
            mdns: self.mdns.clone(),
            relay: self.relay.clone(),
        }
    }

    /// The devices announced on the local network within `wait` (none when discovery is off).
    pub async fn discover(&self, wait: Duration) -> Vec<EndpointId> {
        self.dialer().discover(wait).await
    }

    /// Dials `peer` at `addr` and runs one session as the dialer.
    pub async fn sync_with(&self, peer: EndpointId, addr: SocketAddr) -> Result<Report, NodeError> {
        self.dialer().sync_with(peer, addr).await
    }

    /// See [`Dialer::sync_addr`].
    pub async fn sync_addr(&self, addr: EndpointAddr) -> Result<Report, NodeError> {
        self.dialer().sync_addr(addr).await
    }

    /// See [`Dialer::sync_live`].
    pub async fn sync_live(&self, addr: EndpointAddr) -> Result<Report, NodeError> {
        self.dialer().sync_live(addr).await
    }

    /// Whether a live connection with `peer` is open.
    pub fn is_live(&self, peer: EndpointId) -> bool {
        self.live.is_connected(peer)
    }

    /// Pairs with the device that made `ticket`'s invite: proves its secret, and returns the
    /// grant. The inviting device has listed this device by then; sync with it next
    /// ([`Node::sync_addr`] with the ticket's address) to receive the network.
    pub async fn join(&self, ticket: &InviteTicket) -> Result<Grant, NodeError> {
        pairing::join(self.router.endpoint(), ticket).await
    }

    /// This device's invite ticket for `secret`.
    pub fn invite_ticket(&self, secret: [u8; 16]) -> InviteTicket {
        InviteTicket {
            endpoint: self.ticket(),
            secret,
        }
    }

    /// Stops accepting and closes the endpoint.
    pub async fn shutdown(self) {
        let _ = self.router.shutdown().await;
    }
}

/// Accepts sync sessions on [`ALPN`], and keeps each connection live once its first session
/// completed.
#[derive(Debug, Clone)]
struct SyncProtocol {
    book: Book,
    live: Live,
}

impl ProtocolHandler for SyncProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let peer = conn.remote_id();
        let span = tracing::info_span!("sync", peer = %peer.fmt_short());
        let (send, recv) = conn.accept_bi().await?;
        let result = transport::answer(&self.book, peer, send, recv)
            .instrument(span.clone())
            .await
            .map(|r| transport::with_path(r, &conn));
        let agreed = result.as_ref().ok().and_then(|r| r.agreed);
        self.live.report(peer, result);
        if agreed.is_some() {
            self.live.clone().keep(conn, agreed).instrument(span).await;
        } else {
            // The dialer closes once it has our last frame; wait for that (bounded), so the
            // frame is not cut off by our side closing first.
            let _ = tokio::time::timeout(TURN_TIMEOUT, conn.closed()).await;
        }
        Ok(())
    }
}

/// The words of [`NodeError`], for the app and the command line.
mod words {
    use gridbook_model::words::Words;

    use super::{NodeError, TURN_TIMEOUT};
    use crate::{BookGone, SessionError};

    gridbook_model::worded!(NodeError {
        NodeError::Bind { addr, detail } => Words::new("error.sync.node.bind")
                .arg("addr", addr)
                .arg("detail", detail),
            example: NodeError::Bind {
                addr: ([0, 0, 0, 0], 7777).into(),
                detail: "address in use".into(),
            };
        NodeError::Connect { peer, detail } => Words::new("error.sync.node.connect")
                .arg("peer", peer)
                .arg("detail", detail),
            example: NodeError::Connect { peer: "ab12".into(), detail: "timed out".into() };
        NodeError::Transport(detail) => Words::new("error.sync.node.transport").arg("detail", detail),
            example: NodeError::Transport("connection lost".into());
        NodeError::Timeout => Words::new("error.sync.node.timeout").arg("secs", TURN_TIMEOUT.as_secs()),
            example: NodeError::Timeout;
        NodeError::Discovery(detail) => Words::new("error.sync.node.discovery").arg("detail", detail),
            example: NodeError::Discovery("no multicast".into());
        NodeError::Pairing(detail) => Words::new("error.sync.node.pairing").arg("detail", detail),
            example: NodeError::Pairing("the invite expired".into());
        NodeError::NoRelayTransport => Words::new("error.sync.node.no_relay_transport"),
            example: NodeError::NoRelayTransport;
        NodeError::Session(e) => e.words(), example: NodeError::Session(SessionError::Diverged);
        NodeError::BookGone(e) => e.words(), example: NodeError::BookGone(BookGone);
        NodeError::Store(e) => e.words(), example: NodeError::Store(gridbook_model::Error::NoNetwork);
    });
}
