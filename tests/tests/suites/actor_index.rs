//! The store's actor index (`model/src/store/actor_index.rs`) says what loading every document
//! says — which actor wrote how far in which document, and so each device's `seen` for a grant
//! or revocation — on devices that edit (one document at a time and several in parallel),
//! sync, import bundles and restart; and a store whose power was cut at any write has an index
//! that matches its documents, since both are written in one transaction.

use gridbook_model::vocab::Category;
use gridbook_model::{Gridbook, NewNeed, PlaceKind};
use gridbook_tests::actor_index::check;
use gridbook_tests::world::{Edit, world};

/// Every kind of edit the world knows, so every kind of document gets changes.
const EDITS: [Edit; 10] = [
    Edit::AddNeed { category: 0 },
    Edit::EditTitle { need: 0, n: 1 },
    Edit::Vote {
        resident: 0,
        choice: 1,
    },
    Edit::Minutes,
    Edit::Attend { hours: 2 },
    Edit::Advance { need: 1, step: 0 },
    Edit::EditDue { need: 2, day: 3 },
    Edit::Redeem { hours: 1 },
    Edit::MergeResidents,
    Edit::Hands {
        choice: 0,
        count: 3,
    },
];

fn bundle(from: &mut Gridbook, to: &mut Gridbook) {
    let made = gridbook_sync::bundle::export(from, None).unwrap();
    gridbook_sync::bundle::import(to, &made.bytes).unwrap();
}

#[test]
fn the_actor_index_equals_loading_every_document_on_devices_that_edit_sync_and_import_bundles() {
    let mut w = world(3).unwrap();
    let devices: Vec<String> = w.net.replicas.iter().map(|r| r.id.clone()).collect();
    {
        let office = w.net.replicas[0].book();
        office
            .add_place(PlaceKind::Community, None, "bs", "百顺社区")
            .unwrap();
        office
            .add_place(PlaceKind::Grid, Some("bs"), "g1", "第1网格")
            .unwrap();
    }
    w.net.final_exchange(20).unwrap();
    for round in 0..3 {
        for dev in 0..3 {
            for (i, edit) in EDITS.iter().enumerate() {
                if (i + dev + round) % 2 == 0 {
                    w.edit(dev, edit);
                }
            }
            // A batch over two communities' documents: edited in parallel (book/parallel.rs).
            let news = ["zt-g3", "bs-g1", "zt-g3"]
                .iter()
                .map(|g| NewNeed::new(format!("批量 {round} {dev}"), Category::Parking, *g))
                .collect();
            w.net.replicas[dev].book().add_needs(news).unwrap();
        }
        // Device 1 hears from 0 by sync, 2 from 1 by a bundle, then 0 from 2 by a bundle.
        let [a, b, c] = &mut w.net.replicas[..] else {
            unreachable!("three devices")
        };
        gridbook_tests::sync_all(a.book(), b.book(), 20).unwrap();
        bundle(b.book(), c.book());
        bundle(c.book(), a.book());
        for (i, r) in w.net.replicas.iter_mut().enumerate() {
            check(r.book(), &devices).unwrap_or_else(|e| panic!("round {round}, device {i}: {e}"));
        }
    }
    assert!(w.acked.needs.len() >= 3, "{:?}", w.acked);
    w.net.final_exchange(20).unwrap();
    for (i, r) in w.net.replicas.iter_mut().enumerate() {
        r.restart().unwrap();
        check(r.book(), &devices).unwrap_or_else(|e| panic!("after restart, device {i}: {e}"));
    }
    // Device 2's changes reached every document kind, so its revocation records a `seen` for
    // each, read from the index.
    let office = w.net.replicas[0].book();
    let seen = office.seen_changes_of(&devices[2]).unwrap();
    for kind in ["directory", "needs/", "meeting/", "timebank/"] {
        assert!(seen.keys().any(|k| k.starts_with(kind)), "{kind}: {seen:?}");
    }
    office.revoke(&devices[2], "tablet lost").unwrap();
    let record = office.membership().unwrap().device(&devices[2]).cloned();
    assert!(record.and_then(|d| d.revoked).is_some());
    check(office, &devices).unwrap();
}
