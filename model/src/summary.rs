//! Summary rows: one small JSON row per need, meeting and volunteer, kept in the store beside
//! the documents so list views never load a document. Each row is recomputed from its record
//! whenever the record changes, and can always be rebuilt from the documents.

use serde::{Deserialize, Serialize};

use crate::ids::{MeetingId, NeedId, VolunteerId};
use crate::time::{Day, Timestamp};
use crate::vocab::{Category, Claimant, Level, MeetingLevel, ProjectKind, Route, Source, Stage};

/// The summary kind of needs.
pub const NEED: &str = "need";
/// The summary kind of meetings.
pub const MEETING: &str = "meeting";
/// The summary kind of volunteers.
pub const VOLUNTEER: &str = "volunteer";

/// A need as list views and `need list --json` show it. Fields it does not have are left out
/// of its JSON (and read back as `None`): rows of 100k needs are ~30% smaller and parse ~25%
/// faster without a dozen nulls each.
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    /// Resident's name (sensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_name: Option<String>,
    /// Phone (sensitive: views mask it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The channel it came in through (rows written before the ledger export lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Level.
    pub level: Level,
    /// Assignee's member id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Due day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Day>,
    /// Route, once designed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
    /// Project kind, for projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_kind: Option<ProjectKind>,
    /// Who claimed it (the kind), once claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimant: Option<Claimant>,
    /// Claimant's name, once claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimant_name: Option<String>,
    /// Satisfaction, once evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,
    /// When recorded.
    pub created_at: Timestamp,
    /// When closed, if closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    /// Fields that hold concurrent values from devices that edited offline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn need_rows_leave_out_what_a_need_lacks_and_still_read_rows_with_nulls() {
        let old = r#"{"id":"N-W0VSF5-10","ledger_no":"BS-2407-W0VSF5-0010","doc":"needs/bs/2024-07","title":"失能老人需要助浴服务","category":"home-elderly-care","stage":"discovered","community":"bs","grid":"bs-g1","building":null,"resident_name":"郭伟","phone":null,"level":"grid","assignee":"P-W0VSF5-1","due":null,"route":null,"project_kind":null,"claimant_name":null,"satisfaction":null,"created_at":1719885600000,"closed_at":null,"conflicts":[]}"#;
        let row: NeedSummary = serde_json::from_str(old).unwrap();
        assert_eq!(row.building, None);
        assert_eq!(row.resident_name.as_deref(), Some("郭伟"));
        let lean = serde_json::to_string(&row).unwrap();
        assert!(
            !lean.contains("null") && !lean.contains("conflicts"),
            "{lean}"
        );
        assert_eq!(serde_json::from_str::<NeedSummary>(&lean).unwrap(), row);
    }
}
