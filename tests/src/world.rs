//! A small community shared by several devices on disk, with the records random edits work on
//! (residents, a meeting with a motion, a volunteer and an activity), and the edits
//! themselves, each remembered when the device acknowledged it so that tests can check
//! nothing acknowledged was lost.

use std::collections::BTreeSet;

use gridbook_model::ids::VolunteerId;
use gridbook_model::ids::{ActivityId, MeetingId, MotionId, MovementId, NeedId, ResidentId};
use gridbook_model::need::Transition;
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::{
    Category, Choice, Claimant, CloseReason, Difficulty, MeetingLevel, MovementKind, ProjectKind,
    Route,
};
use gridbook_model::{
    Gridbook, NeedEdit, NewMeeting, NewNeed, NewResident, NewVolunteer, PlaceKind, Result,
};

use crate::net::{Net, Replica};

/// 2026-11-27 08:00 in Beijing, in milliseconds: the clock every device starts with, so a
/// case replays the same changes whenever it runs.
pub const START: Timestamp = Timestamp(1_795_737_600_000);

/// A year after [`START`]: a device whose clock runs a year fast.
pub const NEXT_YEAR: Timestamp = Timestamp(START.0 + 365 * 86_400_000);

/// One edit a person makes on one device.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Records a need.
    AddNeed {
        /// Index into the category list.
        category: usize,
    },
    /// Moves a need one step (refused from the wrong stage).
    Advance {
        /// Which need (by order of creation, modulo how many).
        need: usize,
        /// Which step.
        step: usize,
    },
    /// Sets a need's due day.
    EditDue {
        /// Which need.
        need: usize,
        /// Day of December.
        day: u8,
    },
    /// Renames a need.
    EditTitle {
        /// Which need.
        need: usize,
        /// Part of the title.
        n: u8,
    },
    /// Records a resident's ballot on the shared motion.
    Vote {
        /// Which resident.
        resident: usize,
        /// Which choice.
        choice: usize,
    },
    /// Sets a show-of-hands count on the shared motion.
    Hands {
        /// Which choice.
        choice: usize,
        /// How many hands.
        count: u8,
    },
    /// Appends a line to the shared meeting's minutes.
    Minutes,
    /// Records the volunteer's attendance at the shared activity.
    Attend {
        /// Hours served.
        hours: u8,
    },
    /// Redeems some of the volunteer's hours.
    Redeem {
        /// Hours redeemed.
        hours: u8,
    },
    /// Records that the third resident is a duplicate of the second.
    MergeResidents,
}

/// The categories random needs are recorded under.
pub const CATEGORIES: [Category; 4] = [
    Category::ElderlyCare,
    Category::Facilities,
    Category::Parking,
    Category::Dispute,
];
/// The ballot choices.
pub const CHOICES: [Choice; 3] = [Choice::For, Choice::Against, Choice::Abstain];

/// The step `step` of a need's lifecycle, from classification to closing.
pub fn transition(step: usize) -> Transition {
    match step % 6 {
        0 => Transition::Classify {
            category: None,
            reasonable: true,
            difficulty: Difficulty::Medium,
            duplicate_of: None,
        },
        1 => Transition::Design {
            route: Route::Project,
            project_kind: Some(ProjectKind::Regular),
            plan: None,
        },
        2 => Transition::Claim {
            claimant: Claimant::PartyMember,
            claimant_name: "李明".into(),
        },
        3 => Transition::Evaluate {
            satisfaction: 5,
            evaluation: "好".into(),
            feedback_given: true,
        },
        4 => Transition::Close {
            reason: CloseReason::Completed,
            note: None,
        },
        _ => Transition::Close {
            reason: CloseReason::Withdrawn,
            note: None,
        },
    }
}

/// What devices acknowledged, to be found on every device at the end.
#[derive(Debug, Default)]
pub struct Acknowledged {
    /// Needs recorded.
    pub needs: Vec<NeedId>,
    /// Lines appended to the minutes.
    pub minutes: Vec<String>,
    /// Residents whose ballot was recorded.
    pub voters: BTreeSet<ResidentId>,
    /// Redemptions recorded.
    pub redemptions: Vec<MovementId>,
    /// Whether an attendance was recorded.
    pub attended: bool,
    /// Edits refused (wrong stage, a record the device has not seen yet…): allowed, but they
    /// must be errors, never panics.
    pub refused: usize,
}

/// The shared records of a world.
pub struct World {
    /// The devices and the network between them.
    pub net: Net,
    /// What was acknowledged.
    pub acked: Acknowledged,
    /// Residents of the register.
    pub residents: Vec<ResidentId>,
    /// The shared meeting.
    pub meeting: MeetingId,
    /// Its motion.
    pub motion: MotionId,
    /// The volunteer.
    pub volunteer: VolunteerId,
    /// The activity.
    pub activity: ActivityId,
    minutes_seq: usize,
}

/// The device key of device `i`: fixed, so a case replays identically.
fn key_of(i: usize) -> [u8; 32] {
    let mut k = [0x5a; 32];
    k[0] = i as u8 + 1;
    k
}

/// `n` devices on disk: the first founds the network and records the shared records, and
/// every other one has synced with it once.
pub fn world(n: usize) -> Result<World> {
    let mut replicas = Vec::with_capacity(n);
    for i in 0..n {
        let mut r = Replica::create_with_key(key_of(i))?;
        r.set_now(Some(START));
        replicas.push(r);
    }
    let keys: Vec<String> = replicas.iter().map(|r| r.id.clone()).collect();
    let office = replicas[0].book();
    let founder = office.init_network("凤凰台街道", "赵敏")?;
    // Every device edits every kind of document here: each is granted the admin role.
    for key in &keys[1..] {
        office.add_device(key, &founder, gridbook_model::vocab::Role::Admin)?;
    }
    office.add_place(PlaceKind::Community, None, "zt", "中台社区")?;
    office.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")?;
    office.add_place(PlaceKind::Building, Some("zt-g3"), "b12", "12号楼")?;
    let mut residents = Vec::new();
    for name in ["刘秀英", "孙德胜", "王桂兰"] {
        residents.push(office.add_resident(NewResident {
            name: name.into(),
            building: Some("zt-g3-b12".into()),
            ..Default::default()
        })?);
    }
    let meeting = office.create_meeting(NewMeeting {
        title: "停车位".into(),
        level: MeetingLevel::Grid,
        community: "zt".into(),
        grid: None,
        place: "议事点".into(),
        day: "2026-11-28".parse().expect("a day"),
        facilitator: "陈静".into(),
        quorum: 2,
    })?;
    let motion = office.add_motion(&meeting, "划车位", None, false)?;
    let volunteer = office.add_volunteer(NewVolunteer {
        community: "zt".into(),
        name: "孙师傅".into(),
        phone: None,
        skills: vec![],
        team: None,
        joined: "2026-01-01".parse().expect("a day"),
    })?;
    let activity = office.add_activity(
        "zt",
        "义修",
        None,
        "2026-11-21".parse().expect("a day"),
        None,
    )?;
    let mut net = Net::new(replicas);
    net.final_exchange(10)?;
    Ok(World {
        net,
        acked: Acknowledged::default(),
        residents,
        meeting,
        motion,
        volunteer,
        activity,
        minutes_seq: 0,
    })
}

impl World {
    /// Makes `edit` on device `dev`, remembering it if the device acknowledged it.
    pub fn edit(&mut self, dev: usize, edit: &Edit) {
        let acked = &mut self.acked;
        let book: &mut Gridbook = self.net.replicas[dev].book();
        let need = |i: usize| acked.needs.get(i % acked.needs.len().max(1)).cloned();
        let ok = match edit {
            Edit::AddNeed { category } => {
                let new = NewNeed::new(
                    format!("需求 {}", acked.needs.len()),
                    CATEGORIES[*category % CATEGORIES.len()],
                    "zt-g3",
                );
                book.add_need(new).map(|id| acked.needs.push(id)).is_ok()
            }
            Edit::Advance { need: i, step } => {
                need(*i).is_some_and(|n| book.advance_need(&n, &transition(*step)).is_ok())
            }
            Edit::EditDue { need: i, day } => need(*i).is_some_and(|n| {
                let due = format!("2026-12-{:02}", day % 28 + 1).parse().ok();
                let edit = NeedEdit {
                    due,
                    ..Default::default()
                };
                book.edit_need_fields(&n, &edit).is_ok()
            }),
            Edit::EditTitle { need: i, n: t } => need(*i).is_some_and(|n| {
                let edit = NeedEdit {
                    title: Some(format!("标题 {t}")),
                    ..Default::default()
                };
                book.edit_need_fields(&n, &edit).is_ok()
            }),
            Edit::Vote { resident, choice } => {
                let r = &self.residents[*resident % self.residents.len()];
                let ok = book
                    .vote(&self.meeting, &self.motion, r, CHOICES[*choice % 3])
                    .is_ok();
                if ok {
                    acked.voters.insert(r.clone());
                }
                ok
            }
            Edit::Hands { choice, count } => book
                .set_count(
                    &self.meeting,
                    &self.motion,
                    CHOICES[*choice % 3],
                    u32::from(*count),
                )
                .is_ok(),
            Edit::Minutes => {
                self.minutes_seq += 1;
                let line = format!("发言{}号;", self.minutes_seq);
                let ok = book.append_minutes(&self.meeting, &line).is_ok();
                if ok {
                    acked.minutes.push(line);
                }
                ok
            }
            Edit::Attend { hours } => {
                let ok = book
                    .record_attendance(&self.activity, &self.volunteer, u32::from(*hours) * 60, 1)
                    .is_ok();
                acked.attended |= ok;
                ok
            }
            Edit::Redeem { hours } => book
                .add_movement(
                    &self.volunteer,
                    MovementKind::Redeem,
                    i64::from(*hours) * 60,
                    0,
                    "兑换",
                )
                .map(|id| acked.redemptions.push(id))
                .is_ok(),
            Edit::MergeResidents => book
                .merge_resident(&self.residents[2], &self.residents[1])
                .is_ok(),
        };
        if !ok {
            acked.refused += 1;
        }
    }
}

impl World {
    /// Everything that must hold once every device has synced with every other: identical
    /// dumps, every acknowledged edit present, every stored summary row equal to its
    /// recomputation, derived values equal everywhere, and every need in a valid stage.
    /// Restarts every device first, so that only what reached the disk counts.
    pub fn check_converged(&mut self) -> std::result::Result<(), String> {
        let e = |e: gridbook_model::Error| e.to_string();
        let mut first: Option<(serde_json::Value, String)> = None;
        let mut derived: Option<String> = None;
        for (i, r) in self.net.replicas.iter_mut().enumerate() {
            r.restart().map_err(e)?;
            let book = r.book();
            let dump = book.dump().map_err(e)?;
            match &first {
                None => first = Some((dump, book.device().id_hex())),
                Some((d, _)) if *d == dump => {}
                Some(_) => return Err(format!("device {i}'s dump differs from device 0's")),
            }
            let rows = book.need_summaries().map_err(e)?;
            let ids: BTreeSet<&NeedId> = rows.iter().map(|r| &r.id).collect();
            for n in &self.acked.needs {
                if !ids.contains(n) {
                    return Err(format!(
                        "need {n} was acknowledged and is lost on device {i}"
                    ));
                }
                let need = book.need(n).map_err(e)?;
                let summary = rows.iter().find(|r| &r.id == n).expect("listed above");
                if summary.stage != need.stage || !need.stage_times.contains_key(need.stage.token())
                {
                    return Err(format!(
                        "need {n} on device {i} is in no valid stage: {need:?}"
                    ));
                }
            }
            let stale = book.stale_summaries().map_err(e)?;
            if !stale.is_empty() {
                return Err(format!("device {i}: stale summary rows {stale:?}"));
            }
            let meeting = book.meeting(&self.meeting).map_err(e)?;
            for line in &self.acked.minutes {
                if !meeting.minutes.as_str().contains(line.as_str()) {
                    return Err(format!(
                        "minutes line {line:?} lost on device {i}: {:#?}",
                        book.ignored_changes()
                    ));
                }
            }
            let view = book.meeting_view(&self.meeting).map_err(e)?;
            let motion = &view.motions[self.motion.as_str()];
            let merges = book.resident_merges().map_err(e)?;
            for voter in &self.acked.voters {
                // A vote for a resident already merged into another is recorded under the
                // one kept.
                let kept = merges.get(voter.as_str()).map(|c| c.to_string());
                if !motion.ballots.contains_key(voter.as_str())
                    && !kept.is_some_and(|k| motion.ballots.contains_key(&k))
                {
                    return Err(format!("{voter}'s ballot lost on device {i}"));
                }
            }
            // One ballot per person: a merged duplicate's ballot does not count twice.
            let people: BTreeSet<String> = motion
                .ballots
                .keys()
                .map(|v| merges.get(v).map_or(v.clone(), |c| c.to_string()))
                .collect();
            let hands: u32 = motion.counts.values().sum();
            let t = motion.tally;
            if (t.for_ + t.against + t.abstain) as usize != people.len() + hands as usize {
                return Err(format!(
                    "device {i}: tally {t:?} is not one ballot per person plus hands"
                ));
            }
            let movements = book.movements("zt").map_err(e)?;
            let ids: BTreeSet<&str> = movements.iter().map(|(id, _)| id.as_str()).collect();
            for m in &self.acked.redemptions {
                if !ids.contains(m.as_str()) {
                    return Err(format!("redemption {m} lost on device {i}"));
                }
            }
            let balance = book.balance(&self.volunteer).map_err(e)?;
            let summed: i64 = movements
                .iter()
                .filter(|(_, m)| m.volunteer == self.volunteer)
                .map(|(_, m)| m.effect().0)
                .sum();
            if balance.minutes != summed {
                return Err(format!(
                    "device {i}: balance {balance:?} is not the sum of its movements ({summed})"
                ));
            }
            if self.acked.attended && balance.earned_minutes == 0 {
                return Err(format!("device {i}: acknowledged attendance lost"));
            }
            let this = format!("{t:?} {balance:?} {people:?}");
            match &derived {
                None => derived = Some(this),
                Some(d) if *d == this => {}
                Some(d) => return Err(format!("device {i} derives {this}, device 0 {d}")),
            }
        }
        Ok(())
    }
}
