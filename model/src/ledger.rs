//! The office's needs ledger (需求台账): one row per need, in the columns and order the community
//! office keeps in Excel and hands to the subdistrict. Exports write these rows; imports read
//! them back, cell by cell, with errors that name the row and the column.
//!
//! Cells are for people: places by name, vocabulary by its Chinese name, days as `YYYY-MM-DD`.
//! Each cell is a function of the need's summary row (what `need list --json` prints), so an
//! exported ledger row can always be checked against that row.

use std::collections::BTreeMap;
use std::fmt;

use crate::summary::NeedSummary;
use crate::time::{Day, Timestamp};
use crate::vocab::{Category, Claimant, ProjectKind, Route, Source, Stage, Vocabulary};

mod problem;

pub use problem::{Parent, PlaceProblem, RowError, RowProblem};

/// The ledger's columns, in the office's order.
pub const HEADERS: [&str; 15] = [
    "台账编号",
    "发现日期",
    "社区",
    "网格",
    "楼栋",
    "居民",
    "类别",
    "需求",
    "来源",
    "阶段",
    "办理方式",
    "认领方",
    "办结期限",
    "满意度",
    "办结日期",
];

/// Columns an imported ledger must have; the others may be missing or empty.
pub const REQUIRED: [&str; 4] = ["社区", "网格", "类别", "需求"];

/// Between a claimant's kind and name in the 认领方 cell: `党员：王建国`.
const CLAIMANT_SEPARATOR: char = '：';

/// One need as a ledger row. Places are names; the rest are typed values.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    /// 台账编号; empty in an imported row means "give it one".
    pub ledger_no: String,
    /// 发现日期: the day it was recorded (UTC+8).
    pub found: Option<Day>,
    /// 社区: the community's name (or code, on import).
    pub community: String,
    /// 网格: the grid's name within its community (or id, on import).
    pub grid: String,
    /// 楼栋: the building's name within its grid.
    pub building: Option<String>,
    /// 居民: the resident's name (sensitive).
    pub resident: Option<String>,
    /// 类别.
    pub category: Category,
    /// 需求: the need in one line.
    pub title: String,
    /// 来源.
    pub source: Option<Source>,
    /// 阶段.
    pub stage: Stage,
    /// 办理方式: direct or project.
    pub route: Option<Route>,
    /// 办理方式, for a project: its kind.
    pub project_kind: Option<ProjectKind>,
    /// 认领方: the kind of claimant.
    pub claimant: Option<Claimant>,
    /// 认领方: the claimant's name.
    pub claimant_name: Option<String>,
    /// 办结期限.
    pub due: Option<Day>,
    /// 满意度, 1 to 5.
    pub satisfaction: Option<u8>,
    /// 办结日期.
    pub closed: Option<Day>,
}

/// Names of the directory's places, and lookups by name within a parent.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// Community code → name.
    pub communities: BTreeMap<String, String>,
    /// Grid id → (name, community code).
    pub grids: BTreeMap<String, (String, String)>,
    /// Building id → (name, grid id).
    pub buildings: BTreeMap<String, (String, String)>,
}

impl Places {
    /// A community's name (its code when unknown).
    pub fn community_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.communities.get(code).map_or(code, String::as_str)
    }

    /// A grid's name (its id when unknown).
    pub fn grid_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.grids.get(id).map_or(id, |(n, _)| n.as_str())
    }

    /// A building's name (its id when unknown).
    pub fn building_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.buildings.get(id).map_or(id, |(n, _)| n.as_str())
    }

    /// A community's code from its code or name.
    pub fn find_community(&self, given: &str) -> Result<String, PlaceProblem> {
        let given = given.trim();
        if self.communities.contains_key(given) {
            return Ok(given.to_string());
        }
        let found = self.communities.iter().filter(|(_, n)| n.as_str() == given);
        one_of(
            found.map(|(c, _)| c),
            given,
            |given, several| match several {
                None => PlaceProblem::NoCommunity { given },
                Some((first, second)) => PlaceProblem::SeveralCommunities {
                    given,
                    first,
                    second,
                },
            },
        )
    }

    /// A grid's id from its id, or its name within `community`.
    pub fn find_grid(&self, community: &str, given: &str) -> Result<String, PlaceProblem> {
        let given = given.trim();
        if let Some((_, c)) = self.grids.get(given) {
            if c == community {
                return Ok(given.to_string());
            }
            return Err(PlaceProblem::GridElsewhere {
                grid: given.to_string(),
                community: c.clone(),
                given: community.to_string(),
            });
        }
        let found = self
            .grids
            .iter()
            .filter(|(_, (n, c))| n == given && c == community);
        let community = Parent {
            id: community.to_string(),
            name: self.community_name(community).to_string(),
        };
        one_of(
            found.map(|(id, _)| id),
            given,
            |given, several| match several {
                None => PlaceProblem::NoGrid { given, community },
                Some((first, second)) => PlaceProblem::SeveralGrids {
                    given,
                    community,
                    first,
                    second,
                },
            },
        )
    }

    /// A building's id from its id, or its name within `grid`.
    pub fn find_building(&self, grid: &str, given: &str) -> Result<String, PlaceProblem> {
        let given = given.trim();
        if let Some((_, g)) = self.buildings.get(given) {
            if g == grid {
                return Ok(given.to_string());
            }
            return Err(PlaceProblem::BuildingElsewhere {
                building: given.to_string(),
                grid: g.clone(),
                given: grid.to_string(),
            });
        }
        let found = self
            .buildings
            .iter()
            .filter(|(_, (n, g))| n == given && g == grid);
        let grid = Parent {
            id: grid.to_string(),
            name: self.grid_name(grid).to_string(),
        };
        one_of(
            found.map(|(id, _)| id),
            given,
            |given, several| match several {
                None => PlaceProblem::NoBuilding { given, grid },
                Some((first, second)) => PlaceProblem::SeveralBuildings {
                    given,
                    grid,
                    first,
                    second,
                },
            },
        )
    }
}

/// The one place found, or the problem `problem` words from the name given and, when several
/// have it, the first two.
fn one_of<'a>(
    mut found: impl Iterator<Item = &'a String>,
    given: &str,
    problem: impl FnOnce(String, Option<(String, String)>) -> PlaceProblem,
) -> Result<String, PlaceProblem> {
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one.clone()),
        (None, _) => Err(problem(given.to_string(), None)),
        (Some(a), Some(b)) => Err(problem(given.to_string(), Some((a.clone(), b.clone())))),
    }
}

impl LedgerRow {
    /// The ledger row of a need's summary row.
    pub fn of(need: &NeedSummary, places: &Places) -> LedgerRow {
        LedgerRow {
            ledger_no: need.ledger_no.clone(),
            found: Some(need.created_at.day()),
            community: places.community_name(&need.community).to_string(),
            grid: places.grid_name(&need.grid).to_string(),
            building: need
                .building
                .as_deref()
                .map(|b| places.building_name(b).to_string()),
            resident: need.resident_name.clone(),
            category: need.category,
            title: need.title.clone(),
            source: need.source,
            stage: need.stage,
            route: need.route,
            project_kind: need.project_kind,
            claimant: need.claimant,
            claimant_name: need.claimant_name.clone(),
            due: need.due,
            satisfaction: need.satisfaction,
            closed: need.closed_at.map(Timestamp::day),
        }
    }

    /// The row's cells as text, in [`HEADERS`] order; empty for what the need lacks.
    pub fn cells(&self) -> [Cell; 15] {
        let text = |s: &str| Cell::Text(s.to_string());
        let opt = |s: Option<&str>| s.map_or(Cell::Empty, text);
        let day = |d: Option<Day>| d.map_or(Cell::Empty, Cell::Day);
        [
            text(&self.ledger_no),
            day(self.found),
            text(&self.community),
            text(&self.grid),
            opt(self.building.as_deref()),
            opt(self.resident.as_deref()),
            text(self.category.zh()),
            text(&self.title),
            opt(self.source.map(Source::zh)),
            text(self.stage.zh()),
            opt(route_cell(self.route, self.project_kind).as_deref()),
            opt(claimant_cell(self.claimant, self.claimant_name.as_deref()).as_deref()),
            day(self.due),
            self.satisfaction
                .map_or(Cell::Empty, |s| Cell::Number(f64::from(s))),
            day(self.closed),
        ]
    }

    /// Reads a row from its cells by column name (missing columns read as empty), checking each
    /// cell and then that the row holds together (a satisfaction only once evaluated, …). The
    /// errors name the sheet row (`row`, counting the header as row 1) and the column.
    pub fn parse(row: usize, cell: impl Fn(&str) -> String) -> Result<LedgerRow, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut err = |column: &'static str, problem: RowProblem| {
            errors.push(RowError {
                row,
                column,
                problem,
            })
        };
        let get = |column: &str| {
            let v = cell(column).trim().to_string();
            (!v.is_empty()).then_some(v)
        };
        let required = |column: &'static str, err: &mut dyn FnMut(&'static str, RowProblem)| {
            get(column).unwrap_or_else(|| {
                err(column, RowProblem::Empty);
                String::new()
            })
        };
        let community = required("社区", &mut err);
        let grid = required("网格", &mut err);
        let title = required("需求", &mut err);
        let category = vocab::<Category>(get("类别"), "类别", &mut err);
        let category = match (category, get("类别")) {
            (Some(c), _) => c,
            (None, None) => {
                err("类别", RowProblem::Empty);
                Category::Other
            }
            (None, Some(_)) => Category::Other,
        };
        let mut day = |column: &'static str| {
            get(column).and_then(|v| match v.parse::<Day>() {
                Ok(d) => Some(d),
                Err(e) => {
                    err(column, e.into());
                    None
                }
            })
        };
        let found = day("发现日期");
        let due = day("办结期限");
        let closed = day("办结日期");
        let source = vocab::<Source>(get("来源"), "来源", &mut err);
        let stage = vocab::<Stage>(get("阶段"), "阶段", &mut err).unwrap_or(Stage::Discovered);
        let (route, project_kind) = match get("办理方式") {
            None => (None, None),
            Some(v) => match parse_route(&v) {
                Ok(r) => r,
                Err(e) => {
                    err("办理方式", e);
                    (None, None)
                }
            },
        };
        let (claimant, claimant_name) = match get("认领方") {
            None => (None, None),
            Some(v) => match parse_claimant(&v) {
                Ok((c, n)) => (Some(c), n),
                Err(e) => {
                    err("认领方", e);
                    (None, None)
                }
            },
        };
        let satisfaction = get("满意度").and_then(|v| match v.parse::<u8>() {
            Ok(s @ 1..=5) => Some(s),
            _ => {
                err("满意度", RowProblem::BadSatisfaction(v));
                None
            }
        });
        let reached = |s: Stage| stage >= s;
        if route.is_some() && !reached(Stage::Designed) {
            err("办理方式", RowProblem::TooEarly(stage));
        }
        if claimant.is_some() && !reached(Stage::Implementing) {
            err("认领方", RowProblem::TooEarly(stage));
        }
        if satisfaction.is_some() && !reached(Stage::Evaluated) {
            err("满意度", RowProblem::TooEarly(stage));
        }
        match (stage, closed) {
            (Stage::Closed, None) => err("办结日期", RowProblem::NotClosed),
            (s, Some(_)) if s != Stage::Closed => err("办结日期", RowProblem::ClosedButAt(s)),
            _ => {}
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(LedgerRow {
            ledger_no: get("台账编号").unwrap_or_default(),
            found,
            community,
            grid,
            building: get("楼栋"),
            resident: get("居民"),
            category,
            title,
            source,
            stage,
            route,
            project_kind,
            claimant,
            claimant_name,
            due,
            satisfaction,
            closed,
        })
    }
}

fn vocab<T: Vocabulary>(
    value: Option<String>,
    column: &'static str,
    err: &mut impl FnMut(&'static str, RowProblem),
) -> Option<T> {
    let v = value?;
    match v.parse::<T>() {
        Ok(t) => Some(t),
        Err(_) => {
            let expected = T::all().iter().map(|t| t.zh()).collect();
            err(column, RowProblem::NotOneOf { given: v, expected });
            None
        }
    }
}

/// 直接办理, or a project's kind (重点项目), or 项目 when its kind is not known.
fn route_cell(route: Option<Route>, kind: Option<ProjectKind>) -> Option<String> {
    match (route?, kind) {
        (Route::Project, Some(k)) => Some(k.zh().to_string()),
        (r, _) => Some(r.zh().to_string()),
    }
}

fn parse_route(v: &str) -> Result<(Option<Route>, Option<ProjectKind>), RowProblem> {
    if let Ok(k) = v.parse::<ProjectKind>() {
        return Ok((Some(Route::Project), Some(k)));
    }
    v.parse::<Route>().map(|r| (Some(r), None)).map_err(|_| {
        let mut expected = vec![Route::Direct.zh()];
        expected.extend(ProjectKind::ALL.iter().map(|k| k.zh()));
        RowProblem::NotOneOf {
            given: v.to_string(),
            expected,
        }
    })
}

/// `党员：王建国`, or the kind alone when the name is not known.
fn claimant_cell(claimant: Option<Claimant>, name: Option<&str>) -> Option<String> {
    match (claimant, name) {
        (Some(c), Some(n)) => Some(format!("{}{CLAIMANT_SEPARATOR}{n}", c.zh())),
        (Some(c), None) => Some(c.zh().to_string()),
        (None, Some(n)) => Some(n.to_string()),
        (None, None) => None,
    }
}

fn parse_claimant(v: &str) -> Result<(Claimant, Option<String>), RowProblem> {
    let (kind, name) = match v.split_once([CLAIMANT_SEPARATOR, ':']) {
        Some((k, n)) => (
            k.trim(),
            Some(n.trim().to_string()).filter(|n| !n.is_empty()),
        ),
        None => (v, None),
    };
    let kind = kind
        .parse::<Claimant>()
        .map_err(|_| RowProblem::BadClaimant(v.to_string()))?;
    Ok((kind, name))
}

/// A ledger cell: what a spreadsheet holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number (满意度).
    Number(f64),
    /// A day.
    Day(Day),
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Text(s) => f.write_str(s),
            Cell::Number(n) => write!(f, "{n}"),
            Cell::Day(d) => write!(f, "{d}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(cells: &[(&str, &str)]) -> Result<LedgerRow, Vec<RowError>> {
        LedgerRow::parse(7, |c| {
            cells
                .iter()
                .find(|(k, _)| *k == c)
                .map_or(String::new(), |(_, v)| v.to_string())
        })
    }

    #[test]
    fn a_row_reads_back_from_its_own_cells() {
        let row = LedgerRow {
            ledger_no: "ZT-2611-K7Q2ZD-0012".into(),
            found: Some("2026-11-03".parse().unwrap()),
            community: "中台社区".into(),
            grid: "第3网格".into(),
            building: Some("12号楼".into()),
            resident: Some("王秀英".into()),
            category: Category::ElderlyCare,
            title: "独居老人需要每日送餐".into(),
            source: Some(Source::DoorToDoor),
            stage: Stage::Closed,
            route: Some(Route::Project),
            project_kind: Some(ProjectKind::Key),
            claimant: Some(Claimant::PartyMember),
            claimant_name: Some("李建国".into()),
            due: Some("2026-11-20".parse().unwrap()),
            satisfaction: Some(5),
            closed: Some("2026-11-18".parse().unwrap()),
        };
        let cells = row.cells();
        assert_eq!(cells[10], Cell::Text("重点项目".into()));
        assert_eq!(cells[11], Cell::Text("党员：李建国".into()));
        let text: Vec<String> = cells.iter().map(ToString::to_string).collect();
        let back = LedgerRow::parse(2, |c| {
            let i = HEADERS.iter().position(|h| *h == c).unwrap();
            text[i].clone()
        });
        assert_eq!(back, Ok(row));
    }

    #[test]
    fn each_bad_cell_is_named_by_row_and_column() {
        let errors = parse(&[
            ("社区", "中台社区"),
            ("网格", "第3网格"),
            ("需求", "路灯不亮"),
            ("类别", "餐饮"),
            ("发现日期", "3/11/2026"),
            ("阶段", "发现"),
            ("满意度", "9"),
        ])
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(
            text[0].starts_with("row 7, 类别: '餐饮' is not one of"),
            "{text:?}"
        );
        assert!(text[1].starts_with("row 7, 发现日期: '3/11/2026' is not a date"));
        assert_eq!(
            text[2],
            "row 7, 满意度: '9' is not a satisfaction from 1 to 5"
        );
    }

    #[test]
    fn a_row_that_does_not_hold_together_is_refused() {
        let errors = parse(&[
            ("社区", "中台社区"),
            ("网格", "第3网格"),
            ("需求", "路灯不亮"),
            ("类别", "设施维修"),
            ("阶段", "分类"),
            ("满意度", "4"),
        ])
        .unwrap_err();
        assert_eq!(errors[0].column, "满意度");
        assert_eq!(errors[0].problem, RowProblem::TooEarly(Stage::Classified));
        assert_eq!(
            errors[0].problem.to_string(),
            "is set but the need is only 分类"
        );
        let missing = parse(&[("社区", "中台社区")]).unwrap_err();
        let columns: Vec<&str> = missing.iter().map(|e| e.column).collect();
        assert_eq!(columns, ["网格", "需求", "类别"]);
    }
}
