//! This side's flights: the Automerge messages of every document in the exchange, streamed in
//! frames of at most about [`CHUNK`] bytes, then the frame that ends the flight; and the
//! peer's messages, applied a frame at a time.

use std::collections::VecDeque;

use gridbook_model::Gridbook;

use super::{
    CHUNK, MAX_ROUNDS_PER_DOC, Phase, Session, SessionError, guarded, keyed, manifest, parse_doc,
};
use crate::protocol::tree::Index;
use crate::protocol::wire::{DocMessage, Frame, Prefix, Turn};

impl Session {
    /// Starts making this side's flight.
    pub(super) fn speak(&mut self) {
        self.phase = Phase::Speaking;
        self.said = 0;
        self.outgoing = if self.agreed {
            VecDeque::new()
        } else {
            self.docs.keys().cloned().collect()
        };
    }

    /// The next frame of this side's flight, or `None` when the flight is over (or it is not
    /// this side's turn).
    pub fn pull(&mut self, book: &mut Gridbook) -> Result<Option<Vec<u8>>, SessionError> {
        if self.phase != Phase::Speaking {
            return Ok(None);
        }
        // Once the peer has said hello (the connection hook refused non-members before that);
        // a dialer from its first frame after its hello: on a live connection it opens sessions
        // long after the hook let the peer in, and its first flight may already carry changes
        // (a live push opened just as a revocation was written sent the revocation to the
        // revoked device, 2 runs in 80 of membership.rs). Its hello carries no documents.
        let dialer_past_hello = self.side == super::Side::Dialer && self.hello.is_none();
        if self.peer_documents.is_some() || dialer_past_hello {
            self.still_member(book)?;
        }
        let peer = self.peer_hex.clone();
        guarded(&peer, "generate", || self.next_frame(book)).map_err(|e| self.fail(e))
    }

    fn next_frame(&mut self, book: &mut Gridbook) -> Result<Option<Vec<u8>>, SessionError> {
        if let Some(hello) = self.hello.take() {
            return Ok(Some(self.out(hello)));
        }
        if self.agreed {
            let done = Frame::Done {
                digest: keyed(&self.digest, &self.me),
            };
            let bytes = self.out(done);
            self.report.flights_sent += 1;
            self.end(true);
            return Ok(Some(bytes));
        }
        let mut chunk = Vec::new();
        let mut size = 0;
        while size < CHUNK
            && let Some(doc) = self.outgoing.pop_front()
        {
            let Some(sync) = self.docs.get_mut(&doc) else {
                continue;
            };
            let Some(message) = book.generate_sync_message(&doc, &mut sync.state)? else {
                continue;
            };
            sync.rounds += 1;
            if sync.rounds > MAX_ROUNDS_PER_DOC {
                return Err(SessionError::NoProgress(doc.to_string()));
            }
            let message = message.encode();
            size += message.len() + doc.to_string().len();
            chunk.push(DocMessage {
                doc: doc.to_string(),
                message,
            });
        }
        if !chunk.is_empty() {
            self.said += chunk.len();
            return Ok(Some(self.out(Frame::Docs(chunk))));
        }
        let mut buckets = std::mem::take(&mut self.buckets);
        if self.said == 0 && buckets.is_empty() && !self.opening {
            // Nothing left that either side knows of, yet the digests differ: walk the tree,
            // once.
            if self.index.is_some() {
                return Err(SessionError::Diverged);
            }
            let index = Index::new(&manifest(book)?);
            buckets.push(index.view(Prefix::ROOT));
            self.index = Some(index);
        }
        self.opening = false;
        let bytes = self.out(Frame::Turn(Turn {
            digest: keyed(&self.digest, &self.me),
            buckets,
        }));
        self.report.flights_sent += 1;
        self.phase = Phase::Listening;
        Ok(Some(bytes))
    }

    /// Applies one frame's Automerge messages, in one durable transaction.
    pub(super) fn apply(
        &mut self,
        book: &mut Gridbook,
        messages: Vec<DocMessage>,
    ) -> Result<(), SessionError> {
        let mut decoded = Vec::with_capacity(messages.len());
        for DocMessage { doc, message } in messages {
            let doc = parse_doc(&doc)?;
            let message = automerge::sync::Message::decode(&message).map_err(|e| {
                SessionError::BadDocument {
                    doc: doc.to_string(),
                    detail: e.to_string(),
                }
            })?;
            self.join(book, doc.clone())?;
            decoded.push((doc, message));
        }
        let peer = self.peer_hex.clone();
        let docs = &mut self.docs;
        let mut bad = None;
        let new = book.batch(|b| {
            let mut new = 0;
            for (doc, message) in decoded {
                let Some(sync) = docs.get_mut(&doc) else {
                    continue;
                };
                new += b
                    .receive_sync_message(&peer, &doc, &mut sync.state, message)
                    .inspect_err(|_| bad = Some(doc.to_string()))?;
            }
            Ok(new)
        });
        let new = new.map_err(|e| match e {
            gridbook_model::Error::BadSyncMessage { detail, .. } => SessionError::BadDocument {
                doc: bad.unwrap_or_default(),
                detail,
            },
            other => SessionError::Store(other),
        })?;
        self.report.changes_received += new;
        Ok(())
    }
}
