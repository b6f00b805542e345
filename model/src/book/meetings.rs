//! Meetings: creating one, check-in, topics, minutes, motions, ballots and counts, decisions.

use std::collections::BTreeMap;

use automerge::transaction::{Transactable, Transaction};
use automerge::{Automerge, ObjId, ROOT, ReadDoc};
use autosurgeon::{hydrate, reconcile_prop};

use super::{Gridbook, IdSource, Read, map_at};
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{DecisionId, MeetingId, MotionId, NeedId, ResidentId, TopicId};
use crate::meeting::{Attendance, Decision, Meeting, MeetingInfo, Motion, Outcome, Tally, Topic};
use crate::summary::{self, MeetingSummary, Row};
use crate::time::Day;
use crate::vocab::{Choice, MeetingLevel};
use crate::{Field, RecordKind};

/// A meeting to hold.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// What it is about.
    pub title: String,
    /// Which level.
    pub level: MeetingLevel,
    /// Community code or name.
    pub community: String,
    /// Grid id or name, for building and grid meetings.
    pub grid: Option<String>,
    /// Where.
    pub place: String,
    /// When.
    pub day: Day,
    /// Who runs it.
    pub facilitator: String,
    /// Votes that must be cast for a motion to count.
    pub quorum: u32,
}

/// A meeting with every motion's derived tally and outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeetingView {
    /// The facts.
    pub id: MeetingId,
    /// Title.
    pub title: String,
    /// Level.
    pub level: MeetingLevel,
    /// Where.
    pub place: String,
    /// When.
    pub day: Day,
    /// Facilitator.
    pub facilitator: String,
    /// Quorum of votes cast.
    pub quorum: u32,
    /// Residents signed in.
    pub attendees: Vec<String>,
    /// Topics by id.
    pub topics: BTreeMap<String, TopicView>,
    /// Minutes.
    pub minutes: String,
    /// Motions by id.
    pub motions: BTreeMap<String, MotionView>,
    /// Decisions by id.
    pub decisions: BTreeMap<String, DecisionView>,
}

/// A topic, for display.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TopicView {
    /// Title.
    pub title: String,
    /// Linked need.
    pub need: Option<String>,
    /// Escalated to.
    pub escalated_to: Option<MeetingLevel>,
    /// Settled.
    pub settled: bool,
}

/// A motion with its derived tally.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MotionView {
    /// What is proposed.
    pub text: String,
    /// Two-thirds majority.
    pub two_thirds: bool,
    /// Ballots by resident id.
    pub ballots: BTreeMap<String, Choice>,
    /// Show-of-hands counts by choice.
    pub counts: BTreeMap<String, u32>,
    /// Derived tally.
    pub tally: Tally,
    /// Derived outcome.
    pub outcome: Outcome,
}

/// A decision, for display.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DecisionView {
    /// What was decided.
    pub text: String,
    /// From which motion.
    pub motion: Option<String>,
    /// Follow-up actions, by id.
    pub actions: BTreeMap<String, FollowUpView>,
}

/// A follow-up action, for display.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FollowUpView {
    /// What is to be done.
    pub text: String,
    /// Who does it.
    pub owner: Option<String>,
    /// By when.
    pub due: Option<Day>,
    /// Done.
    pub done: bool,
    /// Who marked it done.
    pub done_by: Option<String>,
    /// When it was marked done.
    pub done_at: Option<crate::time::Timestamp>,
}

fn summarize(meeting: &Meeting, doc_id: &DocId) -> MeetingSummary {
    MeetingSummary {
        id: meeting.meeting.id.clone(),
        doc: doc_id.to_string(),
        title: meeting.meeting.title.clone(),
        level: meeting.meeting.level,
        community: meeting.meeting.community.clone(),
        day: meeting.meeting.day,
        attendees: meeting.attendees.len() as u32,
        topics: meeting.topics.len() as u32,
        topics_settled: meeting.topics.values().filter(|t| t.settled).count() as u32,
        motions: meeting.motions.len() as u32,
    }
}

fn hydrate_meeting<D: Read>(doc: &D, doc_id: &DocId) -> Result<Meeting> {
    hydrate(doc).map_err(|e| Error::malformed(doc_id, e))
}

pub(crate) fn rows_of_doc(doc: &Automerge, doc_id: &DocId) -> Result<Vec<Row>> {
    if ReadDoc::get(doc, ROOT, "meeting").ok().flatten().is_none() {
        return Ok(Vec::new());
    }
    let meeting = hydrate_meeting(doc, doc_id)?;
    Ok(vec![Row::new(
        summary::MEETING,
        &meeting.meeting.id,
        &summarize(&meeting, doc_id),
    )])
}

pub(super) fn entry_at<D: Read>(
    doc: &D,
    table: &str,
    key: &str,
    kind: RecordKind,
) -> Result<ObjId> {
    let obj = map_at(doc, ROOT, table, "meeting")?;
    match ReadDoc::get(doc, &obj, key).map_err(|e| Error::malformed("meeting", e))? {
        Some((automerge::Value::Object(_), id)) => Ok(id),
        _ => Err(Error::not_found(kind, key)),
    }
}

pub(super) fn am<E: std::fmt::Display>(e: E) -> Error {
    Error::malformed("meeting", e)
}

impl Gridbook {
    /// Creates a meeting; returns its id.
    pub fn create_meeting(&mut self, new: NewMeeting) -> Result<MeetingId> {
        if new.title.trim().is_empty() {
            return Err(Error::Empty(Field::MeetingTitle));
        }
        if new.place.trim().is_empty() {
            return Err(Error::Empty(Field::MeetingPlace));
        }
        let community = self.resolve_community(&new.community)?;
        let grid = match &new.grid {
            Some(g) => Some(self.resolve_grid(g)?.0),
            None => None,
        };
        let now = self.now();
        let id = self.ids.next(MeetingId::new);
        let doc_id = DocId::Meeting(id.clone());
        let info = MeetingInfo {
            id: id.clone(),
            title: new.title.trim().to_string(),
            level: new.level,
            community,
            grid,
            place: new.place.trim().to_string(),
            day: new.day,
            facilitator: new.facilitator.trim().to_string(),
            quorum: new.quorum,
            created_at: now,
        };
        self.op(|book| {
            book.edit(&doc_id, "create meeting", |tx, _| {
                reconcile_prop(tx, ROOT, "meeting", &info).map_err(am)?;
                let meeting = hydrate_meeting(tx, &doc_id)?;
                Ok((
                    (),
                    vec![Row::new(
                        summary::MEETING,
                        &id,
                        &summarize(&meeting, &doc_id),
                    )],
                ))
            })
        })?;
        Ok(id)
    }

    /// Edits a meeting document and refreshes its summary row.
    pub(super) fn edit_meeting<R>(
        &mut self,
        id: &MeetingId,
        message: String,
        f: impl FnOnce(&mut Transaction<'_>, &mut IdSource) -> Result<R>,
    ) -> Result<R> {
        let doc_id = DocId::Meeting(id.clone());
        if self.doc(&doc_id)?.is_none() {
            return Err(Error::not_found(RecordKind::Meeting, id));
        }
        self.op(|book| {
            book.edit(&doc_id, &message, |tx, ids| {
                let r = f(tx, ids)?;
                let meeting = hydrate_meeting(tx, &doc_id)?;
                Ok((
                    r,
                    vec![Row::new(
                        summary::MEETING,
                        id,
                        &summarize(&meeting, &doc_id),
                    )],
                ))
            })
        })
    }

    /// Signs a resident in (a resident merged into another signs in as that one).
    pub fn check_in(&mut self, meeting: &MeetingId, resident: &ResidentId) -> Result<()> {
        let resident = self.canonical_resident(resident)?;
        let at = self.now();
        self.edit_meeting(meeting, format!("check in {resident}"), |tx, _| {
            let attendees = map_at(tx, ROOT, "attendees", "meeting")?;
            if ReadDoc::get(tx, &attendees, resident.as_str())
                .map_err(am)?
                .is_none()
            {
                reconcile_prop(tx, &attendees, resident.as_str(), &Attendance { at })
                    .map_err(am)?;
            }
            Ok(())
        })
    }

    /// Puts a topic on the agenda, optionally linked to a need.
    pub fn add_topic(
        &mut self,
        meeting: &MeetingId,
        title: &str,
        need: Option<&NeedId>,
    ) -> Result<TopicId> {
        if title.trim().is_empty() {
            return Err(Error::Empty(Field::TopicTitle));
        }
        if let Some(n) = need {
            self.need(n)?;
        }
        let topic = Topic {
            title: title.trim().to_string(),
            need: need.cloned(),
            escalated_to: None,
            settled: false,
        };
        self.edit_meeting(meeting, "add topic".into(), |tx, ids| {
            let id = ids.next(TopicId::new);
            let topics = map_at(tx, ROOT, "topics", "meeting")?;
            reconcile_prop(tx, &topics, id.as_str(), &topic).map_err(am)?;
            Ok(id)
        })
    }

    /// Sends a topic this level cannot settle up to the next level; returns that level.
    pub fn escalate_topic(&mut self, meeting: &MeetingId, topic: &TopicId) -> Result<MeetingLevel> {
        let level = self.meeting(meeting)?.meeting.level;
        let above = level.above().ok_or(Error::TopLevel)?;
        self.edit_meeting(meeting, format!("escalate {topic} to {above}"), |tx, _| {
            let obj = entry_at(tx, "topics", topic.as_str(), RecordKind::Topic)?;
            tx.put(&obj, "escalated_to", above.token()).map_err(am)?;
            Ok(above)
        })
    }

    /// Marks a topic settled at this meeting.
    pub fn settle_topic(&mut self, meeting: &MeetingId, topic: &TopicId) -> Result<()> {
        self.edit_meeting(meeting, format!("settle {topic}"), |tx, _| {
            let obj = entry_at(tx, "topics", topic.as_str(), RecordKind::Topic)?;
            tx.put(&obj, "settled", true).map_err(am)
        })
    }

    /// Adds text to the end of the minutes (merged with other devices' typing).
    pub fn append_minutes(&mut self, meeting: &MeetingId, text: &str) -> Result<()> {
        self.edit_meeting(meeting, "minutes".into(), |tx, _| {
            let minutes = map_at(tx, ROOT, "minutes", "meeting")?;
            let len = tx.length(&minutes);
            let sep = if len > 0 && !text.starts_with('\n') {
                "\n"
            } else {
                ""
            };
            tx.splice_text(&minutes, len, 0, &format!("{sep}{text}"))
                .map_err(am)
        })
    }

    /// Replaces the minutes with `text`, written as the smallest edit from what is there, so
    /// concurrent edits elsewhere in the text survive.
    pub fn set_minutes(&mut self, meeting: &MeetingId, text: &str) -> Result<()> {
        self.edit_meeting(meeting, "minutes".into(), |tx, _| {
            let minutes = map_at(tx, ROOT, "minutes", "meeting")?;
            tx.update_text(&minutes, text).map_err(am)
        })
    }

    /// Puts a motion to the vote.
    pub fn add_motion(
        &mut self,
        meeting: &MeetingId,
        text: &str,
        topic: Option<&TopicId>,
        two_thirds: bool,
    ) -> Result<MotionId> {
        if text.trim().is_empty() {
            return Err(Error::Empty(Field::MotionText));
        }
        let motion = Motion {
            text: text.trim().to_string(),
            topic: topic.map(|t| t.to_string()),
            two_thirds,
            ballots: BTreeMap::new(),
            counts: BTreeMap::new(),
        };
        self.edit_meeting(meeting, "add motion".into(), |tx, ids| {
            if let Some(t) = topic {
                entry_at(tx, "topics", t.as_str(), RecordKind::Topic)?;
            }
            let id = ids.next(MotionId::new);
            let motions = map_at(tx, ROOT, "motions", "meeting")?;
            reconcile_prop(tx, &motions, id.as_str(), &motion).map_err(am)?;
            Ok(id)
        })
    }

    /// Records one resident's vote (signing them in if they were not). Recording the same
    /// resident's vote on two devices leaves one ballot.
    pub fn vote(
        &mut self,
        meeting: &MeetingId,
        motion: &MotionId,
        resident: &ResidentId,
        choice: Choice,
    ) -> Result<()> {
        let resident = self.canonical_resident(resident)?;
        let at = self.now();
        self.edit_meeting(
            meeting,
            format!("{resident} votes {choice} on {motion}"),
            |tx, _| {
                let obj = entry_at(tx, "motions", motion.as_str(), RecordKind::Motion)?;
                let ballots = map_at(tx, obj, "ballots", "meeting")?;
                tx.put(&ballots, resident.as_str(), choice.token())
                    .map_err(am)?;
                let attendees = map_at(tx, ROOT, "attendees", "meeting")?;
                if ReadDoc::get(tx, &attendees, resident.as_str())
                    .map_err(am)?
                    .is_none()
                {
                    reconcile_prop(tx, &attendees, resident.as_str(), &Attendance { at })
                        .map_err(am)?;
                }
                Ok(())
            },
        )
    }

    /// Sets the show-of-hands count for one choice (replacing, never adding to, what was there).
    pub fn set_count(
        &mut self,
        meeting: &MeetingId,
        motion: &MotionId,
        choice: Choice,
        count: u32,
    ) -> Result<()> {
        self.edit_meeting(
            meeting,
            format!("{count} hands {choice} on {motion}"),
            |tx, _| {
                let obj = entry_at(tx, "motions", motion.as_str(), RecordKind::Motion)?;
                let counts = map_at(tx, obj, "counts", "meeting")?;
                tx.put(&counts, choice.token(), u64::from(count))
                    .map_err(am)
            },
        )
    }

    /// Records a decision, optionally from a motion.
    pub fn add_decision(
        &mut self,
        meeting: &MeetingId,
        text: &str,
        motion: Option<&MotionId>,
    ) -> Result<DecisionId> {
        if text.trim().is_empty() {
            return Err(Error::Empty(Field::DecisionText));
        }
        let decision = Decision {
            text: text.trim().to_string(),
            motion: motion.map(|m| m.to_string()),
            actions: BTreeMap::new(),
        };
        self.edit_meeting(meeting, "add decision".into(), |tx, ids| {
            if let Some(m) = motion {
                entry_at(tx, "motions", m.as_str(), RecordKind::Motion)?;
            }
            let id = ids.next(DecisionId::new);
            let decisions = map_at(tx, ROOT, "decisions", "meeting")?;
            reconcile_prop(tx, &decisions, id.as_str(), &decision).map_err(am)?;
            Ok(id)
        })
    }

    /// A meeting, whole.
    pub fn meeting(&mut self, id: &MeetingId) -> Result<Meeting> {
        let doc_id = DocId::Meeting(id.clone());
        let doc = self
            .doc(&doc_id)?
            .ok_or_else(|| Error::not_found(RecordKind::Meeting, id))?;
        hydrate_meeting(doc, &doc_id)
    }

    /// A meeting with every motion's tally and outcome, residents merged.
    pub fn meeting_view(&mut self, id: &MeetingId) -> Result<MeetingView> {
        let merges = self.resident_merges()?;
        let m = self.meeting(id)?;
        let quorum = m.meeting.quorum;
        Ok(MeetingView {
            id: m.meeting.id,
            title: m.meeting.title,
            level: m.meeting.level,
            place: m.meeting.place,
            day: m.meeting.day,
            facilitator: m.meeting.facilitator,
            quorum,
            attendees: m.attendees.keys().cloned().collect(),
            topics: m
                .topics
                .into_iter()
                .map(|(k, t)| {
                    let view = TopicView {
                        title: t.title,
                        need: t.need.map(|n| n.to_string()),
                        escalated_to: t.escalated_to,
                        settled: t.settled,
                    };
                    (k, view)
                })
                .collect(),
            minutes: m.minutes.as_str().to_string(),
            motions: m
                .motions
                .into_iter()
                .map(|(k, motion)| {
                    let tally = motion.tally(&merges);
                    let view = MotionView {
                        outcome: tally.outcome(quorum, motion.two_thirds),
                        tally,
                        text: motion.text,
                        two_thirds: motion.two_thirds,
                        ballots: motion.ballots,
                        counts: motion.counts,
                    };
                    (k, view)
                })
                .collect(),
            decisions: m
                .decisions
                .into_iter()
                .map(|(k, d)| {
                    let actions = d
                        .actions
                        .into_iter()
                        .map(|(id, a)| {
                            let view = FollowUpView {
                                text: a.text,
                                owner: a.owner,
                                due: a.due,
                                done: a.done,
                                done_by: a.done_by,
                                done_at: a.done_at,
                            };
                            (id, view)
                        })
                        .collect();
                    (
                        k,
                        DecisionView {
                            text: d.text,
                            motion: d.motion,
                            actions,
                        },
                    )
                })
                .collect(),
        })
    }

    /// Every meeting's summary row.
    pub fn meeting_summaries(&self) -> Result<Vec<MeetingSummary>> {
        self.summary_rows(summary::MEETING)
    }
}
