//! What every connection between two devices shares: the sync ALPN, how long each side waits
//! and how an idle connection proves it is alive, and the reason a peer gave when it closed
//! one. The node, its dialers, live connections, pairing and the transport loop all use these;
//! this module uses none of them.

use std::time::Duration;

use iroh::endpoint::{Connection, ConnectionError};

/// The sync protocol's ALPN.
pub const ALPN: &[u8] = b"gridbook/sync/1";

/// How long either side waits for the peer's next frame before giving up on the session (a
/// peer that is alive but stuck; a peer that is gone is noticed sooner, see [`IDLE_TIMEOUT`]).
pub const TURN_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection over which nothing arrived for this long is closed: each side sends a QUIC
/// keep-alive every [`KEEP_ALIVE`], so only a peer that vanished (killed, out of range, its
/// network gone) stays silent that long.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(8);

/// How often an idle connection proves it is alive.
pub const KEEP_ALIVE: Duration = Duration::from_secs(2);

/// The reason the peer gave when it closed `conn`, if it closed it on purpose.
pub(crate) fn refusal(conn: &Connection) -> Option<String> {
    match conn.close_reason()? {
        ConnectionError::ApplicationClosed(close) if !close.reason.is_empty() => {
            Some(String::from_utf8_lossy(&close.reason).into_owned())
        }
        _ => None,
    }
}
