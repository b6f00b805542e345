//! `gridbook print`: print-ready HTML for the notice board and the meeting table — a public
//! notice (公示) of needs and projects with no personal data, and a meeting sign-in sheet (签到表).
//! The pages, their print stylesheet and the meeting print-outs are `office::print`'s (why HTML:
//! see there). `--embed-font` puts the app's bundled Noto Sans SC subset into the file for a
//! machine with no CJK font at all (the file grows by ~4.5 MB).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use gridbook_model::ids::MeetingId;
use gridbook_model::ledger::Places;
use gridbook_model::summary::NeedSummary;
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::{Route, Stage};

use super::error::{Doing as _, Step};
use super::export::ScopeArgs;
use super::{Ctx, output};
use crate::office::print::{self, Printout, esc, page};

/// `gridbook print …`.
#[derive(Debug, Subcommand)]
pub(crate) enum PrintCommand {
    /// A public notice (公示) of needs and projects: no names, phones or buildings
    Notice {
        /// The HTML file to write
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        #[command(flatten)]
        scope: ScopeArgs,
        #[command(flatten)]
        font: FontFlag,
    },
    /// A meeting's sign-in sheet (签到表): those signed in already, with where they live, then
    /// blank lines
    SignIn {
        /// The meeting's id
        meeting: MeetingId,
        /// The HTML file to write
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Blank lines after the names already signed in
        #[arg(long, default_value_t = 30)]
        blank: usize,
        #[command(flatten)]
        font: FontFlag,
    },
}

/// `--embed-font`.
#[derive(Debug, Args)]
pub(crate) struct FontFlag {
    /// Put the bundled Chinese font in the file, for a computer with no Chinese font
    #[arg(long)]
    pub embed_font: bool,
}

pub(super) fn run(ctx: &Ctx, cmd: PrintCommand) -> Result<String> {
    let mut book = ctx.open()?;
    // The sign-in sheet names residents: office::print logs it like an export.
    let (out, html, what) = match cmd {
        PrintCommand::Notice { out, scope, font } => {
            let scope = scope.resolve(&mut book)?;
            let places = book.places()?;
            let mut needs: Vec<NeedSummary> = book
                .need_summaries()?
                .into_iter()
                .filter(|n| scope.has_need(n))
                .collect();
            needs.sort_by(|a, b| {
                output::id_order(a.id.as_str()).cmp(&output::id_order(b.id.as_str()))
            });
            let subdistrict = book.network()?.map(|n| n.subdistrict).unwrap_or_default();
            let title = match (&scope.grid, &scope.community) {
                (Some(g), _) => format!(
                    "{}{}",
                    places.community_name(&scope.community.clone().unwrap_or_default()),
                    places.grid_name(g)
                ),
                (None, Some(c)) => places.community_name(c).to_string(),
                (None, None) => subdistrict,
            };
            let n = needs.len();
            let html = notice(&title, &needs, &places, font.embed_font);
            (out, html, format!("{n} needs"))
        }
        PrintCommand::SignIn {
            meeting,
            out,
            blank,
            font,
        } => {
            let printed = print::print_meeting(
                &mut book,
                &ctx.data,
                &meeting,
                Printout::SignIn,
                Some(out),
                blank,
                font.embed_font,
            )?;
            let n = printed.attendees;
            return Ok(format!(
                "wrote {} ({n} signed in, {blank} blank lines): open it in a browser and print\n",
                printed.path.display()
            ));
        }
    };
    std::fs::write(&out, html).doing(Step::Write(out.clone()))?;
    Ok(format!(
        "wrote {} ({what}): open it in a browser and print\n",
        out.display()
    ))
}

/// The title with the resident's name, if written into it, replaced: the notice names no one.
fn public_title(n: &NeedSummary) -> String {
    match &n.resident_name {
        Some(name) if name.chars().count() >= 2 && n.title.contains(name.as_str()) => {
            n.title.replace(name.as_str(), "某居民")
        }
        _ => n.title.clone(),
    }
}

/// The public notice: ledger number, place down to the grid, category, need, stage, how it is
/// handled and by whom (the kind only), due and closed days. No resident, phone or building.
pub(super) fn notice(
    title: &str,
    needs: &[NeedSummary],
    places: &Places,
    embed_font: bool,
) -> String {
    let mut body = format!("<h1>{}民生需求办理情况公示</h1>\n", esc(title));
    let closed = needs.iter().filter(|n| n.stage == Stage::Closed).count();
    let _ = writeln!(
        body,
        "<p class=\"meta\">共 {} 件，已办结 {} 件　公示日期：{}</p>",
        needs.len(),
        closed,
        Timestamp::now().day()
    );
    body.push_str("<table>\n<thead><tr><th>序号</th><th>台账编号</th><th>社区</th><th>网格</th><th>类别</th><th>需求</th><th>阶段</th><th>办理方式</th><th>认领方</th><th>办结期限</th><th>办结日期</th></tr></thead>\n<tbody>\n");
    for (i, n) in needs.iter().enumerate() {
        let route = match (n.route, n.project_kind) {
            (Some(Route::Project), Some(k)) => k.zh(),
            (Some(r), _) => r.zh(),
            (None, _) => "",
        };
        let _ = writeln!(
            body,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            i + 1,
            esc(&n.ledger_no),
            esc(places.community_name(&n.community)),
            esc(places.grid_name(&n.grid)),
            n.category.zh(),
            esc(&public_title(n)),
            n.stage.zh(),
            route,
            n.claimant.map_or("", |c| c.zh()),
            n.due.map(|d| d.to_string()).unwrap_or_default(),
            n.closed_at.map(|t| t.day().to_string()).unwrap_or_default(),
        );
    }
    body.push_str("</tbody>\n</table>\n<p class=\"foot\"><span>如有异议，请于公示之日起七日内向社区居委会反映。</span><span>（盖章）</span></p>\n");
    page(
        &format!("{title}民生需求办理情况公示"),
        true,
        embed_font,
        &body,
    )
}
