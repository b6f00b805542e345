//! The people-and-devices page's UI tests: the office taps and types, then the store is read.

use egui_kittest::kittest::Queryable;
use gridbook_model::vocab::Role;

use crate::gui::testing::{Fixture, assert_speaks_chinese, interactions, settle, tap, type_into};

fn at_people(fx: &Fixture) -> egui_kittest::Harness<'static, crate::gui::testing::TestApp> {
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    h
}

#[test]
fn the_office_adds_a_member_with_a_role_and_an_empty_name_is_refused() {
    let fx = Fixture::new();
    let mut h = at_people(&fx);
    tap(&mut h, "设为网格员");
    tap(&mut h, "添加成员");
    settle(&mut h);
    assert!(h.query_by_label_contains("成员需要姓名").is_some());
    type_into(&mut h, "成员姓名", "李娜");
    tap(&mut h, "添加成员");
    settle(&mut h);
    assert!(h.query_by_label("已添加成员：李娜").is_some());
    assert!(h.query_by_label("李娜").is_some(), "listed (no device yet)");
    assert_speaks_chinese(&h);
    // The invite is the sync page's: the link goes there.
    tap(&mut h, "在同步页邀请");
    settle(&mut h);
    assert_eq!(h.state().state.page, crate::gui::pages::sync::ID);
    drop(h);
    let members = fx.with_book(|book| Ok(book.directory_view()?.members));
    let roles: Vec<(&str, Role)> = members
        .values()
        .map(|m| (m.name.as_str(), m.role))
        .collect();
    assert_eq!(roles.len(), 2, "王芳 and 李娜, nobody nameless: {roles:?}");
    assert!(roles.contains(&("李娜", Role::GridWorker)));
}

#[test]
fn the_office_grants_a_role_then_revokes_a_lost_tablet_which_holds_after_a_merge() {
    let fx = Fixture::new();
    let tablet = fx.joined("李娜", Role::GridWorker);
    let hex = tablet.with_book(|book| Ok(book.device().id_hex()));
    let short: String = hex.chars().take(10).collect();
    let mut h = at_people(&fx);
    assert_eq!(
        h.query_all_by_label("李娜").count(),
        2,
        "a member, using a device"
    );
    tap(&mut h, &format!("管理 {short}"));
    tap(&mut h, "授予志愿队长");
    tap(&mut h, "保存授权");
    settle(&mut h);
    assert!(h.query_by_label("授权已保存").is_some());
    // Revoking asks why, and refuses no reason without writing anything.
    tap(&mut h, &format!("管理 {short}"));
    tap(&mut h, "吊销这台设备…");
    tap(&mut h, "确认吊销");
    settle(&mut h);
    assert!(h.query_by_label("请写明吊销原因").is_some());
    let before = interactions(&h);
    type_into(&mut h, "吊销原因", "平板丢失");
    tap(&mut h, "确认吊销");
    settle(&mut h);
    assert_eq!(interactions(&h) - before, 2, "a reason and a confirmation");
    assert!(h.query_by_label("设备已吊销").is_some());
    assert!(h.query_by_label("已吊销：平板丢失").is_some());
    assert!(
        h.query_by_label(&format!("管理 {short}")).is_none(),
        "a revoked device is not granted again from here"
    );
    assert_speaks_chinese(&h);
    drop(h);
    // Granting it again is refused in words, and writes nothing.
    let (refused, heads, again) = fx.with_book(|book| {
        let member = book.resolve_member("李娜")?;
        let heads = book.heads(&gridbook_model::DocId::Directory)?;
        let refused = book.grant(&hex, &member, Role::Admin);
        Ok((
            refused,
            heads,
            book.heads(&gridbook_model::DocId::Directory)?,
        ))
    });
    let refused = refused.expect_err("a revoked device is revoked for good");
    let said = crate::i18n::in_language(crate::i18n::Language::Chinese, || {
        crate::words::say(&refused.words())
    });
    assert!(said.contains("已被吊销（平板丢失）"), "{said}");
    assert_eq!(heads, again);
    // The tablet learns of its revocation at the next sync.
    fx.exchange(&tablet);
    let status = tablet.with_book(|book| Ok(book.membership()?.device(&hex).cloned()));
    let status = status.expect("listed");
    assert_eq!(status.role, Some(Role::VolunteerLead));
    assert_eq!(
        status.revoked.map(|r| r.reason).as_deref(),
        Some("平板丢失")
    );
}

#[test]
fn a_device_that_is_not_the_offices_sees_the_lists_read_only() {
    let fx = Fixture::new();
    let tablet = fx.joined("李娜", Role::GridWorker);
    let h = at_people(&tablet);
    assert!(
        h.query_by_label_contains("只有办公室管理员的设备")
            .is_some()
    );
    assert_eq!(
        h.query_all_by_label("王芳").count(),
        2,
        "a member, and her device"
    );
    assert!(h.query_by_label("本机").is_some(), "and the devices");
    assert!(h.query_by_label("添加成员").is_none());
    assert!(h.query_by_label_contains("管理 ").is_none());
    assert_speaks_chinese(&h);
}
