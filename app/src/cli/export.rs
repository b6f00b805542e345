//! `gridbook export`: the office's ledgers as XLSX or CSV files for the subdistrict, and one
//! document as a plain Automerge file any Automerge implementation can load.
//!
//! The needs sheet has one row per row of `need list --json`, in the same order, each cell a
//! function of that row (see `gridbook_model::ledger`).
//!
//! Exports hold personal data, so each one is logged in the directory (who, when, what, which
//! residents, encrypted or not; `gridbook audit` shows it, and it syncs to the office), and
//! `--encrypt-to` seals the file with age to people (`age1…`) or to devices of the network (their
//! device ids; `gridbook decrypt` opens it there). An encrypted export is made in memory and
//! never written to the disk in the clear.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use gridbook_model::doc_id::DocId;
use gridbook_model::ledger::{self, Cell, LedgerRow};
use gridbook_model::scope::Scope;
use gridbook_model::summary::NeedSummary;
use gridbook_model::time::Day;
use gridbook_model::{ExportRecord, Gridbook, ledger::Places};

use super::error::CliError;
use super::export_log;
use super::sheet::{self, Sheet};
use super::{Ctx, output};

/// `gridbook export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file format
    #[arg(long, value_enum)]
    pub format: Format,
    /// What to export; several, comma separated, make one XLSX sheet each [default for xlsx:
    /// all four; csv takes one]
    #[arg(long, value_enum, value_delimiter = ',')]
    pub what: Vec<What>,
    /// The document to export (automerge format), like needs/zt/2026-11 (`gridbook status`
    /// lists them)
    #[arg(long, value_name = "ID")]
    pub doc: Option<DocId>,
    /// The file to write
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Encrypt the file (age) to this recipient: an age public key (age1…) or a device id of
    /// the network (`gridbook peers`; that device opens it with `gridbook decrypt`); repeat
    /// for several
    #[arg(long = "encrypt-to", value_name = "RECIPIENT")]
    pub encrypt_to: Vec<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// A period and a place, as `export` and `report` take them.
#[derive(Debug, Args, Default)]
pub struct ScopeArgs {
    /// Only from this day (needs by the day found, meetings and hours by their day)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<Day>,
    /// Only up to this day, inclusive
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<Day>,
    /// Only this community (code or name)
    #[arg(long, value_name = "COMMUNITY")]
    pub community: Option<String>,
    /// Only this grid (id, or name within --community); meetings, volunteers and hours keep
    /// its community's
    #[arg(long, value_name = "GRID")]
    pub grid: Option<String>,
}

impl ScopeArgs {
    /// The scope these flags give, with places resolved.
    pub fn resolve(&self, book: &mut Gridbook) -> Result<Scope> {
        if let (Some(f), Some(t)) = (self.from, self.to)
            && t < f
        {
            return Err(CliError::ToBeforeFrom { from: f, to: t }.into());
        }
        let mut scope = Scope {
            from: self.from,
            to: self.to,
            community: None,
            grid: None,
        };
        if let Some(c) = &self.community {
            scope.community = Some(book.resolve_community(c)?);
        }
        if let Some(g) = &self.grid {
            // A grid's name is often only unique within its community (第1网格).
            let g = match &scope.community {
                Some(c) => book.places()?.find_grid(c, g).unwrap_or_else(|_| g.clone()),
                None => g.clone(),
            };
            let (id, grid) = book.resolve_grid(&g)?;
            if let Some(c) = &scope.community
                && *c != grid.community
            {
                return Err(CliError::GridNotInCommunity {
                    grid: id,
                    community: grid.community,
                    given: c.clone(),
                }
                .into());
            }
            scope.community = Some(grid.community);
            scope.grid = Some(id);
        }
        Ok(scope)
    }
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// UTF-8 CSV with a BOM (opens in Excel), one kind per file
    Csv,
    /// An Excel workbook, one sheet per kind
    Xlsx,
    /// One document's plain Automerge save (needs --doc)
    Automerge,
}

/// A kind of record to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum What {
    /// The needs ledger (需求台账)
    Needs,
    /// Deliberation meetings
    Meetings,
    /// The volunteer roster
    Volunteers,
    /// Time-bank hours, one row per movement
    Hours,
}

impl Format {
    pub(super) fn token(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Automerge => "automerge",
        }
    }
}

impl What {
    fn token(self) -> &'static str {
        match self {
            What::Needs => "needs",
            What::Meetings => "meetings",
            What::Volunteers => "volunteers",
            What::Hours => "hours",
        }
    }
}

/// Every kind, in the workbook's order.
const ALL: [What; 4] = [What::Needs, What::Meetings, What::Volunteers, What::Hours];

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<String> {
    let mut book = ctx.open()?;
    if args.format == Format::Automerge {
        return automerge(&mut book, &args);
    }
    if args.doc.is_some() {
        return Err(CliError::DocWithoutAutomerge.into());
    }
    let scope = args.scope.resolve(&mut book)?;
    write(
        &mut book,
        args.format,
        &args.what,
        &scope,
        &args.out,
        &args.encrypt_to,
    )
}

/// Writes the sheets of `what` (every kind when empty, for XLSX) within `scope` to `out`,
/// encrypted to `encrypt_to` when any is given, and logs the export, as `gridbook export` and
/// the app's Reports page do; says what it wrote.
pub(crate) fn write(
    book: &mut Gridbook,
    format: Format,
    what: &[What],
    scope: &Scope,
    out: &std::path::Path,
    encrypt_to: &[String],
) -> Result<String> {
    let recipients = export_log::recipients(encrypt_to)?;
    let what: Vec<What> = if what.is_empty() {
        match format {
            Format::Xlsx => ALL.to_vec(),
            _ => return Err(CliError::CsvNeedsWhat.into()),
        }
    } else {
        what.to_vec()
    };
    if format == Format::Csv && what.len() > 1 {
        return Err(CliError::CsvOneWhat.into());
    }
    let places = book.places()?;
    let mut sheets = Vec::new();
    for w in &what {
        sheets.push(sheet_of(book, *w, scope, &places)?);
    }
    let plain = match format {
        Format::Xlsx => sheet::xlsx_bytes(&sheets)?,
        _ => sheet::csv_bytes(&sheets[0])?,
    };
    let residents = if what.contains(&What::Needs) {
        let needs = needs_in(book, scope)?;
        export_log::residents_of(book, &needs)?
    } else {
        Vec::new()
    };
    let sealed = export_log::save(out, &plain, &recipients)?;
    export_log::log(
        book,
        ExportRecord {
            what: what.iter().map(|w| w.token()).collect::<Vec<_>>().join(","),
            format: format.token().into(),
            scope: export_log::describe(scope),
            rows: sheets.iter().map(|s| s.rows.len()).sum(),
            residents,
            ..Default::default()
        },
        encrypt_to,
        out,
    )?;
    let counts: Vec<String> = sheets
        .iter()
        .map(|s| format!("{} {}", s.rows.len(), s.name))
        .collect();
    Ok(format!(
        "wrote {}: {}{sealed}\n",
        out.display(),
        counts.join(", ")
    ))
}

/// The sheet of one kind of record, in scope.
pub fn sheet_of(book: &mut Gridbook, what: What, scope: &Scope, places: &Places) -> Result<Sheet> {
    Ok(match what {
        What::Needs => needs_sheet(book, scope, places)?,
        What::Meetings => meetings_sheet(book, scope, places)?,
        What::Volunteers => volunteers_sheet(book, scope, places)?,
        What::Hours => hours_sheet(book, scope, places)?,
    })
}

/// The needs ledger: the rows of `need list --json`, in its order, within the scope.
fn needs_sheet(book: &mut Gridbook, scope: &Scope, places: &Places) -> Result<Sheet> {
    let mut needs = needs_in(book, scope)?;
    // Summary rows written before they carried the source and claimant lack them: read those
    // two fields from the need itself (only for such rows; a row of today has its source).
    for n in needs.iter_mut().filter(|n| n.source.is_none()) {
        let need = book.need(&n.id)?;
        n.source = Some(need.source);
        n.claimant = need.claimant;
    }
    Ok(Sheet {
        name: "需求台账",
        headers: ledger::HEADERS.to_vec(),
        rows: needs
            .iter()
            .map(|n| LedgerRow::of(n, places).cells().to_vec())
            .collect(),
    })
}

/// The needs in scope, in `need list`'s order.
pub(super) fn needs_in(book: &mut Gridbook, scope: &Scope) -> Result<Vec<NeedSummary>> {
    let mut needs: Vec<_> = book
        .need_summaries()?
        .into_iter()
        .filter(|n| scope.has_need(n))
        .collect();
    needs.sort_by(|a, b| output::id_order(a.id.as_str()).cmp(&output::id_order(b.id.as_str())));
    Ok(needs)
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: Option<impl Into<String>>) -> Cell {
    s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
}

fn meetings_sheet(book: &mut Gridbook, scope: &Scope, places: &Places) -> Result<Sheet> {
    let mut meetings: Vec<_> = book
        .meeting_summaries()?
        .into_iter()
        .filter(|m| scope.has_day(m.day) && scope.has_community(&m.community))
        .collect();
    meetings.sort_by(|a, b| {
        (a.day, output::id_order(a.id.as_str())).cmp(&(b.day, output::id_order(b.id.as_str())))
    });
    Ok(Sheet {
        name: "议事会议",
        headers: vec![
            "会议编号",
            "日期",
            "社区",
            "层级",
            "会议",
            "签到人数",
            "议题数",
            "已议结议题",
            "动议数",
        ],
        rows: meetings
            .iter()
            .map(|m| {
                vec![
                    text(m.id.to_string()),
                    Cell::Day(m.day),
                    text(places.community_name(&m.community)),
                    text(m.level.zh()),
                    text(m.title.clone()),
                    Cell::Number(f64::from(m.attendees)),
                    Cell::Number(f64::from(m.topics)),
                    Cell::Number(f64::from(m.topics_settled)),
                    Cell::Number(f64::from(m.motions)),
                ]
            })
            .collect(),
    })
}

fn volunteers_sheet(book: &mut Gridbook, scope: &Scope, places: &Places) -> Result<Sheet> {
    let mut volunteers: Vec<_> = book
        .volunteer_summaries()?
        .into_iter()
        .filter(|v| scope.has_community(&v.community))
        .collect();
    volunteers
        .sort_by(|a, b| output::id_order(a.id.as_str()).cmp(&output::id_order(b.id.as_str())));
    let mut rows = Vec::with_capacity(volunteers.len());
    let mut teams = std::collections::BTreeMap::new();
    for v in &volunteers {
        if !teams.contains_key(&v.community) {
            teams.insert(v.community.clone(), book.teams(&v.community)?);
        }
        let team = v
            .team
            .as_ref()
            .and_then(|t| teams[&v.community].get(t))
            .map(|t| t.name.clone());
        rows.push(vec![
            text(v.id.to_string()),
            text(v.name.clone()),
            text(places.community_name(&v.community)),
            opt(team),
            text(v.skills.join("、")),
        ]);
    }
    Ok(Sheet {
        name: "志愿者",
        headers: vec!["志愿者编号", "姓名", "社区", "队伍", "技能"],
        rows,
    })
}

fn hours_sheet(book: &mut Gridbook, scope: &Scope, places: &Places) -> Result<Sheet> {
    let communities: Vec<String> = places
        .communities
        .keys()
        .filter(|c| scope.has_community(c))
        .cloned()
        .collect();
    let volunteers: std::collections::HashMap<String, String> = book
        .volunteer_summaries()?
        .into_iter()
        .map(|v| (v.id.to_string(), v.name))
        .collect();
    let activities: std::collections::HashMap<String, String> = book
        .activity_summaries()?
        .into_iter()
        .map(|a| (a.id.to_string(), a.title))
        .collect();
    let mut movements = Vec::new();
    for c in &communities {
        for (id, m) in book.movements(c)? {
            if scope.has_day(m.at.day()) {
                movements.push((c.clone(), id, m));
            }
        }
    }
    movements.sort_by(|a, b| (a.2.at, &a.1).cmp(&(b.2.at, &b.1)));
    let rows = movements
        .iter()
        .map(|(c, _, m)| {
            vec![
                Cell::Day(m.at.day()),
                text(places.community_name(c)),
                text(m.volunteer.to_string()),
                opt(volunteers.get(m.volunteer.as_str()).cloned()),
                text(m.kind.zh()),
                Cell::Number(m.minutes as f64 / 60.0),
                Cell::Number(m.points as f64),
                opt(m
                    .activity
                    .as_ref()
                    .and_then(|a| activities.get(a.as_str()).cloned())),
                opt(m.note.clone()),
            ]
        })
        .collect();
    Ok(Sheet {
        name: "志愿时长",
        headers: vec![
            "日期",
            "社区",
            "志愿者编号",
            "志愿者",
            "类型",
            "时长（小时）",
            "积分",
            "活动",
            "备注",
        ],
        rows,
    })
}

/// `--format automerge --doc ID`: the document's plain save (one compressed document chunk).
fn automerge(book: &mut Gridbook, args: &ExportArgs) -> Result<String> {
    let Some(doc_id) = &args.doc else {
        return Err(CliError::AutomergeNeedsDoc.into());
    };
    if !args.what.is_empty() {
        return Err(CliError::WhatWithAutomerge.into());
    }
    let recipients = export_log::recipients(&args.encrypt_to)?;
    let bytes = book
        .doc(doc_id)?
        .ok_or_else(|| CliError::NoDocument(doc_id.to_string()))?
        .save();
    let (rows, residents) = export_log::records_in(book, doc_id)?;
    let sealed = export_log::save(&args.out, &bytes, &recipients)?;
    export_log::log(
        book,
        ExportRecord {
            what: format!("document {doc_id}"),
            format: Format::Automerge.token().into(),
            scope: "the whole document".into(),
            rows,
            residents,
            ..Default::default()
        },
        &args.encrypt_to,
        &args.out,
    )?;
    Ok(format!(
        "wrote {}: {doc_id}, {} bytes{sealed}\n",
        args.out.display(),
        bytes.len()
    ))
}
