//! `gridbook meeting …`: deliberation meetings, their agenda, minutes, motions and votes.

use anyhow::Result;
use clap::{Args, Subcommand};
use gridbook_model::ids::{DecisionId, MeetingId, MotionId, NoteId, ResidentId, TopicId};
use gridbook_model::meeting::Outcome;
use gridbook_model::time::Day;
use gridbook_model::vocab::{Choice, MeetingLevel};
use gridbook_model::{Gridbook, MeetingView, NewMeeting};

use super::{CliError, Ctx, JsonFlag, output, vocab};
use crate::office::print::{self, MeetingPaper};

/// `gridbook meeting …`.
#[derive(Debug, Subcommand)]
pub(crate) enum MeetingCommand {
    /// Create a meeting; prints its id
    Create(MeetingCreateArgs),
    /// List meetings by day
    List(JsonFlag),
    /// Show a meeting with its live tallies and results
    Show {
        /// The meeting's id
        id: MeetingId,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Sign residents in
    Checkin {
        /// The meeting's id
        id: MeetingId,
        /// A resident's id (repeat for several)
        #[arg(long = "resident", value_name = "ID", required = true)]
        residents: Vec<ResidentId>,
    },
    /// Put a topic on the agenda; prints its id
    Topic {
        /// The meeting's id
        id: MeetingId,
        /// What is to be discussed
        #[arg(long)]
        title: String,
        /// The need it comes from (id or ledger number)
        #[arg(long, value_name = "NEED_ID")]
        need: Option<super::parse::NeedRef>,
    },
    /// Send a topic this level cannot settle up to the next level
    Escalate {
        /// The meeting's id
        id: MeetingId,
        /// The topic's id
        #[arg(long)]
        topic: TopicId,
    },
    /// Mark a topic settled
    Settle {
        /// The meeting's id
        id: MeetingId,
        /// The topic's id
        #[arg(long)]
        topic: TopicId,
    },
    /// Add to the minutes, or replace them
    Minutes {
        /// The meeting's id
        id: MeetingId,
        /// Text to add at the end
        #[arg(long, conflicts_with = "set", required_unless_present = "set")]
        append: Option<String>,
        /// The whole new text (written as the smallest edit, so others' edits survive)
        #[arg(long)]
        set: Option<String>,
    },
    /// Put a motion to the vote; prints its id
    Motion {
        /// The meeting's id
        id: MeetingId,
        /// What is proposed
        #[arg(long)]
        text: String,
        /// The topic it belongs to
        #[arg(long)]
        topic: Option<TopicId>,
        /// Passing needs two thirds of the votes cast (else more than half)
        #[arg(long)]
        two_thirds: bool,
    },
    /// Record one resident's vote
    Vote {
        /// The meeting's id
        id: MeetingId,
        /// The motion's id
        #[arg(long)]
        motion: MotionId,
        /// The resident's id
        #[arg(long)]
        resident: ResidentId,
        /// for, against or abstain (赞成, 反对, 弃权)
        #[arg(long, value_parser = vocab::<Choice>())]
        choice: Choice,
    },
    /// Set a show-of-hands count (replaces the count for that choice)
    Count {
        /// The meeting's id
        id: MeetingId,
        /// The motion's id
        #[arg(long)]
        motion: MotionId,
        /// for, against or abstain
        #[arg(long, value_parser = vocab::<Choice>())]
        choice: Choice,
        /// How many hands
        #[arg(long)]
        count: u32,
    },
    /// Record a decision; prints its id
    Decision {
        /// The meeting's id
        id: MeetingId,
        /// What was decided
        #[arg(long)]
        text: String,
        /// The motion it came from
        #[arg(long)]
        motion: Option<MotionId>,
    },
    /// Mark a follow-up action done (by this device's member, now)
    Done {
        /// The meeting's id
        id: MeetingId,
        /// The follow-up action's id
        #[arg(long)]
        action: NoteId,
    },
    /// Print the minutes (会议纪要) or the sign-in sheet (签到表) as HTML, into the data
    /// directory's exports folder unless --out says where
    Print {
        /// The meeting's id
        id: MeetingId,
        /// The minutes
        #[arg(long, conflicts_with = "sign_in", required_unless_present = "sign_in")]
        minutes: bool,
        /// The sign-in sheet
        #[arg(long)]
        sign_in: bool,
        /// The HTML file to write
        #[arg(long, value_name = "PATH")]
        out: Option<std::path::PathBuf>,
    },
    /// Add a follow-up action to a decision; prints its id
    Action {
        /// The meeting's id
        id: MeetingId,
        /// The decision's id
        #[arg(long)]
        decision: DecisionId,
        /// What is to be done
        #[arg(long)]
        text: String,
        /// Who does it
        #[arg(long)]
        owner: Option<String>,
        /// By when
        #[arg(long, value_name = "YYYY-MM-DD")]
        due: Option<Day>,
    },
}

/// `gridbook meeting create`.
#[derive(Debug, Args)]
pub(crate) struct MeetingCreateArgs {
    /// What it is about
    #[arg(long)]
    pub title: String,
    /// building, grid, courtyard or hall (楼栋议事单元, 网格议事会, 院落议事组, 协商议事厅)
    #[arg(long, value_parser = vocab::<MeetingLevel>())]
    pub level: MeetingLevel,
    /// The community's code or name
    #[arg(long)]
    pub community: String,
    /// The grid's id or name
    #[arg(long)]
    pub grid: Option<String>,
    /// Where
    #[arg(long)]
    pub place: String,
    /// When
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub day: Day,
    /// Who runs it
    #[arg(long)]
    pub facilitator: String,
    /// How many votes must be cast for a motion to count
    #[arg(long, default_value_t = 1)]
    pub quorum: u32,
}

pub(super) fn run(ctx: &Ctx, cmd: MeetingCommand) -> Result<String> {
    let mut book = ctx.open()?;
    match cmd {
        MeetingCommand::Create(a) => {
            let id = book.create_meeting(NewMeeting {
                title: a.title,
                level: a.level,
                community: a.community,
                grid: a.grid,
                place: a.place,
                day: a.day,
                facilitator: a.facilitator,
                quorum: a.quorum,
            })?;
            Ok(format!("{id}\n"))
        }
        MeetingCommand::List(flags) => list(&book, flags.json),
        MeetingCommand::Show { id, json } => {
            let view = book.meeting_view(&id)?;
            if json {
                output::json(&view)
            } else {
                Ok(show(&view))
            }
        }
        MeetingCommand::Checkin { id, residents } => {
            for r in &residents {
                book.check_in(&id, r)?;
            }
            Ok(format!("{} signed in to {id}\n", residents.len()))
        }
        MeetingCommand::Topic { id, title, need } => {
            let need = need.map(|n| n.resolve(&book)).transpose()?;
            Ok(format!("{}\n", book.add_topic(&id, &title, need.as_ref())?))
        }
        MeetingCommand::Escalate { id, topic } => {
            let level = book.escalate_topic(&id, &topic)?;
            Ok(format!(
                "{topic} goes up to the {} ({})\n",
                level,
                level.zh()
            ))
        }
        MeetingCommand::Settle { id, topic } => {
            book.settle_topic(&id, &topic)?;
            Ok(format!("{topic} is settled\n"))
        }
        MeetingCommand::Minutes { id, append, set } => {
            match (append, set) {
                (Some(text), _) => book.append_minutes(&id, &text)?,
                (None, Some(text)) => book.set_minutes(&id, &text)?,
                (None, None) => return Err(CliError::MinutesEdit.into()),
            }
            Ok(format!("minutes of {id} saved\n"))
        }
        MeetingCommand::Motion {
            id,
            text,
            topic,
            two_thirds,
        } => Ok(format!(
            "{}\n",
            book.add_motion(&id, &text, topic.as_ref(), two_thirds)?
        )),
        MeetingCommand::Vote {
            id,
            motion,
            resident,
            choice,
        } => {
            book.vote(&id, &motion, &resident, choice)?;
            Ok(tally_line(&mut book, &id, &motion)?)
        }
        MeetingCommand::Count {
            id,
            motion,
            choice,
            count,
        } => {
            book.set_count(&id, &motion, choice, count)?;
            Ok(tally_line(&mut book, &id, &motion)?)
        }
        MeetingCommand::Decision { id, text, motion } => Ok(format!(
            "{}\n",
            book.add_decision(&id, &text, motion.as_ref())?
        )),
        MeetingCommand::Done { id, action } => {
            book.complete_follow_up(&id, &action)?;
            Ok(format!("{action} is done\n"))
        }
        MeetingCommand::Print {
            id,
            minutes,
            sign_in: _,
            out,
        } => {
            let printout = if minutes {
                MeetingPaper::Minutes
            } else {
                MeetingPaper::SignIn
            };
            let printed = print::print_meeting(
                &mut book,
                &ctx.data,
                &id,
                printout,
                out,
                print::BLANK_LINES,
                false,
            )?;
            Ok(format!(
                "{}\n",
                crate::i18n::tr!(
                    "meetings.printed_to",
                    path = printed.path.display(),
                    n = printed.attendees
                )
            ))
        }
        MeetingCommand::Action {
            id,
            decision,
            text,
            owner,
            due,
        } => Ok(format!(
            "{}\n",
            book.add_follow_up(&id, &decision, &text, owner.as_deref(), due)?
        )),
    }
}

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::NoQuorum => "no quorum (未达法定人数)",
        Outcome::Passed => "passed (通过)",
        Outcome::Failed => "not passed (未通过)",
    }
}

fn tally_line(book: &mut Gridbook, id: &MeetingId, motion: &MotionId) -> Result<String> {
    let view = book.meeting_view(id)?;
    let m = view
        .motions
        .get(motion.as_str())
        .ok_or_else(|| CliError::MotionNotInMeeting {
            motion: motion.to_string(),
            meeting: id.to_string(),
        })?;
    Ok(format!(
        "{motion}: for {} · against {} · abstain {} · quorum {} → {}\n",
        m.tally.for_,
        m.tally.against,
        m.tally.abstain,
        view.quorum,
        outcome_text(m.outcome)
    ))
}

fn list(book: &Gridbook, json: bool) -> Result<String> {
    let mut rows = book.meeting_summaries()?;
    rows.sort_by(|a, b| {
        a.day
            .cmp(&b.day)
            .then_with(|| output::id_order(a.id.as_str()).cmp(&output::id_order(b.id.as_str())))
    });
    if json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        return Ok("no meetings yet: `gridbook meeting create` records one\n".into());
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.day.to_string(),
                m.level.zh().to_string(),
                m.community.clone(),
                output::truncate(&m.title, 30),
                m.attendees.to_string(),
                format!("{}/{}", m.topics_settled, m.topics),
                m.motions.to_string(),
            ]
        })
        .collect();
    Ok(output::table(
        &[
            "ID",
            "DAY",
            "LEVEL",
            "COMMUNITY",
            "TITLE",
            "SIGNED IN",
            "SETTLED",
            "MOTIONS",
        ],
        &table,
    ))
}

fn show(v: &MeetingView) -> String {
    let mut out = format!(
        "{}  {}\n{} · {} · {} · facilitator {} · quorum {} · {} signed in\n",
        v.id,
        v.title,
        v.level.zh(),
        v.day,
        v.place,
        v.facilitator,
        v.quorum,
        v.attendees.len()
    );
    if !v.topics.is_empty() {
        out.push_str("\nTopics:\n");
        for (id, t) in &v.topics {
            let state = match (t.settled, t.escalated_to) {
                (true, _) => "settled".to_string(),
                (false, Some(l)) => format!("escalated to {} ({})", l, l.zh()),
                (false, None) => "open".to_string(),
            };
            let need = t
                .need
                .as_ref()
                .map(|n| format!(" [need {n}]"))
                .unwrap_or_default();
            out.push_str(&format!("  {id}  {}{need} — {state}\n", t.title));
        }
    }
    if !v.motions.is_empty() {
        out.push_str("\nMotions:\n");
        for (id, m) in &v.motions {
            let majority = if m.two_thirds {
                "two thirds"
            } else {
                "more than half"
            };
            out.push_str(&format!(
                "  {id}  {}\n      for {} · against {} · abstain {} ({} ballots, hands {:?}) · needs {majority} → {}\n",
                m.text,
                m.tally.for_,
                m.tally.against,
                m.tally.abstain,
                m.ballots.len(),
                m.counts,
                outcome_text(m.outcome)
            ));
        }
    }
    if !v.decisions.is_empty() {
        out.push_str("\nDecisions:\n");
        for (id, d) in &v.decisions {
            out.push_str(&format!("  {id}  {}\n", d.text));
            for (action, a) in &d.actions {
                let mark = if a.done { "x" } else { " " };
                let done = match (&a.done_by, a.done_at) {
                    (Some(by), Some(at)) => format!(" · done by {by} on {}", at.day()),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "      [{mark}] {action}  {} · {} · due {}{done}\n",
                    a.text,
                    output::or_dash(a.owner.as_ref()),
                    output::or_dash(a.due.as_ref())
                ));
            }
        }
    }
    if !v.minutes.is_empty() {
        out.push_str(&format!("\nMinutes:\n{}\n", v.minutes));
    }
    out
}
