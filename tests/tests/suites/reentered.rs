//! A device that edited on top of a revoked device's change loses that edit when the
//! revocation reaches it (the edit builds on an ignored change), and can enter it again:
//! Automerge numbers each actor's changes, and the accepted view it writes on lacks its own
//! ignored change, so it writes there as a derived actor (see `model/src/book/enforce.rs`).
//! A revocation counts a derived actor's changes in its `seen` like the device's own: those
//! made before it still count, later ones do not.

use gridbook_model::ids::NeedId;
use gridbook_model::vocab::{Category, Role};
use gridbook_model::{Gridbook, NeedEdit, NewNeed, WhyIgnored};
use gridbook_tests::{founded_office, granted_device, sync_all};

fn title(t: &str) -> NeedEdit {
    NeedEdit {
        title: Some(t.into()),
        ..Default::default()
    }
}

/// `office` records a need and revokes `lost`, which edits it anyway; `worker`, not yet told,
/// syncs with `lost`, edits on top of that edit, then syncs with the office (and so hears of
/// the revocation: its edit is ignored). Returns the need.
fn edit_on_a_revoked_device_edit(
    office: &mut Gridbook,
    worker: &mut Gridbook,
    lost: &mut Gridbook,
) -> NeedId {
    let need = office
        .add_need(NewNeed::new("送餐", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    sync_all(worker, office, 20).unwrap();
    sync_all(lost, office, 20).unwrap();
    office
        .revoke(&lost.device().id_hex(), "tablet lost")
        .unwrap();
    lost.edit_need_fields(&need, &title("被盗设备的修改"))
        .unwrap();
    sync_all(worker, lost, 20).unwrap();
    worker
        .edit_need_fields(&need, &title("独居老人送餐"))
        .unwrap();
    sync_all(worker, office, 20).unwrap();
    need
}

#[test]
fn an_edit_lost_to_a_revocation_is_entered_again_and_counts_everywhere() {
    let mut office = founded_office().unwrap();
    let mut worker = granted_device(&mut office, "李娜", Role::GridWorker).unwrap();
    let mut lost = granted_device(&mut office, "王强", Role::GridWorker).unwrap();
    let need = edit_on_a_revoked_device_edit(&mut office, &mut worker, &mut lost);
    let ignored = worker.ignored_changes().unwrap();
    assert_eq!(ignored.len(), 2, "{ignored:#?}");
    assert_eq!(worker.need(&need).unwrap().title, "送餐");
    // Entered again, twice (the second on the view the first wrote on), it counts everywhere.
    worker
        .edit_need_fields(&need, &title("独居老人送餐"))
        .unwrap();
    worker
        .edit_need_fields(&need, &title("独居老人每日送餐"))
        .unwrap();
    sync_all(&mut worker, &mut office, 20).unwrap();
    for book in [&mut worker, &mut office] {
        assert_eq!(book.need(&need).unwrap().title, "独居老人每日送餐");
        assert_eq!(book.ignored_changes().unwrap().len(), 2);
    }
    assert_eq!(
        serde_json::to_string(&worker.dump().unwrap()).unwrap(),
        serde_json::to_string(&office.dump().unwrap()).unwrap()
    );
    // The audit names the worker for the entry written as a derived actor.
    let trail = office.audit(None).unwrap();
    let last = trail.iter().rfind(|e| e.kind == "need").unwrap();
    assert_eq!(last.who.as_deref(), Some("李娜"));
    assert_eq!(last.device, worker.device().id_hex());
}

#[test]
fn a_revoked_device_writing_as_a_derived_actor_is_ignored() {
    use automerge::transaction::Transactable as _;
    use automerge::{ROOT, ReadDoc as _};
    let mut office = founded_office().unwrap();
    let mut lost = granted_device(&mut office, "王强", Role::GridWorker).unwrap();
    let need = office
        .add_need(NewNeed::new("送餐", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    sync_all(&mut lost, &mut office, 20).unwrap();
    // It edited the need before it was lost: the revocation keeps that edit (its `seen`).
    let edit = NeedEdit {
        title: Some("送餐上门".into()),
        ..Default::default()
    };
    lost.edit_need_fields(&need, &edit).unwrap();
    sync_all(&mut lost, &mut office, 20).unwrap();
    office
        .revoke(&lost.device().id_hex(), "tablet lost")
        .unwrap();
    // Its altered client writes as its key plus 8 bytes, hoping for a fresh count of changes.
    let doc: gridbook_model::DocId = lost.need_summaries().unwrap()[0].doc.parse().unwrap();
    let mut copy = lost.full_doc(&doc).unwrap().unwrap().clone();
    let mut actor = lost.device().public_bytes().to_vec();
    actor.extend_from_slice(&[9; 8]);
    copy.set_actor(automerge::ActorId::from(actor));
    copy.transact::<_, _, automerge::AutomergeError>(|tx| {
        let (_, needs) = tx.get(ROOT, "needs")?.unwrap();
        let (_, n) = tx.get(&needs, need.as_str())?.unwrap();
        tx.put(&n, "title", "被盗设备的修改")
    })
    .unwrap();
    let change = copy.get_last_local_change().unwrap();
    gridbook_model::signing::sign_after(&mut copy, lost.device(), &change, 0);
    lost.merge_doc(&doc, &mut copy).unwrap();
    sync_all(&mut lost, &mut office, 20).unwrap();
    assert_eq!(office.need(&need).unwrap().title, "送餐上门");
    let ignored = office.ignored_changes().unwrap();
    assert_eq!(ignored.len(), 1, "{ignored:#?}");
    assert_eq!(ignored[0].device, lost.device().id_hex());
    assert_eq!(ignored[0].why, WhyIgnored::Revoked);
}

#[test]
fn a_derived_actor_edit_made_before_its_device_was_revoked_still_counts_and_one_after_does_not() {
    let mut office = founded_office().unwrap();
    let mut worker = granted_device(&mut office, "李娜", Role::GridWorker).unwrap();
    let mut lost = granted_device(&mut office, "王强", Role::GridWorker).unwrap();
    let mut reader = granted_device(&mut office, "陈静", Role::GridWorker).unwrap();
    // As above: the worker's edit is ignored, and entered again as a derived actor, which the
    // office receives.
    let need = edit_on_a_revoked_device_edit(&mut office, &mut worker, &mut lost);
    worker
        .edit_need_fields(&need, &title("独居老人每日送餐"))
        .unwrap();
    sync_all(&mut worker, &mut office, 20).unwrap();
    let worker_id = worker.device().id_hex();
    let doc: gridbook_model::DocId = office.need_summaries().unwrap()[0].doc.parse().unwrap();
    let derived: Vec<String> = office
        .full_doc(&doc)
        .unwrap()
        .unwrap()
        .get_changes_meta(&[])
        .iter()
        .map(|m| m.actor.to_hex_string())
        .filter(|a| a.len() > worker_id.len() && a.starts_with(&worker_id))
        .collect();
    assert!(!derived.is_empty(), "the worker wrote no derived actor");
    // Then the worker's tablet is lost too: the revocation's `seen` counts the derived actor's
    // changes under their own key, read from the office's actor index.
    let seen = office.seen_changes_of(&worker_id).unwrap();
    assert!(
        derived
            .iter()
            .all(|a| seen.contains_key(&format!("{doc}#{}", &a[worker_id.len()..]))),
        "{seen:?}"
    );
    office.revoke(&worker_id, "tablet lost").unwrap();
    // The worker, not yet told, edits once more on the same view: after its revocation.
    worker
        .edit_need_fields(&need, &title("吊销之后的修改"))
        .unwrap();
    sync_all(&mut worker, &mut office, 20).unwrap();
    sync_all(&mut reader, &mut office, 20).unwrap();
    for book in [&mut worker, &mut office, &mut reader] {
        assert_eq!(book.need(&need).unwrap().title, "独居老人每日送餐");
        let ignored = book.ignored_changes().unwrap();
        // The lost tablet's edit, the worker's edit on top of it, and the worker's edit after
        // its revocation; not the derived-actor edit it made before.
        assert_eq!(ignored.len(), 3, "{ignored:#?}");
        let late = ignored.iter().filter(|i| i.device == worker_id).count();
        assert_eq!(late, 2, "{ignored:#?}");
        assert!(
            ignored
                .iter()
                .any(|i| i.device == worker_id && i.why == WhyIgnored::Revoked),
            "{ignored:#?}"
        );
    }
    let dump = |b: &mut Gridbook| serde_json::to_string(&b.dump().unwrap()).unwrap();
    assert_eq!(dump(&mut worker), dump(&mut office));
    assert_eq!(dump(&mut reader), dump(&mut office));
    let devices = [worker_id, lost.device().id_hex()];
    for book in [&mut worker, &mut office, &mut reader] {
        gridbook_tests::actor_index::check(book, &devices).unwrap();
    }
}
