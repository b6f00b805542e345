//! A week of field work on one device, spread as grid workers spread it: mostly needs of the
//! current month (new ones, progress notes, edits), a few meetings, some volunteer hours.

use gridbook_model::need::Transition;
use gridbook_model::vocab::{Difficulty, MeetingLevel};
use gridbook_model::{Gridbook, NeedEdit, NewMeeting, NewVolunteer};

use crate::data::{CommunityPlaces, Month, Rng, new_need, set_time};

/// How a week's edits are spread (fractions of all edits; needs take the rest).
const MEETING_SHARE: f64 = 0.08;
const HOURS_SHARE: f64 = 0.12;
/// Edits per durable write: a week's actions are still one Automerge commit each.
const PER_WRITE: usize = 100;

/// Makes `edits` user actions on `book` during the first week of `month` (the settable clock
/// must be in use), in the grids of `places`; returns how many of each kind it made.
pub fn week_of_work(
    book: &mut Gridbook,
    rng: &mut Rng,
    places: &[CommunityPlaces],
    month: Month,
    edits: usize,
) -> gridbook_model::Result<WeekCounts> {
    let mut counts = WeekCounts::default();
    let community = &places[rng.below(places.len())];
    let (grid, buildings) = community.grids[0].clone();
    set_time(month.at(1, 0));
    // The week's fixtures: two meetings, one volunteer and one activity in one community.
    let day = month.at(3, 0).day();
    let meetings: Vec<_> = (0..2)
        .map(|i| {
            book.create_meeting(NewMeeting {
                title: format!("本周议事会 {i}"),
                level: MeetingLevel::Grid,
                community: community.code.clone(),
                grid: Some(grid.clone()),
                place: "议事点".into(),
                day,
                facilitator: "陈静".into(),
                quorum: 10,
            })
        })
        .collect::<Result<_, _>>()?;
    let volunteer = book.add_volunteer(NewVolunteer {
        community: community.code.clone(),
        name: "王芳".into(),
        phone: None,
        skills: vec!["陪护".into()],
        team: None,
        joined: day,
    })?;
    let activity = book.add_activity(&community.code, "助老服务", None, day, None)?;
    let mut mine = Vec::new();
    let mut done = 0;
    while done < edits {
        let chunk = PER_WRITE.min(edits - done);
        book.batch(|book| {
            for i in 0..chunk {
                set_time(month.at(1 + ((done + i) * 7 / edits.max(1)) as u32, i as i64));
                let roll = rng.unit();
                if roll < MEETING_SHARE {
                    let m = &meetings[rng.below(meetings.len())];
                    book.append_minutes(m, "居民代表发言，意见已记录。")?;
                    counts.meetings += 1;
                } else if roll < MEETING_SHARE + HOURS_SHARE {
                    // The same volunteer serving again is one movement per attendance day:
                    // vary the activity so each hour recorded is new.
                    let a = if rng.chance(0.5) || counts.hours == 0 {
                        book.add_activity(&community.code, "助老服务", None, day, None)?
                    } else {
                        activity.clone()
                    };
                    book.record_attendance(&a, &volunteer, 30 + rng.below(150) as u32, 1)?;
                    counts.hours += 1;
                } else if mine.is_empty() || rng.chance(0.6) {
                    let at = month.at(1, 0);
                    mine.push(book.add_need(new_need(rng, at, &grid, &buildings))?);
                    counts.new_needs += 1;
                } else {
                    // Classify one of this week's needs (its first step round the loop), or
                    // edit one.
                    let at = rng.below(mine.len());
                    let id = mine[at].clone();
                    if rng.chance(0.5) {
                        let step = Transition::Classify {
                            category: None,
                            reasonable: true,
                            difficulty: Difficulty::Low,
                            duplicate_of: None,
                        };
                        book.advance_need(&id, &step)?;
                        mine.swap_remove(at);
                    } else {
                        let edit = NeedEdit {
                            description: Some("居民反映情况属实，需尽快处理。".into()),
                            ..Default::default()
                        };
                        book.edit_need_fields(&id, &edit)?;
                    }
                    counts.need_edits += 1;
                }
            }
            Ok(())
        })?;
        done += chunk;
    }
    Ok(counts)
}

/// What a week of work did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WeekCounts {
    /// Needs recorded.
    pub new_needs: usize,
    /// Needs classified, and field edits on needs.
    pub need_edits: usize,
    /// Minutes appended to meetings.
    pub meetings: usize,
    /// Attendances (hours earned) recorded.
    pub hours: usize,
}
