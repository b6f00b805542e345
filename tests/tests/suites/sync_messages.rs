//! Two stores that exchange Automerge sync messages converge, and a returning peer resumes.

use gridbook_model::time::Day;
use gridbook_model::vocab::Category;
use gridbook_model::{Gridbook, NeedEdit, NewNeed};
use gridbook_tests::{sync_all, two_devices};

#[test]
fn devices_that_sync_hold_identical_data_and_summaries() {
    let (mut office, mut tablet) = two_devices().unwrap();
    tablet
        .add_need(NewNeed::new(
            "独居老人需要送餐",
            Category::ElderlyCare,
            "zt-g3",
        ))
        .unwrap();
    office
        .add_need(NewNeed::new(
            "楼道下水道堵塞",
            Category::Facilities,
            "zt-g3",
        ))
        .unwrap();
    let traffic = sync_all(&mut office, &mut tablet, 10).unwrap();
    assert!(traffic.rounds <= 10);
    assert_eq!(office.dump().unwrap(), tablet.dump().unwrap());
    assert_eq!(
        office.need_summaries().unwrap(),
        tablet.need_summaries().unwrap()
    );
    let again = sync_all(&mut office, &mut tablet, 10).unwrap();
    // Nothing new: one message each way per document (heads and bloom filter), no changes.
    let docs = office.doc_ids().unwrap().len();
    assert!(
        again.messages <= 2 * docs && again.bytes < 300 * docs,
        "{again:?}"
    );
}

#[test]
fn a_returning_peer_resumes_from_its_stored_state_and_sends_only_the_edit() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let id = {
        let mut office =
            Gridbook::open_or_create(dirs.0.path(), &gridbook_tests::passphrase()).unwrap();
        gridbook_tests::found_network(&mut office).unwrap();
        let news = (0..300)
            .map(|i| NewNeed::new(format!("需求 {i}"), Category::Other, "zt-g3"))
            .collect();
        let ids = office.add_needs(news).unwrap();
        let mut tablet =
            Gridbook::open_or_create(dirs.1.path(), &gridbook_tests::passphrase()).unwrap();
        sync_all(&mut office, &mut tablet, 10).unwrap();
        ids[0].clone()
    };
    // Both devices restart; the office edits one field; they meet again.
    let mut office = Gridbook::open(dirs.0.path(), &gridbook_tests::passphrase()).unwrap();
    let mut tablet = Gridbook::open(dirs.1.path(), &gridbook_tests::passphrase()).unwrap();
    let due: Day = "2026-12-01".parse().unwrap();
    office
        .edit_need_fields(
            &id,
            &NeedEdit {
                due: Some(due),
                ..Default::default()
            },
        )
        .unwrap();
    let traffic = sync_all(&mut office, &mut tablet, 10).unwrap();
    assert_eq!(tablet.need(&id).unwrap().due, Some(due));
    assert!(
        traffic.bytes < 2_000,
        "a one-field edit cost {} bytes: {traffic:?}",
        traffic.bytes
    );
}
