//! The places page's UI tests: the office taps and types, then the store is read.

use egui_kittest::kittest::Queryable;
use gridbook_model::vocab::Role;

use crate::gui::testing::{Fixture, assert_speaks_chinese, settle, tap, type_into};

#[test]
fn the_office_adds_a_courtyard_a_grid_in_it_and_a_building_shown_as_a_tree() {
    let fx = Fixture::new();
    let mut h = fx.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    assert!(h.query_by_label("社区：中台社区（zt）").is_some());
    assert!(h.query_by_label("楼栋：12栋（zt-g3-b12）").is_some());
    tap(&mut h, "加院落");
    tap(&mut h, "在中台社区");
    type_into(&mut h, "代码", "y1");
    tap(&mut h, "添加");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("院落需要名称").is_some(),
        "no name"
    );
    type_into(&mut h, "名称", "阳光院");
    tap(&mut h, "添加");
    settle(&mut h);
    assert!(h.query_by_label("已添加：阳光院").is_some());
    tap(&mut h, "加网格");
    type_into(&mut h, "代码", "g4");
    type_into(&mut h, "名称", "第4网格");
    tap(&mut h, "添加");
    settle(&mut h);
    assert!(
        h.query_by_label("请先选这个网格在哪里").is_some(),
        "no parent"
    );
    tap(&mut h, "在中台社区·阳光院");
    tap(&mut h, "添加");
    settle(&mut h);
    assert!(h.query_by_label("网格：第4网格（zt-g4）").is_some());
    tap(&mut h, "加楼栋");
    tap(&mut h, "在中台社区·第4网格");
    type_into(&mut h, "代码", "b7");
    type_into(&mut h, "名称", "7栋");
    tap(&mut h, "添加");
    settle(&mut h);
    assert!(h.query_by_label("楼栋：7栋（zt-g4-b7）").is_some());
    // An id already used: refused in words.
    type_into(&mut h, "代码", "b7");
    type_into(&mut h, "名称", "又一个7栋");
    tap(&mut h, "添加");
    settle(&mut h);
    assert!(h.query_by_label_contains("已存在").is_some());
    assert_speaks_chinese(&h);
    drop(h);
    let dir = fx.with_book(|book| book.directory_view());
    assert_eq!(
        dir.courtyards
            .get("zt-y1")
            .and_then(|c| c.parent.as_deref()),
        Some("zt")
    );
    assert_eq!(
        dir.grids.get("zt-g4").and_then(|g| g.parent.as_deref()),
        Some("zt-y1")
    );
    assert_eq!(
        dir.buildings.get("zt-g4-b7").map(|b| b.name.as_str()),
        Some("7栋")
    );
    assert_eq!(dir.buildings.len(), 2, "nothing written by the refusals");
}

#[test]
fn a_device_that_is_not_the_offices_sees_the_tree_without_the_form() {
    let fx = Fixture::new();
    let tablet = fx.joined("李娜", Role::GridWorker);
    let mut h = tablet.harness_with(|s| s.page = super::ID.into());
    settle(&mut h);
    assert!(
        h.query_by_label_contains("只有办公室管理员的设备才能添加地点")
            .is_some()
    );
    assert!(h.query_by_label("网格：第3网格（zt-g3）").is_some());
    assert!(h.query_by_label("添加").is_none());
    assert_speaks_chinese(&h);
}
