//! Volunteers, teams, activities and the time bank.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT, ReadDoc};
use autosurgeon::{hydrate_prop, reconcile_prop};

use super::{Gridbook, map_at};
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{ActivityId, MovementId, TeamId, VolunteerId};
use crate::summary::{self, Row, VolunteerSummary};
use crate::time::Day;
use crate::vocab::MovementKind;
use crate::volunteer::{Activity, Balance, Movement, Team, Volunteer, attendance_key};
use crate::{Field, RecordKind};

/// A volunteer to add to a community's roster.
#[derive(Debug, Clone)]
pub struct NewVolunteer {
    /// Community code or name.
    pub community: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Skills.
    pub skills: Vec<String>,
    /// Team.
    pub team: Option<TeamId>,
    /// When they joined.
    pub joined: Day,
}

/// A volunteer with their derived balance.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VolunteerView {
    /// Id.
    pub id: VolunteerId,
    /// Name.
    pub name: String,
    /// Community.
    pub community: String,
    /// Team id.
    pub team: Option<String>,
    /// Team name.
    pub team_name: Option<String>,
    /// Skills, sorted.
    pub skills: Vec<String>,
    /// Balance, derived from every movement.
    pub balance: Balance,
}

/// A summary of an activity, for lists.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActivitySummary {
    /// Id.
    pub id: ActivityId,
    /// The time-bank document.
    pub doc: String,
    /// Title.
    pub title: String,
    /// Team.
    pub team: Option<String>,
    /// Day.
    pub day: Day,
    /// Volunteers who came.
    pub attendees: u32,
}

/// The summary kind of activities.
pub const ACTIVITY: &str = "activity";

fn am<E: std::fmt::Display>(e: E) -> Error {
    Error::malformed("roster", e)
}

fn volunteer_row(id: &VolunteerId, v: &Volunteer, community: &str, doc_id: &DocId) -> Row {
    Row::new(
        summary::VOLUNTEER,
        id,
        &VolunteerSummary {
            id: id.clone(),
            doc: doc_id.to_string(),
            name: v.name.clone(),
            community: community.to_string(),
            team: v.team.as_ref().map(|t| t.to_string()),
            skills: v.skills.keys().cloned().collect(),
        },
    )
}

fn activity_row(id: &ActivityId, a: &Activity, doc_id: &DocId) -> Row {
    Row::new(
        ACTIVITY,
        id,
        &ActivitySummary {
            id: id.clone(),
            doc: doc_id.to_string(),
            title: a.title.clone(),
            team: a.team.as_ref().map(|t| t.to_string()),
            day: a.day,
            attendees: a.attendance.len() as u32,
        },
    )
}

pub(crate) fn rows_of_doc(doc: &Automerge, doc_id: &DocId) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    match doc_id {
        DocId::Roster { community } => {
            let volunteers: BTreeMap<String, Volunteer> =
                hydrate_prop(doc, ROOT, "volunteers").map_err(am)?;
            for (id, v) in volunteers {
                rows.push(volunteer_row(&id.parse()?, &v, community, doc_id));
            }
        }
        DocId::Timebank { .. } => {
            let activities: BTreeMap<String, Activity> =
                hydrate_prop(doc, ROOT, "activities").map_err(am)?;
            for (id, a) in activities {
                rows.push(activity_row(&id.parse()?, &a, doc_id));
            }
        }
        _ => {}
    }
    Ok(rows)
}

impl Gridbook {
    /// Adds a team, or a sub-team of `parent`, to a community's roster.
    pub fn add_team(
        &mut self,
        community: &str,
        name: &str,
        parent: Option<&TeamId>,
    ) -> Result<TeamId> {
        if name.trim().is_empty() {
            return Err(Error::Empty(Field::TeamName));
        }
        let community = self.resolve_community(community)?;
        let doc_id = DocId::Roster { community };
        let team = Team {
            name: name.trim().to_string(),
            parent: parent.cloned(),
        };
        self.op(|book| {
            book.edit(&doc_id, "add team", |tx, ids| {
                let teams = map_at(tx, ROOT, "teams", "roster")?;
                if let Some(p) = parent
                    && ReadDoc::get(tx, &teams, p.as_str()).map_err(am)?.is_none()
                {
                    return Err(Error::not_found(RecordKind::Team, p));
                }
                let id = ids.next(TeamId::new);
                reconcile_prop(tx, &teams, id.as_str(), &team).map_err(am)?;
                Ok((id, Vec::new()))
            })
        })
    }

    /// A community's teams, by id.
    pub fn teams(&mut self, community: &str) -> Result<BTreeMap<String, Team>> {
        let community = self.resolve_community(community)?;
        match self.doc(&DocId::Roster { community })? {
            None => Ok(BTreeMap::new()),
            Some(doc) => hydrate_prop(doc, ROOT, "teams").map_err(am),
        }
    }

    /// Adds a volunteer to a community's roster.
    pub fn add_volunteer(&mut self, new: NewVolunteer) -> Result<VolunteerId> {
        if new.name.trim().is_empty() {
            return Err(Error::Empty(Field::VolunteerName));
        }
        let community = self.resolve_community(&new.community)?;
        let doc_id = DocId::Roster {
            community: community.clone(),
        };
        let volunteer = Volunteer {
            name: new.name.trim().to_string(),
            phone: new.phone,
            skills: new
                .skills
                .into_iter()
                .map(|s| (s.trim().to_string(), true))
                .filter(|(s, _)| !s.is_empty())
                .collect(),
            team: new.team.clone(),
            joined: new.joined,
        };
        self.op(|book| {
            book.edit(&doc_id, "add volunteer", |tx, ids| {
                if let Some(t) = &new.team {
                    let teams = map_at(tx, ROOT, "teams", "roster")?;
                    if ReadDoc::get(tx, &teams, t.as_str()).map_err(am)?.is_none() {
                        return Err(Error::not_found(RecordKind::Team, t));
                    }
                }
                let id = ids.next(VolunteerId::new);
                let volunteers = map_at(tx, ROOT, "volunteers", "roster")?;
                reconcile_prop(tx, &volunteers, id.as_str(), &volunteer).map_err(am)?;
                let row = volunteer_row(&id, &volunteer, &community, &doc_id);
                Ok((id, vec![row]))
            })
        })
    }

    fn volunteer_summary(&self, id: &VolunteerId) -> Result<VolunteerSummary> {
        let row = self
            .summary_row(summary::VOLUNTEER, id.as_str())?
            .ok_or_else(|| Error::not_found(RecordKind::Volunteer, id))?;
        serde_json::from_slice(&row).map_err(|e| Error::malformed("summaries", e))
    }

    /// Records an activity run by a team; it goes in the time bank of the activity's year.
    pub fn add_activity(
        &mut self,
        community: &str,
        title: &str,
        team: Option<&TeamId>,
        day: Day,
        place: Option<&str>,
    ) -> Result<ActivityId> {
        if title.trim().is_empty() {
            return Err(Error::Empty(Field::ActivityTitle));
        }
        let community = self.resolve_community(community)?;
        if let Some(t) = team
            && !self.teams(&community)?.contains_key(t.as_str())
        {
            return Err(Error::not_found(RecordKind::Team, t));
        }
        let doc_id = DocId::Timebank {
            community,
            year: format!("{:04}", day.0.year()),
        };
        let activity = Activity {
            title: title.trim().to_string(),
            team: team.cloned(),
            day,
            place: place.map(str::to_string),
            attendance: BTreeMap::new(),
        };
        self.op(|book| {
            book.edit(&doc_id, "add activity", |tx, ids| {
                let id = ids.next(ActivityId::new);
                let activities = map_at(tx, ROOT, "activities", "timebank")?;
                reconcile_prop(tx, &activities, id.as_str(), &activity).map_err(am)?;
                let row = activity_row(&id, &activity, &doc_id);
                Ok((id, vec![row]))
            })
        })
    }

    /// Every activity's summary row.
    pub fn activity_summaries(&self) -> Result<Vec<ActivitySummary>> {
        self.summary_rows(ACTIVITY)
    }

    /// Records that a volunteer served at an activity for `minutes`, earning `points`. The
    /// same attendance recorded on two devices is one movement, not two.
    pub fn record_attendance(
        &mut self,
        activity: &ActivityId,
        volunteer: &VolunteerId,
        minutes: u32,
        points: u32,
    ) -> Result<()> {
        self.record_service(activity, std::slice::from_ref(volunteer), minutes, points)
    }

    /// Records that each of `volunteers` served at an activity for `minutes`, earning `points`
    /// each: one change to the activity's time bank, one store transaction. Nothing is written
    /// when any of them is unknown.
    pub fn record_service(
        &mut self,
        activity: &ActivityId,
        volunteers: &[VolunteerId],
        minutes: u32,
        points: u32,
    ) -> Result<()> {
        if minutes == 0 || minutes > 24 * 60 {
            return Err(Error::ServiceTime(minutes));
        }
        if volunteers.is_empty() {
            return Err(Error::Empty(Field::Attendees));
        }
        for volunteer in volunteers {
            self.volunteer_summary(volunteer)?;
        }
        let row = self
            .summary_row(ACTIVITY, activity.as_str())?
            .ok_or_else(|| Error::not_found(RecordKind::Activity, activity))?;
        let summary: ActivitySummary =
            serde_json::from_slice(&row).map_err(|e| Error::malformed("summaries", e))?;
        let doc_id: DocId = summary
            .doc
            .parse()
            .map_err(|_| Error::malformed("summaries", "bad document id"))?;
        let at = self.now();
        let who: Vec<&str> = volunteers.iter().map(VolunteerId::as_str).collect();
        self.op(|book| {
            book.edit(
                &doc_id,
                &format!("{} served at {activity}", who.join(" ")),
                |tx, _| {
                    let activities = map_at(tx, ROOT, "activities", "timebank")?;
                    let obj = map_at(tx, activities.clone(), activity.as_str(), "timebank")?;
                    let attendance = map_at(tx, obj, "attendance", "timebank")?;
                    let movements = map_at(tx, ROOT, "movements", "timebank")?;
                    for volunteer in volunteers {
                        tx.put(&attendance, volunteer.as_str(), u64::from(minutes))
                            .map_err(am)?;
                        let movement = Movement {
                            volunteer: volunteer.clone(),
                            kind: MovementKind::Earn,
                            minutes: i64::from(minutes),
                            points: i64::from(points),
                            activity: Some(activity.clone()),
                            note: None,
                            at,
                        };
                        let key = attendance_key(activity, volunteer);
                        reconcile_prop(tx, &movements, key.as_str(), &movement).map_err(am)?;
                    }
                    let a: Activity =
                        hydrate_prop(tx, &activities, activity.as_str()).map_err(am)?;
                    Ok(((), vec![activity_row(activity, &a, &doc_id)]))
                },
            )
        })
    }

    /// Replaces a volunteer's skills with `skills` (trimmed, empty ones dropped), skill by
    /// skill: a skill another device added meanwhile stays, one it removed stays removed.
    pub fn set_skills(&mut self, volunteer: &VolunteerId, skills: &[String]) -> Result<()> {
        let v = self.volunteer_summary(volunteer)?;
        let doc_id: DocId = v
            .doc
            .parse()
            .map_err(|_| Error::malformed("summaries", "bad document id"))?;
        let wanted: std::collections::BTreeSet<String> = skills
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let community = v.community;
        self.op(|book| {
            book.edit(&doc_id, &format!("set skills of {volunteer}"), |tx, _| {
                let volunteers = map_at(tx, ROOT, "volunteers", "roster")?;
                let obj = map_at(tx, volunteers.clone(), volunteer.as_str(), "roster")?;
                let map = match ReadDoc::get(tx, &obj, "skills").map_err(am)? {
                    Some((automerge::Value::Object(_), id)) => id,
                    _ => tx
                        .put_object(&obj, "skills", automerge::ObjType::Map)
                        .map_err(am)?,
                };
                let held: Vec<String> = ReadDoc::keys(tx, &map).collect();
                for old in held.iter().filter(|k| !wanted.contains(*k)) {
                    tx.delete(&map, old.as_str()).map_err(am)?;
                }
                for new in wanted.iter().filter(|k| !held.contains(*k)) {
                    tx.put(&map, new.as_str(), true).map_err(am)?;
                }
                let v: Volunteer = hydrate_prop(tx, &volunteers, volunteer.as_str()).map_err(am)?;
                Ok(((), vec![volunteer_row(volunteer, &v, &community, &doc_id)]))
            })
        })
    }

    /// Records a redemption (`Redeem`, positive amounts) or a signed correction (`Correct`).
    pub fn add_movement(
        &mut self,
        volunteer: &VolunteerId,
        kind: MovementKind,
        minutes: i64,
        points: i64,
        note: &str,
    ) -> Result<MovementId> {
        let v = self.volunteer_summary(volunteer)?;
        match kind {
            MovementKind::Earn => {
                return Err(Error::EarnedByAttending);
            }
            MovementKind::Redeem if minutes < 0 || points < 0 || (minutes == 0 && points == 0) => {
                return Err(Error::RedeemNothing);
            }
            MovementKind::Correct if note.trim().is_empty() => {
                return Err(Error::Empty(Field::CorrectionNote));
            }
            _ => {}
        }
        let at = self.now();
        let doc_id = DocId::Timebank {
            community: v.community,
            year: format!("{:04}", at.day().0.year()),
        };
        let movement = Movement {
            volunteer: volunteer.clone(),
            kind,
            minutes,
            points,
            activity: None,
            note: Some(note.trim().to_string()).filter(|n| !n.is_empty()),
            at,
        };
        self.op(|book| {
            book.edit(&doc_id, &format!("{kind} for {volunteer}"), |tx, ids| {
                let id = ids.next(MovementId::new);
                let movements = map_at(tx, ROOT, "movements", "timebank")?;
                reconcile_prop(tx, &movements, id.as_str(), &movement).map_err(am)?;
                Ok((id, Vec::new()))
            })
        })
    }

    /// Every movement of a community, from all its time-bank years.
    pub fn movements(&mut self, community: &str) -> Result<Vec<(String, Movement)>> {
        let community = self.resolve_community(community)?;
        let mut out = Vec::new();
        for doc_id in self.doc_ids()? {
            if !matches!(&doc_id, DocId::Timebank { community: c, .. } if *c == community) {
                continue;
            }
            if let Some(doc) = self.doc(&doc_id)? {
                let movements: BTreeMap<String, Movement> =
                    hydrate_prop(doc, ROOT, "movements").map_err(am)?;
                out.extend(movements);
            }
        }
        Ok(out)
    }

    /// Every volunteer of a community with their balance, recomputed from the movements.
    pub fn balances(&mut self, community: &str) -> Result<Vec<VolunteerView>> {
        let community = self.resolve_community(community)?;
        let mut balances: BTreeMap<String, Balance> = BTreeMap::new();
        for (_, m) in self.movements(&community)? {
            balances.entry(m.volunteer.to_string()).or_default().add(&m);
        }
        let teams = self.teams(&community)?;
        let roster = self.volunteer_summaries()?;
        Ok(roster
            .into_iter()
            .filter(|v| v.community == community)
            .map(|v| VolunteerView {
                balance: balances.get(v.id.as_str()).copied().unwrap_or_default(),
                team_name: v
                    .team
                    .as_ref()
                    .and_then(|t| teams.get(t))
                    .map(|t| t.name.clone()),
                id: v.id,
                name: v.name,
                community: v.community,
                team: v.team,
                skills: v.skills,
            })
            .collect())
    }

    /// One volunteer's balance.
    pub fn balance(&mut self, volunteer: &VolunteerId) -> Result<Balance> {
        let v = self.volunteer_summary(volunteer)?;
        let mut b = Balance::default();
        for (_, m) in self.movements(&v.community)? {
            if &m.volunteer == volunteer {
                b.add(&m);
            }
        }
        Ok(b)
    }

    /// The volunteers who served most in `month` (`YYYY-MM`), most first. Service counts for
    /// the month of its activity's day, whatever the clock of the device that recorded it said.
    pub fn star_volunteers(
        &mut self,
        community: &str,
        month: &str,
        top: usize,
    ) -> Result<Vec<(VolunteerSummary, i64)>> {
        let mut served: BTreeMap<String, i64> = BTreeMap::new();
        for (volunteer, day, minutes) in self.service(community)? {
            if day.month() == month {
                *served.entry(volunteer.to_string()).or_default() += minutes;
            }
        }
        let mut out: Vec<(VolunteerSummary, i64)> = Vec::new();
        for (id, minutes) in served {
            out.push((self.volunteer_summary(&id.parse()?)?, minutes));
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
        out.truncate(top);
        Ok(out)
    }

    /// The latest month (`YYYY-MM`) anyone of a community served in, by the activities' days.
    pub fn latest_service_month(&mut self, community: &str) -> Result<Option<String>> {
        Ok(self
            .service(community)?
            .into_iter()
            .map(|(_, day, _)| day.month())
            .max())
    }

    /// Every service of a community: who, the day it counts for (its activity's day; the
    /// recording device's day for an earning with no activity) and minutes.
    fn service(&mut self, community: &str) -> Result<Vec<(VolunteerId, Day, i64)>> {
        let community = self.resolve_community(community)?;
        let mut out = Vec::new();
        for doc_id in self.doc_ids()? {
            if !matches!(&doc_id, DocId::Timebank { community: c, .. } if *c == community) {
                continue;
            }
            let Some(doc) = self.doc(&doc_id)? else {
                continue;
            };
            let movements: BTreeMap<String, Movement> =
                hydrate_prop(doc, ROOT, "movements").map_err(am)?;
            let activities: BTreeMap<String, Activity> =
                hydrate_prop(doc, ROOT, "activities").map_err(am)?;
            for (_, m) in movements {
                if m.kind != MovementKind::Earn {
                    continue;
                }
                let day = m
                    .activity
                    .as_ref()
                    .and_then(|a| activities.get(a.as_str()))
                    .map_or_else(|| m.at.day(), |a| a.day);
                out.push((m.volunteer, day, m.minutes));
            }
        }
        Ok(out)
    }

    /// Every volunteer's summary row.
    pub fn volunteer_summaries(&self) -> Result<Vec<VolunteerSummary>> {
        self.summary_rows(summary::VOLUNTEER)
    }
}

#[cfg(test)]
#[path = "volunteers_tests.rs"]
mod tests;
