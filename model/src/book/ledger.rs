//! The needs ledger against this store: the places' names for its cells, and an imported
//! ledger checked whole before anything is written.

use std::collections::HashMap;

use super::Gridbook;
use super::needs::{NewNeed, Recorded};
use crate::error::Result;
use crate::ids::NeedId;
use crate::ledger::{LedgerRow, Places, RowError, RowProblem};

impl Gridbook {
    /// The names of every community, grid and building, for ledger cells and imports.
    pub fn places(&mut self) -> Result<Places> {
        let view = self.directory_view()?;
        let community_of = |parent: &Option<String>| -> String {
            let p = parent.clone().unwrap_or_default();
            match view.courtyards.get(&p) {
                Some(courtyard) => courtyard.parent.clone().unwrap_or_default(),
                None => p,
            }
        };
        Ok(Places {
            communities: view
                .communities
                .iter()
                .map(|(code, c)| (code.clone(), c.name.clone()))
                .collect(),
            grids: view
                .grids
                .iter()
                .map(|(id, g)| (id.clone(), (g.name.clone(), community_of(&g.parent))))
                .collect(),
            buildings: view
                .buildings
                .iter()
                .map(|(id, b)| {
                    (
                        id.clone(),
                        (b.name.clone(), b.parent.clone().unwrap_or_default()),
                    )
                })
                .collect(),
        })
    }

    /// Checks ledger rows (each with its sheet row number) against the directory and the needs
    /// already here, and returns the needs they make, or every error found: places that are not
    /// in the directory, ledger numbers already used (here or earlier in the sheet).
    pub fn plan_ledger_import(
        &mut self,
        rows: &[(usize, LedgerRow)],
    ) -> Result<std::result::Result<Vec<NewNeed>, Vec<RowError>>> {
        let places = self.places()?;
        let mut used: HashMap<String, Holder> = self
            .need_summaries()?
            .into_iter()
            .map(|n| (n.ledger_no, Holder::Need(n.id.to_string())))
            .collect();
        let mut errors = Vec::new();
        let mut news = Vec::with_capacity(rows.len());
        for (line, row) in rows {
            let mut err = |column: &'static str, problem: RowProblem| {
                errors.push(RowError {
                    row: *line,
                    column,
                    problem,
                })
            };
            if !row.ledger_no.is_empty() {
                let ledger_no = row.ledger_no.clone();
                match used.get(&row.ledger_no) {
                    Some(Holder::Need(need)) => err(
                        "台账编号",
                        RowProblem::LedgerNoTaken {
                            ledger_no,
                            need: need.clone(),
                        },
                    ),
                    Some(Holder::Row(row)) => err(
                        "台账编号",
                        RowProblem::LedgerNoRepeated {
                            ledger_no,
                            row: *row,
                        },
                    ),
                    None => {
                        used.insert(ledger_no, Holder::Row(*line));
                    }
                }
            }
            let community = places.find_community(&row.community);
            let grid = community
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|c| places.find_grid(c, &row.grid));
            let building = match (&grid, &row.building) {
                (Ok(g), Some(b)) => places.find_building(g, b).map(Some),
                _ => Ok(None),
            };
            let (grid, building) = match (community, grid, building) {
                (Err(e), _, _) => {
                    err("社区", e.into());
                    continue;
                }
                (_, Err(e), _) => {
                    err("网格", e.into());
                    continue;
                }
                (_, _, Err(e)) => {
                    err("楼栋", e.into());
                    continue;
                }
                (Ok(_), Ok(g), Ok(b)) => (g, b),
            };
            let mut new = NewNeed::new(row.title.clone(), row.category, grid);
            new.building = building;
            new.resident_name.clone_from(&row.resident);
            if let Some(s) = row.source {
                new.source = s;
            }
            new.due = row.due;
            new.recorded = Some(Recorded {
                ledger_no: Some(row.ledger_no.clone()).filter(|n| !n.is_empty()),
                found: row.found.map(|d| d.noon()),
                stage: row.stage,
                route: row.route,
                project_kind: row.project_kind,
                claimant: row.claimant,
                claimant_name: row.claimant_name.clone(),
                satisfaction: row.satisfaction,
                closed: row.closed.map(|d| d.noon()),
            });
            news.push(new);
        }
        Ok(if errors.is_empty() {
            Ok(news)
        } else {
            Err(errors)
        })
    }

    /// Adds the needs of a checked ledger in one durable write: all of them, or none.
    pub fn import_ledger(&mut self, news: Vec<NewNeed>) -> Result<Vec<NeedId>> {
        self.add_needs(news)
    }
}

/// What has a ledger number already: a need of the store, or an earlier row of the sheet.
enum Holder {
    Need(String),
    Row(usize),
}
