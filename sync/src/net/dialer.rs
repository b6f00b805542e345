//! Dialling peers from a running node: by address, by key through the relay, or found on the
//! local network (mDNS), one session each, kept live or closed once done.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use iroh::endpoint::Connection;
use iroh::{Endpoint, EndpointAddr, EndpointId, RelayUrl};
use iroh_mdns_address_lookup::{DiscoveryEvent, MdnsAddressLookup};

use super::error::NodeError;
use super::link::ALPN;
use super::live::Live;
use super::transport::{self, note_session};
use crate::actor::Book;
use crate::protocol::Report;

/// The relay server a node uses, shared with its dialers: it can change while the node runs.
pub(crate) type Relay = Arc<RwLock<Option<RelayUrl>>>;

pub(crate) fn current(relay: &Relay) -> Option<RelayUrl> {
    relay.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Dials peers from a node: cheap to clone, so a task of its own (serve's periodic dialling)
/// can hold one while the node serves.
#[derive(Debug, Clone)]
pub struct Dialer {
    pub(crate) endpoint: Endpoint,
    pub(crate) book: Book,
    pub(crate) live: Live,
    pub(crate) mdns: Option<MdnsAddressLookup>,
    pub(crate) relay: Relay,
}

impl Dialer {
    /// The devices announced on the local network within `wait` (none when discovery is off).
    pub async fn discover(&self, wait: Duration) -> Vec<EndpointId> {
        use futures_lite::StreamExt as _;
        let Some(mdns) = &self.mdns else {
            return Vec::new();
        };
        let mut events = mdns.subscribe().await;
        let mut found = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, events.next()).await {
            if let DiscoveryEvent::Discovered { endpoint_info, .. } = event
                && !found.contains(&endpoint_info.endpoint_id)
            {
                found.push(endpoint_info.endpoint_id);
            }
        }
        found
    }

    /// Dials `peer` at `addr` and runs one session as the dialer.
    pub async fn sync_with(&self, peer: EndpointId, addr: SocketAddr) -> Result<Report, NodeError> {
        self.sync_addr(EndpointAddr::new(peer).with_ip_addr(addr))
            .await
    }

    /// Dials a peer at what is known of its address (with discovery on, its id alone is enough
    /// on the local network) and runs one session as the dialer. The outcome is noted in the
    /// peer's record.
    pub async fn sync_addr(&self, addr: EndpointAddr) -> Result<Report, NodeError> {
        let (conn, report) = self.dial(addr).await?;
        match &report {
            Ok(_) => conn.close(0u32.into(), b"done"),
            Err(e) => conn.close(1u32.into(), e.to_string().as_bytes()),
        }
        report
    }

    /// Dials a peer like [`Dialer::sync_addr`], and keeps the connection once the first session
    /// completed: from then on each side pushes its new changes to the other as soon as it
    /// stores them (see `live.rs`), until either side goes away.
    pub async fn sync_live(&self, addr: EndpointAddr) -> Result<Report, NodeError> {
        let (conn, report) = self.dial(addr).await?;
        match &report {
            Ok(r) => {
                let live = self.live.clone();
                tokio::spawn(live.keep(conn, r.agreed));
            }
            Err(e) => conn.close(1u32.into(), e.to_string().as_bytes()),
        }
        report
    }

    /// Whether a live connection with `peer` is open.
    pub fn is_live(&self, peer: EndpointId) -> bool {
        self.live.is_connected(peer)
    }

    /// Connects and runs the first session as the dialer; a failure to connect is noted in the
    /// peer's record too. The peer is tried through this node's relay as well when `addr` names
    /// none: every device of a network keeps the relay the directory names as its home, so its
    /// key and that relay reach it from anywhere, with no address known.
    async fn dial(
        &self,
        addr: EndpointAddr,
    ) -> Result<(Connection, Result<Report, NodeError>), NodeError> {
        let addr = with_home_relay(addr, current(&self.relay).as_ref());
        let peer = addr.id;
        let ips: Vec<SocketAddr> = addr.ip_addrs().copied().collect();
        let conn = match self.endpoint.connect(addr, ALPN).await {
            Ok(c) => c,
            Err(e) => {
                let err = || NodeError::Connect {
                    peer: peer.to_string(),
                    detail: e.to_string(),
                };
                note_session(&self.book, peer, ips, &Err(err())).await;
                return Err(err());
            }
        };
        let report = transport::dial_on(&self.book, &conn, ips).await;
        Ok((conn, report))
    }
}

/// `addr`, with `relay` added when it names no relay.
fn with_home_relay(addr: EndpointAddr, relay: Option<&RelayUrl>) -> EndpointAddr {
    match relay {
        Some(relay) if addr.relay_urls().next().is_none() => addr.with_relay_url(relay.clone()),
        _ => addr,
    }
}
