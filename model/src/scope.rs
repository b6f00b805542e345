//! What an export or a report covers: a period, and a community or a grid.

use crate::summary::NeedSummary;
use crate::time::Day;

/// A period and a place; `None` leaves that side open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The first day, inclusive.
    pub from: Option<Day>,
    /// The last day, inclusive.
    pub to: Option<Day>,
    /// A community code.
    pub community: Option<String>,
    /// A grid id.
    pub grid: Option<String>,
}

impl Scope {
    /// Whether `day` falls in the period.
    pub fn has_day(&self, day: Day) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }

    /// Whether a record of `community` is in the place. A grid scope keeps the records of its
    /// community that have no grid (meetings, volunteers), so give the grid's community too.
    pub fn has_community(&self, community: &str) -> bool {
        self.community.as_deref().is_none_or(|c| c == community)
    }

    /// Whether a need is in scope: found in the period, in the place.
    pub fn has_need(&self, need: &NeedSummary) -> bool {
        self.has_day(need.created_at.day())
            && self.has_community(&need.community)
            && self.grid.as_deref().is_none_or(|g| g == need.grid)
    }
}
