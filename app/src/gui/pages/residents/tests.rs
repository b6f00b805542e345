//! The residents page as a person uses it: find, enter, edit, merge; then the store.

use egui_kittest::kittest::Queryable;

use crate::gui::testing::{Fixture, assert_speaks_chinese, settle, tap, type_into};

fn resident_named(fx: &Fixture, name: &str) -> (String, gridbook_model::Resident) {
    let all = fx.with_book(|book| book.residents());
    all.into_iter()
        .find(|(_, r)| r.name == name)
        .unwrap_or_else(|| panic!("{name} is in the register"))
}

#[test]
fn a_resident_is_found_by_phone_digits_and_room_and_a_phone_is_changed() {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    type_into(&mut h, "查找居民", "1234");
    h.run();
    let hit = "王秀英 · ****1234 · 12栋 2单元 301室";
    assert!(h.query_by_label(hit).is_some(), "found by the phone's end");
    assert!(h.query_by_label_contains("李建国").is_none());
    assert_speaks_chinese(&h);
    tap(&mut h, hit);
    settle(&mut h);
    // A bad phone is refused in words and nothing is written.
    type_into(&mut h, "电话", "x");
    tap(&mut h, "保存修改");
    settle(&mut h);
    assert!(h.query_by_label_contains("不是电话号码").is_some());
    assert_speaks_chinese(&h);
    // Found again by building, unit and room; the phone typed over.
    type_into(&mut h, "查找居民", "");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("查找居民").type_text("12 2 301");
    h.run();
    tap(&mut h, hit);
    h.get_by_label("电话").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("电话").type_text("13700009999");
    h.run_steps(2);
    tap(&mut h, "保存修改");
    settle(&mut h);
    assert!(h.query_by_label("已保存修改").is_some());
    drop(h);
    let (_, r) = resident_named(&fx, "王秀英");
    assert_eq!(r.phone.as_deref(), Some("13700009999"));
    assert_eq!(r.name, "王秀英");
}

#[test]
fn a_resident_is_entered_and_an_empty_name_is_refused() {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| {
        s.page = super::ID.into();
        s.last_grid = Some("zt-g3".into());
    });
    tap(&mut h, "登记新居民");
    tap(&mut h, "登记");
    settle(&mut h);
    assert!(h.query_by_label_contains("未保存：居民需要姓名").is_some());
    assert_speaks_chinese(&h);
    type_into(&mut h, "姓名", "赵桂兰");
    type_into(&mut h, "电话", "13600002222");
    tap(&mut h, "12栋");
    type_into(&mut h, "单元", "3");
    type_into(&mut h, "室", "502");
    tap(&mut h, "登记");
    settle(&mut h);
    assert!(h.query_by_label("已登记").is_some());
    type_into(&mut h, "查找居民", "2222");
    h.run();
    assert!(
        h.query_by_label("赵桂兰 · ****2222 · 12栋 3单元 502室")
            .is_some()
    );
    drop(h);
    let (_, r) = resident_named(&fx, "赵桂兰");
    assert_eq!(r.building.as_deref(), Some("zt-g3-b12"));
    assert_eq!(
        (r.unit.as_deref(), r.room.as_deref()),
        (Some("3"), Some("502"))
    );
    assert_eq!(fx.with_book(|b| b.residents()).len(), 3);
}

#[test]
fn a_duplicate_entry_is_merged_and_shown_as_merged() {
    let fx = Fixture::new();
    // 王秀英 entered a second time, offline, without her phone.
    fx.with_book(|book| {
        book.add_resident(gridbook_model::NewResident {
            name: "王秀英".into(),
            building: Some("zt-g3-b12".into()),
            unit: Some("2".into()),
            room: Some("301".into()),
            ..Default::default()
        })
    });
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    type_into(&mut h, "查找居民", "王秀英");
    h.run();
    tap(&mut h, "王秀英 · 12栋 2单元 301室");
    settle(&mut h);
    // The list found first is put away; the other entry is found in the merge's own search.
    h.get_by_label("查找居民").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(2);
    type_into(&mut h, "与之相同的登记", "1234");
    h.run();
    tap(&mut h, "王秀英 · ****1234 · 12栋 2单元 301室");
    tap(&mut h, "记为重复，合并到「王秀英」");
    settle(&mut h);
    assert!(h.query_by_label("已合并重复登记").is_some());
    assert!(
        h.query_by_label("（已合并）王秀英 · 12栋 2单元 301室")
            .is_some(),
        "the duplicate shows under the entry that stays"
    );
    assert_speaks_chinese(&h);
    drop(h);
    let all = fx.with_book(|book| book.residents());
    let stays = all
        .iter()
        .find(|(_, r)| r.name == "王秀英" && r.phone.is_some())
        .map(|(id, _)| id.clone())
        .expect("the entry with the phone");
    let merged: Vec<_> = all.values().filter(|r| r.merged_into.is_some()).collect();
    assert_eq!(merged.len(), 1);
    assert_eq!(
        merged[0].merged_into.as_ref().map(|m| m.as_str()),
        Some(stays.as_str())
    );
    assert_eq!(merged[0].phone, None);
}
