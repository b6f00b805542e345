//! The network side: the [`Session`](crate::Session)'s bytes carried over iroh (QUIC), and
//! pairing. Each module uses only those listed before it, so none reaches back into another:
//!
//! - `link`: what every connection shares (the ALPN, timeouts, a peer's close reason);
//! - `error`: [`NodeError`];
//! - `transport`: one session over one QUIC stream, and the peer record it leaves;
//! - `live`: connections kept open after a session, pushing each side's changes;
//! - `dialer`: dialling peers by address, relay or LAN discovery;
//! - `pairing`: the pairing ALPN, both sides;
//! - `node`: the endpoint, its connection hook and the protocols it accepts; the public face.

mod dialer;
mod error;
mod link;
mod live;
pub mod node;
mod pairing;
mod transport;

#[cfg(feature = "test-support")]
pub use pairing::PairFrame;
