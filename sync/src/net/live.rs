//! Live sync: while a connection stays open after a completed session, each side pushes its
//! new changes to the other as soon as it stores them, and answers the other's pushes.
//!
//! A push is an ordinary session on a new stream of the same connection, dialled by the side
//! that changed. From what the two recorded when they last agreed (`protocol/known.rs`), its
//! new changes go in its first flight and the peer's answer ends it: one round trip, no new
//! connection. Both sides may push at once (each answers the other's stream while its own
//! runs); each runs one push at a time, and pushes again if more changed meanwhile. Changes
//! received from a third device count too, so an edit travels on through every live
//! connection. A peer that vanishes is noticed by the connection's idle timeout
//! ([`IDLE_TIMEOUT`](super::link::IDLE_TIMEOUT)).
//!
//! **Revocation**: the node keeps every live connection's handle by peer. Whenever the book
//! changes (a revocation written here, or received by sync or from a bundle), each connection
//! first checks its peer's standing, before waiting to push: a peer that is no longer an active
//! member has every connection to it closed with [`REVOKED`] and the reason ("revoked: tablet
//! lost"), which the revoked side reports. Nothing is pushed to it first (and every session
//! frame checks the peer again besides).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::EndpointId;
use iroh::endpoint::{Connection, ConnectionError};
use tokio::sync::mpsc;

use super::error::NodeError;
use super::transport;
use crate::actor::Book;
use crate::protocol::{Digest, Report, manifest, manifest_digest};

/// How long a push waits after the first change it saw, so a burst of edits travels as one.
const SETTLE: Duration = Duration::from_millis(100);

/// How many times a failed push is tried again before the connection is given up.
const PUSH_RETRIES: usize = 2;

/// QUIC close code for a live connection whose peer is no longer an active member.
pub(crate) const REVOKED: u32 = 410;

/// What every live connection of a node shares.
#[derive(Debug, Clone)]
pub(crate) struct Live {
    book: Book,
    reports: mpsc::UnboundedSender<Result<Report, String>>,
    /// Open live connections per peer, to close them all when the peer is revoked.
    connected: Arc<Mutex<HashMap<EndpointId, Vec<Connection>>>>,
}

/// The digest both sides held when they last agreed on one connection.
type Agreed = Arc<Mutex<Option<Digest>>>;

impl Live {
    pub(crate) fn new(book: Book, reports: mpsc::UnboundedSender<Result<Report, String>>) -> Live {
        Live {
            book,
            reports,
            connected: Arc::default(),
        }
    }

    /// Whether a live connection with `peer` is open.
    pub(crate) fn is_connected(&self, peer: EndpointId) -> bool {
        self.connected
            .lock()
            .map(|c| c.get(&peer).is_some_and(|conns| !conns.is_empty()))
            .unwrap_or(false)
    }

    /// Hands a session's outcome to whoever watches the node.
    pub(crate) fn report(&self, peer: EndpointId, result: Result<Report, NodeError>) {
        let _ = self
            .reports
            .send(result.map_err(|e| format!("{}: {e}", peer.fmt_short())));
    }

    fn register(&self, conn: &Connection) {
        if let Ok(mut c) = self.connected.lock() {
            c.entry(conn.remote_id()).or_default().push(conn.clone());
        }
    }

    fn unregister(&self, conn: &Connection) {
        if let Ok(mut c) = self.connected.lock()
            && let Some(conns) = c.get_mut(&conn.remote_id())
        {
            conns.retain(|other| other.stable_id() != conn.stable_id());
            if conns.is_empty() {
                c.remove(&conn.remote_id());
            }
        }
    }

    /// Closes every live connection with `peer` when it is no longer an active member of this
    /// device's network; true when it did.
    async fn cut_off_if_revoked(&self, peer: EndpointId) -> bool {
        let hex = data_encoding::HEXLOWER.encode(peer.as_bytes());
        let why = self
            .book
            .call(move |b| -> Option<String> {
                // A device with no network yet keeps the connection it dialled to fetch one.
                if !b.network().is_ok_and(|n| n.is_some()) || b.is_active_member(&hex) {
                    return None;
                }
                let revoked = b
                    .membership()
                    .ok()
                    .and_then(|m| m.device(&hex))
                    .and_then(|d| d.revoked.clone());
                Some(match revoked {
                    Some(r) => format!("revoked: {}", r.reason),
                    None => "not a device of this network".into(),
                })
            })
            .await
            .ok()
            .flatten();
        let Some(why) = why else {
            return false;
        };
        let conns = self
            .connected
            .lock()
            .map(|mut c| c.remove(&peer).unwrap_or_default())
            .unwrap_or_default();
        tracing::info!(peer = %peer.fmt_short(), "closing {} live connection(s): {why}", conns.len());
        for conn in conns {
            conn.close(REVOKED.into(), why.as_bytes());
        }
        true
    }

    async fn digest(&self) -> Option<Digest> {
        match self
            .book
            .call(|b| manifest(b).map(|m| manifest_digest(&m)))
            .await
        {
            Ok(Ok(d)) => Some(d),
            _ => None,
        }
    }

    /// Keeps `conn` live until it closes: answers the peer's pushes and pushes this device's
    /// new changes.
    /// The connection counts as live from this call on, not only once the future runs.
    /// `agreed` is the digest the first session ended on.
    pub(crate) fn keep(
        self,
        conn: Connection,
        agreed: Option<Digest>,
    ) -> impl Future<Output = ()> + Send + 'static {
        let peer = conn.remote_id();
        self.register(&conn);
        async move {
            let agreed: Agreed = Arc::new(Mutex::new(agreed));
            tokio::select! {
                () = self.push(&conn, &agreed) => {}
                () = self.answer_all(&conn, &agreed) => {}
            }
            self.unregister(&conn);
            if let Some(ConnectionError::ApplicationClosed(close)) = conn.close_reason()
                && close.error_code == REVOKED.into()
            {
                // The peer cut this device off: say why, wherever sessions are reported.
                let why = String::from_utf8_lossy(&close.reason).into_owned();
                let _ = self.reports.send(Err(format!(
                    "{}: the peer closed the connection: {why}",
                    peer.fmt_short()
                )));
            }
            tracing::debug!(peer = %peer.fmt_short(), "live connection closed");
        }
    }

    async fn answer_all(&self, conn: &Connection, agreed: &Agreed) {
        let peer = conn.remote_id();
        while let Ok((send, recv)) = conn.accept_bi().await {
            let live = self.clone();
            let agreed = agreed.clone();
            let conn = conn.clone();
            tokio::spawn(async move {
                let result = transport::answer(&live.book, peer, send, recv)
                    .await
                    .map(|r| transport::with_path(r, &conn));
                if let Ok(Report {
                    agreed: Some(digest),
                    ..
                }) = &result
                    && let Ok(mut a) = agreed.lock()
                {
                    *a = Some(*digest);
                }
                live.report(peer, result);
            });
        }
    }

    async fn push(&self, conn: &Connection, agreed: &Agreed) {
        let peer = conn.remote_id();
        let mut changes = self.book.changes();
        let mut first = true;
        loop {
            // Whatever changed since the first session ended counts, even before this ran.
            let woken = !std::mem::take(&mut first);
            if woken {
                tokio::select! {
                    _ = conn.closed() => return,
                    changed = changes.changed() => if changed.is_err() { return },
                }
            }
            // Checked at once, before waiting for a burst of edits to settle.
            if self.cut_off_if_revoked(peer).await {
                return;
            }
            if woken {
                tokio::time::sleep(SETTLE).await;
            }
            changes.borrow_and_update();
            let now = self.digest().await;
            if now.is_none() || agreed.lock().is_ok_and(|a| *a == now) {
                continue;
            }
            let mut result = transport::dial_on(&self.book, conn, Vec::new()).await;
            // A push can cross the peer's own push on this connection, and two sessions at
            // once between the same two devices can fail each other; one more try once the
            // other has ended settles it (the live test's simultaneous edits showed it).
            for _ in 0..PUSH_RETRIES {
                if result.is_ok() || conn.close_reason().is_some() {
                    break;
                }
                // A session refused because the peer was revoked meanwhile: say so and stop.
                if self.cut_off_if_revoked(peer).await {
                    return;
                }
                tokio::time::sleep(SETTLE).await;
                result = transport::dial_on(&self.book, conn, Vec::new()).await;
            }
            let failed = result.is_err();
            if failed && ended_by_peer(conn) {
                // The peer closed the connection as a finished one-off session does ("done")
                // just as this side began a push: nothing failed, and no one is left to tell.
                return;
            }
            if let Ok(Report {
                agreed: Some(digest),
                ..
            }) = &result
                && let Ok(mut a) = agreed.lock()
            {
                *a = Some(*digest);
            }
            self.report(peer, result);
            if failed {
                // Revoked during the push: the peer hears why (code 410), not just "failed".
                if !self.cut_off_if_revoked(peer).await {
                    conn.close(1u32.into(), b"a live push failed");
                }
                return;
            }
        }
    }
}

/// Whether the peer closed `conn` the way a finished one-off session does (code 0, "done"),
/// not because something went wrong.
fn ended_by_peer(conn: &Connection) -> bool {
    matches!(
        conn.close_reason(),
        Some(ConnectionError::ApplicationClosed(close)) if close.error_code == 0u32.into()
    )
}
