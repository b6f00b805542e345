//! `gridbook volunteer …`: teams, the roster, activities and the time bank.

use anyhow::Result;
use clap::Subcommand;
use gridbook_model::NewVolunteer;
use gridbook_model::ids::{ActivityId, TeamId, VolunteerId};
use gridbook_model::time::{Day, Timestamp};
use gridbook_model::vocab::MovementKind;
use gridbook_model::volunteer::Balance;

use super::{CliError, Ctx, output};

/// `gridbook volunteer …`.
#[derive(Debug, Subcommand)]
pub(crate) enum VolunteerCommand {
    /// Add a team, or a sub-team with --parent; prints its id
    Team {
        /// The community's code or name
        #[arg(long)]
        community: String,
        /// The team's name
        #[arg(long)]
        name: String,
        /// The team it belongs to
        #[arg(long)]
        parent: Option<TeamId>,
    },
    /// List a community's teams
    Teams {
        /// The community's code or name
        #[arg(long)]
        community: String,
    },
    /// Add a volunteer to a community's roster; prints the id
    Add {
        /// The community's code or name
        #[arg(long)]
        community: String,
        /// Their name
        #[arg(long)]
        name: String,
        /// Their phone
        #[arg(long)]
        phone: Option<String>,
        /// A skill (repeat for several)
        #[arg(long = "skill")]
        skills: Vec<String>,
        /// Their team
        #[arg(long)]
        team: Option<TeamId>,
        /// When they joined [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        joined: Option<Day>,
    },
    /// The roster with each volunteer's derived balance
    List {
        /// The community's code or name
        #[arg(long)]
        community: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Record an activity; prints its id
    Activity {
        /// The community's code or name
        #[arg(long)]
        community: String,
        /// What was done
        #[arg(long)]
        title: String,
        /// The team that ran it
        #[arg(long)]
        team: Option<TeamId>,
        /// When
        #[arg(long, value_name = "YYYY-MM-DD")]
        day: Day,
        /// Where
        #[arg(long)]
        place: Option<String>,
    },
    /// List activities
    Activities,
    /// Record who came to an activity and for how long (earns hours and points)
    Attend {
        /// The activity's id
        #[arg(long)]
        activity: ActivityId,
        /// A volunteer's id (repeat for several)
        #[arg(long = "volunteer", required = true)]
        volunteers: Vec<VolunteerId>,
        /// Hours each served, like 2 or 1.5
        #[arg(long)]
        hours: f64,
        /// Points each earned
        #[arg(long, default_value_t = 0)]
        points: u32,
    },
    /// Spend hours or points from a volunteer's balance
    Redeem {
        /// The volunteer's id
        volunteer: VolunteerId,
        /// Hours spent
        #[arg(long, default_value_t = 0.0)]
        hours: f64,
        /// Points spent
        #[arg(long, default_value_t = 0)]
        points: i64,
        /// What for
        #[arg(long)]
        note: String,
    },
    /// Correct a mistake with a signed movement (movements are never edited)
    Correct {
        /// The volunteer's id
        volunteer: VolunteerId,
        /// Hours to add (negative to take away)
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        hours: f64,
        /// Points to add (negative to take away)
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        points: i64,
        /// Why
        #[arg(long)]
        note: String,
    },
    /// One volunteer's balance, recomputed from every movement
    Balance {
        /// The volunteer's id
        volunteer: VolunteerId,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// The month's star volunteers: most hours served
    Stars {
        /// The community's code or name
        #[arg(long)]
        community: String,
        /// The month, YYYY-MM [default: this month]
        #[arg(long)]
        month: Option<String>,
        /// How many
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
}

fn minutes(hours: f64) -> Result<i64> {
    if !hours.is_finite() || hours.abs() > 10_000.0 {
        return Err(CliError::NotHours(hours.to_string()).into());
    }
    Ok((hours * 60.0).round() as i64)
}

fn hours(b: &Balance) -> String {
    format!("{:.1}", b.minutes as f64 / 60.0)
}

/// Records a redemption or a correction and says the balance it leaves.
fn movement(
    book: &mut gridbook_model::Gridbook,
    volunteer: &VolunteerId,
    kind: MovementKind,
    h: f64,
    points: i64,
    note: &str,
) -> Result<String> {
    let id = book.add_movement(volunteer, kind, minutes(h)?, points, note)?;
    let b = book.balance(volunteer)?;
    Ok(format!(
        "{id}: {volunteer} now has {} h and {} points\n",
        hours(&b),
        b.points
    ))
}

pub(super) fn run(ctx: &Ctx, cmd: VolunteerCommand) -> Result<String> {
    let mut book = ctx.open()?;
    match cmd {
        VolunteerCommand::Team {
            community,
            name,
            parent,
        } => Ok(format!(
            "{}\n",
            book.add_team(&community, &name, parent.as_ref())?
        )),
        VolunteerCommand::Teams { community } => {
            let teams = book.teams(&community)?;
            let rows: Vec<Vec<String>> = teams
                .iter()
                .map(|(id, t)| {
                    vec![
                        id.clone(),
                        t.name.clone(),
                        output::or_dash(t.parent.as_ref()),
                    ]
                })
                .collect();
            Ok(output::table(&["ID", "TEAM", "PART OF"], &rows))
        }
        VolunteerCommand::Add {
            community,
            name,
            phone,
            skills,
            team,
            joined,
        } => {
            let joined = joined.unwrap_or_else(|| Timestamp::now().day());
            let id = book.add_volunteer(NewVolunteer {
                community,
                name,
                phone,
                skills,
                team,
                joined,
            })?;
            Ok(format!("{id}\n"))
        }
        VolunteerCommand::List { community, json } => {
            let mut rows = book.balances(&community)?;
            rows.sort_by(|a, b| {
                output::id_order(a.id.as_str()).cmp(&output::id_order(b.id.as_str()))
            });
            if json {
                return output::json(&rows);
            }
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|v| {
                    vec![
                        v.id.to_string(),
                        v.name.clone(),
                        output::or_dash(v.team_name.as_ref().or(v.team.as_ref())),
                        hours(&v.balance),
                        v.balance.points.to_string(),
                    ]
                })
                .collect();
            Ok(output::table(
                &["ID", "NAME", "TEAM", "HOURS", "POINTS"],
                &table,
            ))
        }
        VolunteerCommand::Activity {
            community,
            title,
            team,
            day,
            place,
        } => Ok(format!(
            "{}\n",
            book.add_activity(&community, &title, team.as_ref(), day, place.as_deref())?
        )),
        VolunteerCommand::Activities => {
            let mut rows = book.activity_summaries()?;
            rows.sort_by_key(|a| a.day);
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|a| {
                    vec![
                        a.id.to_string(),
                        a.day.to_string(),
                        a.title.clone(),
                        output::or_dash(a.team.as_ref()),
                        a.attendees.to_string(),
                    ]
                })
                .collect();
            Ok(output::table(
                &["ID", "DAY", "ACTIVITY", "TEAM", "CAME"],
                &table,
            ))
        }
        VolunteerCommand::Attend {
            activity,
            volunteers,
            hours,
            points,
        } => {
            let m = minutes(hours)?;
            let m = u32::try_from(m).map_err(|_| CliError::HoursNotPositive)?;
            for v in &volunteers {
                book.record_attendance(&activity, v, m, points)?;
            }
            Ok(format!(
                "{} volunteer(s) served {hours} h at {activity}\n",
                volunteers.len()
            ))
        }
        VolunteerCommand::Redeem {
            volunteer,
            hours: h,
            points,
            note,
        } => movement(
            &mut book,
            &volunteer,
            MovementKind::Redeem,
            h,
            points,
            &note,
        ),
        VolunteerCommand::Correct {
            volunteer,
            hours: h,
            points,
            note,
        } => movement(
            &mut book,
            &volunteer,
            MovementKind::Correct,
            h,
            points,
            &note,
        ),
        VolunteerCommand::Balance { volunteer, json } => {
            let b = book.balance(&volunteer)?;
            if json {
                return output::json(&b);
            }
            let note = if b.minutes < 0 {
                "  (negative: redeemed more than earned)"
            } else {
                ""
            };
            Ok(format!(
                "{volunteer}: {} h ({} h served), {} points{note}\n",
                hours(&b),
                format_args!("{:.1}", b.earned_minutes as f64 / 60.0),
                b.points
            ))
        }
        VolunteerCommand::Stars {
            community,
            month,
            top,
        } => {
            let month = month.unwrap_or_else(|| Timestamp::now().day().month());
            let stars = book.star_volunteers(&community, &month, top)?;
            if stars.is_empty() {
                return Ok(format!("no hours served in {month}\n"));
            }
            let rows: Vec<Vec<String>> = stars
                .iter()
                .enumerate()
                .map(|(i, (v, m))| {
                    vec![
                        (i + 1).to_string(),
                        v.id.to_string(),
                        v.name.clone(),
                        format!("{:.1}", *m as f64 / 60.0),
                    ]
                })
                .collect();
            Ok(output::table(&["#", "ID", "NAME", "HOURS"], &rows))
        }
    }
}
