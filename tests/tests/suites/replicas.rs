//! Two devices edit offline, then merge: what each person sees afterwards.

use gridbook_model::meeting::Outcome;
use gridbook_model::need::Transition;
use gridbook_model::time::Day;
use gridbook_model::vocab::{Category, Choice, Difficulty, MeetingLevel, MovementKind, Stage};
use gridbook_model::{NeedEdit, NewMeeting, NewNeed, NewResident, NewVolunteer};
use gridbook_tests::{exchange, two_devices};

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

/// Sets a need's due day on one device.
fn set_due(book: &mut gridbook_model::Gridbook, id: &gridbook_model::ids::NeedId, due: &str) {
    let edit = NeedEdit {
        due: Some(day(due)),
        ..Default::default()
    };
    book.edit_need_fields(id, &edit).unwrap();
}

#[test]
fn needs_added_offline_on_two_devices_are_both_kept() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let a = tablet
        .add_need(NewNeed::new(
            "独居老人需要送餐",
            Category::ElderlyCare,
            "zt-g3",
        ))
        .unwrap();
    let b = office
        .add_need(NewNeed::new(
            "楼道下水道堵塞",
            Category::Facilities,
            "第3网格",
        ))
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        let ids: Vec<_> = book
            .need_summaries()
            .unwrap()
            .into_iter()
            .map(|n| n.id)
            .collect();
        assert!(ids.contains(&a) && ids.contains(&b), "{ids:?}");
        assert_eq!(ids.len(), 2);
    }
    assert_eq!(office.dump().unwrap(), tablet.dump().unwrap());
}

#[test]
fn different_fields_edited_offline_merge_without_conflict() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let id = office
        .add_need(NewNeed::new("送餐", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    set_due(&mut office, &id, "2026-12-10");
    tablet
        .edit_need_fields(
            &id,
            &NeedEdit {
                title: Some("每日送午餐".into()),
                ..Default::default()
            },
        )
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        let need = book.need(&id).unwrap();
        assert_eq!(need.due, Some(day("2026-12-10")));
        assert_eq!(need.title, "每日送午餐");
        assert!(book.need_conflicts(&id).unwrap().is_empty());
    }
}

#[test]
fn the_same_field_edited_offline_shows_both_values_until_someone_picks_one() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let id = office
        .add_need(NewNeed::new("下水道堵塞", Category::Facilities, "zt-g3"))
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    set_due(&mut office, &id, "2026-12-01");
    set_due(&mut tablet, &id, "2026-12-05");
    exchange(&mut office, &mut tablet).unwrap();
    let conflicts = office.need_conflicts(&id).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, "due");
    let mut values: Vec<String> = conflicts[0]
        .values
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    values.sort();
    assert_eq!(values, ["2026-12-01", "2026-12-05"]);
    let row = office
        .need_summaries()
        .unwrap()
        .into_iter()
        .find(|n| n.id == id)
        .unwrap();
    assert_eq!(row.conflicts, ["due"], "the list view flags it too");

    // Zhao picks one; the choice reaches the tablet and the conflict is gone on both.
    set_due(&mut office, &id, "2026-12-05");
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        assert!(book.need_conflicts(&id).unwrap().is_empty());
        assert_eq!(book.need(&id).unwrap().due, Some(day("2026-12-05")));
    }
}

#[test]
fn concurrent_steps_of_the_loop_are_reported_as_a_conflict() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let id = office
        .add_need(NewNeed::new("停车纠纷", Category::Parking, "zt-g3"))
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    let classify = |difficulty| Transition::Classify {
        category: None,
        reasonable: true,
        difficulty,
        duplicate_of: None,
    };
    office
        .advance_need(&id, &classify(Difficulty::Medium))
        .unwrap();
    tablet
        .advance_need(&id, &classify(Difficulty::High))
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    let need = office.need(&id).unwrap();
    assert_eq!(
        need.stage,
        Stage::Classified,
        "both moved it to the same stage"
    );
    let fields: Vec<String> = office
        .need_conflicts(&id)
        .unwrap()
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert!(fields.contains(&"difficulty".to_string()), "{fields:?}");
    assert!(
        !fields.contains(&"stage".to_string()),
        "equal values are no conflict: {fields:?}"
    );

    // Any field with two values can be settled by keeping one of them, not only the ones an
    // edit form covers; a value no longer there is refused with nothing written.
    let gone = tablet.keep_need_value(&id, "difficulty", &serde_json::json!("low"));
    assert!(
        matches!(gone, Err(gridbook_model::Error::ValueGone { .. })),
        "{gone:?}"
    );
    tablet
        .keep_need_value(&id, "difficulty", &serde_json::json!("medium"))
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        assert!(book.need_conflicts(&id).unwrap().is_empty());
        assert_eq!(book.need(&id).unwrap().difficulty, Some(Difficulty::Medium));
    }
}

#[test]
fn a_need_goes_round_the_whole_loop_and_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut book =
            gridbook_model::Gridbook::open_or_create(dir.path(), &gridbook_tests::passphrase())
                .unwrap();
        book.init_network("凤凰台街道", "王刚").unwrap();
        book.add_place(gridbook_model::PlaceKind::Community, None, "zt", "中台社区")
            .unwrap();
        book.add_place(gridbook_model::PlaceKind::Grid, Some("zt"), "g3", "第3网格")
            .unwrap();
        let id = book
            .add_need(NewNeed::new(
                "独居老人需要送餐",
                Category::ElderlyCare,
                "zt-g3",
            ))
            .unwrap();
        use gridbook_model::vocab::{Claimant, CloseReason, ProjectKind, Route};
        let steps = [
            Transition::Classify {
                category: None,
                reasonable: true,
                difficulty: Difficulty::Medium,
                duplicate_of: None,
            },
            Transition::Design {
                route: Route::Project,
                project_kind: Some(ProjectKind::Regular),
                plan: None,
            },
            Transition::Claim {
                claimant: Claimant::PartyMember,
                claimant_name: "李党员".into(),
            },
            Transition::Evaluate {
                satisfaction: 5,
                evaluation: "按时送达".into(),
                feedback_given: true,
            },
            Transition::Close {
                reason: CloseReason::Completed,
                note: None,
            },
        ];
        for step in &steps {
            book.advance_need(&id, step).unwrap();
        }
        id
    };
    let mut book =
        gridbook_model::Gridbook::open(dir.path(), &gridbook_tests::passphrase()).unwrap();
    let need = book.need(&id).unwrap();
    assert_eq!(need.stage, Stage::Closed);
    assert_eq!(need.satisfaction, Some(5));
    assert_eq!(
        need.stage_times.len(),
        6,
        "every stage has its time: {:?}",
        need.stage_times
    );
    let row = book.need_summaries().unwrap().remove(0);
    assert_eq!(row.stage, Stage::Closed);
    assert!(row.closed_at.is_some());
}

fn meeting_with_two_residents(
    office: &mut gridbook_model::Gridbook,
) -> (
    gridbook_model::ids::MeetingId,
    gridbook_model::ids::ResidentId,
    gridbook_model::ids::ResidentId,
) {
    let resident = |name: &str| NewResident {
        name: name.into(),
        building: Some("zt-g3-b12".into()),
        ..Default::default()
    };
    let r1 = office.add_resident(resident("刘阿姨")).unwrap();
    let r2 = office.add_resident(resident("孙大爷")).unwrap();
    let m = office
        .create_meeting(NewMeeting {
            title: "院内停车位".into(),
            level: MeetingLevel::Grid,
            community: "zt".into(),
            grid: Some("zt-g3".into()),
            place: "3网格议事点".into(),
            day: day("2026-11-28"),
            facilitator: "陈主持".into(),
            quorum: 3,
        })
        .unwrap();
    (m, r1, r2)
}

#[test]
fn the_same_residents_vote_recorded_on_two_devices_counts_once() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let (m, r1, r2) = meeting_with_two_residents(&mut office);
    let motion = office
        .add_motion(&m, "划14个编号车位，抽签分配", None, false)
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    office.vote(&m, &motion, &r1, Choice::For).unwrap();
    tablet.vote(&m, &motion, &r1, Choice::For).unwrap();
    tablet.vote(&m, &motion, &r2, Choice::Against).unwrap();
    // Hands: both facilitators enter the count of four elderly residents; it is not summed.
    office.set_count(&m, &motion, Choice::For, 4).unwrap();
    tablet.set_count(&m, &motion, Choice::For, 4).unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        let view = book.meeting_view(&m).unwrap();
        let mv = &view.motions[motion.as_str()];
        assert_eq!(
            (mv.tally.for_, mv.tally.against, mv.tally.abstain),
            (5, 1, 0)
        );
        assert_eq!(mv.outcome, Outcome::Passed);
        assert_eq!(view.attendees.len(), 2);
    }
}

#[test]
fn a_resident_entered_twice_offline_and_merged_votes_once() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let (m, r1, _) = meeting_with_two_residents(&mut office);
    let motion = office.add_motion(&m, "安装充电桩", None, false).unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    let twin = tablet
        .add_resident(NewResident {
            name: "刘阿姨".into(),
            building: Some("zt-g3-b12".into()),
            ..Default::default()
        })
        .unwrap();
    office.vote(&m, &motion, &r1, Choice::For).unwrap();
    tablet.vote(&m, &motion, &twin, Choice::For).unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    assert_eq!(
        office.meeting_view(&m).unwrap().motions[motion.as_str()]
            .tally
            .for_,
        2
    );
    office.merge_resident(&twin, &r1).unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        assert_eq!(
            book.meeting_view(&m).unwrap().motions[motion.as_str()]
                .tally
                .for_,
            1
        );
    }
}

#[test]
fn minutes_typed_on_two_devices_merge_as_text() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let (m, _, _) = meeting_with_two_residents(&mut office);
    office
        .set_minutes(&m, "议题：停车位。\n结论：待定。")
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    office
        .set_minutes(&m, "议题：院内停车位。\n结论：待定。")
        .unwrap();
    tablet.append_minutes(&m, "补充：刘阿姨建议抽签。").unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    let a = office.meeting(&m).unwrap().minutes.as_str().to_string();
    let b = tablet.meeting(&m).unwrap().minutes.as_str().to_string();
    assert_eq!(a, b);
    assert!(
        a.contains("院内停车位") && a.contains("刘阿姨建议抽签"),
        "{a}"
    );
}

#[test]
fn two_offline_redemptions_show_a_negative_balance_on_every_device() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let team = office.add_team("zt", "你我一起吧·帮帮团", None).unwrap();
    let v = office
        .add_volunteer(NewVolunteer {
            community: "zt".into(),
            name: "孙师傅".into(),
            phone: None,
            skills: vec!["家电维修".into()],
            team: Some(team.clone()),
            joined: day("2026-01-01"),
        })
        .unwrap();
    let activity = office
        .add_activity(
            "zt",
            "周六家电义修",
            Some(&team),
            day("2026-11-21"),
            Some("中台广场"),
        )
        .unwrap();
    office.record_attendance(&activity, &v, 120, 2).unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    // The same attendance recorded again on the tablet is still one movement.
    tablet.record_attendance(&activity, &v, 120, 2).unwrap();
    office
        .add_movement(&v, MovementKind::Redeem, 120, 0, "兑换理发")
        .unwrap();
    tablet
        .add_movement(&v, MovementKind::Redeem, 120, 0, "兑换理发")
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        let b = book.balance(&v).unwrap();
        assert_eq!((b.minutes, b.earned_minutes), (-120, 120), "{b:?}");
    }
    assert_eq!(office.dump().unwrap(), tablet.dump().unwrap());
}

#[test]
fn summary_rows_equal_a_recomputation_from_the_documents() {
    let (mut office, mut tablet) = two_devices().unwrap();
    let id = tablet
        .add_need(NewNeed::new("送餐", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    exchange(&mut office, &mut tablet).unwrap();
    set_due(&mut office, &id, "2026-12-01");
    set_due(&mut tablet, &id, "2026-12-02");
    exchange(&mut office, &mut tablet).unwrap();
    for book in [&mut office, &mut tablet] {
        for doc in book.doc_ids().unwrap() {
            for row in book.rows_of(&doc).unwrap() {
                let stored = book
                    .store()
                    .summary(row.kind, &row.id)
                    .unwrap()
                    .expect("a stored row");
                assert_eq!(stored, row.json, "row {} {}", row.kind, row.id);
            }
        }
    }
}
