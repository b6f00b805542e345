//! Needs as summary rows: the filter the Needs view applies and the figures the counts along
//! its top and the Reports view show. Runs on the worker thread, never on the UI thread
//! (filtering 100k rows takes milliseconds, a frame's whole budget).

use gridbook_model::summary::NeedSummary;
use gridbook_model::time::Day;
use gridbook_model::vocab::{Category, Stage, Vocabulary};
use serde::{Deserialize, Serialize};

/// Which needs the Needs view lists. Kept across runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NeedFilter {
    /// Only needs at this stage.
    pub stage: Option<Stage>,
    /// Only needs of this category.
    pub category: Option<Category>,
    /// Only needs in this grid (its id).
    pub grid: Option<String>,
    /// Only needs past their due date and still open (督办).
    pub overdue: bool,
    /// Words that the title, the resident's name or the ledger number contain.
    pub text: String,
}

impl NeedFilter {
    /// Whether `need` passes on `today`.
    pub fn keeps(&self, need: &NeedSummary, today: Day) -> bool {
        if self.stage.is_some_and(|s| s != need.stage)
            || self.category.is_some_and(|c| c != need.category)
            || self.grid.as_ref().is_some_and(|g| g != &need.grid)
        {
            return false;
        }
        if self.overdue && !(need.stage != Stage::Closed && need.due.is_some_and(|d| d < today)) {
            return false;
        }
        let text = self.text.trim();
        text.is_empty()
            || text.split_whitespace().all(|word| {
                need.title.contains(word)
                    || need.ledger_no.contains(word)
                    || need
                        .resident_name
                        .as_ref()
                        .is_some_and(|n| n.contains(word))
            })
    }

    /// The positions in `rows` of the needs that pass, newest first.
    pub fn apply(&self, rows: &[NeedSummary], today: Day) -> Vec<usize> {
        let mut shown: Vec<usize> = (0..rows.len())
            .filter(|&i| self.keeps(&rows[i], today))
            .collect();
        shown.sort_by(|&a, &b| {
            rows[b]
                .created_at
                .cmp(&rows[a].created_at)
                .then_with(|| rows[b].ledger_no.cmp(&rows[a].ledger_no))
        });
        shown
    }
}

/// Figures over every need: the counts along the Needs view and the Reports view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NeedStats {
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
    pub fn of(rows: &[NeedSummary]) -> NeedStats {
        let mut per_stage: Vec<(Stage, usize)> = Stage::all().iter().map(|&s| (s, 0)).collect();
        let mut per_category: Vec<(Category, usize)> =
            Category::all().iter().map(|&c| (c, 0)).collect();
        let (mut completed, mut rated, mut sum) = (0, 0u32, 0u32);
        for need in rows {
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
            total: rows.len(),
            completed,
            avg_satisfaction: (rated > 0).then(|| f64::from(sum) / f64::from(rated)),
        }
    }

    /// How many needs are at `stage`.
    pub fn at(&self, stage: Stage) -> usize {
        self.per_stage
            .iter()
            .find(|(s, _)| *s == stage)
            .map_or(0, |(_, n)| *n)
    }
}
