//! `gridbook report`: the numbers the office sends the subdistrict, for a period and a place.
//! The computation is the model's (`gridbook_model::report`), shared with the GUI.

use anyhow::Result;
use clap::Args;
use gridbook_model::ledger::Places;
use gridbook_model::report::{NeedCounts, Report};
use gridbook_model::vocab::{MeetingLevel, ProjectKind};

use super::export::ScopeArgs;
use super::{Ctx, output};
use crate::i18n::tr;

/// `gridbook report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Print JSON (canonical English tokens) instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

pub(super) fn run(ctx: &Ctx, args: ReportArgs) -> Result<String> {
    let mut book = ctx.open()?;
    let scope = args.scope.resolve(&mut book)?;
    let report = book.report(&scope)?;
    if args.json {
        return output::json(&report);
    }
    Ok(text(&report, &book.places()?))
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

fn projects(c: &NeedCounts) -> String {
    ProjectKind::ALL
        .iter()
        .map(|k| format!("{} {}", k.zh(), c.projects.get(k.token()).unwrap_or(&0)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn counts_row(key: String, c: &NeedCounts) -> Vec<String> {
    vec![
        key,
        c.found.to_string(),
        c.classified.to_string(),
        c.direct.to_string(),
        c.projects.values().sum::<usize>().to_string(),
        c.claimed.to_string(),
        c.completed.to_string(),
        c.closed.to_string(),
        pct(c.closed_loop_rate),
        num(c.average_satisfaction),
        num(c.median_days_to_close),
    ]
}

/// The counts table's headers (keys in `locales/cli_report.yml`); the first names the rows.
const COUNT_HEADERS: [&str; 11] = [
    "",
    "cli.report.head.found",
    "cli.report.head.classified",
    "cli.report.head.direct",
    "cli.report.head.projects",
    "cli.report.head.claimed",
    "cli.report.head.completed",
    "cli.report.head.closed",
    "cli.report.head.loop_rate",
    "cli.report.head.satisfaction",
    "cli.report.head.days_to_close",
];

/// The report as text, in this thread's language.
fn text(r: &Report, places: &Places) -> String {
    let c = &r.needs;
    let place = match (&r.grid, &r.community) {
        (Some(g), _) => places.grid_name(g).to_string(),
        (None, Some(c)) => places.community_name(c).to_string(),
        (None, None) => tr!("cli.report.every_community"),
    };
    let period = match (&r.from, &r.to) {
        (None, None) => tr!("cli.report.all_time"),
        (f, t) => tr!(
            "cli.report.from_to",
            from = f.clone().unwrap_or_else(|| tr!("cli.report.the_start")),
            to = t.clone().unwrap_or_else(|| tr!("cli.report.today"))
        ),
    };
    let mut out = tr!("cli.report.title", place = place, period = period);
    out.push_str("\n\n");
    out.push_str(&tr!("cli.report.needs"));
    out.push('\n');
    let lines = [
        ("cli.report.found", c.found.to_string()),
        ("cli.report.classified", c.classified.to_string()),
        ("cli.report.direct", c.direct.to_string()),
        ("cli.report.projects", projects(c)),
        ("cli.report.claimed", c.claimed.to_string()),
        ("cli.report.completed", c.completed.to_string()),
        ("cli.report.closed", c.closed.to_string()),
        ("cli.report.loop_rate", pct(c.closed_loop_rate)),
        ("cli.report.satisfaction", num(c.average_satisfaction)),
        (
            "cli.report.days_to_close",
            tr!(
                "cli.report.median_mean",
                median = num(c.median_days_to_close),
                mean = num(c.mean_days_to_close)
            ),
        ),
    ];
    for (k, v) in lines {
        out.push_str(&format!("  {}{v}\n", output::pad(&tr!(k), 25)));
    }
    let months: Vec<Vec<String>> = r
        .by_month
        .iter()
        .map(|b| counts_row(b.key.clone(), &b.needs))
        .collect();
    if !months.is_empty() {
        out.push_str(&format!("\n{}\n", tr!("cli.report.by_month")));
        let mut h = COUNT_HEADERS;
        h[0] = "cli.report.head.month";
        out.push_str(&output::table_of(&h, &months));
    }
    let per_grid = r.community.is_some();
    let places_rows: Vec<Vec<String>> = r
        .by_place
        .iter()
        .map(|b| {
            let name = if per_grid {
                places.grid_name(&b.key)
            } else {
                places.community_name(&b.key)
            };
            counts_row(name.to_string(), &b.needs)
        })
        .collect();
    if !places_rows.is_empty() {
        let (title, head) = if per_grid {
            ("cli.report.by_grid", "cli.report.head.grid")
        } else {
            ("cli.report.by_community", "cli.report.head.community")
        };
        out.push_str(&format!("\n{}\n", tr!(title)));
        let mut h = COUNT_HEADERS;
        h[0] = head;
        out.push_str(&output::table_of(&h, &places_rows));
    }
    out.push_str(&format!("\n{}\n", tr!("cli.report.topics")));
    let topics: Vec<Vec<String>> = MeetingLevel::ALL
        .iter()
        .filter_map(|l| r.topics.get(l.token()).map(|t| (l, t)))
        .map(|(l, t)| {
            vec![
                l.zh().to_string(),
                t.meetings.to_string(),
                t.topics.to_string(),
                t.settled.to_string(),
            ]
        })
        .collect();
    out.push_str(&output::table_of(
        &[
            "cli.report.head.level",
            "cli.report.head.meetings",
            "cli.report.head.topics",
            "cli.report.head.settled",
        ],
        &topics,
    ));
    out.push_str(&format!("\n{}\n", tr!("cli.report.hours")));
    if r.hours.is_empty() {
        out.push_str(&format!("  {}\n", tr!("cli.report.none_recorded")));
    } else {
        let hours: Vec<Vec<String>> = r
            .hours
            .iter()
            .map(|h| {
                vec![
                    places.community_name(&h.community).to_string(),
                    h.team_name
                        .clone()
                        .or_else(|| h.team.clone())
                        .unwrap_or_else(|| tr!("cli.report.no_team")),
                    format!("{:.1}", h.hours),
                    h.volunteers.to_string(),
                ]
            })
            .collect();
        out.push_str(&output::table_of(
            &[
                "cli.report.head.community",
                "cli.report.head.team",
                "cli.report.head.hours",
                "cli.report.head.volunteers",
            ],
            &hours,
        ));
    }
    out
}
