//! Tests of a facilitator's meeting day in the model: a walk-in entered and signed in in one
//! write, a follow-up action marked done (who, when) once, a meeting refused without a place.

use super::*;
use crate::ids::MeetingId;
use crate::vocab::MeetingLevel;
use crate::{NewMeeting, WalkIn};

/// An office with 中台社区, grid 3 and 12号楼, and a meeting there.
fn office_with_a_meeting() -> (Gridbook, MeetingId) {
    let mut book = Gridbook::in_memory().unwrap();
    book.init_network("凤凰台街道", "赵敏").unwrap();
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .unwrap();
    book.add_place(PlaceKind::Building, Some("zt-g3"), "b12", "12号楼")
        .unwrap();
    let id = book.create_meeting(meeting("12号楼下")).unwrap();
    (book, id)
}

fn meeting(place: &str) -> NewMeeting {
    NewMeeting {
        title: "停车位".into(),
        level: MeetingLevel::Grid,
        community: "zt".into(),
        grid: Some("zt-g3".into()),
        place: place.into(),
        day: "2026-11-28".parse().unwrap(),
        facilitator: "陈静".into(),
        quorum: 2,
    }
}

#[test]
fn a_walk_in_is_entered_and_signed_in_in_one_write() {
    let (mut book, meeting) = office_with_a_meeting();
    let before = book.revision();
    let id = book
        .sign_in_walk_in(
            &meeting,
            WalkIn {
                name: " 孙大妈 ".into(),
                phone: Some("138 1234 9999".into()),
                address: Some("12号楼2单元301".into()),
            },
        )
        .unwrap();
    assert_eq!(book.revision(), before + 1, "one durable write");
    let r = book.resident(&id).unwrap();
    assert!(r.walk_in);
    assert_eq!(r.name, "孙大妈");
    assert_eq!(r.building.as_deref(), Some("zt-g3-b12"));
    assert_eq!(
        (r.unit.as_deref(), r.room.as_deref()),
        (Some("2"), Some("301"))
    );
    assert_eq!(r.grid.as_deref(), Some("zt-g3"));
    assert_eq!(r.community, "zt");
    assert_eq!(
        book.meeting_view(&meeting).unwrap().attendees,
        [id.to_string()]
    );
    // Refused, in words, with nothing written: no name, a building the community lacks.
    let dump = serde_json::to_string(&book.dump().unwrap()).unwrap();
    for (walk_in, wanted) in [
        (WalkIn::default(), "a resident needs a name"),
        (
            WalkIn {
                name: "路人".into(),
                address: Some("99 1 101".into()),
                ..Default::default()
            },
            "no building '99'",
        ),
    ] {
        let refused = book.sign_in_walk_in(&meeting, walk_in).unwrap_err();
        assert!(refused.to_string().starts_with(wanted), "{refused}");
    }
    assert_eq!(serde_json::to_string(&book.dump().unwrap()).unwrap(), dump);
}

#[test]
fn a_follow_up_is_marked_done_once_with_who_and_when() {
    let (mut book, meeting) = office_with_a_meeting();
    let decision = book.add_decision(&meeting, "划车位", None).unwrap();
    let action = book
        .add_follow_up(&meeting, &decision, "买油漆", Some("陈静"), None)
        .unwrap();
    book.set_now(Some(Timestamp(1_795_000_000_000)));
    book.complete_follow_up(&meeting, &action).unwrap();
    let view = book.meeting_view(&meeting).unwrap();
    let done = &view.decisions[decision.as_str()].actions[action.as_str()];
    assert!(done.done);
    assert_eq!(done.done_by.as_deref(), Some("赵敏"), "the device's member");
    assert_eq!(done.done_at, Some(Timestamp(1_795_000_000_000)));
    let again = book.complete_follow_up(&meeting, &action).unwrap_err();
    assert!(
        matches!(again, Error::FollowUpDone { ref by, .. } if by == "赵敏"),
        "{again}"
    );
    let unknown: crate::ids::NoteId = "E-K7Q2ZD-999".parse().unwrap();
    let missing = book.complete_follow_up(&meeting, &unknown).unwrap_err();
    assert!(
        matches!(
            missing,
            Error::NotFound {
                kind: RecordKind::FollowUp,
                ..
            }
        ),
        "{missing}"
    );
}

#[test]
fn a_meeting_needs_a_place() {
    let (mut book, _) = office_with_a_meeting();
    let refused = book.create_meeting(meeting("  ")).unwrap_err();
    assert!(matches!(refused, Error::Empty(crate::Field::MeetingPlace)));
}
