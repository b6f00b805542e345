//! What travels between two devices: [`Frame`]s, each a 4-byte big-endian length followed by
//! that many bytes of a postcard-encoded [`Frame`] value.
//!
//! postcard is compact (varints, no field names: a hello is ~60 bytes), has a documented, stable
//! wire format, is `serde`-based and is widely used in embedded and in iroh's own protocols. Its
//! decoder never allocates more than the input it is given, and the length cap below bounds the
//! input before a single byte of it is buffered.

use serde::{Deserialize, Serialize};

/// The protocol version this build speaks. A peer with another version is refused with a
/// reason; the [`Frame::Hello`] layout must therefore never change.
pub const PROTOCOL_VERSION: u32 = 2;

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Frame {
    /// The first message each way: who is speaking, and a digest over all its documents'
    /// heads, so that two devices already in sync finish after this one round trip.
    Hello(Hello),
    /// One step down the comparison tree, sent only when the hellos' digests differ: the
    /// sender's view of each bucket the peer's last tree frame showed to differ, and the
    /// documents the sender has already found to differ (the acceptor tells the dialer, who
    /// drives the document loop).
    Tree {
        /// The sender's buckets, each as child digests or, when small, as its documents.
        nodes: Vec<Node>,
        /// Documents found to differ (only the acceptor sends any).
        differ: Vec<String>,
    },
    /// The acceptor's last word on the comparison: the documents it found to differ, when it
    /// has no bucket left to descend into.
    Differ(Vec<String>),
    /// One Automerge sync message about one document; `None` when this side has nothing to say.
    Doc {
        /// The document id.
        doc: String,
        /// The encoded `automerge::sync::Message`, if any.
        message: Option<Vec<u8>>,
    },
    /// Sent once the document loop is over, with the digest over every document's heads; each
    /// side reports the sync complete only when the other's digest equals its own.
    Done {
        /// The sender's digest over all its documents.
        digest: Digest,
    },
    /// The sender ends the session, and says why.
    Abort {
        /// Why, for the other side's log.
        reason: String,
    },
}

/// A bucket of the comparison tree: the documents whose hashed id starts with `prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Which bucket.
    pub prefix: Prefix,
    /// What the sender holds in it.
    pub content: NodeContent,
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
pub enum NodeContent {
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
        let bytes = Frame::Doc {
            doc: "directory".into(),
            message: Some(vec![1, 2, 3, 4]),
        }
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
