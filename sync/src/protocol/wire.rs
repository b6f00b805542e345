//! What travels between two devices: [`Frame`]s, each a 4-byte big-endian length followed by
//! that many bytes of a postcard-encoded [`Frame`] value.
//!
//! postcard is compact (varints, no field names: a hello is ~60 bytes), has a documented, stable
//! wire format, is `serde`-based and is widely used in embedded and in iroh's own protocols. Its
//! decoder never allocates more than the input it is given, and the length cap below bounds the
//! input before a single byte of it is buffered.

use serde::{Deserialize, Serialize};

/// The protocol version this build speaks. A peer with another version is refused with a
/// reason; the [`Frame::Hello`] layout must therefore never change. Version 4: every change
/// travels with its signature change (an earlier build's unsigned changes would be ignored).
/// Version 5: a facilitator's walk-in entries in the residents' register count (an earlier
/// build would ignore them, and the meeting's sign-in that names them).
pub const PROTOCOL_VERSION: u32 = 5;

/// The largest frame either side accepts (16 MiB). A bigger frame ends the session before its
/// bytes are read.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// The length prefix of every frame.
pub const HEADER: usize = 4;

/// A digest of a document's sorted heads, or of a whole manifest (SHA-256).
pub type Digest = [u8; 32];

/// A short digest (the first 8 bytes of a SHA-256) of one document's heads, or of every document
/// in one bucket of the comparison tree: two different states collide with odds of 2^-64, and
/// a collision is caught by the closing [`Frame::Done`] digests (the session then reports that
/// the devices still differ).
pub type ShortDigest = [u8; 8];

/// How many children a bucket of the comparison tree has: one per hex digit of the hashed
/// document id.
pub const FANOUT: usize = 16;

/// One protocol message.
///
/// The two sides take turns, and a turn (a *flight*) is one or more frames: an optional
/// [`Frame::Hello`] (each side's first flight opens with one), any number of [`Frame::Docs`],
/// and one [`Frame::Turn`] or [`Frame::Done`] that ends it. The peer answers only once the
/// flight has ended, so a round trip is one flight each way however many frames they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Frame {
    /// Opens each side's first flight: who is speaking, and a digest over all its documents'
    /// heads. Its layout never changes, so a peer of another version can read it and say so.
    Hello(Hello),
    /// Automerge sync messages, several documents at once; more frames of the flight follow.
    Docs(Vec<DocMessage>),
    /// Ends a flight; the session goes on.
    Turn(Turn),
    /// Ends the session from the sender's side: after the peer's last flight the sender holds
    /// exactly what the peer said it held (the digests are equal). The peer checks the digest
    /// against its own and answers nothing.
    Done {
        /// The sender's digest over all its documents, keyed like [`Turn::digest`].
        digest: Digest,
    },
    /// The sender ends the session, and says why.
    Abort {
        /// Why, for the other side's log.
        reason: String,
    },
}

/// One encoded `automerge::sync::Message` about one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage {
    /// The document id.
    pub doc: String,
    /// The encoded message.
    pub message: Vec<u8>,
}

/// The end of a flight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    /// The sender's digest over all its documents once it applied the peer's last flight,
    /// keyed by the sender's device id: the peer, once it applied this flight, compares it with
    /// its own (keyed the same way) to know whether they agree.
    pub digest: Digest,
    /// Buckets of the comparison tree (see `tree.rs`) for the peer to answer, walked only when
    /// neither side knows of a difference left yet the digests differ.
    pub buckets: Vec<Bucket>,
}

/// A bucket of the comparison tree: the documents whose hashed id starts with `prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// Which bucket.
    pub prefix: Prefix,
    /// What the sender holds in it.
    pub content: BucketContent,
}

/// A bucket's address: the first `depth` hex digits of SHA-256(document id), kept in the top
/// bits of `bits` (the rest zero). Depth 0 is the root, holding every document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Prefix {
    /// Hex digits fixed (0 to [`Prefix::MAX_DEPTH`]).
    pub depth: u8,
    /// The digits, most significant first.
    pub bits: u64,
}

impl Prefix {
    /// The deepest bucket: 16 hex digits, 64 bits of the hashed id.
    pub const MAX_DEPTH: u8 = 16;

    /// The bucket holding every document.
    pub const ROOT: Prefix = Prefix { depth: 0, bits: 0 };

    /// The `i`-th child bucket (`i` < [`FANOUT`], `depth` < [`Prefix::MAX_DEPTH`]).
    pub fn child(self, i: u8) -> Prefix {
        let shift = 60 - 4 * u32::from(self.depth);
        Prefix {
            depth: self.depth + 1,
            bits: self.bits | (u64::from(i & 0xf) << shift),
        }
    }

    /// Whether a hashed id (its first 8 bytes, big-endian) lies in this bucket.
    pub fn holds(self, key: u64) -> bool {
        self.depth == 0 || (key ^ self.bits) >> (64 - 4 * u32::from(self.depth)) == 0
    }

    /// A well-formed prefix: depth in range and no bits below it.
    pub fn is_valid(self) -> bool {
        self.depth == Self::MAX_DEPTH
            || (self.depth < Self::MAX_DEPTH && self.bits << (4 * u32::from(self.depth)) == 0)
    }
}

/// What a sender holds in one bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BucketContent {
    /// A digest of each of its [`FANOUT`] children (zero for an empty child): the receiver
    /// descends into the ones that differ.
    Children(Vec<ShortDigest>),
    /// Every document in it with the digest of its heads (a small bucket): the receiver
    /// compares them with its own and descends no further.
    Entries(Vec<(String, ShortDigest)>),
}

/// Who is speaking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub version: u32,
    /// The network id (hex) the sender belongs to; empty for a device that has not received
    /// its network's directory yet.
    pub network: String,
    /// The sender's device id (its public key).
    pub device: [u8; 32],
    /// Digest over all the sender's documents and their heads.
    pub digest: Digest,
    /// How many documents the sender holds.
    pub documents: u32,
}

/// Why bytes from the peer were not a frame.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameError {
    /// The length prefix announces more than [`MAX_FRAME`].
    #[error("the peer announced a frame of {0} bytes, over the {MAX_FRAME}-byte limit")]
    Oversize(usize),
    /// The bytes ended inside a frame.
    #[error("the peer's frame is cut short ({have} of {want} bytes)")]
    Truncated {
        /// Bytes present.
        have: usize,
        /// Bytes announced.
        want: usize,
    },
    /// The payload is not a frame this version understands.
    #[error("the peer sent a frame that does not decode: {0}")]
    Undecodable(String),
}

impl Frame {
    /// The frame as bytes on the wire: length prefix and payload.
    pub fn encode(&self) -> Vec<u8> {
        // Serialising plain data into a Vec cannot fail.
        let payload = postcard::to_stdvec(self).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER + payload.len());
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&payload);
        out
    }

    /// Decodes a payload (without its length prefix).
    pub fn decode_payload(payload: &[u8]) -> Result<Frame, FrameError> {
        match postcard::from_bytes::<Frame>(payload) {
            Ok(frame) => Ok(frame),
            Err(e) => Err(FrameError::Undecodable(e.to_string())),
        }
    }

    /// Decodes one whole frame, prefix included, from `bytes`; returns it and how many bytes it
    /// took.
    pub fn decode(bytes: &[u8]) -> Result<(Frame, usize), FrameError> {
        let header: [u8; HEADER] = match bytes.get(..HEADER) {
            Some(h) => h.try_into().unwrap_or_default(),
            None => {
                return Err(FrameError::Truncated {
                    have: bytes.len(),
                    want: HEADER,
                });
            }
        };
        let len = payload_len(header)?;
        let Some(payload) = bytes.get(HEADER..HEADER + len) else {
            return Err(FrameError::Truncated {
                have: bytes.len(),
                want: HEADER + len,
            });
        };
        Ok((Frame::decode_payload(payload)?, HEADER + len))
    }
}

/// The payload length a frame header announces, refused over [`MAX_FRAME`].
pub fn payload_len(header: [u8; HEADER]) -> Result<usize, FrameError> {
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::Oversize(len));
    }
    Ok(len)
}

/// The words of [`FrameError`], for the app and the command line.
mod words {
    use gridbook_model::words::Words;

    use super::{FrameError, MAX_FRAME};

    gridbook_model::worded!(FrameError {
        FrameError::Oversize(bytes) => Words::new("error.sync.frame.oversize")
                .arg("bytes", bytes)
                .arg("max", MAX_FRAME),
            example: FrameError::Oversize(1 << 30);
        FrameError::Truncated { have, want } => Words::new("error.sync.frame.truncated")
                .arg("have", have)
                .arg("want", want),
            example: FrameError::Truncated { have: 3, want: 9 };
        FrameError::Undecodable(detail) => Words::new("error.sync.frame.undecodable").arg("detail", detail),
            example: FrameError::Undecodable("unknown tag 9".into());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_a_hello_is_small() {
        let hello = Frame::Hello(Hello {
            version: PROTOCOL_VERSION,
            network: "0123456789abcdef0123456789abcdef".into(),
            device: [7; 32],
            digest: [9; 32],
            documents: 12,
        });
        let bytes = hello.encode();
        assert!(bytes.len() < 120, "hello is {} bytes", bytes.len());
        assert_eq!(Frame::decode(&bytes).unwrap(), (hello, bytes.len()));
    }

    #[test]
    fn an_oversize_header_is_refused_before_its_payload() {
        let header = ((MAX_FRAME + 1) as u32).to_be_bytes();
        assert_eq!(
            Frame::decode(&header),
            Err(FrameError::Oversize(MAX_FRAME + 1))
        );
    }

    #[test]
    fn garbage_and_cut_frames_are_typed_errors() {
        assert!(matches!(
            Frame::decode(&[0, 0, 0, 3, 0xff, 0xff, 0xff]),
            Err(FrameError::Undecodable(_))
        ));
        assert!(matches!(
            Frame::decode(&[0, 0, 0, 9, 1]),
            Err(FrameError::Truncated { have: 5, want: 13 })
        ));
        assert!(matches!(
            Frame::decode(&[0, 0]),
            Err(FrameError::Truncated { .. })
        ));
        // Every prefix of a real frame and every single-byte corruption decodes or errors,
        // never panics.
        let bytes = Frame::Docs(vec![DocMessage {
            doc: "directory".into(),
            message: vec![1, 2, 3, 4],
        }])
        .encode();
        for cut in 0..bytes.len() {
            assert!(Frame::decode(&bytes[..cut]).is_err());
        }
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0xa5;
            let _ = Frame::decode(&bad);
        }
    }
}
