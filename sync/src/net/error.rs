//! Why a node could not start, or a sync with a peer failed.

use std::net::SocketAddr;

use super::link::TURN_TIMEOUT;
use crate::actor::BookGone;
use crate::protocol::SessionError;

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
    /// The peer sent or took nothing for [`TURN_TIMEOUT`].
    #[error("the peer did not answer for {} s", TURN_TIMEOUT.as_secs())]
    Timeout,
    /// LAN discovery could not start.
    #[error("cannot start LAN discovery: {0} (run with --no-discovery to go without)")]
    Discovery(String),
    /// The inviting device refused to pair, or pairing broke off.
    #[error("pairing failed: {0}")]
    Pairing(String),
    /// A relay was set on a node started without a relay transport.
    #[error("this peer was started without a relay and cannot take one while it runs: restart it")]
    NoRelayTransport,
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
