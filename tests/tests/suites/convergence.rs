//! Property: three devices that make random edits offline and sync in random pairs end with
//! identical documents, identical summary rows (each equal to a recomputation from the
//! documents), the same derived tallies and balances, and every acknowledged need.
//!
//! `PROPTEST_CASES` sets how many cases run (default 64; 300 cases took 34 s here).

use gridbook_model::ids::{MeetingId, MotionId, NeedId, ResidentId, VolunteerId};
use gridbook_model::vocab::MovementKind;
use gridbook_model::{Gridbook, NeedEdit, NewMeeting, NewNeed, NewResident, NewVolunteer};
use gridbook_tests::world::{CATEGORIES, CHOICES, transition};
use gridbook_tests::{sync_all, two_devices};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    AddNeed {
        dev: usize,
        category: usize,
    },
    Advance {
        dev: usize,
        need: usize,
        step: usize,
    },
    EditDue {
        dev: usize,
        need: usize,
        day: u8,
    },
    EditTitle {
        dev: usize,
        need: usize,
        n: u8,
    },
    Vote {
        dev: usize,
        resident: usize,
        choice: usize,
    },
    Hands {
        dev: usize,
        choice: usize,
        count: u8,
    },
    Minutes {
        dev: usize,
        n: u8,
    },
    Attend {
        dev: usize,
        hours: u8,
    },
    Redeem {
        dev: usize,
        hours: u8,
    },
    Sync {
        a: usize,
        b: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let dev = 0..3usize;
    prop_oneof![
        3 => (dev.clone(), 0..4usize).prop_map(|(dev, category)| Op::AddNeed { dev, category }),
        4 => (dev.clone(), 0..8usize, 0..6usize).prop_map(|(dev, need, step)| Op::Advance { dev, need, step }),
        2 => (dev.clone(), 0..8usize, 1..28u8).prop_map(|(dev, need, day)| Op::EditDue { dev, need, day }),
        1 => (dev.clone(), 0..8usize, any::<u8>()).prop_map(|(dev, need, n)| Op::EditTitle { dev, need, n }),
        2 => (dev.clone(), 0..3usize, 0..3usize).prop_map(|(dev, resident, choice)| Op::Vote { dev, resident, choice }),
        1 => (dev.clone(), 0..3usize, 0..10u8).prop_map(|(dev, choice, count)| Op::Hands { dev, choice, count }),
        1 => (dev.clone(), any::<u8>()).prop_map(|(dev, n)| Op::Minutes { dev, n }),
        1 => (dev.clone(), 1..4u8).prop_map(|(dev, hours)| Op::Attend { dev, hours }),
        1 => (dev.clone(), 1..4u8).prop_map(|(dev, hours)| Op::Redeem { dev, hours }),
        3 => (dev.clone(), dev).prop_map(|(a, b)| Op::Sync { a, b }),
    ]
}

struct World {
    devices: Vec<Gridbook>,
    needs: Vec<NeedId>,
    residents: Vec<ResidentId>,
    meeting: MeetingId,
    motion: MotionId,
    activity: gridbook_model::ids::ActivityId,
    volunteer: VolunteerId,
}

fn world() -> World {
    let (mut office, mut tablet) = two_devices().unwrap();
    let residents: Vec<ResidentId> = ["刘秀英", "孙德胜", "王桂兰"]
        .iter()
        .map(|n| {
            let r = NewResident {
                name: n.to_string(),
                building: Some("zt-g3-b12".into()),
                ..Default::default()
            };
            office.add_resident(r).unwrap()
        })
        .collect();
    let meeting = office
        .create_meeting(NewMeeting {
            title: "停车位".into(),
            level: gridbook_model::vocab::MeetingLevel::Grid,
            community: "zt".into(),
            grid: None,
            place: "议事点".into(),
            day: "2026-11-28".parse().unwrap(),
            facilitator: "陈静".into(),
            quorum: 2,
        })
        .unwrap();
    let motion = office.add_motion(&meeting, "划车位", None, false).unwrap();
    let volunteer = office
        .add_volunteer(NewVolunteer {
            community: "zt".into(),
            name: "孙师傅".into(),
            phone: None,
            skills: vec![],
            team: None,
            joined: "2026-01-01".parse().unwrap(),
        })
        .unwrap();
    let activity = office
        .add_activity("zt", "义修", None, "2026-11-21".parse().unwrap(), None)
        .unwrap();
    let mut phone = Gridbook::in_memory().unwrap();
    // The phone edits every kind of document here: the office grants it the admin role.
    let member = office
        .add_member("王强", gridbook_model::vocab::Role::Admin)
        .unwrap();
    office
        .add_device(
            &phone.device().id_hex(),
            &member,
            gridbook_model::vocab::Role::Admin,
        )
        .unwrap();
    sync_all(&mut office, &mut tablet, 10).unwrap();
    sync_all(&mut office, &mut phone, 10).unwrap();
    World {
        devices: vec![office, tablet, phone],
        needs: Vec::new(),
        residents,
        meeting,
        motion,
        activity,
        volunteer,
    }
}

fn apply(w: &mut World, op: &Op) {
    // Refusals (a step from the wrong stage, a need this device has not seen yet) are part of
    // the game; they must be errors, never panics, and write nothing.
    match op {
        Op::AddNeed { dev, category } => {
            let new = NewNeed::new(
                format!("需求 {}", w.needs.len()),
                CATEGORIES[*category],
                "zt-g3",
            );
            let id = w.devices[*dev].add_need(new).unwrap();
            w.needs.push(id);
        }
        Op::Advance { dev, need, step: s } => {
            if let Some(n) = w.needs.get(*need) {
                let _ = w.devices[*dev].advance_need(n, &transition(*s));
            }
        }
        Op::EditDue { dev, need, day } => {
            if let Some(n) = w.needs.get(*need) {
                let due = format!("2026-12-{day:02}").parse().unwrap();
                let _ = w.devices[*dev].edit_need_fields(
                    n,
                    &NeedEdit {
                        due: Some(due),
                        ..Default::default()
                    },
                );
            }
        }
        Op::EditTitle { dev, need, n: t } => {
            if let Some(n) = w.needs.get(*need) {
                let edit = NeedEdit {
                    title: Some(format!("标题 {t}")),
                    ..Default::default()
                };
                let _ = w.devices[*dev].edit_need_fields(n, &edit);
            }
        }
        Op::Vote {
            dev,
            resident,
            choice,
        } => {
            let (m, v, r) = (
                w.meeting.clone(),
                w.motion.clone(),
                w.residents[*resident].clone(),
            );
            let _ = w.devices[*dev].vote(&m, &v, &r, CHOICES[*choice]);
        }
        Op::Hands { dev, choice, count } => {
            let (m, v) = (w.meeting.clone(), w.motion.clone());
            let _ = w.devices[*dev].set_count(&m, &v, CHOICES[*choice], u32::from(*count));
        }
        Op::Minutes { dev, n } => {
            let m = w.meeting.clone();
            let _ = w.devices[*dev].append_minutes(&m, &format!("发言 {n}"));
        }
        Op::Attend { dev, hours } => {
            let (a, v) = (w.activity.clone(), w.volunteer.clone());
            let _ = w.devices[*dev].record_attendance(&a, &v, u32::from(*hours) * 60, 1);
        }
        Op::Redeem { dev, hours } => {
            let v = w.volunteer.clone();
            let _ = w.devices[*dev].add_movement(
                &v,
                MovementKind::Redeem,
                i64::from(*hours) * 60,
                0,
                "兑换",
            );
        }
        Op::Sync { a, b } if a != b => {
            let (x, y) = if a < b { (*a, *b) } else { (*b, *a) };
            let (left, right) = w.devices.split_at_mut(y);
            sync_all(&mut left[x], &mut right[0], 10).unwrap();
        }
        Op::Sync { .. } => {}
    }
}

fn converge(w: &mut World) {
    for (a, b) in [(0, 1), (1, 2), (0, 2), (0, 1)] {
        let (left, right) = w.devices.split_at_mut(b);
        sync_all(&mut left[a], &mut right[0], 10).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn devices_converge_whatever_they_did_offline(ops in proptest::collection::vec(op(), 1..40)) {
        let mut w = world();
        for op in &ops {
            apply(&mut w, op);
        }
        converge(&mut w);
        let dumps: Vec<_> = w.devices.iter_mut().map(|d| d.dump().unwrap()).collect();
        prop_assert_eq!(&dumps[0], &dumps[1]);
        prop_assert_eq!(&dumps[1], &dumps[2]);
        let rows: Vec<_> = w.devices.iter().map(|d| d.need_summaries().unwrap()).collect();
        prop_assert_eq!(&rows[0], &rows[1]);
        prop_assert_eq!(&rows[1], &rows[2]);
        let ids: Vec<&NeedId> = rows[0].iter().map(|r| &r.id).collect();
        for n in &w.needs {
            prop_assert!(ids.contains(&n), "need {} was acknowledged and lost", n);
        }
        let (m, v, vol) = (w.meeting.clone(), w.motion.clone(), w.volunteer.clone());
        let mut tallies = Vec::new();
        let balance = w.devices[0].balance(&vol).unwrap();
        for d in w.devices.iter_mut() {
            tallies.push(d.meeting_view(&m).unwrap().motions[v.as_str()].tally);
            prop_assert!(d.meeting_view(&m).unwrap().motions[v.as_str()].ballots.len() <= 3, "one ballot per resident");
            prop_assert_eq!(d.balance(&vol).unwrap(), balance);
            prop_assert_eq!(d.stale_summaries().unwrap(), Vec::<String>::new(), "stale summary rows");
        }
        prop_assert_eq!(tallies[0], tallies[1]);
        prop_assert_eq!(tallies[1], tallies[2]);
    }
}
