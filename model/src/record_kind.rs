//! The kinds of record an error can name ("no need 'N-…'", "'x' is not a meeting id").

use std::fmt;

use crate::book::PlaceKind;
use crate::words::Words;

/// A kind of record, as errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecordKind {
    /// A resident need.
    Need,
    /// A resident in the register.
    Resident,
    /// A person who uses Gridbook.
    Member,
    /// A deliberation meeting.
    Meeting,
    /// A topic on a meeting's agenda.
    Topic,
    /// A motion put to the vote.
    Motion,
    /// A decision.
    Decision,
    /// A follow-up action of a decision.
    FollowUp,
    /// A volunteer.
    Volunteer,
    /// A volunteer team.
    Team,
    /// A volunteer activity.
    Activity,
    /// A time-bank movement.
    Movement,
    /// A progress note or other small record inside another.
    Note,
    /// A community.
    Community,
    /// A courtyard.
    Courtyard,
    /// A grid.
    Grid,
    /// A building.
    Building,
    /// A stored document.
    Document,
}

impl RecordKind {
    /// Its name in English, as the command line's messages say it.
    pub fn en(self) -> &'static str {
        match self {
            RecordKind::Need => "need",
            RecordKind::Resident => "resident",
            RecordKind::Member => "member",
            RecordKind::Meeting => "meeting",
            RecordKind::Topic => "topic",
            RecordKind::Motion => "motion",
            RecordKind::Decision => "decision",
            RecordKind::FollowUp => "follow-up action",
            RecordKind::Volunteer => "volunteer",
            RecordKind::Team => "team",
            RecordKind::Activity => "activity",
            RecordKind::Movement => "movement",
            RecordKind::Note => "note",
            RecordKind::Community => "community",
            RecordKind::Courtyard => "courtyard",
            RecordKind::Grid => "grid",
            RecordKind::Building => "building",
            RecordKind::Document => "document",
        }
    }

    /// Its name in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            RecordKind::Need => "民需",
            RecordKind::Resident => "居民",
            RecordKind::Member => "成员",
            RecordKind::Meeting => "议事会",
            RecordKind::Topic => "议题",
            RecordKind::Motion => "动议",
            RecordKind::Decision => "决议",
            RecordKind::FollowUp => "后续事项",
            RecordKind::Volunteer => "志愿者",
            RecordKind::Team => "志愿队",
            RecordKind::Activity => "活动",
            RecordKind::Movement => "时间银行记录",
            RecordKind::Note => "记录",
            RecordKind::Community => "社区",
            RecordKind::Courtyard => "院落",
            RecordKind::Grid => "网格",
            RecordKind::Building => "楼栋",
            RecordKind::Document => "文档",
        }
    }

    /// The command that lists the records of this kind, and what it lists (in English and
    /// in Chinese), when there is one.
    fn listed_by(self) -> Option<(&'static str, &'static str, &'static str)> {
        Some(match self {
            RecordKind::Need => ("gridbook need list", "needs", "民需"),
            RecordKind::Meeting => ("gridbook meeting list", "meetings", "议事会"),
            RecordKind::Volunteer => ("gridbook volunteer list", "roster", "志愿者名册"),
            RecordKind::Activity => ("gridbook volunteer activities", "activities", "活动"),
            RecordKind::Member => ("gridbook directory list", "members", "成员"),
            RecordKind::Resident => ("gridbook resident list", "register", "居民登记"),
            RecordKind::Community => ("gridbook directory list", "communities", "社区"),
            RecordKind::Courtyard => ("gridbook directory list", "courtyards", "院落"),
            RecordKind::Grid => ("gridbook directory list", "grids", "网格"),
            RecordKind::Building => ("gridbook directory list", "buildings", "楼栋"),
            _ => return None,
        })
    }

    /// Where a person finds the records of this kind: ": `gridbook need list` shows the
    /// needs", or nothing.
    pub(crate) fn where_listed(self) -> Option<Words> {
        self.listed_by().map(|(command, en, zh)| {
            Words::new("error.hint.listed_by")
                .arg("command", command)
                .name("records", en, zh)
        })
    }

    /// [`where_listed`](Self::where_listed), in English.
    pub(crate) fn where_listed_en(self) -> String {
        self.listed_by()
            .map(|(command, en, _)| format!(": `{command}` shows the {en}"))
            .unwrap_or_default()
    }
}

impl From<PlaceKind> for RecordKind {
    fn from(kind: PlaceKind) -> Self {
        match kind {
            PlaceKind::Community => RecordKind::Community,
            PlaceKind::Courtyard => RecordKind::Courtyard,
            PlaceKind::Grid => RecordKind::Grid,
            PlaceKind::Building => RecordKind::Building,
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.en())
    }
}
