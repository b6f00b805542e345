//! Gridbook's peer-to-peer sync.
//!
//! - [`Session`] is the protocol as a state machine over a [`gridbook_model::Gridbook`]: it
//!   takes the peer's frames as bytes and returns the frames to send, and knows no transport, so
//!   tests drive two sessions against each other in memory.
//! - `known` keeps what this device knows each peer holds (recorded whenever the two agreed),
//!   so a session sends what changed before the peer asks.
//! - `tree` finds which documents differ without listing every one when that knowledge runs
//!   out: both sides walk a tree of bucket digests (by SHA-256 of the document id) down to the
//!   buckets that differ.
//! - `wire` defines the frames: a 4-byte length prefix with a hard cap (16 MiB) and a
//!   postcard-encoded frame.
//! - [`node`] is the thin iroh adapter: an endpoint that never touches the internet, a
//!   connection hook that refuses devices the directory does not list, and the actor that owns
//!   the store.
//! - [`invite`] and the pairing ALPN admit a new device with a single-use secret; [`peers`]
//!   keeps what this device knows of each peer (last seen, last synced).

#![warn(unreachable_pub)]

mod actor;
pub mod bundle;
mod dialer;
pub mod invite;
mod known;
mod live;
pub mod node;
mod pairing;
pub mod peers;
pub mod seal;
mod session;
mod transport;
mod tree;
// The frames' types are for Gridbook's own tests and fuzz targets (`test-support`, see
// sync/Cargo.toml); a transport only moves the bytes a `Session` returns.
#[cfg(feature = "test-support")]
pub mod wire;
#[cfg(not(feature = "test-support"))]
#[allow(unreachable_pub, reason = "public with test-support")]
mod wire;

pub use actor::{Book, BookGone, Job, Jobs, Notifier};
#[cfg(feature = "test-support")]
pub use pairing::PairFrame;
pub use pairing::{ATTEMPTS_PER_MINUTE, Joined, PAIR_ALPN};
pub use session::{CHUNK, Report, Session, SessionError, Side, Step, manifest, manifest_digest};
pub use tree::LEAF;
pub use wire::{Digest, FrameError};
