//! Gridbook's peer-to-peer sync.
//!
//! - [`Session`] is the protocol as a state machine over a [`gridbook_model::Gridbook`]: it
//!   takes the peer's frames as bytes and returns the frames to send, and knows no transport, so
//!   tests drive two sessions against each other in memory.
//! - [`wire`] defines the frames: a 4-byte length prefix with a hard cap ([`wire::MAX_FRAME`])
//!   and a postcard-encoded [`wire::Frame`].
//! - [`node`] is the thin iroh adapter: an endpoint that never touches the internet, a
//!   connection hook that refuses devices the directory does not list, and the actor that owns
//!   the store.

mod actor;
pub mod node;
mod session;
mod tree;
pub mod wire;

pub use actor::{Book, BookGone};
pub use session::{Report, Session, SessionError, Side, Step, manifest, manifest_digest};
pub use tree::LEAF;
