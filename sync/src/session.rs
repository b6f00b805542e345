//! The sync session: the protocol as a state machine that knows no transport.
//!
//! Both sides take turns: the dialer speaks first and each side answers every frame with
//! exactly one frame until the session ends, so a session is a strict ping-pong that two tests
//! can drive by hand and a transport can drive with one read and one write a turn.
//!
//! ```text
//! dialer                                acceptor
//! Hello {version, network, digest}  ->
//!                                   <-  Hello {version, network, digest}
//!            (equal digests: both done after one round trip)
//! Tree [root bucket]                ->
//!                                   <-  Tree [differing children, one level down]
//! Tree [their differing children]   ->                  … until every differing bucket
//!                                   <-  Differ [doc]    was small enough to list (tree.rs)
//! Doc {d1, msg?}                    ->                  per differing document, half-duplex:
//!                                   <-  Doc {d1, msg?}  until both say nothing in one exchange
//! …
//! Done {digest}                     ->
//!                                   <-  Done {digest}   complete only if the digests are equal
//! ```
//!
//! Received Automerge messages are applied with [`Gridbook::receive_sync_message`], which stores
//! the new changes and the per-peer sync state in one durable transaction: a session cut at any
//! point leaves both stores whole, and the next session resumes from the stored states.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use automerge::sync::State;
use gridbook_model::{DocId, Gridbook};
use sha2::{Digest as _, Sha256};

use crate::tree::{Index, TreeError};
use crate::wire::{Digest, Frame, FrameError, Hello, Node, PROTOCOL_VERSION, Prefix};

/// The most exchanges one document may take in one session; Automerge settles in a handful.
const MAX_ROUNDS_PER_DOC: u32 = 64;

/// Which side of the connection this session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Opened the connection; speaks first and drives the document loop.
    Dialer,
    /// Accepted the connection; answers.
    Acceptor,
}

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

/// What a session did, for the log and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The peer's device id (hex).
    pub peer: String,
    /// Documents whose Automerge sync ran (they differed).
    pub documents: Vec<String>,
    /// Frames sent.
    pub frames_sent: usize,
    /// Frames received.
    pub frames_received: usize,
    /// Bytes sent (frames with their length prefix).
    pub bytes_sent: usize,
    /// Bytes received.
    pub bytes_received: usize,
    /// Changes this device received that it did not have.
    pub changes_received: usize,
    /// Both sides hold the same heads for every document.
    pub complete: bool,
    /// From the first frame to the last.
    pub elapsed: Duration,
}

/// What to do after a step: send `send` (if any); when `done`, the session is over and
/// [`Session::report`] says how it went.
#[derive(Debug)]
pub struct Step {
    /// One frame to send, prefix included.
    pub send: Option<Vec<u8>>,
    /// The session is over (complete: see the report).
    pub done: bool,
}

#[derive(Debug)]
enum Phase {
    AwaitHello,
    /// Both sides: walking the comparison tree down to the documents that differ.
    Comparing,
    /// Dialer: waiting for the acceptor's answer about the current document.
    Dialing {
        doc: DocId,
        state: Box<State>,
        sent_nothing: bool,
        rounds: u32,
    },
    /// Acceptor: answering document frames until `Done`.
    Answering,
    AwaitDone,
    Ended,
}

/// One sync session with one peer. Feed it every frame the peer sends with
/// [`Session::receive`]; send what it returns.
#[derive(Debug)]
pub struct Session {
    side: Side,
    phase: Phase,
    peer: [u8; 32],
    peer_hex: String,
    network: String,
    queue: VecDeque<DocId>,
    /// This side's documents for the comparison tree, made once the hellos differ.
    index: Option<Index>,
    /// Acceptor: documents found to differ, not yet told to the dialer.
    found: Vec<String>,
    /// Tree frames this side has answered.
    tree_turns: u32,
    /// Acceptor: the sync state of each document the dialer has spoken about.
    states: HashMap<DocId, State>,
    report: Report,
    started: Instant,
}

/// Every document this device holds, with a digest of its sorted heads.
pub fn manifest(book: &mut Gridbook) -> Result<BTreeMap<String, Digest>, gridbook_model::Error> {
    let mut out = BTreeMap::new();
    for id in book.doc_ids()? {
        let heads = book.heads(&id)?;
        if heads.is_empty() {
            continue;
        }
        let mut h = Sha256::new();
        for head in &heads {
            h.update(head.0);
        }
        out.insert(id.to_string(), h.finalize().into());
    }
    Ok(out)
}

/// One digest over a whole manifest: equal on two devices exactly when they hold the same
/// documents with the same heads.
pub fn manifest_digest(manifest: &BTreeMap<String, Digest>) -> Digest {
    let mut h = Sha256::new();
    for (id, digest) in manifest {
        h.update((id.len() as u32).to_be_bytes());
        h.update(id.as_bytes());
        h.update(digest);
    }
    h.finalize().into()
}

fn frame_name(f: &Frame) -> &'static str {
    match f {
        Frame::Hello(_) => "hello",
        Frame::Tree { .. } => "tree",
        Frame::Differ(_) => "differ",
        Frame::Doc { .. } => "doc",
        Frame::Done { .. } => "done",
        Frame::Abort { .. } => "abort",
    }
}

fn parse_doc(id: &str) -> Result<DocId, SessionError> {
    id.parse().map_err(|e| SessionError::BadDocument {
        doc: id.chars().take(80).collect(),
        detail: format!("not a document id: {e}"),
    })
}

impl Session {
    /// Starts a session as the dialer, with the device `peer` the transport authenticated.
    /// Returns the session and its first frame.
    pub fn dial(book: &mut Gridbook, peer: [u8; 32]) -> Result<(Session, Vec<u8>), SessionError> {
        let mut session = Session::new(book, Side::Dialer, peer)?;
        let hello = session.hello(book)?;
        let bytes = session.out(hello);
        Ok((session, bytes))
    }

    /// Starts a session as the acceptor of a connection from `peer`; it waits for the hello.
    pub fn accept(book: &mut Gridbook, peer: [u8; 32]) -> Result<Session, SessionError> {
        Session::new(book, Side::Acceptor, peer)
    }

    fn new(book: &mut Gridbook, side: Side, peer: [u8; 32]) -> Result<Session, SessionError> {
        let peer_hex = data_encoding::HEXLOWER.encode(&peer);
        Ok(Session {
            side,
            phase: Phase::AwaitHello,
            peer,
            network: book.network()?.map(|n| n.id).unwrap_or_default(),
            report: Report {
                peer: peer_hex.clone(),
                ..Report::default()
            },
            peer_hex,
            queue: VecDeque::new(),
            index: None,
            found: Vec::new(),
            tree_turns: 0,
            states: HashMap::new(),
            started: Instant::now(),
        })
    }

    /// What the session did so far.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Which side this is.
    pub fn side(&self) -> Side {
        self.side
    }

    fn hello(&self, book: &mut Gridbook) -> Result<Frame, SessionError> {
        let manifest = manifest(book)?;
        Ok(Frame::Hello(Hello {
            version: PROTOCOL_VERSION,
            network: self.network.clone(),
            device: *book.device().public_bytes(),
            digest: manifest_digest(&manifest),
            documents: manifest.len() as u32,
        }))
    }

    fn out(&mut self, frame: Frame) -> Vec<u8> {
        let bytes = frame.encode();
        self.report.frames_sent += 1;
        self.report.bytes_sent += bytes.len();
        bytes
    }

    fn reply(&mut self, frame: Frame) -> Step {
        Step {
            send: Some(self.out(frame)),
            done: false,
        }
    }

    fn finish(&mut self, send: Option<Frame>, complete: bool) -> Step {
        let send = send.map(|f| self.out(f));
        self.phase = Phase::Ended;
        self.report.complete = complete;
        self.report.elapsed = self.started.elapsed();
        Step { send, done: true }
    }

    /// Handles one frame from the peer (length prefix included). On an error the session is
    /// over: send [`SessionError::abort_frame`] if there is one, and close.
    pub fn receive(&mut self, book: &mut Gridbook, bytes: &[u8]) -> Result<Step, SessionError> {
        if matches!(self.phase, Phase::Ended) {
            return Err(SessionError::Ended);
        }
        self.report.frames_received += 1;
        self.report.bytes_received += bytes.len();
        let result = Frame::decode(bytes)
            .map_err(SessionError::from)
            .and_then(|(frame, used)| {
                if used != bytes.len() {
                    return Err(FrameError::Undecodable("bytes after the frame".into()).into());
                }
                // Automerge may panic on a peer's malformed data; the book drops the unsaved
                // edits of the operation that panicked, and the session ends with the reason.
                let name = frame_name(&frame);
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle(book, frame)))
                    .unwrap_or_else(|panic| {
                        let detail = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "no message".into());
                        tracing::error!(peer = %self.peer_hex, frame = name, "a panic while handling the peer's frame: {detail}");
                        Err(SessionError::Panicked {
                            frame: name,
                            detail: detail.chars().take(300).collect(),
                        })
                    })
            });
        if result.is_err() {
            self.phase = Phase::Ended;
            self.report.elapsed = self.started.elapsed();
        }
        result
    }

    fn handle(&mut self, book: &mut Gridbook, frame: Frame) -> Result<Step, SessionError> {
        if let Frame::Abort { reason } = frame {
            return Err(SessionError::PeerAborted(
                reason.chars().take(500).collect(),
            ));
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Ended);
        match (phase, frame) {
            (Phase::AwaitHello, Frame::Hello(hello)) => self.on_hello(book, hello),
            (Phase::Comparing, Frame::Tree { nodes, differ }) => self.on_tree(book, &nodes, differ),
            (Phase::Comparing, Frame::Differ(docs)) if self.side == Side::Dialer => {
                self.enqueue(docs)?;
                self.next_doc(book)
            }
            // The dialer found the last differences itself and starts the document loop.
            (Phase::Comparing, frame @ (Frame::Doc { .. } | Frame::Done { .. }))
                if self.side == Side::Acceptor && self.tree_turns > 0 =>
            {
                self.phase = Phase::Answering;
                self.handle(book, frame)
            }
            (
                Phase::Dialing {
                    doc,
                    mut state,
                    sent_nothing,
                    rounds,
                },
                Frame::Doc { doc: id, message },
            ) => {
                if id != doc.to_string() {
                    return Err(SessionError::Unexpected {
                        expected: "the current document",
                        got: "another document",
                    });
                }
                let got_nothing = message.is_none();
                if let Some(m) = message {
                    self.apply(book, &doc, &mut state, &m)?;
                }
                if sent_nothing && got_nothing {
                    return self.next_doc(book);
                }
                if rounds >= MAX_ROUNDS_PER_DOC {
                    return Err(SessionError::NoProgress(doc.to_string()));
                }
                let message = book.generate_sync_message(&doc, &mut state)?;
                let sent_nothing = message.is_none();
                let frame = Frame::Doc {
                    doc: doc.to_string(),
                    message: message.map(|m| m.encode()),
                };
                self.phase = Phase::Dialing {
                    doc,
                    state,
                    sent_nothing,
                    rounds: rounds + 1,
                };
                Ok(self.reply(frame))
            }
            (Phase::Answering, Frame::Doc { doc: id, message }) => {
                let doc = parse_doc(&id)?;
                let mut state = match self.states.remove(&doc) {
                    Some(s) => s,
                    None => {
                        self.report.documents.push(doc.to_string());
                        book.sync_state(&self.peer_hex, &doc)?
                    }
                };
                if let Some(m) = message {
                    self.apply(book, &doc, &mut state, &m)?;
                }
                let answer = book.generate_sync_message(&doc, &mut state)?;
                self.states.insert(doc.clone(), state);
                self.phase = Phase::Answering;
                Ok(self.reply(Frame::Doc {
                    doc: id,
                    message: answer.map(|m| m.encode()),
                }))
            }
            (Phase::Answering, Frame::Done { digest }) => {
                let ours = manifest_digest(&manifest(book)?);
                let complete = ours == digest;
                let step = self.finish(Some(Frame::Done { digest: ours }), complete);
                if !complete {
                    return Err(SessionError::Diverged);
                }
                Ok(step)
            }
            (Phase::AwaitDone, Frame::Done { digest }) => {
                let ours = manifest_digest(&manifest(book)?);
                if ours != digest {
                    return Err(SessionError::Diverged);
                }
                Ok(self.finish(None, true))
            }
            (phase, frame) => Err(SessionError::Unexpected {
                expected: match phase {
                    Phase::AwaitHello => "hello",
                    Phase::Comparing => "tree",
                    Phase::Dialing { .. } => "doc",
                    Phase::Answering => "doc or done",
                    Phase::AwaitDone => "done",
                    Phase::Ended => "nothing",
                },
                got: frame_name(&frame),
            }),
        }
    }

    fn on_hello(&mut self, book: &mut Gridbook, hello: Hello) -> Result<Step, SessionError> {
        if hello.version != PROTOCOL_VERSION {
            return Err(SessionError::Version {
                ours: PROTOCOL_VERSION,
                theirs: hello.version,
            });
        }
        if hello.device != self.peer {
            return Err(SessionError::WrongDevice {
                claimed: data_encoding::HEXLOWER.encode(&hello.device),
                authenticated: self.peer_hex.clone(),
            });
        }
        // A device that has no network yet (listed by an admin, never synced) takes the
        // network of the peer it was listed by.
        if !self.network.is_empty() && !hello.network.is_empty() && hello.network != self.network {
            return Err(SessionError::Network {
                ours: self.network.clone(),
                theirs: hello.network.chars().take(80).collect(),
            });
        }
        let ours = self.hello(book)?;
        let Frame::Hello(ref mine) = ours else {
            return Err(SessionError::Ended);
        };
        let same = mine.digest == hello.digest;
        match self.side {
            Side::Acceptor => {
                if same {
                    return Ok(self.finish(Some(ours), true));
                }
                self.index = Some(Index::new(&manifest(book)?));
                self.phase = Phase::Comparing;
                Ok(self.reply(ours))
            }
            Side::Dialer => {
                if same {
                    return Ok(self.finish(None, true));
                }
                let index = Index::new(&manifest(book)?);
                let root = index.node(Prefix::ROOT);
                self.index = Some(index);
                self.phase = Phase::Comparing;
                Ok(self.reply(Frame::Tree {
                    nodes: vec![root],
                    differ: Vec::new(),
                }))
            }
        }
    }

    /// One step down the comparison tree (see tree.rs): answer the peer's buckets one level
    /// down; once no bucket is left, the dialer starts the document loop and the acceptor tells
    /// the dialer what it found.
    fn on_tree(
        &mut self,
        book: &mut Gridbook,
        nodes: &[Node],
        differ: Vec<String>,
    ) -> Result<Step, SessionError> {
        self.tree_turns += 1;
        let index = self.index.as_ref().ok_or(SessionError::Ended)?;
        let (next, found) = index
            .answer(nodes)
            .map_err(|e: TreeError| SessionError::BadTree(e.to_string()))?;
        match self.side {
            Side::Dialer => {
                self.enqueue(differ)?;
                self.enqueue(found)?;
                if next.is_empty() {
                    return self.next_doc(book);
                }
                self.phase = Phase::Comparing;
                Ok(self.reply(Frame::Tree {
                    nodes: next,
                    differ: Vec::new(),
                }))
            }
            Side::Acceptor => {
                self.found.extend(found);
                let differ = std::mem::take(&mut self.found);
                if next.is_empty() {
                    self.phase = Phase::Answering;
                    return Ok(self.reply(Frame::Differ(differ)));
                }
                self.phase = Phase::Comparing;
                Ok(self.reply(Frame::Tree {
                    nodes: next,
                    differ,
                }))
            }
        }
    }

    /// Queues documents for the document loop, each once.
    fn enqueue(&mut self, docs: Vec<String>) -> Result<(), SessionError> {
        for id in docs {
            let doc = parse_doc(&id)?;
            if !self.queue.contains(&doc) {
                self.queue.push_back(doc);
            }
        }
        Ok(())
    }

    fn next_doc(&mut self, book: &mut Gridbook) -> Result<Step, SessionError> {
        let Some(doc) = self.queue.pop_front() else {
            let digest = manifest_digest(&manifest(book)?);
            self.phase = Phase::AwaitDone;
            return Ok(self.reply(Frame::Done { digest }));
        };
        self.report.documents.push(doc.to_string());
        let mut state = book.sync_state(&self.peer_hex, &doc)?;
        let message = book.generate_sync_message(&doc, &mut state)?;
        let sent_nothing = message.is_none();
        let frame = Frame::Doc {
            doc: doc.to_string(),
            message: message.map(|m| m.encode()),
        };
        self.phase = Phase::Dialing {
            doc,
            state: Box::new(state),
            sent_nothing,
            rounds: 1,
        };
        Ok(self.reply(frame))
    }

    fn apply(
        &mut self,
        book: &mut Gridbook,
        doc: &DocId,
        state: &mut State,
        bytes: &[u8],
    ) -> Result<(), SessionError> {
        let message =
            automerge::sync::Message::decode(bytes).map_err(|e| SessionError::BadDocument {
                doc: doc.to_string(),
                detail: e.to_string(),
            })?;
        let new = book
            .receive_sync_message(&self.peer_hex, doc, state, message)
            .map_err(|e| match e {
                gridbook_model::Error::Invalid(detail) => SessionError::BadDocument {
                    doc: doc.to_string(),
                    detail,
                },
                other => SessionError::Store(other),
            })?;
        self.report.changes_received += new;
        Ok(())
    }
}
