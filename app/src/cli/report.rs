//! `gridbook report`: the numbers the office sends the subdistrict, for a period and a place.
//! The computation is the model's (`gridbook_model::report`), shared with the GUI.

use anyhow::Result;
use clap::Args;
use gridbook_model::ledger::Places;
use gridbook_model::report::{NeedCounts, Report};
use gridbook_model::vocab::{MeetingLevel, ProjectKind};

use super::export::ScopeArgs;
use super::{Ctx, output};

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

const COUNT_HEADERS: [&str; 11] = [
    "",
    "FOUND",
    "CLASSIFIED",
    "DIRECT",
    "PROJECTS",
    "CLAIMED",
    "COMPLETED",
    "CLOSED",
    "LOOP RATE",
    "SATISFACTION",
    "DAYS TO CLOSE",
];

fn text(r: &Report, places: &Places) -> String {
    let c = &r.needs;
    let place = match (&r.grid, &r.community) {
        (Some(g), _) => places.grid_name(g).to_string(),
        (None, Some(c)) => places.community_name(c).to_string(),
        (None, None) => "every community".into(),
    };
    let period = match (&r.from, &r.to) {
        (None, None) => "all time".to_string(),
        (f, t) => format!(
            "{} to {}",
            f.as_deref().unwrap_or("the start"),
            t.as_deref().unwrap_or("today")
        ),
    };
    let mut out = format!("Report for {place}, {period}\n\nNeeds\n");
    let lines = [
        ("found", c.found.to_string()),
        ("classified", c.classified.to_string()),
        ("direct actions", c.direct.to_string()),
        ("projects", projects(c)),
        ("claimed", c.claimed.to_string()),
        ("completed (loop closed)", c.completed.to_string()),
        ("closed (any reason)", c.closed.to_string()),
        ("closed-loop rate", pct(c.closed_loop_rate)),
        ("average satisfaction", num(c.average_satisfaction)),
        (
            "days to close",
            format!(
                "median {}, mean {}",
                num(c.median_days_to_close),
                num(c.mean_days_to_close)
            ),
        ),
    ];
    for (k, v) in lines {
        out.push_str(&format!("  {k:<25}{v}\n"));
    }
    let mut months: Vec<Vec<String>> = r
        .by_month
        .iter()
        .map(|b| counts_row(b.key.clone(), &b.needs))
        .collect();
    if !months.is_empty() {
        out.push_str("\nBy month\n");
        let mut h = COUNT_HEADERS;
        h[0] = "MONTH";
        out.push_str(&output::table(&h, &months));
        months.clear();
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
        out.push_str(if per_grid {
            "\nBy grid\n"
        } else {
            "\nBy community\n"
        });
        let mut h = COUNT_HEADERS;
        h[0] = if per_grid { "GRID" } else { "COMMUNITY" };
        out.push_str(&output::table(&h, &places_rows));
    }
    out.push_str("\nMeetings: topics settled per level\n");
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
    out.push_str(&output::table(
        &["LEVEL", "MEETINGS", "TOPICS", "SETTLED"],
        &topics,
    ));
    out.push_str("\nVolunteer hours per team\n");
    if r.hours.is_empty() {
        out.push_str("  none recorded\n");
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
                        .unwrap_or_else(|| "(no team)".into()),
                    format!("{:.1}", h.hours),
                    h.volunteers.to_string(),
                ]
            })
            .collect();
        out.push_str(&output::table(
            &["COMMUNITY", "TEAM", "HOURS", "VOLUNTEERS"],
            &hours,
        ));
    }
    out
}
