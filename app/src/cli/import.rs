//! `gridbook import`: an office's existing needs ledger, residents' register or volunteer roster,
//! from XLSX or CSV (the checks and the writing are `crate::office::import`'s, which the app's
//! Files page uses too).
//!
//! One wrong row rejects the file: each error is printed with its sheet row and column, in the
//! locale's language, and the store is left as it was. `--dry-run` shows what would be created and stops there.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use gridbook_model::ledger::{Places, RowError};

use super::{CliError, Ctx, output};
use crate::i18n::tr;
use crate::office::import::{self, Kind, Plan};

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

/// How many row errors are printed before the rest are only counted.
const SHOWN_ERRORS: usize = 50;

pub(super) fn run(ctx: &Ctx, args: ImportArgs) -> Result<String> {
    let read = import::read(&args.file, args.format == SheetFormat::Xlsx, args.what)?;
    let mut book = ctx.open()?;
    let places = book.places()?;
    let plan = match import::plan(&mut book, &read, args.what, &mut |_| {})? {
        Ok(plan) => plan,
        Err(errors) => return Err(rejected(&args, &errors)),
    };
    let mut out = preview(&plan, &places);
    if args.dry_run {
        out.push_str(&tr!("cli.import.dry_run"));
        return Ok(out);
    }
    let noun = noun(&plan);
    let made = plan.write(&mut book)?;
    out.push_str(&tr!("cli.import.imported", count = made, noun = noun));
    Ok(out)
}

/// Prints each row error on stderr and returns the one-line error that ends the command.
fn rejected(args: &ImportArgs, errors: &[RowError]) -> anyhow::Error {
    for e in errors.iter().take(SHOWN_ERRORS) {
        eprintln!("{}", crate::words::say(&e.words()));
    }
    if errors.len() > SHOWN_ERRORS {
        eprint!(
            "{}",
            tr!("cli.import.more", count = errors.len() - SHOWN_ERRORS)
        );
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

/// What will be created: how many, by community (and for needs, by stage), and the first
/// few records.
fn preview(plan: &Plan, places: &Places) -> String {
    let mut by_place: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_stage: BTreeMap<gridbook_model::vocab::Stage, usize> = BTreeMap::new();
    let mut sample: Vec<Vec<String>> = Vec::new();
    let (count, header): (usize, &[&str]) = match plan {
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
                        output::or_dash(r.phone.as_deref().map(gridbook_model::need::mask_phone)),
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
    let mut out = tr!("cli.import.will_create", count = count, noun = noun(plan));
    let list = |m: &BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !by_place.is_empty() {
        out.push_str(&tr!("cli.import.by_community", list = list(&by_place)));
    }
    if !by_stage.is_empty() {
        let stages: Vec<String> = by_stage
            .iter()
            .map(|(s, n)| format!("{} {n}", output::term(*s)))
            .collect();
        out.push_str(&tr!("cli.import.by_stage", list = stages.join(", ")));
    }
    if !sample.is_empty() {
        out.push_str(&output::table(header, &sample));
        if count > sample.len() {
            out.push_str(&tr!("cli.import.more", count = count - sample.len()));
        }
    }
    out
}

/// What a plan makes, in the locale's language: `needs`, 条需求.
fn noun(plan: &Plan) -> String {
    match plan.kind() {
        Kind::Needs => tr!("cli.import.needs"),
        Kind::Residents => tr!("cli.import.residents"),
        Kind::Volunteers => tr!("cli.import.volunteers"),
    }
}
