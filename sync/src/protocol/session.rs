//! The sync session: the protocol as a state machine that knows no transport.
//!
//! The two sides take turns. A turn (a *flight*, see [`Frame`]) is one or more frames, and
//! each side speaks only once the other's flight has ended, so a session is a strict ping-pong
//! of flights that tests drive by hand and a transport drives by reading frames until a flight
//! ends and writing its own.
//!
//! ```text
//! dialer                                     acceptor
//! Hello, Docs [changed since last agreed]*, Turn {digest}  ->
//!            <-  Hello, Docs [answers, and its own changes]*, Turn {digest}  (or Done)
//! Docs [answers]*, Turn {digest}  (or Done)  ->
//! …                                           until one side, having applied the other's
//!                                             flight, holds what that flight's digest says:
//!                                             it sends Done, the other checks it, both end
//! ```
//!
//! - Every document whose Automerge sync runs is in flight at once: a flight carries one
//!   message for each of them that has something to say (several per [`Frame::Docs`], each
//!   frame kept under [`CHUNK`] bytes), so a fresh device receives everything in one flight.
//! - Each side sends the changes the peer lacks before being asked, from what it recorded the
//!   last time they agreed (`known.rs`): after one edit, the edit goes in the first flight and
//!   the peer's answer ends the session (two round trips at most, one when the dialer edited).
//! - When neither side knows of a difference left but the digests still differ (devices that
//!   never met, or a recorded state that is wrong), they walk the comparison tree (`tree.rs`)
//!   in the same flights, and the documents it finds join the Automerge exchange.
//!
//! Received Automerge messages are applied with [`Gridbook::receive_sync_message`], a frame's
//! messages in one durable transaction with their per-peer sync states: a session cut at any
//! point leaves both stores whole, and the next session resumes from the stored states.

mod error;
mod flight;

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use automerge::sync::State;
use gridbook_model::{DocId, Gridbook};
use sha2::{Digest as _, Sha256};

pub use self::error::SessionError;
use super::known;
use super::tree::{Index, TreeError};
use super::wire::{Bucket, Digest, Frame, FrameError, Hello, PROTOCOL_VERSION, Turn};

/// The most messages one document may take in one session; Automerge settles in a handful.
const MAX_ROUNDS_PER_DOC: u32 = 64;

/// A [`Frame::Docs`] is closed once its messages reach this many bytes (one bigger message
/// travels alone), so a flight streams: the peer applies one frame while the next is made.
pub const CHUNK: usize = 1024 * 1024;

/// Which side of the connection this session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Opened the connection; speaks first.
    Dialer,
    /// Accepted the connection; answers.
    Acceptor,
}

/// What a session did, for the log and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The peer's device id (hex).
    pub peer: String,
    /// Documents whose Automerge sync ran (they differed, or this side thought they might).
    pub documents: Vec<String>,
    /// Frames sent.
    pub frames_sent: usize,
    /// Frames received.
    pub frames_received: usize,
    /// Flights (turns) sent: see [`Frame`].
    pub flights_sent: usize,
    /// Flights received.
    pub flights_received: usize,
    /// Bytes sent (frames with their length prefix).
    pub bytes_sent: usize,
    /// Bytes received.
    pub bytes_received: usize,
    /// Changes this device received that it did not have.
    pub changes_received: usize,
    /// Both sides hold the same heads for every document.
    pub complete: bool,
    /// When complete: the digest over every document both sides held then (see
    /// [`manifest_digest`]).
    pub agreed: Option<Digest>,
    /// From the first frame to the last.
    pub elapsed: Duration,
    /// Whether the connection carried the session through a relay server (`Some(false)`:
    /// directly between the two devices; `None`: not known, as for a session run outside
    /// iroh).
    pub relayed: Option<bool>,
}

impl Report {
    /// Round trips: one flight each way (a last flight alone counts as one).
    pub fn round_trips(&self) -> usize {
        (self.flights_sent + self.flights_received).div_ceil(2)
    }
}

/// What to do after [`Session::receive`]: send `send` (if any); when `done`, the session is
/// over and [`Session::report`] says how it went.
#[derive(Debug)]
pub struct Step {
    /// This side's whole flight, frames one after the other.
    pub send: Option<Vec<u8>>,
    /// The session is over (complete: see the report).
    pub done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading the peer's flight.
    Listening,
    /// This side's flight is being made ([`Session::pull`]).
    Speaking,
    Ended,
}

/// Which of this side's changes it has offered the peer unasked (see `known.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Offered {
    Nothing,
    /// The documents that moved since the two last agreed.
    SinceAgreed,
    /// Every document (the peer holds none).
    Everything,
}

/// One document whose Automerge sync runs in this session.
#[derive(Debug)]
struct DocSync {
    state: State,
    rounds: u32,
}

/// One sync session with one peer. A transport feeds it every frame the peer sends with
/// [`Session::feed`] and sends what [`Session::pull`] gives until it gives nothing; tests use
/// [`Session::receive`], a flight at a time.
#[derive(Debug)]
pub struct Session {
    side: Side,
    phase: Phase,
    peer: [u8; 32],
    peer_hex: String,
    /// This device's id: the digests a flight ends with are keyed by their sender's.
    me: [u8; 32],
    network: String,
    /// How many documents the peer's hello said it holds, once it came.
    peer_documents: Option<u32>,
    /// This side's digest, as of the flight being made.
    digest: Digest,
    /// This side's hello, still to open its first flight.
    hello: Option<Frame>,
    /// The flight being made ends with `Done` (the digests agreed).
    agreed: bool,
    /// The flight being made is the dialer's first: it ends with a `Turn` whatever it holds.
    opening: bool,
    offered: Offered,
    docs: BTreeMap<DocId, DocSync>,
    /// Documents still to ask for a message in the flight being made.
    outgoing: VecDeque<DocId>,
    /// Messages the flight being made holds so far.
    said: usize,
    /// Comparison-tree buckets for the flight being made.
    buckets: Vec<Bucket>,
    /// This side's documents for the comparison tree, once a walk started.
    index: Option<Index>,
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

/// The digest a flight from `sender` ends with: its manifest digest keyed by its device id, so
/// that a device's own flight, replayed to it, never passes for the peer's.
fn keyed(digest: &Digest, sender: &[u8; 32]) -> Digest {
    let mut h = Sha256::new();
    h.update(b"gridbook flight digest");
    h.update(sender);
    h.update(digest);
    h.finalize().into()
}

fn frame_name(f: &Frame) -> &'static str {
    match f {
        Frame::Hello(_) => "hello",
        Frame::Docs(_) => "docs",
        Frame::Turn(_) => "turn",
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

/// Runs `f`, turning a panic inside it (in Automerge, on a peer's malformed data) into an
/// error; the book drops the unsaved edits of the operation that panicked.
fn guarded<R>(
    peer: &str,
    what: &'static str,
    f: impl FnOnce() -> Result<R, SessionError>,
) -> Result<R, SessionError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        tracing::error!(
            peer,
            frame = what,
            "a panic while handling the peer's data: {detail}"
        );
        Err(SessionError::Panicked {
            frame: what,
            detail: detail.chars().take(300).collect(),
        })
    })
}

impl Session {
    /// Starts a session as the dialer, with the device `peer` the transport authenticated, and
    /// returns it with its whole first flight.
    pub fn dial(book: &mut Gridbook, peer: [u8; 32]) -> Result<(Session, Vec<u8>), SessionError> {
        let mut session = Session::open(book, peer)?;
        let mut first = Vec::new();
        while let Some(frame) = session.pull(book)? {
            first.extend(frame);
        }
        Ok((session, first))
    }

    /// Starts a session as the dialer; its first flight comes from [`Session::pull`].
    pub fn open(book: &mut Gridbook, peer: [u8; 32]) -> Result<Session, SessionError> {
        let mut session = Session::new(book, Side::Dialer, peer)?;
        session.hello = Some(session.hello(book)?);
        if book.agreed_with(&session.peer_hex)? {
            session.offer(book, Offered::SinceAgreed)?;
        }
        session.opening = true;
        session.speak();
        Ok(session)
    }

    /// Starts a session as the acceptor of a connection from `peer`; it waits for the hello.
    pub fn accept(book: &mut Gridbook, peer: [u8; 32]) -> Result<Session, SessionError> {
        Session::new(book, Side::Acceptor, peer)
    }

    fn new(book: &mut Gridbook, side: Side, peer: [u8; 32]) -> Result<Session, SessionError> {
        let peer_hex = data_encoding::HEXLOWER.encode(&peer);
        Ok(Session {
            side,
            phase: Phase::Listening,
            peer,
            me: *book.device().public_bytes(),
            network: book.network()?.map(|n| n.id).unwrap_or_default(),
            report: Report {
                peer: peer_hex.clone(),
                ..Report::default()
            },
            peer_hex,
            peer_documents: None,
            digest: manifest_digest(&manifest(book)?),
            hello: None,
            agreed: false,
            opening: false,
            offered: Offered::Nothing,
            docs: BTreeMap::new(),
            outgoing: VecDeque::new(),
            said: 0,
            buckets: Vec::new(),
            index: None,
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

    /// The session is over: see [`Session::report`].
    pub fn is_over(&self) -> bool {
        self.phase == Phase::Ended
    }

    fn hello(&mut self, book: &mut Gridbook) -> Result<Frame, SessionError> {
        let manifest = manifest(book)?;
        self.digest = manifest_digest(&manifest);
        Ok(Frame::Hello(Hello {
            version: PROTOCOL_VERSION,
            network: self.network.clone(),
            device: *book.device().public_bytes(),
            digest: self.digest,
            documents: manifest.len() as u32,
        }))
    }

    fn out(&mut self, frame: Frame) -> Vec<u8> {
        let bytes = frame.encode();
        self.report.frames_sent += 1;
        self.report.bytes_sent += bytes.len();
        bytes
    }

    fn end(&mut self, complete: bool) {
        self.phase = Phase::Ended;
        self.report.complete = complete;
        if complete {
            self.report.agreed = Some(self.digest);
        }
        self.report.elapsed = self.started.elapsed();
    }

    /// Handles one or more whole frames from the peer (length prefixes included) and returns
    /// this side's whole answer, if its turn came. On an error the session is over: send
    /// [`SessionError::abort_frame`] if there is one, and close.
    pub fn receive(&mut self, book: &mut Gridbook, bytes: &[u8]) -> Result<Step, SessionError> {
        let mut rest = bytes;
        loop {
            let used = match Frame::decode(rest) {
                Ok((_, used)) => used,
                Err(e) => return Err(self.fail(e.into())),
            };
            self.feed(book, &rest[..used])?;
            rest = &rest[used..];
            if rest.is_empty() || self.is_over() {
                break;
            }
        }
        let mut send = Vec::new();
        while let Some(frame) = self.pull(book)? {
            send.extend(frame);
        }
        Ok(Step {
            send: (!send.is_empty()).then_some(send),
            done: self.is_over(),
        })
    }

    /// Ends the session once the peer is no longer an active member (revoked, or never
    /// granted): checked before every frame in and out, so nothing more reaches a device the
    /// moment its revocation is known here, live push included.
    fn still_member(&mut self, book: &mut Gridbook) -> Result<(), SessionError> {
        if book.network()?.is_some() && !book.is_active_member(&self.peer_hex) {
            return Err(self.fail(SessionError::NotAMember(self.peer_hex.clone())));
        }
        Ok(())
    }

    fn fail(&mut self, e: SessionError) -> SessionError {
        if self.phase != Phase::Ended {
            self.phase = Phase::Ended;
            self.report.elapsed = self.started.elapsed();
        }
        e
    }

    /// Handles one whole frame from the peer (length prefix included). When it ends the peer's
    /// flight, this side's answer is ready for [`Session::pull`].
    pub fn feed(&mut self, book: &mut Gridbook, bytes: &[u8]) -> Result<(), SessionError> {
        if self.phase == Phase::Ended {
            return Err(SessionError::Ended);
        }
        // After the hellos (before them, the network check speaks first; over iroh the
        // connection hook has refused non-members already).
        if self.peer_documents.is_some() {
            self.still_member(book)?;
        }
        self.report.frames_received += 1;
        self.report.bytes_received += bytes.len();
        let result = Frame::decode(bytes)
            .map_err(SessionError::from)
            .and_then(|(frame, used)| {
                if used != bytes.len() {
                    return Err(FrameError::Undecodable("bytes after the frame".into()).into());
                }
                let name = frame_name(&frame);
                let peer = self.peer_hex.clone();
                guarded(&peer, name, || self.handle(book, frame))
            });
        result.map_err(|e| self.fail(e))
    }

    fn handle(&mut self, book: &mut Gridbook, frame: Frame) -> Result<(), SessionError> {
        let expected = match (self.phase, self.peer_documents.is_some(), &frame) {
            (_, _, Frame::Abort { reason }) => {
                return Err(SessionError::PeerAborted(
                    reason.chars().take(500).collect(),
                ));
            }
            (Phase::Listening, false, Frame::Hello(_)) => None,
            (Phase::Listening, false, _) => Some("hello"),
            (Phase::Listening, true, Frame::Docs(_) | Frame::Turn(_) | Frame::Done { .. }) => None,
            (Phase::Listening, true, _) => Some("docs, turn or done"),
            (Phase::Speaking | Phase::Ended, ..) => Some("nothing until this side has spoken"),
        };
        if let Some(expected) = expected {
            return Err(SessionError::Unexpected {
                expected,
                got: frame_name(&frame),
            });
        }
        match frame {
            Frame::Hello(hello) => self.on_hello(hello),
            Frame::Docs(messages) => self.apply(book, messages),
            Frame::Turn(turn) => self.on_turn(book, turn),
            Frame::Done { digest } => {
                self.report.flights_received += 1;
                let ours = manifest_digest(&manifest(book)?);
                if keyed(&ours, &self.peer) != digest {
                    return Err(SessionError::Diverged);
                }
                known::record_agreement(book, &self.peer_hex)?;
                self.digest = ours;
                self.end(true);
                Ok(())
            }
            Frame::Abort { .. } => Err(SessionError::Ended),
        }
    }

    fn on_hello(&mut self, hello: Hello) -> Result<(), SessionError> {
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
        self.peer_documents = Some(hello.documents);
        Ok(())
    }

    /// The peer's flight ended: decide this side's answer.
    fn on_turn(&mut self, book: &mut Gridbook, turn: Turn) -> Result<(), SessionError> {
        self.report.flights_received += 1;
        if self.side == Side::Acceptor && self.report.flights_sent == 0 {
            self.hello = Some(self.hello(book)?);
        } else {
            self.digest = manifest_digest(&manifest(book)?);
        }
        if keyed(&self.digest, &self.peer) == turn.digest {
            known::record_agreement(book, &self.peer_hex)?;
            self.agreed = true;
            self.speak();
            return Ok(());
        }
        if !turn.buckets.is_empty() {
            if self.index.is_none() {
                self.index = Some(Index::new(&manifest(book)?));
            }
            let index = self.index.as_ref().ok_or(SessionError::Ended)?;
            let (next, found) = index
                .answer(&turn.buckets)
                .map_err(|e: TreeError| SessionError::BadTree(e.to_string()))?;
            self.buckets = next;
            for id in found {
                let doc = parse_doc(&id)?;
                self.join(book, doc)?;
            }
        }
        if self.peer_documents == Some(0) {
            self.offer(book, Offered::Everything)?;
        } else if self.offered == Offered::Nothing && book.agreed_with(&self.peer_hex)? {
            self.offer(book, Offered::SinceAgreed)?;
        }
        self.speak();
        Ok(())
    }

    /// Adds the documents that `what` names to the exchange, each primed to send what the peer
    /// lacks before it asks.
    fn offer(&mut self, book: &mut Gridbook, what: Offered) -> Result<(), SessionError> {
        if self.offered >= what {
            return Ok(());
        }
        self.offered = what;
        for (doc, mut state) in
            known::changed_since(book, &self.peer_hex, what == Offered::Everything)?
        {
            if self.docs.contains_key(&doc) {
                continue;
            }
            known::assume_peer_holds(&mut state);
            self.report.documents.push(doc.to_string());
            self.docs.insert(doc, DocSync { state, rounds: 0 });
        }
        Ok(())
    }

    /// Adds a document to the exchange with its stored state, if it is not in it yet.
    fn join(&mut self, book: &mut Gridbook, doc: DocId) -> Result<&mut DocSync, SessionError> {
        if !self.docs.contains_key(&doc) {
            let state = book.sync_state(&self.peer_hex, &doc)?;
            self.report.documents.push(doc.to_string());
            self.docs.insert(doc.clone(), DocSync { state, rounds: 0 });
        }
        self.docs.get_mut(&doc).ok_or(SessionError::Ended)
    }
}
