//! The iroh adapter: an endpoint that never touches the internet, a hook that refuses every
//! device the directory does not list before any data moves, and the transport loop that feeds
//! a [`Session`] one frame at a time.
//!
//! The endpoint follows the recipe verified in DESIGN.md: `presets::Minimal` (ring crypto only),
//! no relay, no address lookup (no DNS, no pkarr), no port mapping, a minimal net report, and
//! IP sockets bound only where the caller says. A device binds [`DEFAULT_BIND`]; tests bind
//! `127.0.0.1:0`.

use std::net::SocketAddr;
use std::time::Duration;

use iroh::endpoint::{
    AfterHandshakeOutcome, Connection, EndpointHooks, NetReportConfig, PortmapperConfig,
    RecvStream, SendStream, Side as QuicSide, presets,
};
use iroh::protocol::{AcceptError, ProtocolHandler, Router};
use iroh::{Endpoint, EndpointAddr, RelayMode, SecretKey};

pub use iroh::EndpointId;
use tokio::sync::mpsc;
use tracing::Instrument as _;

use crate::actor::{Book, BookGone};
use crate::session::{Report, Session, SessionError, Step};
use crate::wire::{HEADER, payload_len};

/// The sync protocol's ALPN.
pub const ALPN: &[u8] = b"gridbook/sync/1";

/// The UDP port a device listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7777;

/// Where a device listens unless told otherwise: every IPv4 interface, [`DEFAULT_PORT`].
pub const DEFAULT_BIND: &str = "0.0.0.0:7777";

/// How long either side waits for the peer's next frame before giving up on the session.
pub const TURN_TIMEOUT: Duration = Duration::from_secs(30);

/// QUIC close code for a connection the hook refused.
const REFUSED: u32 = 403;

/// Why a node could not start, or a sync with a peer failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The socket could not be bound.
    #[error(
        "cannot listen on {addr}: {detail} (is another Gridbook running there? try --bind 0.0.0.0:0)"
    )]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// What iroh said.
        detail: String,
    },
    /// The peer could not be reached, or refused this device.
    #[error("cannot connect to {peer}: {detail}")]
    Connect {
        /// The peer.
        peer: String,
        /// What iroh said.
        detail: String,
    },
    /// The connection broke during the session.
    #[error("the connection broke: {0}")]
    Transport(String),
    /// The peer sent nothing for [`TURN_TIMEOUT`].
    #[error("the peer sent nothing for {} s", TURN_TIMEOUT.as_secs())]
    Timeout,
    /// The session ended with an error.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The store's thread is gone.
    #[error(transparent)]
    BookGone(#[from] BookGone),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] gridbook_model::Error),
}

/// Refuses, right after the TLS handshake, every connection with a device that the directory's
/// `devices` map does not list. A device with no network yet (listed on another device, never
/// synced) may dial out, to fetch its network from the device that listed it; it accepts
/// nothing.
#[derive(Debug)]
struct MembersOnly {
    book: Book,
}

impl EndpointHooks for MembersOnly {
    async fn after_handshake<'a>(&'a self, conn: &'a Connection) -> AfterHandshakeOutcome {
        let remote = data_encoding::HEXLOWER.encode(conn.remote_id().as_bytes());
        let outgoing = conn.side() == QuicSide::Client;
        let peer = remote.clone();
        let verdict = self
            .book
            .call(move |book| -> gridbook_model::Result<bool> {
                if book.network()?.is_none() {
                    return Ok(outgoing);
                }
                Ok(book.devices()?.contains_key(&peer))
            })
            .await;
        match verdict {
            Ok(Ok(true)) => AfterHandshakeOutcome::Accept,
            other => {
                if let Ok(Err(e)) = other {
                    tracing::warn!(peer = %remote, "cannot read the directory: {e}");
                }
                tracing::info!(peer = %remote, outgoing, "refused: not a device of this network");
                AfterHandshakeOutcome::Reject {
                    error_code: REFUSED.into(),
                    reason: b"not a device of this network".to_vec(),
                }
            }
        }
    }
}

/// Builds the offline endpoint with this device's key, bound at `bind`.
async fn endpoint(book: &Book, bind: SocketAddr) -> Result<Endpoint, NodeError> {
    let secret = book.call(|b| *b.device().secret_bytes()).await?;
    let bind_err = |detail: String| NodeError::Bind { addr: bind, detail };
    Endpoint::builder(presets::Minimal)
        .relay_mode(RelayMode::Disabled)
        .clear_address_lookup()
        .portmapper_config(PortmapperConfig::Disabled)
        .net_report_config(NetReportConfig::minimal())
        .clear_ip_transports()
        .bind_addr(bind)
        .map_err(|e| bind_err(e.to_string()))?
        .secret_key(SecretKey::from_bytes(&secret))
        .hooks(MembersOnly { book: book.clone() })
        .bind()
        .await
        .map_err(|e| bind_err(e.to_string()))
}

/// A running peer: its endpoint, accepting sync sessions from the network's devices.
#[derive(Debug)]
pub struct Node {
    router: Router,
    book: Book,
    reports: mpsc::UnboundedReceiver<Result<Report, String>>,
}

impl Node {
    /// Starts a peer for `book` listening on `bind`.
    pub async fn spawn(book: Book, bind: SocketAddr) -> Result<Node, NodeError> {
        let endpoint = endpoint(&book, bind).await?;
        let (tx, reports) = mpsc::unbounded_channel();
        let router = Router::builder(endpoint)
            .accept(
                ALPN,
                SyncProtocol {
                    book: book.clone(),
                    reports: tx,
                },
            )
            .spawn();
        Ok(Node {
            router,
            book,
            reports,
        })
    }

    /// This device's endpoint id (its device id).
    pub fn id(&self) -> EndpointId {
        self.router.endpoint().id()
    }

    /// The local addresses the endpoint listens on.
    pub fn bound(&self) -> Vec<SocketAddr> {
        self.router.endpoint().bound_sockets()
    }

    /// The next session a peer ran with this node: its report, or why it failed.
    pub async fn next_session(&mut self) -> Option<Result<Report, String>> {
        self.reports.recv().await
    }

    /// Dials `peer` at `addr` and runs one session as the dialer.
    pub async fn sync_with(&self, peer: EndpointId, addr: SocketAddr) -> Result<Report, NodeError> {
        let endpoint = self.router.endpoint();
        let conn = endpoint
            .connect(EndpointAddr::new(peer).with_ip_addr(addr), ALPN)
            .await
            .map_err(|e| NodeError::Connect {
                peer: peer.to_string(),
                detail: e.to_string(),
            })?;
        let (mut send, mut recv) = conn.open_bi().await.map_err(|e| NodeError::Connect {
            peer: peer.to_string(),
            detail: e.to_string(),
        })?;
        let peer_key = *peer.as_bytes();
        let started = self.book.call(move |b| Session::dial(b, peer_key)).await?;
        let result = match started {
            Ok((session, hello)) => {
                drive(&self.book, session, Some(hello), &mut send, &mut recv).await
            }
            Err(e) => Err(NodeError::Session(e)),
        };
        match &result {
            Ok(_) => conn.close(0u32.into(), b"done"),
            Err(e) => conn.close(1u32.into(), e.to_string().as_bytes()),
        }
        result
    }

    /// Stops accepting and closes the endpoint.
    pub async fn shutdown(self) {
        let _ = self.router.shutdown().await;
    }
}

/// Accepts sync sessions on [`ALPN`].
#[derive(Debug, Clone)]
struct SyncProtocol {
    book: Book,
    reports: mpsc::UnboundedSender<Result<Report, String>>,
}

impl ProtocolHandler for SyncProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let peer = conn.remote_id();
        let span = tracing::info_span!("sync", peer = %peer.fmt_short());
        self.serve(&conn).instrument(span).await?;
        // The dialer closes once it has our last frame; wait for that (bounded), so the frame
        // is not cut off by our side closing first.
        let _ = tokio::time::timeout(TURN_TIMEOUT, conn.closed()).await;
        Ok(())
    }
}

impl SyncProtocol {
    async fn serve(&self, conn: &Connection) -> Result<(), AcceptError> {
        let peer = conn.remote_id();
        let (mut send, mut recv) = conn.accept_bi().await?;
        let peer_key = *peer.as_bytes();
        let result = match self.book.call(move |b| Session::accept(b, peer_key)).await {
            Ok(Ok(session)) => drive(&self.book, session, None, &mut send, &mut recv).await,
            Ok(Err(e)) => Err(NodeError::Session(e)),
            Err(e) => Err(NodeError::BookGone(e)),
        };
        match &result {
            Ok(r) => tracing::info!(
                documents = r.documents.len(),
                bytes_in = r.bytes_received,
                bytes_out = r.bytes_sent,
                ms = r.elapsed.as_millis() as u64,
                "synced"
            ),
            Err(e) => tracing::warn!("sync failed: {e}"),
        }
        let _ = self
            .reports
            .send(result.map_err(|e| format!("{}: {e}", peer.fmt_short())));
        Ok(())
    }
}

/// Runs a session over one bidirectional stream until it ends.
async fn drive(
    book: &Book,
    mut session: Session,
    first: Option<Vec<u8>>,
    send: &mut SendStream,
    recv: &mut RecvStream,
) -> Result<Report, NodeError> {
    if let Some(bytes) = first {
        write(send, &bytes).await?;
    }
    loop {
        let frame = match read_frame(recv).await {
            Ok(f) => f,
            Err(NodeError::Session(e)) => {
                if let Some(abort) = e.abort_frame() {
                    let _ = write(send, &abort).await;
                }
                let _ = send.finish();
                return Err(NodeError::Session(e));
            }
            Err(e) => return Err(e),
        };
        let (back, step) = book
            .call(move |b| {
                let step = session.receive(b, &frame);
                (session, step)
            })
            .await?;
        session = back;
        match step {
            Ok(Step { send: out, done }) => {
                if let Some(bytes) = out {
                    write(send, &bytes).await?;
                }
                if done {
                    let _ = send.finish();
                    return Ok(session.report().clone());
                }
            }
            Err(e) => {
                if let Some(abort) = e.abort_frame() {
                    let _ = write(send, &abort).await;
                }
                let _ = send.finish();
                return Err(NodeError::Session(e));
            }
        }
    }
}

async fn write(send: &mut SendStream, bytes: &[u8]) -> Result<(), NodeError> {
    send.write_all(bytes)
        .await
        .map_err(|e| NodeError::Transport(e.to_string()))
}

/// Reads one frame (prefix included), refusing an oversize one before reading its payload.
async fn read_frame(recv: &mut RecvStream) -> Result<Vec<u8>, NodeError> {
    let read = async {
        let mut header = [0u8; HEADER];
        recv.read_exact(&mut header)
            .await
            .map_err(|e| NodeError::Transport(e.to_string()))?;
        let len = payload_len(header).map_err(SessionError::from)?;
        let mut frame = vec![0u8; HEADER + len];
        frame[..HEADER].copy_from_slice(&header);
        recv.read_exact(&mut frame[HEADER..])
            .await
            .map_err(|e| NodeError::Transport(e.to_string()))?;
        Ok::<_, NodeError>(frame)
    };
    tokio::time::timeout(TURN_TIMEOUT, read)
        .await
        .map_err(|_| NodeError::Timeout)?
}
