//! Changes written as another device: an altered client that writes with another device's
//! actor — unsigned, signed with its own key, or followed by a copy of a real signature — or as
//! the genesis actor every device shares, is ignored on every device, and all still converge.

use automerge::transaction::{CommitOptions, Transactable as _};
use automerge::{ROOT, ReadDoc as _};
use gridbook_model::vocab::Category;
use gridbook_model::{DocId, NewNeed, WhyIgnored, signing};
use gridbook_tests::office::{Office, assert_untouched, retitle};

#[test]
fn changes_written_as_another_device_or_as_the_genesis_are_ignored_everywhere() {
    let mut o = Office::founded();
    let founder = o.books[0].device().id_hex();
    let founder_actor = automerge::ActorId::from(o.books[0].device().public_bytes().as_slice());
    let facilitator = automerge::ActorId::from(o.books[2].device().public_bytes().as_slice());
    let need = o.books[0]
        .add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"))
        .unwrap();
    o.sync_everyone();
    let needs_doc: DocId = o.books[1].need_summaries().unwrap()[0].doc.parse().unwrap();
    // A genuine signature by the founder, to copy onto a forged change.
    let directory = o.books[1].full_doc(&DocId::Directory).unwrap().unwrap();
    let real_signature = directory
        .get_changes_meta(&[])
        .into_iter()
        .filter(|m| m.actor.as_ref() == &founder_actor)
        .find_map(|m| m.message.filter(|s| s.starts_with(signing::PREFIX)))
        .unwrap()
        .to_string();
    // The grid worker's altered client writes as other devices: unsigned, signed with its own
    // key, and followed by a copy of the founder's real signature; then as the genesis actor
    // every device shares for a document's first change.
    let w = &mut o.books[1];
    let worker = w.device().clone();
    let genesis_actor = {
        let d = w.full_doc(&needs_doc).unwrap().unwrap();
        d.get_changes_meta(&[])[0].actor.clone().into_owned()
    };
    let forgeries: [(&DocId, automerge::ActorId, &str); 4] = [
        (&DocId::Directory, facilitator, "unsigned"),
        (&DocId::Directory, founder_actor.clone(), "own key"),
        (&needs_doc, founder_actor.clone(), "copied"),
        (&needs_doc, genesis_actor, "genesis"),
    ];
    // Each on a copy of the documents as they were, so none builds on another.
    let originals = [
        w.full_doc(&DocId::Directory).unwrap().unwrap().clone(),
        w.full_doc(&needs_doc).unwrap().unwrap().clone(),
    ];
    for (doc, actor, how) in forgeries {
        let mut copy = originals[usize::from(*doc != DocId::Directory)].clone();
        copy.set_actor(actor);
        copy.transact::<_, _, automerge::AutomergeError>(|tx| {
            if *doc == DocId::Directory {
                let (_, grids) = tx.get(ROOT, "grids")?.unwrap();
                let (_, g3) = tx.get(&grids, "zt-g3")?.unwrap();
                tx.put(&g3, "name", format!("篡改网格 {how}"))
            } else {
                let (_, needs) = tx.get(ROOT, "needs")?.unwrap();
                let (_, n) = tx.get(&needs, need.as_str())?.unwrap();
                tx.put(&n, "title", format!("篡改 {how}"))
            }
        })
        .unwrap();
        let change = copy.get_last_local_change().unwrap();
        match how {
            "own key" => {
                signing::sign_after(&mut copy, &worker, &change, 0);
            }
            "copied" => {
                copy.empty_commit(CommitOptions::default().with_message(real_signature.clone()));
            }
            _ => {}
        }
        w.merge_doc(doc, &mut copy).unwrap();
    }
    o.sync_everyone();
    // The founder goes on editing the documents holding changes made in its name.
    retitle(&mut o.books[0], &need, "三楼楼道灯坏了");
    o.sync_everyone();
    for (i, b) in o.books.iter_mut().enumerate() {
        assert_untouched(b, &need, "三楼楼道灯坏了", i);
        let ignored = b.ignored_changes().unwrap();
        assert_eq!(ignored.len(), 4, "device {i}: {ignored:#?}");
        let unsigned = ignored
            .iter()
            .filter(|x| x.why == WhyIgnored::Unsigned)
            .count();
        let genesis = ignored
            .iter()
            .filter(|x| x.why == WhyIgnored::FalseGenesis)
            .count();
        assert_eq!((unsigned, genesis), (3, 1), "device {i}: {ignored:#?}");
        assert_eq!(ignored.iter().filter(|x| x.device == founder).count(), 2);
    }
    o.assert_converged();
}
