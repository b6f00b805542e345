//! `gridbook grant`, `revoke`, `ignored` and `audit`: membership, what does not count, and who
//! changed which record.

use anyhow::Result;
use clap::Args;
use gridbook_model::vocab::Role;

use super::{CliError, Ctx, output, vocab};
use crate::i18n::tr;

/// `gridbook grant`.
#[derive(Debug, Args)]
pub(crate) struct GrantArgs {
    /// The device's id (64 hex digits; `gridbook peers` lists the network's)
    #[arg(value_name = "DEVICE")]
    pub device: String,
    /// The role: admin, grid-worker, facilitator or volunteer-lead
    #[arg(long, value_parser = vocab::<Role>())]
    pub role: Role,
    /// The member using it (id or name); by default the member it is granted to already
    #[arg(long, value_name = "ID_OR_NAME")]
    pub member: Option<String>,
}

/// `gridbook revoke`.
#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// The device's id (64 hex digits)
    #[arg(value_name = "DEVICE")]
    pub device: String,
    /// Why, for the record (lost, stolen, left the office…)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// `gridbook audit`.
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Only this resident's record and the needs recorded for them (resident id)
    #[arg(long, value_name = "RESIDENT")]
    pub resident: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub(super) fn grant(ctx: &Ctx, args: GrantArgs) -> Result<String> {
    let mut book = ctx.open()?;
    let device = args.device.trim().to_ascii_lowercase();
    let member = match args.member {
        Some(m) => book.resolve_member(&m)?,
        None => match book.membership()?.device(&device) {
            Some(d) if !d.member.is_empty() => d.member.parse()?,
            _ => return Err(CliError::NoGrantYet(device).into()),
        },
    };
    book.grant(&device, &member, args.role)?;
    Ok(tr!(
        "cli.access.granted",
        role = output::term(args.role),
        device = device,
        member = member
    ))
}

pub(super) fn revoke(ctx: &Ctx, args: RevokeArgs) -> Result<String> {
    let mut book = ctx.open()?;
    book.revoke(&args.device, &args.reason)?;
    Ok(tr!("cli.access.revoked", device = args.device.trim()))
}

pub(super) fn ignored(ctx: &Ctx, as_json: bool) -> Result<String> {
    let mut book = ctx.open()?;
    let list = book.ignored_changes()?;
    if as_json {
        return output::json(&list);
    }
    if list.is_empty() {
        return Ok(tr!("cli.access.none_ignored"));
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|i| {
            vec![
                i.doc.clone(),
                i.device[..16].to_string(),
                i.at.to_rfc3339(),
                i.what.clone(),
                crate::words::say(&i.why.words()),
            ]
        })
        .collect();
    Ok(output::table_of(
        &[
            "cli.col.document",
            "cli.col.device",
            "cli.col.at",
            "cli.col.what",
            "cli.col.why_ignored",
        ],
        &rows,
    ))
}

pub(super) fn audit(ctx: &Ctx, args: AuditArgs) -> Result<String> {
    let mut book = ctx.open()?;
    let entries = book.audit(args.resident.as_deref())?;
    if args.json {
        return output::json(&entries);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.at.to_rfc3339(),
                output::or_dash(e.who.as_deref()),
                e.device[..16.min(e.device.len())].to_string(),
                format!("{} {}", e.kind, e.record),
                e.what.clone(),
                if e.counts {
                    String::new()
                } else {
                    tr!("cli.access.ignored")
                },
            ]
        })
        .collect();
    Ok(output::table_of(
        &[
            "cli.col.at",
            "cli.col.who",
            "cli.col.device",
            "cli.col.record",
            "cli.col.what",
            "",
        ],
        &rows,
    ))
}
