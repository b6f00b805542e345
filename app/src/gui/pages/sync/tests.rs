//! UI tests of syncing from the app: two apps on loopback, each with its own node, as two
//! tablets in one office would be.
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use gridbook_model::vocab::Category;
use gridbook_sync::node::NodeOptions;

use super::{NodeStatus, SyncView};
use crate::gui::messages::Command;
use crate::gui::testing::{Fixture, TestApp, empty_harness, settle, tap, type_into};

/// How often the app's peer dials in tests of "sync now": not within a test's time, so that
/// what moves is what the button moved.
const NOT_SOON: Duration = Duration::from_secs(3600);

/// Starts the app's node on loopback with discovery off, dialling every `dial_every`, and
/// waits until it listens.
fn start_network(h: &mut Harness<'static, TestApp>, dial_every: Duration) {
    let ctx = h.ctx.clone();
    let options = NodeOptions::new("127.0.0.1:0".parse().unwrap());
    h.state_mut().start_network(&ctx, options, dial_every);
    wait_until(h, "the node listens", |app| {
        matches!(app.page::<SyncView>().node, NodeStatus::Listening { .. })
    });
}

/// Records a need on this device, as its new-need page would, and waits for the worker.
fn add_need(h: &mut Harness<'static, TestApp>, title: &str) {
    h.state_mut()
        .commands
        .push(Command::AddNeed(gridbook_model::NewNeed::new(
            title,
            Category::Facilities,
            "zt-g3",
        )));
    settle(h);
}

/// Runs frames until `done` holds, for at most 30 s (syncs run on other threads).
fn wait_until(
    h: &mut Harness<'static, TestApp>,
    what: &str,
    done: impl Fn(&crate::gui::GridbookApp) -> bool,
) {
    let started = Instant::now();
    while !done(h.state()) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what}: not within 30 s"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    settle(h);
}

/// The admin's tablet (the fixture's store, holding 楼道灯不亮) invites a new tablet from its
/// sync page, and the new tablet joins from its first-run page; both peers dial every
/// `dial_every`. Returns both, and the new tablet's data directory.
fn join_tablet(
    fx: &Fixture,
    dial_every: Duration,
) -> (
    Harness<'static, TestApp>,
    Harness<'static, TestApp>,
    tempfile::TempDir,
) {
    fx.with_book(|book| {
        book.add_need(gridbook_model::NewNeed::new(
            "楼道灯不亮",
            Category::Facilities,
            "zt-g3",
        ))
    });
    // The admin's tablet: invite a device for 王芳 from the sync page.
    let mut admin = fx.harness();
    start_network(&mut admin, dial_every);
    tap(&mut admin, "同步");
    settle(&mut admin);
    assert!(admin.query_by_label("本设备").is_some());
    assert!(admin.query_by_label_contains("还没有其他设备").is_some());
    tap(&mut admin, "生成邀请");
    assert!(
        admin.query_by_label("请先选择新设备的使用人").is_some(),
        "an invite needs the person who will use the device"
    );
    crate::gui::testing::assert_speaks_chinese(&admin);
    tap(&mut admin, "王芳（管理员）");
    tap(&mut admin, "生成邀请");
    wait_until(&mut admin, "the invite shows", |app| {
        app.page::<SyncView>().invite.is_some()
    });
    assert!(admin.query_by_label("等待新设备加入…").is_some());
    let ticket = admin
        .state()
        .page::<SyncView>()
        .invite
        .as_ref()
        .unwrap()
        .ticket
        .clone();
    assert!(
        admin.query_by_label(&ticket).is_some(),
        "the ticket is on screen as text"
    );

    // The new tablet: paste the ticket on the first-run page.
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = empty_harness(dir.path());
    start_network(&mut tablet, dial_every);
    tap(&mut tablet, "加入网络");
    assert!(tablet.query_by_label_contains("请粘贴").is_some());
    type_into(&mut tablet, "邀请码", &ticket);
    tap(&mut tablet, "加入网络");
    wait_until(&mut tablet, "the tablet joins", |app| {
        app.data
            .directory
            .as_ref()
            .is_some_and(|d| d.network.is_some())
            && !app.data.rows.is_empty()
    });
    assert_eq!(tablet.state().data.rows[0].title, "楼道灯不亮");
    assert!(
        tablet.query_by_label("民需").is_some(),
        "the app proper opens"
    );
    wait_until(&mut admin, "the admin sees the device join", |app| {
        app.page::<SyncView>()
            .invite
            .as_ref()
            .is_some_and(|i| matches!(i.joined, Some(Ok(_))))
    });
    wait_until(&mut admin, "the admin lists the tablet", |app| {
        app.data.peers.iter().any(|p| !p.this_device)
    });

    (admin, tablet, dir)
}

#[test]
fn a_device_joins_from_the_first_run_page_and_syncs_now() {
    let fx = Fixture::new();
    let (mut admin, mut tablet, _dir) = join_tablet(&fx, NOT_SOON);

    // A need recorded on the admin's tablet reaches the new one with "sync now".
    add_need(&mut admin, "12栋电梯异响");
    tap(&mut tablet, "同步");
    settle(&mut tablet);
    tap(&mut tablet, "立即同步");
    wait_until(&mut tablet, "the sync finishes", |app| {
        app.data.rows.iter().any(|r| r.title == "12栋电梯异响")
    });
    assert!(
        tablet
            .query_by_label("已是最新：与 1 台设备的数据一致")
            .is_some(),
        "up to date, with the one peer"
    );
    assert!(tablet.query_by_label_contains("已一致，收到").is_some());
    assert_eq!(tablet.state().state.page, super::ID);

    // The connection stays: the admin's next need reaches the tablet with no button pressed.
    add_need(&mut admin, "楼顶漏水");
    wait_until(&mut tablet, "the edit is pushed live", |app| {
        app.data.rows.iter().any(|r| r.title == "楼顶漏水")
    });
    assert!(
        tablet.query_by_label("其他设备发起的同步").is_some(),
        "the push shows among the syncs other devices started"
    );
}

#[test]
fn sync_now_with_nobody_around_says_so_and_never_up_to_date() {
    let fx = Fixture::new();
    let mut h = fx.harness();
    start_network(&mut h, NOT_SOON);
    tap(&mut h, "同步");
    settle(&mut h);
    tap(&mut h, "立即同步");
    wait_until(&mut h, "the sync finishes", |app| {
        app.page::<SyncView>().finished_without_peers()
    });
    assert!(h.query_by_label_contains("没有找到可同步的设备").is_some());
    assert!(h.query_by_label_contains("已是最新").is_none());
}

#[test]
fn without_a_node_the_page_says_sync_is_off() {
    let fx = Fixture::new();
    let mut h = fx.harness();
    tap(&mut h, "同步");
    settle(&mut h);
    assert!(h.query_by_label_contains("同步未开启").is_some());
    assert!(
        h.get_by_label("立即同步").accesskit_node().is_disabled(),
        "sync now is greyed out"
    );
}

#[test]
fn a_revoked_device_shows_as_revoked_with_its_reason() {
    let fx = Fixture::new();
    let lost = data_encoding::HEXLOWER.encode(&public_key_of([7; 32]));
    fx.with_book(|book| {
        let member = book.add_member("李娜", gridbook_model::vocab::Role::GridWorker)?;
        book.add_device(&lost, &member, gridbook_model::vocab::Role::GridWorker)?;
        book.revoke(&lost, "平板丢失")
    });
    let mut h = fx.harness();
    tap(&mut h, "同步");
    settle(&mut h);
    assert!(h.query_by_label("李娜").is_some());
    assert!(
        h.query_by_label_contains("已吊销（平板丢失）").is_some(),
        "the devices table says revoked, and why"
    );
}

/// The device id of a device whose key is `seed`.
fn public_key_of(seed: [u8; 32]) -> [u8; 32] {
    *gridbook_model::Gridbook::in_memory_seeded(seed)
        .unwrap()
        .device()
        .public_bytes()
}

#[test]
fn two_devices_in_reach_sync_with_nobody_tapping_anything() {
    let fx = Fixture::new();
    let (mut admin, mut tablet, _dir) = join_tablet(&fx, Duration::from_millis(200));
    // Neither page is the sync page, and nobody taps "sync now": each peer dials the other
    // (its address known since the join) and keeps the connection live.
    tap(&mut tablet, "民需");
    add_need(&mut admin, "二单元门禁坏了");
    wait_until(&mut tablet, "the admin's need arrives unasked", |app| {
        app.data.rows.iter().any(|r| r.title == "二单元门禁坏了")
    });
    add_need(&mut tablet, "3号楼下水道堵塞");
    wait_until(&mut admin, "the tablet's need arrives unasked", |app| {
        app.data.rows.iter().any(|r| r.title == "3号楼下水道堵塞")
    });
    assert!(
        tablet.state().page::<SyncView>().run.is_none(),
        "no sync now was run on the tablet"
    );
}
