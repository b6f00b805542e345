//! Importing an office's existing needs ledger, residents' register or volunteer roster from
//! XLSX or CSV, shared by `gridbook import` and the app's Files page.
//!
//! Every row is checked before anything is written; one wrong row rejects the file, each
//! error names its sheet row and column, and the store is left as it was. A good file is
//! written in one durable batch.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Result;
use clap::ValueEnum;
use gridbook_model::ids::TeamId;
use gridbook_model::ledger::{self, LedgerRow, Places, RowError, RowProblem};
use gridbook_model::need::normalize_phone;
use gridbook_model::time::{Day, Timestamp};
use gridbook_model::{Gridbook, NewNeed, NewResident, NewVolunteer, RecordKind};

use crate::error::CliError;
use crate::office::sheet::{self, ReadSheet};

/// What an imported file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Kind {
    /// A needs ledger (需求台账), in `export --what needs` columns
    Needs,
    /// A residents' register: 姓名, 电话, 社区, 网格, 楼栋, 单元, 室
    Residents,
    /// A volunteer roster: 姓名, 社区, 队伍, 技能, 电话, 加入日期
    Volunteers,
}

impl Kind {
    /// The sheet an XLSX file holds it in (else its first sheet), its columns, and those it
    /// must have.
    pub(crate) fn columns(
        self,
    ) -> (
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    ) {
        match self {
            Kind::Needs => ("需求台账", &ledger::HEADERS, &ledger::REQUIRED),
            Kind::Residents => ("居民名册", &RESIDENT_COLUMNS, &["姓名", "社区", "网格"]),
            Kind::Volunteers => ("志愿者", &VOLUNTEER_COLUMNS, &["姓名", "社区"]),
        }
    }
}

/// Told how many rows have been checked, every [`TICK`] rows.
pub(crate) type Progress<'a> = &'a mut dyn FnMut(usize);

/// How often the progress is told.
pub(crate) const TICK: usize = 500;

fn tick(progress: Progress<'_>, i: usize) {
    if i.is_multiple_of(TICK) {
        progress(i);
    }
}

/// Reads `file` (XLSX or CSV) as a sheet of `kind`: refused when a required column is missing.
pub(crate) fn read(file: &Path, xlsx: bool, kind: Kind) -> Result<ReadSheet> {
    let (sheet_name, columns, required) = kind.columns();
    let read = sheet::read(file, xlsx, sheet_name)?;
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| read.column(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::MissingColumns {
            file: file.to_path_buf(),
            missing,
            columns: columns.to_vec(),
        }
        .into());
    }
    Ok(read)
}

/// Checks every row of `read` against the store: what a good file will create, or every error
/// of every row.
pub(crate) fn plan(
    book: &mut Gridbook,
    read: &ReadSheet,
    kind: Kind,
    progress: Progress<'_>,
) -> Result<Checked> {
    let places = book.places()?;
    match kind {
        Kind::Needs => plan_needs(book, read, progress),
        Kind::Residents => Ok(plan_residents(read, &places, progress)),
        Kind::Volunteers => plan_volunteers(book, read, &places, progress),
    }
}

/// What a good file will create.
pub(crate) enum Plan {
    /// Needs with their ledger numbers and stages.
    Needs(Vec<NewNeed>),
    /// Residents of the register.
    Residents(Vec<NewResident>),
    /// Volunteers of the roster.
    Volunteers(Vec<NewVolunteer>),
}

impl Plan {
    /// What it makes.
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Plan::Needs(_) => Kind::Needs,
            Plan::Residents(_) => Kind::Residents,
            Plan::Volunteers(_) => Kind::Volunteers,
        }
    }

    pub(crate) fn write(self, book: &mut Gridbook) -> Result<usize> {
        Ok(match self {
            Plan::Needs(news) => book.import_ledger(news)?.len(),
            Plan::Residents(news) => book.batch(|b| {
                let n = news.len();
                for r in news {
                    b.add_resident(r)?;
                }
                Ok(n)
            })?,
            Plan::Volunteers(news) => book.batch(|b| {
                let n = news.len();
                for v in news {
                    b.add_volunteer(v)?;
                }
                Ok(n)
            })?,
        })
    }
}

/// The plan of a good file, or every error of every row.
pub(crate) type Checked = std::result::Result<Plan, Vec<RowError>>;

/// A row's cell by column name; empty when the sheet lacks the column or the row is short.
fn cell<'a>(read: &'a ReadSheet, row: &'a [String]) -> impl Fn(&str) -> String + 'a {
    move |column| {
        read.column(column)
            .and_then(|i| row.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

fn plan_needs(book: &mut Gridbook, read: &ReadSheet, progress: Progress<'_>) -> Result<Checked> {
    let mut rows = Vec::with_capacity(read.rows.len());
    let mut errors = Vec::new();
    for (i, (line, row)) in read.rows.iter().enumerate() {
        tick(progress, i);
        match LedgerRow::parse(*line, cell(read, row)) {
            Ok(r) => rows.push((*line, r)),
            Err(e) => errors.extend(e),
        }
    }
    let planned = book.plan_ledger_import(&rows)?;
    Ok(match planned {
        Ok(news) if errors.is_empty() => Ok(Plan::Needs(news)),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_by_key(|e| e.row);
            Err(errors)
        }
    })
}

const RESIDENT_COLUMNS: [&str; 7] = ["姓名", "电话", "社区", "网格", "楼栋", "单元", "室"];

/// Checks a row's community, grid and building; returns the grid id and building id.
fn place_of(places: &Places, get: Get<'_>, err: Err<'_>) -> Option<(String, Option<String>)> {
    let community = places
        .find_community(&get("社区"))
        .map_err(|e| err("社区", e.into()))
        .ok()?;
    let grid = places
        .find_grid(&community, &get("网格"))
        .map_err(|e| err("网格", e.into()))
        .ok()?;
    let building = get("楼栋");
    if building.trim().is_empty() {
        return Some((grid, None));
    }
    let building = places
        .find_building(&grid, &building)
        .map_err(|e| err("楼栋", e.into()))
        .ok()?;
    Some((grid, Some(building)))
}

fn phone_of(get: Get<'_>, err: Err<'_>) -> Option<String> {
    let p = get("电话");
    if p.trim().is_empty() {
        return None;
    }
    normalize_phone(&p)
        .map_err(|_| err("电话", RowProblem::BadPhone(p.clone())))
        .ok()
}

fn nonempty(s: String) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The cells of a row by column name, and where its errors go.
type Get<'a> = &'a dyn Fn(&str) -> String;
type Err<'a> = &'a mut dyn FnMut(&'static str, RowProblem);

/// Checks every row with `check`, which reads the row's cells and reports what is wrong; the
/// records it returns, or every error of every row.
fn check_rows<T>(
    read: &ReadSheet,
    progress: Progress<'_>,
    mut check: impl FnMut(Get<'_>, Err<'_>) -> Option<T>,
) -> std::result::Result<Vec<T>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut made = Vec::new();
    for (i, (line, row)) in read.rows.iter().enumerate() {
        tick(progress, i);
        let get = cell(read, row);
        let before = errors.len();
        let mut err = |column, problem| {
            errors.push(RowError {
                row: *line,
                column,
                problem,
            })
        };
        if let Some(t) = check(&get, &mut err)
            && errors.len() == before
        {
            made.push(t);
        }
    }
    if errors.is_empty() {
        Ok(made)
    } else {
        Err(errors)
    }
}

/// A person's 姓名 (required) and 电话 (checked when given).
fn name_and_phone(get: Get<'_>, err: Err<'_>, who: RecordKind) -> (String, Option<String>) {
    let name = get("姓名").trim().to_string();
    if name.is_empty() {
        err("姓名", RowProblem::NoName(who));
    }
    (name, phone_of(get, err))
}

fn plan_residents(read: &ReadSheet, places: &Places, progress: Progress<'_>) -> Checked {
    check_rows(read, progress, |get, err| {
        let (name, phone) = name_and_phone(get, &mut *err, RecordKind::Resident);
        let (grid, building) = place_of(places, get, err)?;
        Some(NewResident {
            name,
            phone,
            building,
            grid: Some(grid),
            unit: nonempty(get("单元")),
            room: nonempty(get("室")),
        })
    })
    .map(Plan::Residents)
}

const VOLUNTEER_COLUMNS: [&str; 6] = ["姓名", "社区", "队伍", "技能", "电话", "加入日期"];

fn plan_volunteers(
    book: &mut Gridbook,
    read: &ReadSheet,
    places: &Places,
    progress: Progress<'_>,
) -> Result<Checked> {
    let mut teams: HashMap<String, BTreeMap<String, gridbook_model::volunteer::Team>> =
        HashMap::new();
    for code in places.communities.keys() {
        teams.insert(code.clone(), book.teams(code)?);
    }
    let today = Timestamp::now().day();
    Ok(check_rows(read, progress, |get, err| {
        let (name, phone) = name_and_phone(get, &mut *err, RecordKind::Volunteer);
        let joined = match nonempty(get("加入日期")) {
            None => today,
            Some(d) => d
                .parse::<Day>()
                .map_err(|e| err("加入日期", e.into()))
                .ok()?,
        };
        let community = places
            .find_community(&get("社区"))
            .map_err(|e| err("社区", e.into()))
            .ok()?;
        let team = match nonempty(get("队伍")) {
            None => None,
            Some(t) => {
                let found: Vec<&String> = teams[&community]
                    .iter()
                    .filter(|(id, team)| team.name == t || **id == t)
                    .map(|(id, _)| id)
                    .collect();
                match found.as_slice() {
                    [one] => one.parse::<TeamId>().ok(),
                    _ => {
                        err(
                            "队伍",
                            RowProblem::NoTeam {
                                given: t,
                                community: places.community_name(&community).to_string(),
                            },
                        );
                        return None;
                    }
                }
            }
        };
        Some(NewVolunteer {
            community,
            name,
            phone,
            skills: get("技能")
                .split(['、', ',', '，', ';', '；'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            team,
            joined,
        })
    })
    .map(Plan::Volunteers))
}
