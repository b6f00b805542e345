//! Tests of recording and editing needs (kept apart from `needs.rs` for its length).
use automerge::transaction::Transactable;
use automerge::{Automerge, ObjType, ROOT};

use super::*;
use crate::ids::DeviceTag;
use crate::need::ProgressNote;
use crate::time::Timestamp;
use crate::vocab::Difficulty;

fn sample(seq: u64) -> Need {
    let tag = DeviceTag::of_key(&[7; 32]);
    let at = Timestamp(1_780_000_000_000);
    Need {
        id: NeedId::new(&tag, seq),
        ledger_no: format!("ZT-2606-{tag}-{seq:04}"),
        title: "楼道灯坏了需要维修".into(),
        description: Text::with_value("三楼和四楼都不亮"),
        category: Category::Facilities,
        source: Source::ButlerStation,
        community: "zt".into(),
        grid: "zt-g3".into(),
        building: Some("zt-g3-b12".into()),
        resident: None,
        resident_name: Some("王秀英".into()),
        phone: None,
        reporter: None,
        assignee: None,
        created_at: at,
        due: Some(at.day().plus_days(14)),
        level: Level::Grid,
        stage: Stage::Classified,
        reasonable: Some(true),
        difficulty: Some(Difficulty::Low),
        duplicate_of: None,
        route: None,
        project_kind: None,
        plan: None,
        claimant: None,
        claimant_name: None,
        progress: [(
            "E-1".to_string(),
            ProgressNote {
                at,
                by: None,
                text: "已联系物业".into(),
            },
        )]
        .into_iter()
        .collect(),
        satisfaction: Some(4),
        evaluation: None,
        feedback_given: Some(false),
        close_reason: None,
        close_note: None,
        stage_times: [("discovered".to_string(), at)].into_iter().collect(),
    }
}

fn needs_doc() -> Automerge {
    let mut doc = Automerge::new();
    let mut tx = doc.transaction();
    let needs = tx.put_object(ROOT, "needs", ObjType::Map).unwrap();
    reconcile_prop(&mut tx, &needs, sample(1).id.as_str(), sample(1)).unwrap();
    tx.commit();
    doc
}

/// `sample` with every optional field set.
fn full(seq: u64) -> Need {
    let tag = DeviceTag::of_key(&[7; 32]);
    Need {
        resident: Some(ResidentId::new(&tag, 3)),
        phone: Some("13812341234".into()),
        reporter: Some(MemberId::new(&tag, 1)),
        assignee: Some(MemberId::new(&tag, 2)),
        duplicate_of: Some(NeedId::new(&tag, 99)),
        route: Some(Route::Project),
        project_kind: Some(ProjectKind::Key),
        plan: Some("更换声控灯".into()),
        claimant: Some(Claimant::Unit),
        claimant_name: Some("物业公司".into()),
        evaluation: Some("居民满意".into()),
        close_reason: Some(CloseReason::Completed),
        close_note: Some("已闭环".into()),
        ..sample(seq)
    }
}

/// Writes `records` field by field (the derived `Reconcile`) and as [`NewNeeds`].
fn both_ways(records: &[(String, Need)]) -> (Automerge, Automerge) {
    let mut by_field = needs_doc();
    let mut tx = by_field.transaction();
    let needs = map_at(&tx, ROOT, "needs", "needs").unwrap();
    for (id, need) in records {
        reconcile_prop(&mut tx, &needs, id.as_str(), need).unwrap();
    }
    tx.commit();

    let mut batched = needs_doc();
    let mut tx = batched.transaction();
    reconcile_prop(&mut tx, ROOT, "needs", NewNeeds(records)).unwrap();
    tx.commit();
    (by_field, batched)
}

#[test]
fn a_new_need_with_every_field_is_written_as_the_derived_reconcile_writes_it() {
    let records: Vec<(String, Need)> = (2..5).map(|s| (full(s).id.to_string(), full(s))).collect();
    let (by_field, batched) = both_ways(&records);
    let written = &crate::dump::doc_json(&by_field)["needs"][&records[0].0];
    assert!(
        written.as_object().unwrap().values().all(|v| !v.is_null()),
        "full() must set every optional field: {written}"
    );
    assert_eq!(
        crate::dump::doc_json(&batched),
        crate::dump::doc_json(&by_field)
    );
    for (_, need) in &records {
        assert_eq!(&hydrate_need(&batched, &need.id).unwrap(), need);
    }
    // The need that was there before is untouched.
    assert_eq!(hydrate_need(&batched, &sample(1).id).unwrap(), sample(1));
}

#[test]
fn a_new_need_leaves_out_the_optional_fields_it_does_not_have() {
    let records: Vec<(String, Need)> = (2..5)
        .map(|s| (sample(s).id.to_string(), sample(s)))
        .collect();
    let (by_field, batched) = both_ways(&records);
    for (id, need) in &records {
        assert_eq!(&hydrate_need(&batched, &need.id).unwrap(), need);
        let mut expected = crate::dump::doc_json(&by_field)["needs"][id].clone();
        expected
            .as_object_mut()
            .unwrap()
            .retain(|_, v| !v.is_null());
        assert_eq!(crate::dump::doc_json(&batched)["needs"][id], expected);
    }
}

#[test]
fn needs_added_in_bulk_read_back_and_edit_like_any_other() {
    let mut book = Gridbook::in_memory().unwrap();
    book.init_network("凤凰台街道", "赵敏").unwrap();
    book.add_place(crate::PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    book.add_place(crate::PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .unwrap();
    let mut news: Vec<NewNeed> = (0..3)
        .map(|i| NewNeed::new(format!("需要{i}"), Category::Other, "zt-g3"))
        .collect();
    news[1].description = "一段描述".into();
    news[2].phone = Some("138 1234 1234".into());
    let ids = book.add_needs(news).unwrap();
    assert_eq!(ids.len(), 3);
    let need = book.need(&ids[1]).unwrap();
    assert_eq!(need.title, "需要1");
    assert_eq!(need.description.as_str(), "一段描述");
    assert_eq!(
        book.need(&ids[2]).unwrap().phone.as_deref(),
        Some("13812341234")
    );
    let summaries = book.need_summaries().unwrap();
    assert_eq!(summaries.len(), 3);
    assert!(summaries.iter().all(|s| s.conflicts.is_empty()));
    book.edit_need_fields(
        &ids[0],
        &NeedEdit {
            title: Some("独居老人需要送餐".into()),
            description: Some("每天中午".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let need = book.need(&ids[0]).unwrap();
    assert_eq!(need.title, "独居老人需要送餐");
    assert_eq!(need.description.as_str(), "每天中午");
}

#[test]
fn a_compacted_document_reopens_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    let doc_id;
    {
        let mut book =
            Gridbook::open_or_create(dir.path(), &crate::Passphrase::tests_only("test")).unwrap();
        book.init_network("凤凰台街道", "赵敏").unwrap();
        book.add_place(crate::PlaceKind::Community, None, "zt", "中台社区")
            .unwrap();
        book.add_place(crate::PlaceKind::Grid, Some("zt"), "g3", "第3网格")
            .unwrap();
        // A bulk batch (compacted by its ops), then single writes (compacted by count).
        let news = (0..300)
            .map(|i| NewNeed::new(format!("需要{i}"), Category::Other, "zt-g3"))
            .collect();
        ids.extend(book.add_needs(news).unwrap());
        for i in 0..70 {
            ids.push(
                book.add_need(NewNeed::new(format!("单条{i}"), Category::Other, "zt-g3"))
                    .unwrap(),
            );
        }
        doc_id = book.need_doc(&ids[0]).unwrap();
        let stored = book.store().doc_bytes(&doc_id).unwrap().unwrap();
        assert!(stored.snapshot.is_some());
        assert!(
            stored.chunks.len() < COMPACT_AFTER_CHUNKS,
            "{}",
            stored.chunks.len()
        );
    }
    let mut book = Gridbook::open(dir.path(), &crate::Passphrase::tests_only("test")).unwrap();
    assert_eq!(book.need_summaries().unwrap().len(), 370);
    assert_eq!(book.need(&ids[0]).unwrap().title, "需要0");
    assert_eq!(book.need(&ids[369]).unwrap().title, "单条69");
    let doc = book.doc(&doc_id).unwrap().unwrap();
    assert_eq!(rows_of_doc(doc, &doc_id).unwrap().len(), 370);
}

#[test]
fn a_batch_over_several_documents_is_built_side_by_side_and_numbered_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut book =
        Gridbook::open_or_create(dir.path(), &crate::Passphrase::tests_only("test")).unwrap();
    book.init_network("凤凰台街道", "赵敏").unwrap();
    for (c, name) in [("zt", "中台社区"), ("dt", "东台社区"), ("hb", "海滨社区")] {
        book.add_place(crate::PlaceKind::Community, None, c, name)
            .unwrap();
        book.add_place(crate::PlaceKind::Grid, Some(c), "g1", "第1网格")
            .unwrap();
    }
    let grids = ["zt-g1", "dt-g1", "hb-g1"];
    let news = (0..30)
        .map(|i| NewNeed::new(format!("需要{i}"), Category::Other, grids[i % 3]))
        .collect();
    let ids = book.add_needs(news).unwrap();
    // Ids come back in the order given; numbers are handed out document by document.
    let titles: Vec<String> = ids.iter().map(|id| book.need(id).unwrap().title).collect();
    let expected: Vec<String> = (0..30).map(|i| format!("需要{i}")).collect();
    assert_eq!(titles, expected);
    let mut sorted = ids.clone();
    sorted.sort_by_key(|id| {
        id.as_str()
            .rsplit('-')
            .next()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    });
    sorted.dedup();
    assert_eq!(sorted.len(), 30, "every id distinct");
    let docs: std::collections::BTreeSet<DocId> =
        ids.iter().map(|id| book.need_doc(id).unwrap()).collect();
    assert_eq!(docs.len(), 3);
    drop(book);
    // Everything reached the store in the one write.
    let mut book = Gridbook::open(dir.path(), &crate::Passphrase::tests_only("test")).unwrap();
    assert_eq!(book.need_summaries().unwrap().len(), 30);
    assert_eq!(book.need(&ids[29]).unwrap().title, "需要29");
    // The next id continues after the batch's last.
    let next = book
        .add_need(NewNeed::new("再来一条", Category::Other, "zt-g1"))
        .unwrap();
    assert!(!ids.contains(&next));
}
