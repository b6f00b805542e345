//! `gridbook import`: an office's existing needs ledger, residents' register or volunteer roster,
//! from XLSX or CSV.
//!
//! Every row is checked before anything is written; one wrong row rejects the file, each
//! error names its sheet row and column, and the store is left as it was. A good file is
//! written in one durable batch. `--dry-run` shows what would be created and stops there.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use gridbook_model::ids::TeamId;
use gridbook_model::ledger::{self, LedgerRow, Places, RowError};
use gridbook_model::need::normalize_phone;
use gridbook_model::time::{Day, Timestamp};
use gridbook_model::{Gridbook, NewNeed, NewResident, NewVolunteer};

use super::{CliError, Ctx, output};
use crate::office::sheet::{self, ReadSheet};

/// `gridbook import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The file's format
    #[arg(long, value_enum)]
    pub format: SheetFormat,
    /// What the file holds
    #[arg(long, value_enum)]
    pub what: Kind,
    /// Show what would be created, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The file to read (XLSX: the sheet named as export names it, else the first sheet)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// A sheet file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SheetFormat {
    /// CSV, UTF-8 (with or without a BOM)
    Csv,
    /// An Excel workbook
    Xlsx,
}

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

/// How many row errors are printed before the rest are only counted.
const SHOWN_ERRORS: usize = 50;

pub(super) fn run(ctx: &Ctx, args: ImportArgs) -> Result<String> {
    let (sheet_name, columns, required): (&str, &[&'static str], &[&str]) = match args.what {
        Kind::Needs => ("需求台账", &ledger::HEADERS, &ledger::REQUIRED),
        Kind::Residents => ("居民名册", &RESIDENT_COLUMNS, &["姓名", "社区", "网格"]),
        Kind::Volunteers => ("志愿者", &VOLUNTEER_COLUMNS, &["姓名", "社区"]),
    };
    let read = sheet::read(&args.file, args.format == SheetFormat::Xlsx, sheet_name)?;
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| read.column(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::MissingColumns {
            file: args.file.clone(),
            missing,
            columns: columns.to_vec(),
        }
        .into());
    }
    let mut book = ctx.open()?;
    let places = book.places()?;
    let plan = match args.what {
        Kind::Needs => plan_needs(&mut book, &read)?,
        Kind::Residents => plan_residents(&read, &places),
        Kind::Volunteers => plan_volunteers(&mut book, &read, &places)?,
    };
    let plan = match plan {
        Ok(plan) => plan,
        Err(errors) => return Err(rejected(&args, &errors)),
    };
    let mut out = plan.preview(&places);
    if args.dry_run {
        out.push_str("dry run: nothing was written\n");
        return Ok(out);
    }
    let noun = plan.noun();
    let made = plan.write(&mut book)?;
    out.push_str(&format!("imported {made} {noun}\n"));
    Ok(out)
}

/// Prints each row error on stderr and returns the one-line error that ends the command.
fn rejected(args: &ImportArgs, errors: &[RowError]) -> anyhow::Error {
    for e in errors.iter().take(SHOWN_ERRORS) {
        eprintln!("{e}");
    }
    if errors.len() > SHOWN_ERRORS {
        eprintln!("… and {} more", errors.len() - SHOWN_ERRORS);
    }
    let mut rows: Vec<usize> = errors.iter().map(|e| e.row).collect();
    rows.dedup();
    CliError::Rejected {
        file: args.file.clone(),
        cells: errors.len(),
        rows: rows.len(),
    }
    .into()
}

/// What a good file will create.
enum Plan {
    Needs(Vec<NewNeed>),
    Residents(Vec<NewResident>),
    Volunteers(Vec<NewVolunteer>),
}

impl Plan {
    fn noun(&self) -> &'static str {
        match self {
            Plan::Needs(_) => "needs",
            Plan::Residents(_) => "residents",
            Plan::Volunteers(_) => "volunteers",
        }
    }

    /// What will be created: how many, by community (and for needs, by stage), and the first
    /// few records.
    fn preview(&self, places: &Places) -> String {
        let mut by_place: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_stage: BTreeMap<gridbook_model::vocab::Stage, usize> = BTreeMap::new();
        let mut sample: Vec<Vec<String>> = Vec::new();
        let (count, header): (usize, &[&str]) = match self {
            Plan::Needs(news) => {
                for n in news {
                    let community = places.grids.get(&n.grid).map_or("", |(_, c)| c.as_str());
                    *by_place
                        .entry(places.community_name(community).to_string())
                        .or_default() += 1;
                    let stage = n
                        .recorded
                        .as_ref()
                        .map_or(gridbook_model::vocab::Stage::Discovered, |r| r.stage);
                    *by_stage.entry(stage).or_default() += 1;
                    if sample.len() < 5 {
                        sample.push(vec![
                            n.recorded
                                .as_ref()
                                .and_then(|r| r.ledger_no.clone())
                                .unwrap_or_else(|| "(new)".into()),
                            places.grid_name(&n.grid).to_string(),
                            n.category.zh().into(),
                            output::truncate(&n.title, 30),
                            stage.zh().into(),
                        ]);
                    }
                }
                (news.len(), &["台账编号", "网格", "类别", "需求", "阶段"])
            }
            Plan::Residents(news) => {
                for r in news {
                    let grid = r.grid.as_deref().unwrap_or_default();
                    let community = places.grids.get(grid).map_or("", |(_, c)| c.as_str());
                    *by_place
                        .entry(places.community_name(community).to_string())
                        .or_default() += 1;
                    if sample.len() < 5 {
                        sample.push(vec![
                            r.name.clone(),
                            output::or_dash(
                                r.phone.as_deref().map(gridbook_model::need::mask_phone),
                            ),
                            places.grid_name(grid).to_string(),
                            output::or_dash(r.building.as_deref().map(|b| places.building_name(b))),
                        ]);
                    }
                }
                (news.len(), &["姓名", "电话", "网格", "楼栋"])
            }
            Plan::Volunteers(news) => {
                for v in news {
                    *by_place
                        .entry(places.community_name(&v.community).to_string())
                        .or_default() += 1;
                    if sample.len() < 5 {
                        sample.push(vec![
                            v.name.clone(),
                            places.community_name(&v.community).to_string(),
                            v.skills.join("、"),
                        ]);
                    }
                }
                (news.len(), &["姓名", "社区", "技能"])
            }
        };
        let mut out = format!("will create {count} {}\n", self.noun());
        let list = |m: &BTreeMap<String, usize>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !by_place.is_empty() {
            out.push_str(&format!("  by community: {}\n", list(&by_place)));
        }
        if !by_stage.is_empty() {
            let stages: Vec<String> = by_stage
                .iter()
                .map(|(s, n)| format!("{} {n}", s.token()))
                .collect();
            out.push_str(&format!("  by stage: {}\n", stages.join(", ")));
        }
        if !sample.is_empty() {
            out.push_str(&output::table(header, &sample));
            if count > sample.len() {
                out.push_str(&format!("… and {} more\n", count - sample.len()));
            }
        }
        out
    }

    /// Writes everything in one durable batch; returns how many records were made.
    fn write(self, book: &mut Gridbook) -> Result<usize> {
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

type Checked = std::result::Result<Plan, Vec<RowError>>;

/// A row's cell by column name; empty when the sheet lacks the column or the row is short.
fn cell<'a>(read: &'a ReadSheet, row: &'a [String]) -> impl Fn(&str) -> String + 'a {
    move |column| {
        read.column(column)
            .and_then(|i| row.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

fn plan_needs(book: &mut Gridbook, read: &ReadSheet) -> Result<Checked> {
    let mut rows = Vec::with_capacity(read.rows.len());
    let mut errors = Vec::new();
    for (line, row) in &read.rows {
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
        .map_err(|e| err("社区", e))
        .ok()?;
    let grid = places
        .find_grid(&community, &get("网格"))
        .map_err(|e| err("网格", e))
        .ok()?;
    let building = get("楼栋");
    if building.trim().is_empty() {
        return Some((grid, None));
    }
    let building = places
        .find_building(&grid, &building)
        .map_err(|e| err("楼栋", e))
        .ok()?;
    Some((grid, Some(building)))
}

fn phone_of(get: Get<'_>, err: Err<'_>) -> Option<String> {
    let p = get("电话");
    if p.trim().is_empty() {
        return None;
    }
    normalize_phone(&p)
        .map_err(|e| err("电话", e.to_string()))
        .ok()
}

fn nonempty(s: String) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The cells of a row by column name, and where its errors go.
type Get<'a> = &'a dyn Fn(&str) -> String;
type Err<'a> = &'a mut dyn FnMut(&'static str, String);

/// Checks every row with `check`, which reads the row's cells and reports what is wrong; the
/// records it returns, or every error of every row.
fn check_rows<T>(
    read: &ReadSheet,
    mut check: impl FnMut(Get<'_>, Err<'_>) -> Option<T>,
) -> std::result::Result<Vec<T>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut made = Vec::new();
    for (line, row) in &read.rows {
        let get = cell(read, row);
        let before = errors.len();
        let mut err = |column, message| {
            errors.push(RowError {
                row: *line,
                column,
                message,
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
fn name_and_phone(get: Get<'_>, err: Err<'_>, who: &str) -> (String, Option<String>) {
    let name = get("姓名").trim().to_string();
    if name.is_empty() {
        err("姓名", format!("is empty: every {who} has a name"));
    }
    (name, phone_of(get, err))
}

fn plan_residents(read: &ReadSheet, places: &Places) -> Checked {
    check_rows(read, |get, err| {
        let (name, phone) = name_and_phone(get, &mut *err, "resident");
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

fn plan_volunteers(book: &mut Gridbook, read: &ReadSheet, places: &Places) -> Result<Checked> {
    let mut teams: HashMap<String, BTreeMap<String, gridbook_model::volunteer::Team>> =
        HashMap::new();
    for code in places.communities.keys() {
        teams.insert(code.clone(), book.teams(code)?);
    }
    let today = Timestamp::now().day();
    Ok(check_rows(read, |get, err| {
        let (name, phone) = name_and_phone(get, &mut *err, "volunteer");
        let joined = match nonempty(get("加入日期")) {
            None => today,
            Some(d) => d
                .parse::<Day>()
                .map_err(|e| err("加入日期", e.to_string()))
                .ok()?,
        };
        let community = places
            .find_community(&get("社区"))
            .map_err(|e| err("社区", e))
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
                            format!(
                                "no team of {} is called '{t}': add it with `gridbook volunteer team` first",
                                places.community_name(&community)
                            ),
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
