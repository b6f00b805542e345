//! The office's ledgers as XLSX or CSV sheets, written to a file and logged in the directory:
//! what `gridbook export` and the app's Reports page both make.
//!
//! The needs sheet has one row per row of `need list --json`, in the same order, each cell a
//! function of that row (see `gridbook_model::ledger`).

use anyhow::Result;
use clap::ValueEnum;
use gridbook_model::ledger::{self, Cell, LedgerRow};
use gridbook_model::scope::Scope;
use gridbook_model::summary::NeedSummary;
use gridbook_model::{ExportRecord, Gridbook, ledger::Places};

use super::export_log;
use super::id_order;
use super::sheet::{self, Sheet};
use crate::error::CliError;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// UTF-8 CSV with a BOM (opens in Excel), one kind per file
    Csv,
    /// An Excel workbook, one sheet per kind
    Xlsx,
    /// One document's plain Automerge save (needs --doc)
    Automerge,
}

/// A kind of record to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum What {
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
    pub(crate) fn token(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Automerge => "automerge",
        }
    }
}

impl What {
    pub(crate) fn token(self) -> &'static str {
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
pub(crate) fn sheet_of(
    book: &mut Gridbook,
    what: What,
    scope: &Scope,
    places: &Places,
) -> Result<Sheet> {
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
    needs.sort_by(|a, b| id_order(a.id.as_str()).cmp(&id_order(b.id.as_str())));
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
    meetings
        .sort_by(|a, b| (a.day, id_order(a.id.as_str())).cmp(&(b.day, id_order(b.id.as_str()))));
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
    volunteers.sort_by(|a, b| id_order(a.id.as_str()).cmp(&id_order(b.id.as_str())));
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
