//! The sync protocol, as data and a state machine, with no transport: what a session says
//! ([`wire`]'s frames), how it runs ([`Session`]), what it remembers of each peer between
//! sessions (`known`), and how two devices find which documents differ (`tree`). Nothing here
//! opens a socket or names iroh: `crate::net` carries these bytes over QUIC, and tests carry
//! them from one session to another in memory.

mod known;
mod session;
mod tree;
#[cfg_attr(
    not(feature = "test-support"),
    allow(unreachable_pub, reason = "public with test-support")
)]
pub mod wire;

pub use session::{CHUNK, Report, Session, SessionError, Side, Step, manifest, manifest_digest};
pub use tree::LEAF;
pub use wire::{Digest, FrameError};
