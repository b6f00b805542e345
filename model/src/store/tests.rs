//! The store's own tests: files that are not stores, rows, and the lock.

use super::*;
use crypt::{KdfCost, Passphrase};
use tables::meta;

fn pass() -> Passphrase {
    Passphrase::tests_only("correct horse")
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(STORE_FILE);
    std::fs::write(
        &path,
        b"hello, this is not redb at all, just some text to fill a page",
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(dir.path(), true, &pass()).unwrap_err();
    assert!(
        matches!(err, StoreError::NotAStore(_) | StoreError::Corrupt { .. }),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_redb_file_of_another_program_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(STORE_FILE);
    {
        let db = Database::create(&path).unwrap();
        let tx = db.begin_write().unwrap();
        let other: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("other");
        tx.open_table(other).unwrap().insert("x", 1).unwrap();
        tx.commit().unwrap();
    }
    let err = Store::open(dir.path(), false, &pass()).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore(_)), "{err}");
}

#[test]
fn a_store_reopens_and_keeps_its_format() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), true, &pass()).unwrap());
    let store = Store::open(dir.path(), false, &pass()).unwrap();
    assert_eq!(
        store.meta(meta::FORMAT).unwrap().as_deref(),
        Some(meta::FORMAT_VALUE)
    );
}

#[test]
fn a_missing_store_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), false, &pass()).unwrap_err();
    assert!(err.to_string().contains("gridbook init"), "{err}");
}

#[test]
fn local_records_are_set_listed_by_kind_and_deleted() {
    let store = Store::in_memory().unwrap();
    let set = |kind, key: &str, v: Option<&[u8]>| WriteBatch {
        local: vec![(kind, key.to_string(), v.map(|v| v.to_vec()))],
        ..Default::default()
    };
    store.write(set("peer", "b", Some(b"2"))).unwrap();
    store.write(set("peer", "a", Some(b"1"))).unwrap();
    store.write(set("invite", "x", Some(b"9"))).unwrap();
    assert_eq!(
        store.locals("peer").unwrap(),
        vec![("a".into(), b"1".to_vec()), ("b".into(), b"2".to_vec())]
    );
    store.write(set("peer", "a", None)).unwrap();
    assert_eq!(store.local("peer", "a").unwrap(), None);
    assert_eq!(store.local("invite", "x").unwrap(), Some(b"9".to_vec()));
}

#[test]
fn chunks_append_in_order_and_a_snapshot_replaces_them() {
    let store = Store::in_memory().unwrap();
    let doc = DocId::Roster {
        community: "zt".into(),
    };
    for i in 0..3u8 {
        store
            .write(WriteBatch {
                chunks: vec![(doc.clone(), vec![i])],
                ..Default::default()
            })
            .unwrap();
    }
    let stored = store.doc_bytes(&doc).unwrap().unwrap();
    assert_eq!(stored.chunks, vec![vec![0], vec![1], vec![2]]);
    store
        .write(WriteBatch {
            snapshots: vec![(doc.clone(), vec![9])],
            ..Default::default()
        })
        .unwrap();
    let stored = store.doc_bytes(&doc).unwrap().unwrap();
    assert_eq!((stored.snapshot, stored.chunks.len()), (Some(vec![9]), 0));
    assert_eq!(store.doc_ids().unwrap(), vec![doc]);
}

#[test]
fn a_store_opens_only_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), true, &pass()).unwrap());
    let err = Store::open(dir.path(), false, &Passphrase::tests_only("wrong horse")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase(_)), "{err}");
    assert_eq!(err.to_string().lines().count(), 1);
    Store::open(dir.path(), false, &pass()).unwrap();
}

#[test]
fn a_value_moved_to_another_row_is_damage_never_data() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), true, &pass()).unwrap();
        store
            .write(WriteBatch {
                summaries: vec![
                    ("need", "N-1".into(), b"{\"name\":\"A\"}".to_vec()),
                    ("need", "N-2".into(), b"{\"name\":\"B\"}".to_vec()),
                ],
                ..Default::default()
            })
            .unwrap();
    }
    // Someone with the file swaps the two rows' values.
    {
        let db = Database::open(dir.path().join(STORE_FILE)).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(SUMMARIES).unwrap();
            let a = t.get(("need", "N-1")).unwrap().unwrap().value().to_vec();
            let b = t.get(("need", "N-2")).unwrap().unwrap().value().to_vec();
            t.insert(("need", "N-1"), b.as_slice()).unwrap();
            t.insert(("need", "N-2"), a.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let store = Store::open(dir.path(), false, &pass()).unwrap();
    for id in ["N-1", "N-2"] {
        let err = store.summary("need", id).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    }
    assert!(matches!(
        store.summaries("need").unwrap_err(),
        StoreError::Corrupt { .. }
    ));
    let decoded = store.decode_summaries("need", |b| Ok::<_, StoreError>(b.to_vec()));
    assert!(matches!(decoded.unwrap_err(), StoreError::Corrupt { .. }));
}

#[test]
fn rows_decoded_on_every_core_come_back_in_id_order_and_only_of_their_kind() {
    let store = Store::in_memory().unwrap();
    // Several batches per decoding thread, and rows of other kinds on either side.
    let ids: Vec<String> = (0..10_000).map(|n| format!("N-{n:05}")).collect();
    let mut summaries: Vec<_> = ids
        .iter()
        .map(|id| ("need", id.clone(), id.as_bytes().to_vec()))
        .collect();
    summaries.push(("meeting", "M-1".into(), b"M-1".to_vec()));
    summaries.push(("volunteer", "V-1".into(), b"V-1".to_vec()));
    store
        .write(WriteBatch {
            summaries,
            ..Default::default()
        })
        .unwrap();
    let decoded = store
        .decode_summaries("need", |b| {
            Ok::<_, StoreError>(String::from_utf8(b.to_vec()).unwrap())
        })
        .unwrap();
    assert_eq!(decoded, ids);
    // A row the decoder refuses ends the read with its error.
    #[derive(Debug, PartialEq)]
    struct Refused(String);
    impl From<StoreError> for Refused {
        fn from(e: StoreError) -> Self {
            Refused(e.to_string())
        }
    }
    let refused = store.decode_summaries("need", |b| match b {
        b"N-07777" => Err(Refused("row N-07777".into())),
        _ => Ok(()),
    });
    assert_eq!(refused.unwrap_err(), Refused("row N-07777".into()));
    let none = store.decode_summaries("project", |_| Ok::<_, StoreError>(()));
    assert!(none.unwrap().is_empty());
}

/// A new store in `dir`, locked with [`pass`], that holds the member using it.
fn store_with_member(dir: &Path) -> Store {
    let store = Store::open(dir, true, &pass()).unwrap();
    store
        .write(WriteBatch {
            meta: vec![(meta::MEMBER, b"P-1".to_vec())],
            ..Default::default()
        })
        .unwrap();
    store
}

#[test]
fn a_new_passphrase_opens_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let new = Passphrase::tests_only("battery staple");
    {
        let store = store_with_member(dir.path());
        let err = store.change_passphrase(&new, &new).unwrap_err();
        assert!(matches!(err, StoreError::WrongPassphrase(_)), "{err}");
        store.change_passphrase(&pass(), &new).unwrap();
    }
    assert!(matches!(
        Store::open(dir.path(), false, &pass()).unwrap_err(),
        StoreError::WrongPassphrase(_)
    ));
    let store = Store::open(dir.path(), false, &new).unwrap();
    assert_eq!(store.meta(meta::MEMBER).unwrap(), Some(b"P-1".to_vec()));
}

/// The floor the shipped build has (this crate's tests have none).
const SHIPPED: Option<KdfCost> = Some(KdfCost::OWASP);

fn assert_below_floor(err: StoreError) {
    assert!(
        matches!(err, StoreError::Key(CryptError::BelowFloor { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("OWASP"), "{err}");
}

#[test]
fn a_new_store_below_owasps_cost_is_refused_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_below_floor(Store::open_with_floor(dir.path(), true, &pass(), SHIPPED).unwrap_err());
    assert!(!dir.path().join(STORE_FILE).exists());
    // At OWASP's cost the same passphrase makes it.
    let owasp = Passphrase::new(pass().as_str());
    let store = Store::open_with_floor(dir.path(), true, &owasp, SHIPPED).unwrap();
    assert_eq!(store.kdf_cost().unwrap(), Some(KdfCost::OWASP));
}

#[test]
fn a_new_passphrase_below_owasps_cost_is_refused_and_the_old_one_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), true, &pass()).unwrap();
    let cheap = Passphrase::tests_only("battery staple");
    assert_below_floor(store.relock(&pass(), &cheap, SHIPPED).unwrap_err());
    drop(store);
    Store::open(dir.path(), false, &pass()).unwrap();
}

#[test]
fn a_store_locked_below_owasps_cost_is_locked_again_at_it_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_member(dir.path());
    assert_eq!(store.kdf_cost().unwrap(), Some(KdfCost::TESTS_ONLY));
    drop(store);
    // A wrong passphrase opens nothing and changes nothing.
    let wrong = Passphrase::tests_only("wrong horse");
    let err = Store::open_with_floor(dir.path(), false, &wrong, SHIPPED).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase(_)), "{err}");
    let cost = |store: Store| store.kdf_cost().unwrap();
    let unchanged = Store::open(dir.path(), false, &pass()).unwrap();
    assert_eq!(cost(unchanged), Some(KdfCost::TESTS_ONLY));
    // The right one opens it, and its lock is made again at OWASP's cost, for good.
    let store = Store::open_with_floor(dir.path(), false, &pass(), SHIPPED).unwrap();
    assert_eq!(store.meta(meta::MEMBER).unwrap(), Some(b"P-1".to_vec()));
    assert_eq!(cost(store), Some(KdfCost::OWASP));
    let reopened = Store::open(dir.path(), false, &pass()).unwrap();
    assert_eq!(reopened.meta(meta::MEMBER).unwrap(), Some(b"P-1".to_vec()));
    assert_eq!(cost(reopened), Some(KdfCost::OWASP));
}
