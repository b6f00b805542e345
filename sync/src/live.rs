//! Live sync: while a connection stays open after a completed session, each side pushes its
//! new changes to the other as soon as it stores them, and answers the other's pushes.
//!
//! A push is an ordinary session on a new stream of the same connection, dialled by the side
//! that changed. From what the two recorded when they last agreed (`known.rs`), its new changes
//! go in its first flight and the peer's answer ends it: one round trip, no new connection.
//! Both sides may push at once (each answers the other's stream while its own runs); each runs
//! one push at a time, and pushes again if more changed meanwhile. Changes received from a
//! third device count too, so an edit travels on through every live connection. A peer that
//! vanishes is noticed by the connection's idle timeout ([`crate::node::IDLE_TIMEOUT`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::EndpointId;
use iroh::endpoint::Connection;
use tokio::sync::mpsc;

use crate::actor::Book;
use crate::node::NodeError;
use crate::session::{Report, manifest, manifest_digest};
use crate::transport;
use crate::wire::Digest;

/// How long a push waits after the first change it saw, so a burst of edits travels as one.
const SETTLE: Duration = Duration::from_millis(100);

/// What every live connection of a node shares.
#[derive(Debug, Clone)]
pub(crate) struct Live {
    book: Book,
    reports: mpsc::UnboundedSender<Result<Report, String>>,
    /// Open live connections per peer.
    connected: Arc<Mutex<HashMap<EndpointId, usize>>>,
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
            .map(|c| c.get(&peer).is_some_and(|n| *n > 0))
            .unwrap_or(false)
    }

    /// Hands a session's outcome to whoever watches the node.
    pub(crate) fn report(&self, peer: EndpointId, result: Result<Report, NodeError>) {
        let _ = self
            .reports
            .send(result.map_err(|e| format!("{}: {e}", peer.fmt_short())));
    }

    fn count(&self, peer: EndpointId, up: bool) {
        if let Ok(mut c) = self.connected.lock() {
            let n = c.entry(peer).or_default();
            *n = if up { *n + 1 } else { n.saturating_sub(1) };
        }
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
        self.count(peer, true);
        async move {
            let agreed: Agreed = Arc::new(Mutex::new(agreed));
            tokio::select! {
                () = self.push(&conn, &agreed) => {}
                () = self.answer_all(&conn, &agreed) => {}
            }
            self.count(peer, false);
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
            if !std::mem::take(&mut first) {
                tokio::select! {
                    _ = conn.closed() => return,
                    changed = changes.changed() => if changed.is_err() { return },
                }
                tokio::time::sleep(SETTLE).await;
            }
            changes.borrow_and_update();
            let now = self.digest().await;
            if now.is_none() || agreed.lock().is_ok_and(|a| *a == now) {
                continue;
            }
            let result = transport::dial_on(&self.book, conn, Vec::new()).await;
            let failed = result.is_err();
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
                conn.close(1u32.into(), b"a live push failed");
                return;
            }
        }
    }
}
