//! The volunteers page's UI tests: a lead taps and types, then the store is read.

use gridbook_model::vocab::Role;

use crate::gui::testing::{Fixture, assert_speaks_chinese, interactions, settle, tap, type_into};
use egui_kittest::kittest::Queryable;

#[test]
fn a_lead_records_service_and_a_redemption_and_sees_the_balance() {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    tap(&mut h, "周志强");
    settle(&mut h);
    assert!(h.query_by_label_contains("余额 0.0 小时").is_some());
    tap(&mut h, "2026-11-21 楼道清扫");
    type_into(&mut h, "服务时长（小时）", "2.5");
    tap(&mut h, "记录服务");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("余额 2.5 小时 · 3 积分")
            .is_some(),
        "the balance shows the hours and the points that follow them"
    );
    type_into(&mut h, "兑换时长（小时）", "1");
    type_into(&mut h, "兑换说明", "理发服务");
    tap(&mut h, "兑换");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("余额 1.5 小时 · 3 积分")
            .is_some()
    );
    // Bad input is refused in words, and nothing is written.
    type_into(&mut h, "兑换时长（小时）", "很多");
    tap(&mut h, "兑换");
    settle(&mut h);
    assert!(h.query_by_label_contains("不是时长").is_some());
    drop(h);
    let balance = fx.with_book(|book| {
        let id = book
            .volunteer_summaries()?
            .into_iter()
            .find(|v| v.name == "周志强")
            .expect("the fixture's volunteer")
            .id;
        book.balance(&id)
    });
    assert_eq!((balance.minutes, balance.points), (90, 3));
}

#[test]
fn an_empty_activity_title_is_refused_and_a_new_activity_is_listed() {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    tap(&mut h, "新增活动");
    settle(&mut h);
    assert!(h.query_by_label_contains("活动需要一个名称").is_some());
    assert_speaks_chinese(&h);
    type_into(&mut h, "活动名称", "敬老院探访");
    tap(&mut h, "新增活动");
    settle(&mut h);
    assert!(h.query_by_label("已新增活动：敬老院探访").is_some());
    tap(&mut h, "周志强");
    settle(&mut h);
    assert_eq!(
        h.query_all_by_label_contains("敬老院探访").count(),
        2,
        "the saved note and the new activity's chip"
    );
    drop(h);
    let titles = fx.with_book(|book| book.activity_summaries());
    assert!(titles.iter().any(|a| a.title == "敬老院探访"));
}

#[test]
fn a_lead_adds_a_volunteer_then_records_two_volunteers_service_in_one_step() {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    type_into(&mut h, "志愿者姓名", "陈静");
    type_into(&mut h, "志愿者技能", "理发、电工");
    tap(&mut h, "加入 环境卫士");
    tap(&mut h, "新增志愿者");
    settle(&mut h);
    assert!(h.query_by_label("已新增志愿者：陈静").is_some());
    let before = interactions(&h);
    tap(&mut h, "2026-11-21 楼道清扫");
    tap(&mut h, "周志强 到场");
    tap(&mut h, "陈静 到场");
    type_into(&mut h, "服务时长（小时）", "2");
    tap(&mut h, "记录服务");
    settle(&mut h);
    assert!(h.query_by_label("已为 2 位志愿者记录服务时长").is_some());
    assert_eq!(
        interactions(&h) - before,
        5,
        "activity, two ticks, hours, record"
    );
    assert_speaks_chinese(&h);
    // Nobody ticked: refused in words, nothing written.
    tap(&mut h, "记录服务");
    settle(&mut h);
    assert!(h.query_by_label_contains("请至少勾选一位").is_some());
    drop(h);
    let (volunteers, stars) = fx.with_book(|book| {
        let v = book.balances("zt")?;
        Ok((v, book.star_volunteers("zt", "2026-11", 5)?))
    });
    let chen = volunteers.iter().find(|v| v.name == "陈静").expect("added");
    assert_eq!(chen.skills, ["理发", "电工"]);
    assert_eq!(chen.team_name.as_deref(), Some("环境卫士"));
    for v in &volunteers {
        assert_eq!(
            (v.balance.minutes, v.balance.points),
            (120, 2),
            "{}",
            v.name
        );
    }
    assert_eq!(stars.len(), 2);
}

#[test]
fn a_lead_adds_a_team_and_a_sub_team_and_an_empty_name_is_refused() {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    tap(&mut h, "新增队伍");
    settle(&mut h);
    assert!(h.query_by_label_contains("志愿队需要名称").is_some());
    type_into(&mut h, "队伍名称", "帮帮团");
    tap(&mut h, "新增队伍");
    settle(&mut h);
    assert!(h.query_by_label("已新增队伍：帮帮团").is_some());
    type_into(&mut h, "队伍名称", "理发组");
    tap(&mut h, "归入 帮帮团");
    tap(&mut h, "新增队伍");
    settle(&mut h);
    assert!(h.query_by_label("加入 帮帮团 / 理发组").is_some());
    assert_speaks_chinese(&h);
    drop(h);
    let teams = fx.with_book(|book| book.teams("zt"));
    let (parent, _) = teams
        .iter()
        .find(|(_, t)| t.name == "帮帮团")
        .expect("team");
    let sub = teams
        .values()
        .find(|t| t.name == "理发组")
        .expect("sub-team");
    assert_eq!(
        sub.parent.as_ref().map(|p| p.as_str()),
        Some(parent.as_str())
    );
    assert_eq!(teams.len(), 3, "环境卫士 and the two new ones");
}

#[test]
fn skills_edited_on_the_page_merge_with_another_devices_edit() {
    let fx = Fixture::new();
    let tablet = fx.joined("李娜", Role::VolunteerLead);
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    tap(&mut h, "周志强");
    settle(&mut h);
    type_into(&mut h, "修改技能", "、维修");
    tap(&mut h, "保存技能");
    settle(&mut h);
    assert!(h.query_by_label("技能已保存").is_some());
    assert!(
        h.query_by_label("清扫、维修").is_some(),
        "the table shows them"
    );
    drop(h);
    // Meanwhile the lead's tablet, offline, dropped 清扫 and added 电工.
    let id = tablet.with_book(|book| {
        let v = book.balances("zt")?.remove(0);
        book.set_skills(&v.id, &["电工".into()])?;
        Ok(v.id)
    });
    fx.exchange(&tablet);
    for device in [&fx, &tablet] {
        let skills = device.with_book(|book| {
            let v = book.balances("zt")?.into_iter().find(|v| v.id == id);
            Ok(v.expect("the volunteer").skills)
        });
        assert_eq!(skills, ["电工", "维修"]);
    }
}
