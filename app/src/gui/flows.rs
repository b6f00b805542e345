//! How many taps the daily jobs take: each flow runs the real app (kittest) on a small
//! community, does one job as a person would, checks in the store that the job was done, and
//! counts the taps (`testing::interactions`: a tap is one, a text field is one however much is
//! typed into it). The UI tests hold each flow to its most; `cargo bench -p gridbook-tests`
//! prints the counts beside those limits.

use egui_kittest::kittest::Queryable;
use gridbook_model::NewResident;
use gridbook_model::ids::MeetingId;

use super::pages;
use super::testing::{Fixture, interactions, settle, tap, tap_nth, type_into};

/// One job and the taps it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// The job, in a few English words (the bench figure's name).
    pub name: &'static str,
    /// Taps it took.
    pub interactions: u32,
    /// The most it may take.
    pub most: u32,
}

/// Every flow, run once each.
pub fn all() -> Vec<Flow> {
    vec![
        need_at_the_door(),
        walk_in_signed_in(),
        ballot_recorded(),
        follow_up_done(),
    ]
}

/// A grid worker at the door of 12栋 (120 households), the grid remembered from the last
/// need: types the need's line, taps its category, the building, the unit and the room (one
/// household lives there: picked, name and phone from the register), and saves.
pub fn need_at_the_door() -> Flow {
    let fx = Fixture::new();
    a_building_of_120_households(&fx);
    let mut h = fx.harness_with(|s| {
        s.page = pages::new_need::ID.into();
        s.last_grid = Some("zt-g3".into());
    });
    type_into(&mut h, "需求（一句话）", "独居老人需要送餐");
    tap(&mut h, "老年关爱");
    tap(&mut h, "12栋");
    tap(&mut h, "2单元");
    tap(&mut h, "301室");
    tap(&mut h, "保存");
    settle(&mut h);
    let n = interactions(&h);
    drop(h);
    let rows = fx.with_book(|book| book.need_summaries());
    assert_eq!(rows.len(), 1, "the need is saved");
    let need = fx.with_book(|book| book.need(&rows[0].id));
    assert_eq!(need.resident_name.as_deref(), Some("王秀英"));
    assert_eq!(need.phone.as_deref(), Some("13812341234"));
    Flow {
        name: "need_at_the_door",
        interactions: n,
        most: 6,
    }
}

/// A facilitator signs in a walk-in who is not in the register: name, phone, address, submit.
pub fn walk_in_signed_in() -> Flow {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| s.page = pages::meetings::ID.into());
    type_into(&mut h, "姓名", "孙桂兰");
    type_into(&mut h, "电话", "13700005555");
    type_into(&mut h, "住址", "12 2 305");
    tap(&mut h, "登记并签到");
    settle(&mut h);
    let n = interactions(&h);
    let id = meeting_shown(&h);
    drop(h);
    let (residents, m) = fx.with_book(|book| Ok((book.residents()?, book.meeting_view(&id)?)));
    let walk_in = residents
        .iter()
        .find(|(_, r)| r.walk_in && r.name == "孙桂兰")
        .map(|(id, _)| id.clone())
        .expect("the walk-in is in the register");
    assert_eq!(m.attendees, [walk_in], "and signed in");
    Flow {
        name: "walk_in_signed_in",
        interactions: n,
        most: 4,
    }
}

/// A facilitator records one signed-in resident's ballot on the motion.
pub fn ballot_recorded() -> Flow {
    let fx = Fixture::new();
    let meeting = the_meeting(&fx, |book, id| {
        let (resident, _) = book.residents()?.into_iter().next().expect("a resident");
        book.check_in(id, &resident.parse()?)
    });
    let mut h = fx.harness_with(|s| s.page = pages::meetings::ID.into());
    tap_nth(&mut h, "赞成", 0);
    settle(&mut h);
    let n = interactions(&h);
    drop(h);
    let m = fx.with_book(|book| book.meeting_view(&meeting));
    let motion = m.motions.values().next().expect("the fixture's motion");
    assert_eq!(motion.ballots.len(), 1, "the ballot is recorded");
    Flow {
        name: "ballot_per_voter",
        interactions: n,
        most: 2,
    }
}

/// A facilitator marks a decision's follow-up done: the follow-up, then the confirmation.
pub fn follow_up_done() -> Flow {
    let fx = Fixture::new();
    let meeting = the_meeting(&fx, |book, id| {
        let decision = book.add_decision(id, "下周一前完成需求调查", None)?;
        book.add_follow_up(id, &decision, "逐户发放调查表", Some("陈静"), None)?;
        Ok(())
    });
    let mut h = fx.harness_with(|s| s.page = pages::meetings::ID.into());
    tap(&mut h, "逐户发放调查表 · 陈静 · 待办");
    tap(&mut h, "确认完成");
    settle(&mut h);
    let n = interactions(&h);
    drop(h);
    let m = fx.with_book(|book| book.meeting_view(&meeting));
    let action = m
        .decisions
        .values()
        .flat_map(|d| d.actions.values())
        .next()
        .expect("the follow-up");
    assert!(action.done_at.is_some(), "marked done");
    Flow {
        name: "follow_up_done",
        interactions: n,
        most: 2,
    }
}

/// The fixture's meeting, readied by `ready` before the app opens.
fn the_meeting(
    fx: &Fixture,
    ready: impl FnOnce(&mut gridbook_model::Gridbook, &MeetingId) -> gridbook_model::Result<()>,
) -> MeetingId {
    fx.with_book(|book| {
        let id = book
            .meeting_summaries()?
            .into_iter()
            .next()
            .expect("a meeting")
            .id;
        ready(book, &id)?;
        Ok(id)
    })
}

/// The meeting the app shows.
fn meeting_shown(h: &egui_kittest::Harness<'_, super::testing::TestApp>) -> MeetingId {
    let shown = h.state().data.meeting.as_ref().expect("a meeting is open");
    assert!(h.query_all_by_label_contains(&shown.title).next().is_some());
    shown.id.clone()
}

/// 12栋 with 120 households: the fixture's two in unit 2 and 118 more in units 1, 3, 4 and 5,
/// two doors a floor.
pub(crate) fn a_building_of_120_households(fx: &Fixture) {
    fx.with_book(|book| {
        book.batch(|b| {
            for (unit, doors) in [("1", 30), ("3", 30), ("4", 30), ("5", 28)] {
                for n in 0..doors {
                    b.add_resident(NewResident {
                        name: format!("居民{unit}-{n}"),
                        phone: Some(format!("1380000{unit}{n:03}")),
                        building: Some("zt-g3-b12".into()),
                        unit: Some(unit.into()),
                        room: Some(format!("{}0{}", n / 2 + 1, n % 2 + 1)),
                        ..Default::default()
                    })?;
                }
            }
            Ok(())
        })
    });
    assert_eq!(fx.with_book(|b| b.residents()).len(), 120);
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_daily_job_takes_no_more_taps_than_its_most() {
        for flow in super::all() {
            assert!(flow.interactions <= flow.most, "{flow:?}");
        }
    }
}
