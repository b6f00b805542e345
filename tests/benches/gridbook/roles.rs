//! The read-time role check (`model/src/book/enforce.rs`) on one needs document of many
//! changes, opened fresh from a file store: loading it, its first check when nothing is ignored
//! (every change's metadata and signature, no fork), the check in the next process (remembered),
//! and its first check with one ignored change (the fork at the accepted heads). `GRIDBOOK_BENCH_ONLY=roles` runs only these.

use std::time::Instant;

use anyhow::Result;
use automerge::transaction::{CommitOptions, Transactable as _};
use automerge::{ActorId, ROOT, ReadDoc as _};
use gridbook_model::vocab::Category;
use gridbook_model::{Gridbook, NeedEdit, NewNeed, PlaceKind};
use gridbook_tests::report::{Report, ms};

/// Opens the store in `dir` and times loading the document, then checking it.
fn open_and_check(dir: &std::path::Path, doc: &gridbook_model::DocId) -> Result<(f64, f64)> {
    let mut book = Gridbook::open(dir, &gridbook_tests::bench_passphrase())?;
    let start = Instant::now();
    book.full_doc(doc)?;
    let load = ms(start.elapsed());
    let start = Instant::now();
    book.doc(doc)?;
    Ok((load, ms(start.elapsed())))
}

pub(crate) fn bench_roles(report: &mut Report, changes: usize) -> Result<()> {
    eprintln!("role check: a needs document of {changes} changes…");
    let dir = tempfile::tempdir()?;
    let (id, doc) = {
        let mut book = Gridbook::open_or_create(dir.path(), &gridbook_tests::bench_passphrase())?;
        book.init_network("凤凰台街道", "赵敏")?;
        book.add_place(PlaceKind::Community, None, "zt", "中台社区")?;
        book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")?;
        let id = book.add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"))?;
        book.batch(|b| {
            for i in 0..changes {
                let edit = NeedEdit {
                    title: Some(format!("楼道灯坏了 {i}")),
                    ..Default::default()
                };
                b.edit_need_fields(&id, &edit)?;
            }
            Ok(())
        })?;
        let doc = book
            .doc_ids()?
            .into_iter()
            .find(|d| matches!(d, gridbook_model::DocId::Needs { .. }))
            .expect("the needs document");
        (id, doc)
    };
    let (load, check) = open_and_check(dir.path(), &doc)?;
    // The next process finds that clean check remembered (enforce.rs).
    let (_, check_remembered) = open_and_check(dir.path(), &doc)?;
    // A change by a device with no grant, as a tampered client would write it.
    {
        let mut book = Gridbook::open(dir.path(), &gridbook_tests::bench_passphrase())?;
        let mut copy = book.full_doc(&doc)?.expect("the document").clone();
        copy.set_actor(ActorId::from([9u8; 32].as_slice()));
        copy.transact_with::<_, _, automerge::AutomergeError, _>(
            |_| CommitOptions::default().with_message(format!("edit {id}")),
            |tx| {
                let (_, needs) = tx.get(ROOT, "needs")?.expect("needs");
                let (_, need) = tx.get(&needs, id.as_str())?.expect("the need");
                tx.put(&need, "title", "篡改")?;
                Ok(())
            },
        )
        .map_err(|f| f.error)?;
        book.merge_doc(&doc, &mut copy)?;
        assert_eq!(book.ignored_changes()?.len(), 1);
    }
    let (_, check_ignored) = open_and_check(dir.path(), &doc)?;
    report.info("roles.document_changes", changes as f64, "changes");
    report.info("roles.load", load, "ms");
    report.info("roles.first_check_nothing_ignored", check, "ms");
    report.info("roles.check_remembered", check_remembered, "ms");
    report.info("roles.first_check_one_ignored", check_ignored, "ms");
    Ok(())
}
