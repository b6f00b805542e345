//! What the sync tests share: an office that founded a network, and a tablet it lists.

use gridbook_model::vocab::{Category, Role};
use gridbook_model::{Gridbook, NewNeed, PlaceKind};

/// Makes `office` found a network (凤凰台街道, founded by 赵敏) with one community (`zt`,
/// 中台社区) and its grid `zt-g3`.
pub(crate) fn found(office: &mut Gridbook) {
    office.init_network("凤凰台街道", "赵敏").unwrap();
    office
        .add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    office
        .add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .unwrap();
}

/// Makes `office` found a network with one community, one grid and three needs, and list
/// `tablet` (which has never synced: no network yet) for a grid worker.
pub(crate) fn office_and_tablet(mut office: Gridbook, tablet: Gridbook) -> (Gridbook, Gridbook) {
    found(&mut office);
    let worker = office.add_member("李娜", Role::GridWorker).unwrap();
    office
        .add_device(&tablet.device().id_hex(), &worker, Role::GridWorker)
        .unwrap();
    for title in ["送餐", "修灯", "停车"] {
        office
            .add_need(NewNeed::new(title, Category::ElderlyCare, "zt-g3"))
            .unwrap();
    }
    (office, tablet)
}
