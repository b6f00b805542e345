//! Tests of a device's Gridbook: compaction, refused operations, recorded heads.
use super::*;
use crate::vocab::Category;
use crate::{NeedEdit, NewNeed, PlaceKind};
use enforce::CHECKED_KIND;
use write::COMPACT_AFTER_CHUNKS;

/// A new store in `dir` (passphrase "test") with a network, a grid and one need.
fn office_with_a_need(dir: &Path) -> (Gridbook, crate::ids::NeedId) {
    let mut book = Gridbook::open_or_create(dir, &Passphrase::tests_only("test")).unwrap();
    book.init_network("凤凰台街道", "赵敏").unwrap();
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .unwrap();
    let id = book
        .add_need(NewNeed::new("送餐", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    (book, id)
}

/// Retitles `id` once for each number of `n`, in one batch.
fn retitle_many(book: &mut Gridbook, id: &crate::ids::NeedId, n: std::ops::Range<u32>) {
    book.batch(|b| {
        for i in n {
            let edit = NeedEdit {
                title: Some(format!("送餐 {i}")),
                ..Default::default()
            };
            b.edit_need_fields(id, &edit)?;
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn a_document_edited_past_the_chunk_limit_is_compacted_and_reloads_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (id, dump) = {
        let (mut book, id) = office_with_a_need(dir.path());
        for i in 0..(COMPACT_AFTER_CHUNKS + 10) {
            let edit = NeedEdit {
                title: Some(format!("送餐 {i}")),
                ..Default::default()
            };
            book.edit_need_fields(&id, &edit).unwrap();
        }
        (id, book.dump().unwrap())
    };
    let book = Gridbook::open(dir.path(), &Passphrase::tests_only("test")).unwrap();
    let doc_id = DocId::Needs {
        community: "zt".into(),
        month: book.now().day().month(),
    };
    let stored = book.store().doc_bytes(&doc_id).unwrap().unwrap();
    assert!(stored.snapshot.is_some(), "compaction wrote a snapshot");
    assert!(
        stored.chunks.len() < COMPACT_AFTER_CHUNKS,
        "and dropped the chunks: {}",
        stored.chunks.len()
    );
    let mut book = book;
    // The recorded heads (read without loading the document) are the document's heads.
    let recorded = book.heads(&doc_id).unwrap();
    assert!(!recorded.is_empty());
    let mut loaded = book.doc(&doc_id).unwrap().unwrap().get_heads();
    loaded.sort();
    assert_eq!(recorded, loaded);
    assert_eq!(book.dump().unwrap(), dump);
    assert_eq!(
        book.need(&id).unwrap().title,
        format!("送餐 {}", COMPACT_AFTER_CHUNKS + 9)
    );
}

#[test]
fn a_refused_operation_writes_nothing() {
    let mut book = Gridbook::in_memory().unwrap();
    book.init_network("凤凰台街道", "赵敏").unwrap();
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .unwrap();
    let before = book.dump().unwrap();
    let mut news = vec![NewNeed::new("送餐", Category::ElderlyCare, "zt-g3")];
    news.push(NewNeed::new("", Category::Parking, "zt-g3"));
    assert!(book.add_needs(news).is_err());
    assert!(
        book.add_need(NewNeed::new("送餐", Category::ElderlyCare, "no-such-grid"))
            .is_err()
    );
    assert_eq!(book.dump().unwrap(), before);
    assert!(book.need_summaries().unwrap().is_empty());
}

#[test]
fn a_panic_inside_an_operation_stores_nothing_and_leaves_the_book_usable() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Gridbook::open_or_create(dir.path(), &Passphrase::tests_only("test")).unwrap();
    book.init_network("凤凰台街道", "赵敏").unwrap();
    let before = book.dump().unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = book.batch(|b| -> Result<()> {
            b.add_place(PlaceKind::Community, None, "zt", "中台社区")?;
            panic!("as Automerge might on a peer's malformed change");
        });
    }));
    assert!(caught.is_err());
    assert_eq!(book.dump().unwrap(), before, "the half-done edit is gone");
    // The next operation writes as usual (the batch depth was restored).
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    drop(book);
    let mut reread = Gridbook::open(dir.path(), &Passphrase::tests_only("test")).unwrap();
    assert!(reread.dump().unwrap().to_string().contains("中台社区"));
}

#[test]
fn a_long_documents_clean_check_is_remembered_and_new_changes_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let pass = Passphrase::tests_only("test");
    let (id, doc_id) = {
        let (mut book, id) = office_with_a_need(dir.path());
        retitle_many(&mut book, &id, 0..300);
        let doc_id = book.need_doc(&id).unwrap();
        (id, doc_id)
    };
    // A fresh process checks the document in full once, and remembers it.
    let mut book = Gridbook::open(dir.path(), &pass).unwrap();
    let full = |book: &Gridbook| book.full_checks.iter().filter(|d| **d == doc_id).count();
    book.need(&id).unwrap();
    assert_eq!(full(&book), 1);
    assert!(
        book.store()
            .local(CHECKED_KIND, &doc_id.to_string())
            .unwrap()
            .is_some()
    );
    drop(book);
    // The next one does not check it again, and checks what arrives since: here an unsigned
    // change made as this device.
    let mut book = Gridbook::open(dir.path(), &pass).unwrap();
    assert_eq!(book.need(&id).unwrap().title, "送餐 299");
    assert_eq!(full(&book), 0, "the clean check was remembered");
    let mut copy = book.full_doc(&doc_id).unwrap().unwrap().clone();
    copy.transact::<_, _, automerge::AutomergeError>(|tx| {
        let (_, needs) = tx.get(ROOT, "needs")?.unwrap();
        let (_, need) = tx.get(&needs, id.as_str())?.unwrap();
        tx.put(&need, "title", "未签名")
    })
    .unwrap();
    book.merge_doc(&doc_id, &mut copy).unwrap();
    assert_eq!(book.need(&id).unwrap().title, "送餐 299");
    assert_eq!(book.ignored_changes().unwrap().len(), 1);
    // The check of the new change found it unsigned, and the document was checked in full.
    assert_eq!(full(&book), 1);
    drop(book);
    let mut book = Gridbook::open(dir.path(), &pass).unwrap();
    assert_eq!(book.need(&id).unwrap().title, "送餐 299");
    assert_eq!(book.ignored_changes().unwrap().len(), 1);
}

#[test]
fn a_remembered_check_moves_on_once_many_changes_were_checked_since() {
    let dir = tempfile::tempdir().unwrap();
    let pass = Passphrase::tests_only("test");
    let (mut book, id) = office_with_a_need(dir.path());
    retitle_many(&mut book, &id, 0..300);
    let doc_id = book.need_doc(&id).unwrap();
    drop(book);
    let remembered = |book: &Gridbook| {
        let value = book
            .store()
            .local(CHECKED_KIND, &doc_id.to_string())
            .unwrap();
        value.map(|v| v[32..].to_vec())
    };
    let heads = |book: &mut Gridbook| {
        let doc = book.full_doc(&doc_id).unwrap().unwrap();
        doc.get_heads()
            .iter()
            .flat_map(|h| h.0)
            .collect::<Vec<u8>>()
    };
    let mut book = Gridbook::open(dir.path(), &pass).unwrap();
    book.need(&id).unwrap();
    let first = remembered(&book).expect("remembered after the full check");
    assert_eq!(first, heads(&mut book));
    // Own edits since, then a process that checks them (600 changes): it remembers anew.
    retitle_many(&mut book, &id, 300..600);
    drop(book);
    let mut book = Gridbook::open(dir.path(), &pass).unwrap();
    assert_eq!(remembered(&book).unwrap(), first);
    book.need(&id).unwrap();
    assert!(!book.full_checks.contains(&doc_id));
    assert_eq!(remembered(&book).unwrap(), heads(&mut book));
}

#[test]
fn granting_a_revoked_device_is_refused_and_writes_nothing() {
    use crate::vocab::Role;
    let mut office = Gridbook::in_memory().unwrap();
    office.init_network("凤凰台街道", "赵敏").unwrap();
    let lost = Gridbook::in_memory().unwrap();
    let hex = lost.device().id_hex();
    let worker = office.add_member("李娜", Role::GridWorker).unwrap();
    office.grant(&hex, &worker, Role::GridWorker).unwrap();
    office.revoke(&hex, "平板丢失").unwrap();
    let heads = office.heads(&DocId::Directory).unwrap();
    let again = office.grant(&hex, &worker, Role::Admin);
    assert!(
        matches!(&again, Err(Error::RevokedForGood { reason, .. }) if reason == "平板丢失"),
        "{again:?}"
    );
    assert_eq!(office.heads(&DocId::Directory).unwrap(), heads);
    let status = office.membership().unwrap().device(&hex).unwrap().clone();
    assert!(status.revoked.is_some());
    assert_eq!(status.role, Some(Role::GridWorker));
}
