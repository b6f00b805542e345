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
use clap::Args;
use gridbook_model::doc_id::DocId;
use gridbook_model::scope::Scope;
use gridbook_model::time::Day;
use gridbook_model::{ExportRecord, Gridbook};

use crate::error::CliError;
use crate::office::{Format, What, export_log, write};

use super::Ctx;

/// `gridbook export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
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
pub(crate) struct ScopeArgs {
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
    pub(crate) fn resolve(&self, book: &mut Gridbook) -> Result<Scope> {
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

pub(crate) fn run(ctx: &Ctx, args: ExportArgs) -> Result<String> {
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
