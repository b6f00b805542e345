//! Gridbook's domain model: resident needs and their five-step loop, deliberation meetings,
//! volunteers and the time bank, and the directory of a subdistrict, kept in Automerge documents
//! and stored in redb on each device.
//!
//! ```
//! use gridbook_model::{Gridbook, NewNeed, vocab::Category};
//!
//! let mut book = Gridbook::in_memory()?;
//! book.init_network("凤凰台街道", "赵敏")?;
//! book.add_place(gridbook_model::PlaceKind::Community, None, "zt", "中台社区")?;
//! book.add_place(gridbook_model::PlaceKind::Grid, Some("zt"), "g3", "第3网格")?;
//! let id = book.add_need(NewNeed::new("独居老人需要送餐", Category::ElderlyCare, "zt-g3"))?;
//! assert_eq!(book.need(&id)?.stage, gridbook_model::vocab::Stage::Discovered);
//! # Ok::<(), gridbook_model::Error>(())
//! ```

pub mod access;
mod book;
pub mod conflict;
mod directory;
pub mod doc_id;
pub mod dump;
mod error;
pub mod ids;
pub mod ledger;
pub mod meeting;
pub mod need;
mod record_kind;
pub mod register_search;
pub mod report;
pub mod scope;
pub mod store;
pub mod summary;
pub mod time;
pub mod vocab;
pub mod volunteer;
pub mod words;

pub use book::{
    ACTIVITY, ActivitySummary, AuditEntry, DeviceKey, DirectoryView, ExportRecord, FollowUpView,
    Gridbook, HistoryEntry, IdSource, Ignored, MeetingView, MotionView, NeedEdit, NewMeeting,
    NewNeed, NewResident, NewVolunteer, Part, PlaceKind, PlaceView, Recorded, ResidentEdit,
    VolunteerView, WalkIn, WhyIgnored, signing,
};
pub use directory::{Building, Community, Courtyard, Device, Grid, Member, Network, Resident};
pub use doc_id::DocId;
pub use error::{Error, Field, Result};
pub use record_kind::RecordKind;
pub use store::crypt::{KdfCost, Passphrase};
