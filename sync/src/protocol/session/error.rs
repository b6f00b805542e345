//! Why a session ends without completing, each reason a line a person can act on.

use crate::protocol::wire::{Frame, FrameError};

use super::MAX_ROUNDS_PER_DOC;

/// Why a session ended without completing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The peer's bytes were not a frame.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The peer speaks another protocol version.
    #[error(
        "the peer speaks sync protocol version {theirs}, this device speaks {ours}: update Gridbook on the older device"
    )]
    Version {
        /// Ours.
        ours: u32,
        /// Theirs.
        theirs: u32,
    },
    /// The peer belongs to another network.
    #[error(
        "the peer belongs to network {theirs}, this device to network {ours}: devices of different networks never sync"
    )]
    Network {
        /// Ours.
        ours: String,
        /// Theirs.
        theirs: String,
    },
    /// The hello names another device than the one the transport authenticated.
    #[error("the peer says it is device {claimed} but authenticated as {authenticated}")]
    WrongDevice {
        /// Claimed in the hello.
        claimed: String,
        /// Authenticated by the transport.
        authenticated: String,
    },
    /// A frame that is valid but not allowed at this point.
    #[error("the peer sent {got} where {expected} was expected")]
    Unexpected {
        /// What this side waited for.
        expected: &'static str,
        /// What came.
        got: &'static str,
    },
    /// A document id or Automerge message that does not decode or apply.
    #[error("the peer sent bad data for document {doc}: {detail}")]
    BadDocument {
        /// The document.
        doc: String,
        /// What was wrong.
        detail: String,
    },
    /// A document's sync did not settle.
    #[error("document {0} did not settle in {MAX_ROUNDS_PER_DOC} exchanges")]
    NoProgress(String),
    /// The peer ended the session.
    #[error("the peer ended the session: {0}")]
    PeerAborted(String),
    /// After the document loop the two sides still hold different heads.
    #[error("the sync ended but the two devices still hold different data; sync again")]
    Diverged,
    /// A comparison-tree frame that does not fit the tree.
    #[error("the peer sent a bad comparison frame: {0}")]
    BadTree(String),
    /// Handling the peer's frame panicked (in Automerge, on data it could not handle); nothing
    /// of that frame was stored.
    #[error(
        "handling the peer's {frame} frame failed inside the sync library ({detail}); the session was ended and nothing of it was stored"
    )]
    Panicked {
        /// The frame's kind.
        frame: &'static str,
        /// The panic's message.
        detail: String,
    },
    /// This device's store failed.
    #[error(transparent)]
    Store(#[from] gridbook_model::Error),
    /// A frame was asked of a session that has ended.
    #[error("the session has already ended")]
    Ended,
    /// The peer is not (or no longer) an active member: revoked, or never granted.
    #[error("device {0} is not an active member of this network (revoked or never granted)")]
    NotAMember(String),
}

impl SessionError {
    /// The frame that tells the peer why this side ends the session (none when the peer ended
    /// it, or when the transport is gone).
    pub fn abort_frame(&self) -> Option<Vec<u8>> {
        match self {
            SessionError::PeerAborted(_) | SessionError::Ended => None,
            other => Some(
                Frame::Abort {
                    reason: other.to_string(),
                }
                .encode(),
            ),
        }
    }
}
