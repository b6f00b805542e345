//! Summary rows: one small JSON row per need, meeting and volunteer, kept in the store beside
//! the documents so list views never load a document. Each row is recomputed from its record
//! whenever the record changes, and can always be rebuilt from the documents.

use serde::{Deserialize, Serialize};

use crate::ids::{MeetingId, NeedId, VolunteerId};
use crate::time::{Day, Timestamp};
use crate::vocab::{Category, Level, MeetingLevel, ProjectKind, Route, Stage};

/// The summary kind of needs.
pub const NEED: &str = "need";
/// The summary kind of meetings.
pub const MEETING: &str = "meeting";
/// The summary kind of volunteers.
pub const VOLUNTEER: &str = "volunteer";

/// A need as list views and `need list --json` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedSummary {
    /// Id.
    pub id: NeedId,
    /// Ledger number.
    pub ledger_no: String,
    /// The document it lives in.
    pub doc: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category: Category,
    /// Stage.
    pub stage: Stage,
    /// Community code.
    pub community: String,
    /// Grid id.
    pub grid: String,
    /// Building id.
    pub building: Option<String>,
    /// Resident's name (sensitive).
    pub resident_name: Option<String>,
    /// Phone (sensitive: views mask it).
    pub phone: Option<String>,
    /// Level.
    pub level: Level,
    /// Assignee's member id.
    pub assignee: Option<String>,
    /// Due day.
    pub due: Option<Day>,
    /// Route, once designed.
    pub route: Option<Route>,
    /// Project kind, for projects.
    pub project_kind: Option<ProjectKind>,
    /// Claimant's name, once claimed.
    pub claimant_name: Option<String>,
    /// Satisfaction, once evaluated.
    pub satisfaction: Option<u8>,
    /// When recorded.
    pub created_at: Timestamp,
    /// When closed, if closed.
    pub closed_at: Option<Timestamp>,
    /// Fields that hold concurrent values from devices that edited offline.
    pub conflicts: Vec<String>,
}

/// A meeting as list views show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingSummary {
    /// Id.
    pub id: MeetingId,
    /// The document.
    pub doc: String,
    /// Title.
    pub title: String,
    /// Level.
    pub level: MeetingLevel,
    /// Community code.
    pub community: String,
    /// The day.
    pub day: Day,
    /// Residents signed in.
    pub attendees: u32,
    /// Topics on the agenda.
    pub topics: u32,
    /// Topics settled.
    pub topics_settled: u32,
    /// Motions.
    pub motions: u32,
}

/// A volunteer as list views show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerSummary {
    /// Id.
    pub id: VolunteerId,
    /// The roster document.
    pub doc: String,
    /// Name.
    pub name: String,
    /// Community code.
    pub community: String,
    /// Team id.
    pub team: Option<String>,
    /// Skills.
    pub skills: Vec<String>,
}

/// A summary row ready to store.
#[derive(Debug, Clone)]
pub struct Row {
    /// [`NEED`], [`MEETING`] or [`VOLUNTEER`].
    pub kind: &'static str,
    /// The record's id.
    pub id: String,
    /// The row as JSON.
    pub json: Vec<u8>,
}

impl Row {
    /// A row of `kind` for record `id`.
    pub fn new<T: Serialize>(kind: &'static str, id: impl ToString, value: &T) -> Row {
        // Serialising these plain structs to JSON cannot fail.
        let json = serde_json::to_vec(value).unwrap_or_default();
        Row {
            kind,
            id: id.to_string(),
            json,
        }
    }
}
