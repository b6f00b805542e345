//! Roles and revocation over several replicas, with Automerge sync messages between them: a
//! member that forges grants or revocations or edits what its role may not, and a revoked
//! device that keeps writing, are ignored on every device, and every device still converges
//! (identical dumps, fresh summary rows).

use std::time::Instant;

use automerge::transaction::Transactable as _;
use automerge::{ObjType, ROOT, ReadDoc as _};
use gridbook_model::access::{Act, RecordBody};
use gridbook_model::vocab::{Category, MeetingLevel, Role};
use gridbook_model::{DocId, Error, Gridbook, NeedEdit, NewMeeting, NewNeed, Part, WhyIgnored};
use gridbook_tests::office::{Office, assert_untouched, retitle, tamper};

/// Writes a record signed by `book`'s own key into its directory, as a tampered client would.
fn forge_record(book: &mut Gridbook, device: &str, act: Act, signer_secret: Option<[u8; 32]>) {
    let network = book.network().unwrap().unwrap();
    let after = book.membership().unwrap().heads();
    let record = RecordBody {
        network: network.id,
        device: device.into(),
        member: "P-FORGED-1".into(),
        act,
        // Claims to be the founding device when signed with another key.
        signer: if signer_secret.is_some() {
            network.founding_key.clone()
        } else {
            book.device().id_hex()
        },
        after,
        seen: Default::default(),
        at: 0,
        nonce: "00".into(),
    }
    .sign(&signer_secret.unwrap_or(*book.device().secret_bytes()));
    let (id, json) = (record.id(), record.to_json());
    tamper(book, &DocId::Directory, "access forged", |tx| {
        let access = match tx.get(ROOT, "access").unwrap() {
            Some((_, obj)) => obj,
            None => tx.put_object(ROOT, "access", ObjType::Map).unwrap(),
        };
        tx.put(&access, id.as_str(), json).unwrap();
    });
}

fn meeting() -> NewMeeting {
    NewMeeting {
        title: "停车位".into(),
        level: MeetingLevel::Grid,
        community: "zt".into(),
        grid: None,
        place: "议事点".into(),
        day: "2026-11-28".parse().unwrap(),
        facilitator: "陈静".into(),
        quorum: 2,
    }
}

#[test]
fn forged_records_and_edits_outside_a_role_are_ignored_everywhere_and_replicas_converge() {
    let started = Instant::now();
    let mut o = Office::founded();
    let founder = o.books[0].device().id_hex();
    let stranger = "11".repeat(32);
    let meeting = o.books[2].create_meeting(meeting()).unwrap();
    let need = o.books[1]
        .add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"))
        .unwrap();
    o.sync_everyone();

    // Through the app, a grid worker is told why it may not touch a meeting.
    let refused = o.books[1].add_motion(&meeting, "划车位", None, false);
    assert!(
        matches!(
            &refused,
            Err(Error::Refused {
                why: WhyIgnored::RoleMayNot {
                    role: Role::GridWorker,
                    part: Part::Documents(DocId::Meeting(_))
                },
                ..
            })
        ),
        "{refused:?}"
    );

    let worker = 1;
    let worker_key = o.books[worker].device().id_hex();
    // A grid worker's tampered client: grants a stranger admin, revokes the founder, signs a
    // grant in the founder's name with its own key, renames the meeting, edits the places.
    let w = &mut o.books[worker];
    forge_record(
        w,
        &stranger,
        Act::Grant {
            role: "admin".into(),
        },
        None,
    );
    forge_record(
        w,
        &founder,
        Act::Revoke {
            reason: "forged".into(),
        },
        None,
    );
    forge_record(
        w,
        &worker_key,
        Act::Grant {
            role: "admin".into(),
        },
        Some([7; 32]),
    );
    let meeting_doc = DocId::Meeting(meeting.clone());
    tamper(w, &meeting_doc, "rename", |tx| {
        let (_, info) = tx.get(ROOT, "meeting").unwrap().unwrap();
        tx.put(&info, "title", "被篡改").unwrap();
    });
    tamper(w, &DocId::Directory, "rename grid", |tx| {
        let (_, grids) = tx.get(ROOT, "grids").unwrap().unwrap();
        let (_, g3) = tx.get(&grids, "zt-g3").unwrap().unwrap();
        tx.put(&g3, "name", "篡改网格").unwrap();
    });
    // Its own edit of a need still counts.
    retitle(w, &need, "三楼楼道灯坏了");
    o.sync_everyone();

    for (i, b) in o.books.iter_mut().enumerate() {
        let m = b.membership().unwrap();
        assert!(
            m.is_active(&founder),
            "device {i}: the founder was not revoked"
        );
        assert!(
            !m.is_active(&stranger),
            "device {i}: the stranger was not admitted"
        );
        assert_eq!(m.role(&worker_key), Some(Role::GridWorker), "device {i}");
        assert_eq!(
            b.meeting(&meeting).unwrap().meeting.title,
            "停车位",
            "device {i}"
        );
        assert_untouched(b, &need, "三楼楼道灯坏了", i);
        let ignored = b.ignored_changes().unwrap();
        assert_eq!(ignored.len(), 5, "device {i}: {ignored:#?}");
        assert!(ignored.iter().all(|x| x.device == worker_key));
    }
    // The office keeps working on the meeting after the ignored edit, and its records after
    // the forged ones count.
    o.books[0]
        .add_motion(&meeting, "划车位", None, false)
        .unwrap();
    let other = o.books[3].device().id_hex();
    o.books[0].revoke(&other, "left the office").unwrap();
    o.sync_everyone();
    assert_eq!(o.books[3].meeting(&meeting).unwrap().motions.len(), 1);
    for (i, b) in o.books.iter_mut().enumerate() {
        assert!(!b.is_active_member(&other), "device {i}");
        let m = b.membership().unwrap();
        assert_eq!(m.role(&worker_key), Some(Role::GridWorker), "device {i}");
    }
    o.assert_converged();
    eprintln!(
        "forged records and edits outside a role: 4 devices, 5 ignored changes, converged in {:?}",
        started.elapsed()
    );
}

#[test]
fn a_revoked_devices_later_changes_are_ignored_on_every_peer_even_relayed() {
    let started = Instant::now();
    let mut o = Office::founded();
    let need = o.books[3]
        .add_need(NewNeed::new(
            "独居老人需要送餐",
            Category::ElderlyCare,
            "zt-g3",
        ))
        .unwrap();
    o.sync_everyone();
    let revoked = o.books[3].device().id_hex();
    o.books[0]
        .revoke(&revoked, "tablet lost on the bus")
        .unwrap();
    // The lost tablet, unaware, edits the need and meets the facilitator, who has not heard.
    let title = |t: &str| NeedEdit {
        title: Some(t.into()),
        ..Default::default()
    };
    o.books[3]
        .edit_need_fields(&need, &title("被盗设备的修改"))
        .unwrap();
    o.sync(2, 3);
    assert_eq!(o.books[2].need(&need).unwrap().title, "被盗设备的修改");
    // The facilitator then meets the office: the revocation reaches it, the change reaches the
    // office, and both ignore it.
    o.sync(0, 2);
    o.sync(0, 1);
    for i in 0..3 {
        let b = &mut o.books[i];
        assert!(!b.is_active_member(&revoked), "device {i}");
        assert_eq!(
            b.need(&need).unwrap().title,
            "独居老人需要送餐",
            "device {i}"
        );
        let ignored = b.ignored_changes().unwrap();
        assert_eq!(ignored.len(), 1, "device {i}: {ignored:#?}");
        assert_eq!(ignored[0].why, WhyIgnored::Revoked);
    }
    let mut books = std::mem::take(&mut o.books);
    books.truncate(3);
    let mut o = Office { books };
    o.assert_converged();
    eprintln!(
        "revoked device's later change relayed by a peer: ignored on 3 devices in {:?}",
        started.elapsed()
    );
}

#[test]
fn a_role_changes_without_re_inviting() {
    let mut o = Office::founded();
    let tablet = o.books[1].device().id_hex();
    let member = o.books[0]
        .membership()
        .unwrap()
        .device(&tablet)
        .unwrap()
        .member
        .clone();
    assert!(o.books[1].create_meeting(meeting()).is_err());
    o.books[0]
        .grant(&tablet, &member.parse().unwrap(), Role::Facilitator)
        .unwrap();
    o.sync(0, 1);
    let id = o.books[1].create_meeting(meeting()).unwrap();
    o.sync_everyone();
    assert_eq!(o.books[2].meeting(&id).unwrap().meeting.title, "停车位");
    o.assert_converged();
}

#[test]
fn the_audit_names_who_changed_a_residents_records_on_every_device() {
    let mut o = Office::founded();
    let enter = |book: &mut Gridbook, name: &str| {
        book.add_resident(gridbook_model::NewResident {
            name: name.into(),
            grid: Some("zt-g3".into()),
            ..Default::default()
        })
        .unwrap()
    };
    let resident = enter(&mut o.books[0], "刘秀英");
    let other = enter(&mut o.books[0], "孙德胜");
    o.sync_everyone();
    let mut new = NewNeed::new("独居老人需要送餐", Category::ElderlyCare, "zt-g3");
    new.resident = Some(resident.clone());
    let need = o.books[1].add_need(new).unwrap();
    o.books[1]
        .add_need(NewNeed::new("别的民需", Category::Other, "zt-g3"))
        .unwrap();
    // A grid worker adds a resident too: the register is the grid workers' as well.
    enter(&mut o.books[3], "王桂兰");
    o.sync_everyone();
    for (i, b) in o.books.iter_mut().enumerate() {
        let trail = b.audit(Some(resident.as_str())).unwrap();
        let seen: Vec<(&str, String, Option<&str>)> = trail
            .iter()
            .map(|e| (e.kind, e.record.clone(), e.who.as_deref()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("resident", resident.to_string(), Some("赵敏")),
                ("need", need.to_string(), Some("李娜")),
            ],
            "device {i}: {trail:#?}"
        );
        assert!(trail.iter().all(|e| e.counts));
        let all = b.audit(None).unwrap();
        assert!(all.iter().any(|e| e.record == other.as_str()));
        assert!(
            all.iter()
                .any(|e| e.kind == "resident" && e.who.as_deref() == Some("王强")),
            "device {i}: the grid worker's resident is audited"
        );
    }
    o.assert_converged();
}

#[test]
fn a_facilitator_records_a_claim_but_no_other_need_edit() {
    use gridbook_tests::world::transition;
    let mut o = Office::founded();
    let (worker, facilitator) = (1, 2);
    let id = o.books[worker]
        .add_need(NewNeed::new("加装电梯", Category::Facilities, "zt-g3"))
        .unwrap();
    for step in 0..2 {
        o.books[worker]
            .advance_need(&id, &transition(step))
            .unwrap();
    }
    o.sync_everyone();
    // Through the app, a facilitator may not edit a need…
    let edit = NeedEdit {
        title: Some("改了标题".into()),
        ..Default::default()
    };
    let refused = o.books[facilitator].edit_need_fields(&id, &edit);
    assert!(
        matches!(
            &refused,
            Err(Error::Refused {
                why: WhyIgnored::RoleMayNot {
                    role: Role::Facilitator,
                    part: Part::Documents(DocId::Needs { .. })
                },
                ..
            })
        ),
        "{refused:?}"
    );
    // …but records the claim made at a claiming meeting…
    o.books[facilitator]
        .advance_need(&id, &transition(2))
        .unwrap();
    o.sync_everyone();
    // …and a tampered client cannot label another edit a claim.
    let doc: DocId = o.books[worker]
        .need_summaries()
        .unwrap()
        .into_iter()
        .find(|n| n.id == id)
        .unwrap()
        .doc
        .parse()
        .unwrap();
    let key = id.to_string();
    tamper(
        &mut o.books[facilitator],
        &doc,
        &format!("{id} → implementing"),
        |tx| {
            let (_, needs) = tx.get(ROOT, "needs").unwrap().unwrap();
            let (_, need) = tx.get(&needs, key.as_str()).unwrap().unwrap();
            tx.put(&need, "title", "冒充认领的修改").unwrap();
        },
    );
    o.sync_everyone();
    for (i, b) in o.books.iter_mut().enumerate() {
        let need = b.need(&id).unwrap();
        assert_eq!(need.title, "加装电梯", "device {i}");
        assert_eq!(
            need.stage,
            gridbook_model::vocab::Stage::Implementing,
            "device {i}: the claim counts"
        );
        assert_eq!(need.claimant_name.as_deref(), Some("李明"), "device {i}");
        let ignored = b.ignored_changes().unwrap();
        assert_eq!(ignored.len(), 1, "device {i}: {ignored:#?}");
        assert!(
            ignored[0]
                .why
                .to_string()
                .contains("facilitator may not change needs")
        );
    }
    o.assert_converged();
}

#[test]
fn exports_are_logged_for_the_office_and_nobody_logs_in_anothers_name() {
    use gridbook_model::ExportRecord;
    let mut o = Office::founded();
    let resident = o.books[0]
        .add_resident(gridbook_model::NewResident {
            name: "刘秀英".into(),
            grid: Some("zt-g3".into()),
            ..Default::default()
        })
        .unwrap();
    o.sync_everyone();
    let export = |device: &str| ExportRecord {
        device: device.into(),
        at: Default::default(),
        what: "needs".into(),
        format: "xlsx".into(),
        scope: "community zt".into(),
        rows: 1,
        residents: vec![resident.to_string()],
        encrypted_to: Vec::new(),
    };
    let worker = o.books[1].device().id_hex();
    let founder = o.books[0].device().id_hex();
    o.books[1].log_export(export("")).unwrap();
    // A tampered client logs an export in the founder's name, and overwrites the real entry.
    let forged = serde_json::to_string(&export(&founder)).unwrap();
    tamper(&mut o.books[1], &DocId::Directory, "export needs", |tx| {
        let (_, exports) = tx.get(ROOT, "exports").unwrap().unwrap();
        tx.put(&exports, "forged", forged.as_str()).unwrap();
        let real = tx.keys(&exports).find(|k| k != "forged").unwrap();
        tx.put(&exports, real.as_str(), "").unwrap();
    });
    o.sync_everyone();
    for (i, b) in o.books.iter_mut().enumerate() {
        let logged = b.exports().unwrap();
        assert_eq!(logged.len(), 1, "device {i}: {logged:#?}");
        assert_eq!(logged[0].device, worker);
        let trail = b.audit(Some(resident.as_str())).unwrap();
        let exports: Vec<_> = trail.iter().filter(|e| e.kind == "export").collect();
        assert_eq!(exports.len(), 1, "device {i}: {trail:#?}");
        assert_eq!(exports[0].who.as_deref(), Some("李娜"));
        assert!(
            exports[0].what.contains("not encrypted"),
            "{}",
            exports[0].what
        );
        assert_eq!(b.ignored_changes().unwrap().len(), 1, "device {i}");
    }
    o.assert_converged();
}

#[test]
fn a_facilitators_walk_in_counts_everywhere_but_it_edits_no_other_resident() {
    use gridbook_model::{NewResident, WalkIn};
    let mut o = Office::founded();
    let facilitator = 2;
    let resident = o.books[0]
        .add_resident(NewResident {
            name: "刘秀英".into(),
            grid: Some("zt-g3".into()),
            ..Default::default()
        })
        .unwrap();
    let meeting = o.books[facilitator].create_meeting(meeting()).unwrap();
    o.sync_everyone();
    // At the meeting, someone not in the register: entered and signed in.
    let walk_in = o.books[facilitator]
        .sign_in_walk_in(
            &meeting,
            WalkIn {
                name: "孙大妈".into(),
                phone: Some("13812349999".into()),
                address: None,
            },
        )
        .unwrap();
    // Through the app, a facilitator may not enter a resident of the register proper, nor
    // merge one into another.
    let refused_entry = o.books[facilitator].add_resident(NewResident {
        name: "王桂兰".into(),
        grid: Some("zt-g3".into()),
        ..Default::default()
    });
    let refused_merge = o.books[facilitator].merge_resident(&walk_in, &resident);
    for refused in [refused_entry.map(|_| ()), refused_merge] {
        assert!(
            matches!(
                &refused,
                Err(Error::Refused {
                    why: WhyIgnored::RoleMayNot {
                        role: Role::Facilitator,
                        part: Part::DirectoryPart(part),
                    },
                    ..
                }) if part == "residents"
            ),
            "{refused:?}"
        );
    }
    // A tampered client: renames another resident; edits its own walk-in later; adds a
    // "walk-in" that stands for the other resident (merged into them).
    let key = resident.to_string();
    let rename = |book: &mut Gridbook, id: &str, name: &str| {
        tamper(book, &DocId::Directory, "add walk-in", |tx| {
            let (_, residents) = tx.get(ROOT, "residents").unwrap().unwrap();
            let (_, entry) = tx.get(&residents, id).unwrap().unwrap();
            tx.put(&entry, "name", name).unwrap();
        });
    };
    rename(&mut o.books[facilitator], &key, "篡改");
    rename(&mut o.books[facilitator], walk_in.as_str(), "改名");
    let tag = o.books[facilitator].device().tag();
    tamper(
        &mut o.books[facilitator],
        &DocId::Directory,
        "add walk-in",
        |tx| {
            let (_, residents) = tx.get(ROOT, "residents").unwrap().unwrap();
            let id = format!("R-{tag}-9999");
            let entry = tx
                .put_object(&residents, id.as_str(), ObjType::Map)
                .unwrap();
            tx.put(&entry, "name", "冒名").unwrap();
            tx.put(&entry, "community", "zt").unwrap();
            tx.put(&entry, "added_at", 0_i64).unwrap();
            tx.put(&entry, "walk_in", true).unwrap();
            tx.put(&entry, "merged_into", key.as_str()).unwrap();
        },
    );
    o.sync_everyone();
    for (i, b) in o.books.iter_mut().enumerate() {
        let entry = b.resident(&walk_in).unwrap();
        assert!(entry.walk_in, "device {i}");
        assert_eq!(entry.name, "孙大妈", "device {i}: the walk-in counts");
        let m = b.meeting_view(&meeting).unwrap();
        assert_eq!(m.attendees, [walk_in.to_string()], "device {i}");
        assert_eq!(b.resident(&resident).unwrap().name, "刘秀英", "device {i}");
        assert_eq!(b.residents().unwrap().len(), 2, "device {i}");
        let ignored = b.ignored_changes().unwrap();
        assert_eq!(ignored.len(), 3, "device {i}: {ignored:#?}");
        let facilitator_key = &ignored[0].device;
        assert!(ignored.iter().all(|x| &x.device == facilitator_key));
    }
    o.assert_converged();
}
