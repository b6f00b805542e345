//! Bundles carried by hand between three devices of one network: they converge on files alone,
//! and a tampered, truncated, foreign or unreadable bundle is refused whole.

use crate::common;

use gridbook_model::vocab::{Category, Role};
use gridbook_model::{Gridbook, NewNeed, NewResident};
use gridbook_sync::bundle::{self, BundleError};

/// A resident's name that must never be readable in a bundle's bytes.
const CANARY: &str = "欧阳秀凤";

/// The office (founder) and two tablets it lists; the tablets have no network yet.
fn network() -> (Gridbook, Gridbook, Gridbook) {
    let mut office = Gridbook::in_memory_seeded([1; 32]).unwrap();
    common::found(&mut office);
    office
        .add_resident(NewResident {
            name: CANARY.into(),
            phone: Some("13812341234".into()),
            building: None,
            grid: Some("zt-g3".into()),
            unit: None,
            room: None,
        })
        .unwrap();
    let mut tablets = Vec::new();
    for (seed, name) in [(2u8, "李娜"), (3, "王刚")] {
        let tablet = Gridbook::in_memory_seeded([seed; 32]).unwrap();
        let member = office.add_member(name, Role::GridWorker).unwrap();
        office
            .add_device(&tablet.device().id_hex(), &member, Role::GridWorker)
            .unwrap();
        tablets.push(tablet);
    }
    let c = tablets.pop().unwrap();
    let b = tablets.pop().unwrap();
    (office, b, c)
}

fn carry(from: &mut Gridbook, to: &mut Gridbook) -> usize {
    let made = bundle::export(from, None).unwrap();
    bundle::import(to, &made.bytes).unwrap().new_changes
}

#[test]
fn three_devices_converge_on_bundles_alone() {
    let (mut office, mut b, mut c) = network();
    // The tablets join by USB stick: a bundle made after the office listed them.
    let first = bundle::export(&mut office, None).unwrap();
    assert_eq!(first.recipients, 3, "the office and both tablets");
    assert!(
        !first
            .bytes
            .windows(CANARY.len())
            .any(|w| w == CANARY.as_bytes()),
        "no resident's name is readable in the bundle"
    );
    for t in [&mut b, &mut c] {
        let done = bundle::import(t, &first.bytes).unwrap();
        assert!(done.new_changes > 0);
        assert!(t.network().unwrap().is_some(), "joined from the bundle");
        // Importing it again changes nothing.
        assert_eq!(bundle::import(t, &first.bytes).unwrap().new_changes, 0);
    }

    // Each works offline.
    office
        .add_need(NewNeed::new("楼道灯不亮", Category::Facilities, "zt-g3"))
        .unwrap();
    let from_b = b
        .add_need(NewNeed::new("独居老人送餐", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    let from_c = c
        .add_need(NewNeed::new("12栋漏水", Category::Facilities, "zt-g3"))
        .unwrap();

    // Sticks go b → office, c → office, office → b and c.
    assert!(carry(&mut b, &mut office) > 0);
    assert!(carry(&mut c, &mut office) > 0);
    let round = bundle::export(&mut office, None).unwrap();
    for t in [&mut b, &mut c] {
        bundle::import(t, &round.bytes).unwrap();
    }
    let dump = office.dump().unwrap();
    assert_eq!(b.dump().unwrap(), dump);
    assert_eq!(c.dump().unwrap(), dump);
    assert_eq!(c.need(&from_b).unwrap().title, "独居老人送餐");
    assert_eq!(b.need(&from_c).unwrap().title, "12栋漏水");
    // The first bundle, carried again, is old news.
    assert_eq!(bundle::import(&mut b, &first.bytes).unwrap().new_changes, 0);
    assert_eq!(b.dump().unwrap(), dump);
}

#[test]
fn a_bundle_for_one_device_holds_only_what_it_lacks_and_only_it_can_read() {
    let (mut office, mut b, mut c) = network();
    for i in 0..200 {
        office
            .add_need(NewNeed::new(
                format!("需求{i}"),
                Category::Facilities,
                "zt-g3",
            ))
            .unwrap();
    }
    let full = bundle::export(&mut office, None).unwrap();
    bundle::import(&mut b, &full.bytes).unwrap();
    bundle::import(&mut c, &full.bytes).unwrap();
    // The office learns what b holds from b's own bundle (a session would tell it too).
    b.add_need(NewNeed::new("独居老人送餐", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    carry(&mut b, &mut office);
    office
        .add_need(NewNeed::new("楼道灯不亮", Category::Facilities, "zt-g3"))
        .unwrap();
    let b_id = b.device().id_hex();
    let for_b = bundle::export(&mut office, Some(&b_id)).unwrap();
    assert_eq!(for_b.recipients, 1);
    assert_eq!(for_b.documents, 1, "only the needs document moved");
    assert!(
        for_b.data_bytes * 4 < full.data_bytes,
        "{} bytes of changes for one need against {} for everything",
        for_b.data_bytes,
        full.data_bytes
    );
    assert!(matches!(
        bundle::import(&mut c, &for_b.bytes),
        Err(BundleError::NotForThisDevice)
    ));
    assert!(bundle::import(&mut b, &for_b.bytes).unwrap().new_changes > 0);
    assert_eq!(b.dump().unwrap(), office.dump().unwrap());
}

#[test]
fn damaged_foreign_and_unreadable_bundles_are_refused_whole() {
    let (mut office, mut b, _c) = network();
    let good = bundle::export(&mut office, None).unwrap().bytes;
    bundle::import(&mut b, &good).unwrap();
    office
        .add_need(NewNeed::new("楼道灯不亮", Category::Facilities, "zt-g3"))
        .unwrap();
    let newer = bundle::export(&mut office, None).unwrap().bytes;
    let before = b.dump().unwrap();

    // Cut short anywhere after the header, or one byte changed anywhere: refused.
    let (_, start) = bundle::read_header(&newer).unwrap();
    for cut in [start, start + 10, newer.len() / 2, newer.len() - 1] {
        let e = bundle::import(&mut b, &newer[..cut]).unwrap_err();
        assert!(matches!(e, BundleError::Damaged(_)), "cut at {cut}: {e}");
    }
    for at in (0..newer.len()).step_by(97) {
        let mut bad = newer.clone();
        bad[at] ^= 0x20;
        assert!(bundle::import(&mut b, &bad).is_err(), "byte {at} flipped");
    }
    // Not a bundle at all.
    assert!(matches!(
        bundle::import(&mut b, b"id,title\n1,x\n"),
        Err(BundleError::NotABundle)
    ));
    // Another network's.
    let mut stranger = Gridbook::in_memory_seeded([9; 32]).unwrap();
    stranger.init_network("别的街道", "张三").unwrap();
    let foreign = bundle::export(&mut stranger, None).unwrap().bytes;
    assert!(matches!(
        bundle::import(&mut b, &foreign),
        Err(BundleError::OtherNetwork { .. })
    ));
    // A header rewritten to this network: the network inside differs, or the key does not fit.
    let (_, foreign_start) = bundle::read_header(&foreign).unwrap();
    let (_, good_start) = bundle::read_header(&good).unwrap();
    let mut relabelled = good[..good_start].to_vec();
    relabelled.extend_from_slice(&foreign[foreign_start..]);
    assert!(matches!(
        bundle::import(&mut b, &relabelled),
        Err(BundleError::NotForThisDevice | BundleError::Damaged(_))
    ));
    // Nothing of any of it was imported.
    assert_eq!(b.dump().unwrap(), before);
    // The good one still goes in.
    assert!(bundle::import(&mut b, &newer).unwrap().new_changes > 0);
}
