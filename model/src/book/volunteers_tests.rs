//! Tests of the roster and the time bank (kept apart from `volunteers.rs` for its length).

use super::*;
use crate::PlaceKind;
use crate::time::Timestamp;
use crate::vocab::Role;

/// 2026-11-21 at noon UTC.
const NOV_21: Timestamp = Timestamp(1_795_262_400_000);

fn office() -> Gridbook {
    let mut book = Gridbook::in_memory().unwrap();
    book.set_now(Some(NOV_21));
    book.init_network("凤凰台街道", "赵敏").unwrap();
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    book
}

fn volunteer(book: &mut Gridbook, name: &str, skills: &[&str]) -> VolunteerId {
    book.add_volunteer(NewVolunteer {
        community: "zt".into(),
        name: name.into(),
        phone: None,
        skills: skills.iter().map(|s| s.to_string()).collect(),
        team: None,
        joined: "2026-03-01".parse().unwrap(),
    })
    .unwrap()
}

/// A volunteer id no roster holds.
fn nobody() -> VolunteerId {
    VolunteerId::new(&crate::ids::DeviceTag::of_key(&[7; 32]), 9)
}

fn copy_all(from: &mut Gridbook, to: &mut Gridbook) {
    for id in from.doc_ids().unwrap() {
        let mut d = from.full_doc(&id).unwrap().unwrap().clone();
        to.merge_doc(&id, &mut d).unwrap();
    }
}

fn skills_of(book: &mut Gridbook, id: &VolunteerId) -> Vec<String> {
    book.balances("zt")
        .unwrap()
        .into_iter()
        .find(|v| &v.id == id)
        .unwrap()
        .skills
}

#[test]
fn skills_set_on_two_devices_merge_skill_by_skill() {
    let mut a = office();
    let v = volunteer(&mut a, "周志强", &["清扫", "维修"]);
    let mut b = Gridbook::in_memory().unwrap();
    let lead = a.add_member("李娜", Role::VolunteerLead).unwrap();
    a.add_device(&b.device().id_hex(), &lead, Role::VolunteerLead)
        .unwrap();
    copy_all(&mut a, &mut b);
    // The office drops 清扫 and adds 理发; the lead's tablet, offline, adds 电工.
    a.set_skills(&v, &["维修".into(), " 理发 ".into(), String::new()])
        .unwrap();
    b.set_skills(&v, &["清扫".into(), "维修".into(), "电工".into()])
        .unwrap();
    assert_eq!(skills_of(&mut a, &v), ["理发", "维修"]);
    copy_all(&mut b, &mut a);
    copy_all(&mut a, &mut b);
    for book in [&mut a, &mut b] {
        assert_eq!(skills_of(book, &v), ["理发", "电工", "维修"]);
    }
    assert!(matches!(
        a.set_skills(&nobody(), &[]),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn service_of_several_volunteers_is_one_change_and_refuses_nobody() {
    let mut book = office();
    let (v1, v2) = (
        volunteer(&mut book, "周志强", &[]),
        volunteer(&mut book, "陈静", &[]),
    );
    let day = "2026-11-21".parse().unwrap();
    let activity = book
        .add_activity("zt", "楼道清扫", None, day, None)
        .unwrap();
    let doc = DocId::Timebank {
        community: "zt".into(),
        year: "2026".into(),
    };
    let changes = |book: &mut Gridbook, who: &[VolunteerId]| {
        let before = book.heads(&doc).unwrap();
        book.record_service(&activity, who, 90, 2).unwrap();
        book.full_doc(&doc)
            .unwrap()
            .unwrap()
            .get_changes(&before)
            .len()
    };
    let for_one = changes(&mut book, std::slice::from_ref(&v1));
    let for_two = changes(&mut book, &[v1.clone(), v2.clone()]);
    assert_eq!(for_one, for_two, "one edit for both, as for one");
    assert_eq!(book.balance(&v1).unwrap().minutes, 90);
    assert_eq!(book.balance(&v2).unwrap().points, 2);
    assert!(matches!(
        book.record_service(&activity, &[], 90, 2),
        Err(Error::Empty(Field::Attendees))
    ));
    assert!(
        book.record_service(&activity, &[v1.clone(), nobody()], 30, 1)
            .is_err()
    );
    assert_eq!(book.balance(&v1).unwrap().minutes, 90, "nothing written");
}

#[test]
fn stars_count_for_the_activitys_month_not_the_recording_clock() {
    let mut book = office();
    let v = volunteer(&mut book, "周志强", &[]);
    let october = "2026-10-30".parse().unwrap();
    let activity = book
        .add_activity("zt", "重阳节探访", None, october, None)
        .unwrap();
    // Recorded weeks later, in November, by a device whose clock says so.
    book.record_attendance(&activity, &v, 120, 2).unwrap();
    let stars = book.star_volunteers("zt", "2026-10", 5).unwrap();
    assert_eq!(stars.len(), 1);
    assert_eq!((stars[0].0.name.as_str(), stars[0].1), ("周志强", 120));
    assert!(book.star_volunteers("zt", "2026-11", 5).unwrap().is_empty());
    assert_eq!(
        book.latest_service_month("zt").unwrap().as_deref(),
        Some("2026-10")
    );
}
