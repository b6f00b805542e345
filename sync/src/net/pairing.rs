//! The pairing ALPN: a new device proves an invite's secret and receives its grant (see
//! `invite.rs` for what is proved and granted).
//!
//! The connection hook lets a stranger through on this ALPN only while an invite is open. Each
//! connection carries one request and one answer, each a length-prefixed postcard frame of at
//! most [`PAIR_MAX_FRAME`] bytes; the handler admits at most [`ATTEMPTS_PER_MINUTE`] requests a
//! minute, whoever sends them, so nobody can make this device hash or write in a loop. Nothing
//! else is exchanged: the new device's data arrives afterwards over the sync ALPN, as a member.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use iroh::Endpoint;
use iroh::endpoint::{Connection, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::error::NodeError;
use super::link::refusal;
use crate::actor::Book;
use crate::invite::{self, Grant, InviteTicket, Proof};

/// The pairing protocol's ALPN.
pub const PAIR_ALPN: &[u8] = b"gridbook/pair/1";

/// The largest pairing frame either side accepts.
pub(crate) const PAIR_MAX_FRAME: usize = 4096;

/// Pairing requests this device answers per minute, from everyone together.
pub const ATTEMPTS_PER_MINUTE: usize = 10;

/// How long either side waits for the other during pairing.
const PAIR_TIMEOUT: Duration = Duration::from_secs(20);

/// Why the hook refuses a pairing connection.
pub(crate) const NO_INVITE: &str =
    "this device has no open invite (it was used, or has expired): ask the admin for a new invite";

const VERSION: u32 = 1;

/// One message of the pairing protocol, as a frame's postcard payload carries it.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    not(feature = "test-support"),
    allow(unreachable_pub, reason = "public with test-support")
)]
pub enum PairFrame {
    /// The joining device's request: the protocol version and its proof of the secret.
    Request {
        /// The pairing protocol version the joining device speaks.
        version: u32,
        /// Its proof of the invite's secret.
        proof: Proof,
    },
    /// The inviting device's answer: what the new device is granted.
    Grant(Grant),
    /// The inviting device's answer: why not.
    Refused(String),
}

#[cfg_attr(
    not(feature = "test-support"),
    allow(unreachable_pub, reason = "public with test-support")
)]
impl PairFrame {
    /// The payload of a frame: postcard.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_stdvec(self).unwrap_or_else(|e| unreachable!("a frame always encodes: {e}"))
    }

    /// A frame's payload as it arrives from the other device: the message or why not.
    pub fn decode(payload: &[u8]) -> Result<PairFrame, String> {
        postcard::from_bytes(payload)
            .map_err(|e| format!("a pairing frame that does not decode: {e}"))
    }
}

/// A device that paired through an invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The new device's id (hex).
    pub device: String,
    /// What it was granted.
    pub grant: Grant,
}

/// At most [`ATTEMPTS_PER_MINUTE`] attempts in any minute.
#[derive(Debug, Default)]
struct RateLimit {
    attempts: VecDeque<Instant>,
}

impl RateLimit {
    fn allow(&mut self, now: Instant) -> bool {
        while self
            .attempts
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            self.attempts.pop_front();
        }
        if self.attempts.len() >= ATTEMPTS_PER_MINUTE {
            return false;
        }
        self.attempts.push_back(now);
        true
    }
}

/// Answers pairing requests on [`PAIR_ALPN`].
#[derive(Debug, Clone)]
pub(crate) struct PairingProtocol {
    book: Book,
    limit: Arc<Mutex<RateLimit>>,
    events: mpsc::UnboundedSender<Result<Joined, String>>,
}

impl PairingProtocol {
    pub(crate) fn new(
        book: Book,
        events: mpsc::UnboundedSender<Result<Joined, String>>,
    ) -> PairingProtocol {
        PairingProtocol {
            book,
            limit: Arc::default(),
            events,
        }
    }

    async fn answer(&self, joiner: [u8; 32], request: Result<PairFrame, String>) -> PairFrame {
        let allowed = self
            .limit
            .lock()
            .map(|mut l| l.allow(Instant::now()))
            .unwrap_or(false);
        if !allowed {
            return PairFrame::Refused(
                "too many pairing attempts at the inviting device: wait a minute and try again"
                    .into(),
            );
        }
        let proof = match request {
            Ok(PairFrame::Request { version, proof }) if version == VERSION => proof,
            Ok(PairFrame::Request { version, .. }) => {
                return PairFrame::Refused(format!(
                    "this device pairs with protocol version {VERSION}, the new device sent {version}: update Gridbook"
                ));
            }
            Ok(_) => return PairFrame::Refused("expected a pairing request".into()),
            Err(e) => return PairFrame::Refused(e),
        };
        match self
            .book
            .call(move |b| invite::redeem(b, &proof, &joiner))
            .await
        {
            Ok(Ok(grant)) => PairFrame::Grant(grant),
            Ok(Err(e)) => PairFrame::Refused(e.to_string()),
            Err(e) => PairFrame::Refused(e.to_string()),
        }
    }
}

impl ProtocolHandler for PairingProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let joiner = *conn.remote_id().as_bytes();
        let joiner_hex = data_encoding::HEXLOWER.encode(&joiner);
        let (mut send, mut recv) = conn.accept_bi().await?;
        let request = read(&mut recv).await;
        let answer = self.answer(joiner, request).await;
        let event = match &answer {
            PairFrame::Grant(grant) => {
                tracing::info!(device = %joiner_hex, member = %grant.member, role = %grant.role, "paired");
                Ok(Joined {
                    device: joiner_hex,
                    grant: grant.clone(),
                })
            }
            PairFrame::Refused(why) => {
                tracing::warn!(device = %joiner_hex, "pairing refused: {why}");
                Err(format!("{}: {why}", &joiner_hex[..16]))
            }
            PairFrame::Request { .. } => Err("unexpected".into()),
        };
        let _ = write(&mut send, &answer).await;
        let _ = send.finish();
        let _ = self.events.send(event);
        // The joiner closes once it has the answer.
        let _ = tokio::time::timeout(PAIR_TIMEOUT, conn.closed()).await;
        Ok(())
    }
}

async fn write(send: &mut SendStream, frame: &PairFrame) -> Result<(), String> {
    let payload = frame.encode();
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(&payload);
    send.write_all(&bytes).await.map_err(|e| e.to_string())
}

async fn read(recv: &mut RecvStream) -> Result<PairFrame, String> {
    let read = async {
        let mut header = [0u8; 4];
        recv.read_exact(&mut header)
            .await
            .map_err(|e| e.to_string())?;
        let len = u32::from_be_bytes(header) as usize;
        if len > PAIR_MAX_FRAME {
            return Err(format!(
                "a pairing frame of {len} bytes, over the {PAIR_MAX_FRAME}-byte limit"
            ));
        }
        let mut payload = vec![0u8; len];
        recv.read_exact(&mut payload)
            .await
            .map_err(|e| e.to_string())?;
        PairFrame::decode(&payload)
    };
    tokio::time::timeout(PAIR_TIMEOUT, read)
        .await
        .map_err(|_| format!("no answer in {} s", PAIR_TIMEOUT.as_secs()))?
}

/// Pairs `endpoint` with the device that made `ticket`'s invite (see `Node::join`).
pub(crate) async fn join(endpoint: &Endpoint, ticket: &InviteTicket) -> Result<Grant, NodeError> {
    let addr = ticket.endpoint.endpoint_addr().clone();
    let inviter = *addr.id.as_bytes();
    let me = *endpoint.id().as_bytes();
    let fail = |e: String| NodeError::Pairing(e);
    let conn = endpoint
        .connect(addr, PAIR_ALPN)
        .await
        .map_err(|e| fail(format!("cannot reach the inviting device: {e}")))?;
    let result = async {
        let (mut send, mut recv) = conn.open_bi().await.map_err(|e| e.to_string())?;
        let proof = invite::proof(&ticket.secret, &inviter, &me);
        write(
            &mut send,
            &PairFrame::Request {
                version: VERSION,
                proof,
            },
        )
        .await?;
        let _ = send.finish();
        match read(&mut recv).await? {
            PairFrame::Grant(grant) => Ok(grant),
            PairFrame::Refused(why) => Err(why),
            PairFrame::Request { .. } => Err("the inviting device sent a request".into()),
        }
    }
    .await;
    let result = result.map_err(|e| fail(refusal(&conn).unwrap_or(e)));
    conn.close(0u32.into(), b"done");
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_admits_ten_a_minute() {
        let mut limit = RateLimit::default();
        let t0 = Instant::now();
        for _ in 0..ATTEMPTS_PER_MINUTE {
            assert!(limit.allow(t0));
        }
        assert!(!limit.allow(t0 + Duration::from_secs(59)));
        assert!(limit.allow(t0 + Duration::from_secs(60)));
    }
}
