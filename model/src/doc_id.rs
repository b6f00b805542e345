//! Which Automerge document a record lives in. Documents stay small and bounded (history is
//! never truncated), so needs are split by community and month of creation, time-bank movements
//! by community and year, and every meeting is a document of its own.

use std::fmt;
use std::str::FromStr;

use crate::ids::{MeetingId, check_code};

/// The id of one Automerge document, as it appears in `dump` and the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocId {
    /// `directory`: the network, its places, the residents' register, members, devices.
    Directory,
    /// `needs/<community>/<yyyy-mm>`: needs created in that month.
    Needs {
        /// Community code.
        community: String,
        /// `YYYY-MM`.
        month: String,
    },
    /// `meeting/<id>`: one deliberation meeting.
    Meeting(MeetingId),
    /// `roster/<community>`: volunteers and teams.
    Roster {
        /// Community code.
        community: String,
    },
    /// `timebank/<community>/<yyyy>`: activities and time-bank movements of a year.
    Timebank {
        /// Community code.
        community: String,
        /// `YYYY`.
        year: String,
    },
}

impl DocId {
    /// The kind of document, as its id's first segment.
    pub fn kind(&self) -> &'static str {
        match self {
            DocId::Directory => "directory",
            DocId::Needs { .. } => "needs",
            DocId::Meeting(_) => "meeting",
            DocId::Roster { .. } => "roster",
            DocId::Timebank { .. } => "timebank",
        }
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocId::Directory => f.write_str("directory"),
            DocId::Needs { community, month } => write!(f, "needs/{community}/{month}"),
            DocId::Meeting(id) => write!(f, "meeting/{id}"),
            DocId::Roster { community } => write!(f, "roster/{community}"),
            DocId::Timebank { community, year } => write!(f, "timebank/{community}/{year}"),
        }
    }
}

/// A document id that is not one of the shapes above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a document id: use directory, needs/<community>/<yyyy-mm>, meeting/<id>, roster/<community> or timebank/<community>/<yyyy>"
)]
pub struct BadDocId(pub String);

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

impl FromStr for DocId {
    type Err = BadDocId;
    fn from_str(s: &str) -> Result<Self, BadDocId> {
        let bad = || BadDocId(s.to_string());
        let parts: Vec<&str> = s.split('/').collect();
        let community = |c: &str| check_code(c).ok().filter(|k| k == c).ok_or_else(bad);
        match parts.as_slice() {
            ["directory"] => Ok(DocId::Directory),
            ["needs", c, month]
                if month.len() == 7
                    && is_digits(&month[..4], 4)
                    && &month[4..5] == "-"
                    && is_digits(&month[5..], 2) =>
            {
                Ok(DocId::Needs {
                    community: community(c)?,
                    month: month.to_string(),
                })
            }
            ["meeting", id] => Ok(DocId::Meeting(id.parse().map_err(|_| bad())?)),
            ["roster", c] => Ok(DocId::Roster {
                community: community(c)?,
            }),
            ["timebank", c, year] if is_digits(year, 4) => Ok(DocId::Timebank {
                community: community(c)?,
                year: year.to_string(),
            }),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_round_trip() {
        for s in [
            "directory",
            "needs/zt/2026-11",
            "meeting/M-ZZZZZZ-3",
            "roster/zt",
            "timebank/zt/2026",
        ] {
            assert_eq!(s.parse::<DocId>().unwrap().to_string(), s);
        }
        for bad in [
            "needs/zt/2026",
            "needs/ZT/2026-11",
            "meeting/x",
            "timebank/zt/26",
            "other",
        ] {
            assert!(bad.parse::<DocId>().is_err(), "{bad}");
        }
    }
}
