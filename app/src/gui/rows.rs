//! Needs as summary rows: the filter the Needs view applies and the figures the counts along
//! its top and the Reports view show. Runs on the worker thread, never on the UI thread
//! (filtering 100k rows takes milliseconds, a frame's whole budget).

use gridbook_model::summary::NeedSummary;
use gridbook_model::time::Day;
use gridbook_model::vocab::{Category, Level, Stage, Vocabulary};
use serde::{Deserialize, Serialize};

/// Which needs the Needs view lists. Kept across runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct NeedFilter {
    /// Only needs at this stage.
    pub stage: Option<Stage>,
    /// Only needs of this category.
    pub category: Option<Category>,
    /// Only needs in this community (its code).
    pub community: Option<String>,
    /// Only needs in this grid (its id).
    pub grid: Option<String>,
    /// Only needs at this escalation level.
    pub level: Option<Level>,
    /// Only needs assigned to this member (their id).
    pub assignee: Option<String>,
    /// Only needs past their due date and still open (督办).
    pub overdue: bool,
    /// Words that the title, the resident's name or the ledger number contain.
    pub text: String,
    /// The column the list is sorted by.
    pub sort: SortBy,
    /// Smallest first (the default is newest, largest, first).
    pub ascending: bool,
}

/// A column the needs list can be sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum SortBy {
    /// When the need was recorded.
    #[default]
    Recorded,
    /// Ledger number.
    Ledger,
    /// Title.
    Title,
    /// Stage, in the loop's order.
    Stage,
    /// Category, in the vocabulary's order.
    Category,
    /// Grid.
    Grid,
    /// Resident's name.
    Resident,
    /// Due day; needs with none come last.
    Due,
}

/// Whether `word` is in a need's title or resident's name, or in its ledger number or id (in
/// any case: `zt-2612` finds `ZT-2612-…`, as the command line accepts either).
pub(crate) fn matches_word(need: &NeedSummary, word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    need.title.contains(word)
        || need.ledger_no.to_ascii_uppercase().contains(&upper)
        || need.id.as_str().to_ascii_uppercase().contains(&upper)
        || need
            .resident_name
            .as_ref()
            .is_some_and(|n| n.contains(word))
}

impl NeedFilter {
    /// Whether `need` passes on `today`.
    pub(crate) fn keeps(&self, need: &NeedSummary, today: Day) -> bool {
        if self.stage.is_some_and(|s| s != need.stage)
            || self.category.is_some_and(|c| c != need.category)
            || self
                .community
                .as_ref()
                .is_some_and(|c| c != &need.community)
            || self.grid.as_ref().is_some_and(|g| g != &need.grid)
            || self.level.is_some_and(|l| l != need.level)
            || self
                .assignee
                .as_ref()
                .is_some_and(|a| need.assignee.as_ref() != Some(a))
        {
            return false;
        }
        if self.overdue && !(need.stage != Stage::Closed && need.due.is_some_and(|d| d < today)) {
            return false;
        }
        let text = self.text.trim();
        text.is_empty() || text.split_whitespace().all(|word| matches_word(need, word))
    }

    /// The positions in `rows` of the needs that pass, in the chosen order (largest or newest
    /// first unless `ascending`; ties newest first).
    pub(crate) fn apply(&self, rows: &[NeedSummary], today: Day) -> Vec<usize> {
        let mut shown: Vec<usize> = (0..rows.len())
            .filter(|&i| self.keeps(&rows[i], today))
            .collect();
        let newest_first = |a: &NeedSummary, b: &NeedSummary| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.ledger_no.cmp(&a.ledger_no))
        };
        let by = |a: &NeedSummary, b: &NeedSummary| match self.sort {
            SortBy::Recorded => a
                .created_at
                .cmp(&b.created_at)
                .then_with(|| a.ledger_no.cmp(&b.ledger_no)),
            SortBy::Ledger => a.ledger_no.cmp(&b.ledger_no),
            SortBy::Title => a.title.cmp(&b.title),
            SortBy::Stage => a.stage.cmp(&b.stage),
            SortBy::Category => a.category.cmp(&b.category),
            SortBy::Grid => a.grid.cmp(&b.grid),
            SortBy::Resident => a.resident_name.cmp(&b.resident_name),
            SortBy::Due => a.due.cmp(&b.due),
        };
        shown.sort_by(|&a, &b| {
            let (a, b) = (&rows[a], &rows[b]);
            // Needs with no due day come last, whichever way the due days go.
            let undated = if self.sort == SortBy::Due {
                a.due.is_none().cmp(&b.due.is_none())
            } else {
                std::cmp::Ordering::Equal
            };
            let order = if self.ascending { by(a, b) } else { by(b, a) };
            undated.then(order).then_with(|| newest_first(a, b))
        });
        shown
    }
}

/// Figures over every need: the counts along the Needs view and the Reports view.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NeedStats {
    /// Needs at each stage, in `Stage::ALL` order.
    pub per_stage: Vec<(Stage, usize)>,
    /// Needs of each category, in `Category::ALL` order.
    pub per_category: Vec<(Category, usize)>,
    /// All needs.
    pub total: usize,
    /// Needs that went round the whole loop: evaluated, then closed.
    pub completed: usize,
    /// The mean of the residents' satisfaction ratings, if any were given.
    pub avg_satisfaction: Option<f64>,
}

impl NeedStats {
    /// Counts `rows`.
    pub(crate) fn of<'a>(rows: impl IntoIterator<Item = &'a NeedSummary>) -> NeedStats {
        let mut per_stage: Vec<(Stage, usize)> = Stage::all().iter().map(|&s| (s, 0)).collect();
        let mut per_category: Vec<(Category, usize)> =
            Category::all().iter().map(|&c| (c, 0)).collect();
        let (mut total, mut completed, mut rated, mut sum) = (0, 0, 0u32, 0u32);
        for need in rows {
            total += 1;
            if let Some(slot) = per_stage.iter_mut().find(|(s, _)| *s == need.stage) {
                slot.1 += 1;
            }
            if let Some(slot) = per_category.iter_mut().find(|(c, _)| *c == need.category) {
                slot.1 += 1;
            }
            if let Some(s) = need.satisfaction {
                rated += 1;
                sum += u32::from(s);
                if need.stage == Stage::Closed {
                    completed += 1;
                }
            }
        }
        NeedStats {
            per_stage,
            per_category,
            total,
            completed,
            avg_satisfaction: (rated > 0).then(|| f64::from(sum) / f64::from(rated)),
        }
    }

    /// How many needs are at `stage`.
    pub(crate) fn at(&self, stage: Stage) -> usize {
        self.per_stage
            .iter()
            .find(|(s, _)| *s == stage)
            .map_or(0, |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridbook_model::ids::{DeviceTag, NeedId};
    use gridbook_model::time::Timestamp;

    fn row(seq: u64, title: &str, due: Option<&str>, community: &str) -> NeedSummary {
        let tag = DeviceTag::of_key(&[1; 32]);
        NeedSummary {
            id: NeedId::new(&tag, seq),
            ledger_no: format!("ZT-{seq:04}"),
            doc: "needs/zt/2026-11".into(),
            title: title.into(),
            category: Category::Other,
            stage: Stage::Discovered,
            community: community.into(),
            grid: format!("{community}-g1"),
            building: None,
            resident_name: None,
            phone: None,
            source: None,
            level: Level::Grid,
            assignee: None,
            due: due.map(|d| d.parse().unwrap()),
            route: None,
            project_kind: None,
            claimant: None,
            claimant_name: None,
            satisfaction: None,
            created_at: Timestamp(1_795_000_000_000 + seq as i64),
            closed_at: None,
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn sorting_by_due_keeps_undated_needs_last_both_ways_and_ties_newest_first() {
        let rows = vec![
            row(1, "甲", Some("2026-12-01"), "zt"),
            row(2, "乙", None, "zt"),
            row(3, "丙", Some("2026-11-28"), "dt"),
            row(4, "丁", Some("2026-12-01"), "zt"),
        ];
        let today = "2026-11-27".parse().unwrap();
        let mut f = NeedFilter {
            sort: SortBy::Due,
            ascending: true,
            ..NeedFilter::default()
        };
        assert_eq!(f.apply(&rows, today), vec![2, 3, 0, 1]);
        f.ascending = false;
        assert_eq!(f.apply(&rows, today), vec![3, 0, 2, 1]);
        // The default: newest first.
        assert_eq!(NeedFilter::default().apply(&rows, today), vec![3, 2, 1, 0]);
        f.community = Some("dt".into());
        assert_eq!(f.apply(&rows, today), vec![2]);
    }
}
