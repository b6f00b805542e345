//! Gridbook's peer-to-peer sync, in two halves that meet only through bytes:
//!
//! - the protocol (`protocol/`): [`Session`] is the sync as a state machine over a
//!   [`gridbook_model::Gridbook`]: it takes the peer's frames as bytes and returns the frames to
//!   send, and knows no transport. It sends what changed since the two devices last agreed
//!   before the peer asks, and finds which documents differ without listing every one when
//!   that record runs out (a tree of bucket digests, by SHA-256 of the document id). Frames
//!   are a 4-byte length prefix with a hard cap (16 MiB) and a postcard-encoded value.
//! - the network (`net/`): [`Node`] is the thin iroh adapter: an endpoint that never touches
//!   the internet, a connection hook that refuses devices the directory does not list, live
//!   connections that push each side's changes, and [`Dialer`]s that dial peers. Everything
//!   it names is in [`node`]; [`Book`] is the thread that owns the store for it.
//!
//! Beside them: [`invite`] and the pairing ALPN admit a new device with a single-use secret;
//! [`peers`] keeps what this device knows of each peer (last seen, last synced); [`bundle`]
//! carries a network's data on a USB stick; [`seal`] encrypts to a network's devices.
//!
//! Two devices sync by handing each other's frames to their sessions until neither has
//! anything to send; a transport does exactly this over a QUIC stream:
//!
//! ```
//! use gridbook_model::{Gridbook, NewNeed, vocab::{Category, Role}};
//! use gridbook_sync::Session;
//!
//! // An office founds the network and lists a tablet's device for a grid worker.
//! let mut office = Gridbook::in_memory()?;
//! office.init_network("凤凰台街道", "赵敏")?;
//! office.add_place(gridbook_model::PlaceKind::Community, None, "zt", "中台社区")?;
//! office.add_place(gridbook_model::PlaceKind::Grid, Some("zt"), "g3", "第3网格")?;
//! office.add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"))?;
//! let mut tablet = Gridbook::in_memory()?;
//! let worker = office.add_member("李娜", Role::GridWorker)?;
//! office.add_device(&tablet.device().id_hex(), &worker, Role::GridWorker)?;
//!
//! // The tablet dials; each side answers the other's flight until the session ends.
//! let (office_id, tablet_id) = (*office.device().public_bytes(), *tablet.device().public_bytes());
//! let (mut dialer, mut flight) = Session::dial(&mut tablet, office_id)?;
//! let mut acceptor = Session::accept(&mut office, tablet_id)?;
//! let mut to_office = true;
//! loop {
//!     let step = if to_office {
//!         acceptor.receive(&mut office, &flight)?
//!     } else {
//!         dialer.receive(&mut tablet, &flight)?
//!     };
//!     match step.send {
//!         Some(next) => flight = next,
//!         None => break,
//!     }
//!     to_office = !to_office;
//! }
//! assert!(dialer.report().complete && acceptor.report().complete);
//! assert_eq!(tablet.need_summaries()?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod actor;
pub mod bundle;
pub mod invite;
mod net;
pub mod peers;
mod protocol;
pub mod seal;

pub use actor::{Book, BookGone, Job, Jobs, Notifier};
#[cfg(feature = "test-support")]
pub use net::PairFrame;
pub use net::node::{
    self, ATTEMPTS_PER_MINUTE, Dialer, Joined, Node, NodeError, NodeEvent, NodeOptions, PAIR_ALPN,
};
// The frames' types are for Gridbook's own tests and fuzz targets (`test-support`, see
// sync/Cargo.toml); a transport only moves the bytes a `Session` returns.
#[cfg(feature = "test-support")]
pub use protocol::wire;
pub use protocol::{
    CHUNK, Digest, FrameError, LEAF, Report, Session, SessionError, Side, Step, manifest,
    manifest_digest,
};
