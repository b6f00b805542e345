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

/// The words of [`SessionError`], for the app and the command line.
mod words {
    use gridbook_model::words::Words;

    use super::{FrameError, MAX_ROUNDS_PER_DOC, SessionError};

    gridbook_model::worded!(SessionError {
        SessionError::Frame(e) => e.words(), example: SessionError::Frame(FrameError::Oversize(1 << 30));
        SessionError::Version { ours, theirs } => Words::new("error.sync.session.version")
                .arg("ours", ours)
                .arg("theirs", theirs),
            example: SessionError::Version { ours: 3, theirs: 4 };
        SessionError::Network { ours, theirs } => Words::new("error.sync.session.network")
                .arg("ours", ours)
                .arg("theirs", theirs),
            example: SessionError::Network { ours: "k7q2zd".into(), theirs: "w3x9aa".into() };
        SessionError::WrongDevice { claimed, authenticated } => Words::new("error.sync.session.wrong_device")
                .arg("claimed", claimed)
                .arg("authenticated", authenticated),
            example: SessionError::WrongDevice { claimed: "ab12".into(), authenticated: "cd34".into() };
        SessionError::Unexpected { expected, got } => Words::new("error.sync.session.unexpected")
                .arg("expected", expected)
                .arg("got", got),
            example: SessionError::Unexpected { expected: "hello", got: "docs" };
        SessionError::BadDocument { doc, detail } => Words::new("error.sync.session.bad_document")
                .arg("doc", doc)
                .arg("detail", detail),
            example: SessionError::BadDocument { doc: "directory".into(), detail: "bad chunk".into() };
        SessionError::NoProgress(doc) => Words::new("error.sync.session.no_progress")
                .arg("doc", doc)
                .arg("rounds", MAX_ROUNDS_PER_DOC),
            example: SessionError::NoProgress("directory".into());
        SessionError::PeerAborted(reason) => Words::new("error.sync.session.peer_aborted").arg("reason", reason),
            example: SessionError::PeerAborted("the peer's store is locked".into());
        SessionError::Diverged => Words::new("error.sync.session.diverged"), example: SessionError::Diverged;
        SessionError::BadTree(detail) => Words::new("error.sync.session.bad_tree").arg("detail", detail),
            example: SessionError::BadTree("a bucket out of range".into());
        SessionError::Panicked { frame, detail } => Words::new("error.sync.session.panicked")
                .arg("frame", frame)
                .arg("detail", detail),
            example: SessionError::Panicked { frame: "docs", detail: "index out of bounds".into() };
        SessionError::Store(e) => e.words(), example: SessionError::Store(gridbook_model::Error::NoNetwork);
        SessionError::Ended => Words::new("error.sync.session.ended"), example: SessionError::Ended;
        SessionError::NotAMember(device) => Words::new("error.sync.session.not_a_member").arg("device", device),
            example: SessionError::NotAMember("ab12".into());
    });
}
