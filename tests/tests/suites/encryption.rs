//! Encryption at rest, with figures: residents' names and phones appear nowhere on disk, wrong
//! passphrases are refused, damaged bytes never read as data, and a new passphrase keeps
//! everything. Bulk tests use the cheap Argon2id cost; `the_real_cost_locks_and_unlocks` runs
//! OWASP's. Each test prints its count and time (`cargo test -- --nocapture`).
//!
//! `GRIDBOOK_CANARIES` (residents, each with a canary name and a canary phone: 5,000 make
//! 10,000 canary strings), `GRIDBOOK_WRONG_PASSPHRASES` and `GRIDBOOK_FLIPS` change the
//! counts.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use gridbook_model::store::tables::{
    ACTOR_SEQS, CHUNKS, HEADS, LOCAL, META, SNAPSHOTS, SUMMARIES, SYNC_STATES,
};
use gridbook_model::store::{STORE_FILE, Store, StoreError};
use gridbook_model::vocab::Category;
use gridbook_model::{Error, Gridbook, NewNeed, NewResident, Passphrase, PlaceKind};
use gridbook_tests::crash_disk::CrashDisk;
use gridbook_tests::passphrase;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redb::{ReadableDatabase, ReadableTable, TableHandle};

fn count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every canary name holds this; every canary phone starts with [`PHONE_MARK`].
const NAME_MARK: &str = "金丝雀";
const PHONE_MARK: &[u8] = b"13999";

fn canary_name(i: usize) -> String {
    format!("{NAME_MARK}{i:05}号")
}

fn canary_phone(i: usize) -> String {
    format!("13999{i:06}")
}

/// A network with one grid, `n` residents with canary names and phones, and a need for every
/// tenth of them naming the resident and phone (so summaries carry them too).
fn book_with_canaries(dir: &Path, n: usize, pass: &Passphrase) -> Gridbook {
    let mut book = Gridbook::open_or_create(dir, pass).unwrap();
    book.init_network("凤凰台街道", "赵敏").unwrap();
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .unwrap();
    for start in (0..n).step_by(1_000) {
        book.batch(|b| {
            for i in start..(start + 1_000).min(n) {
                b.add_resident(NewResident {
                    name: canary_name(i),
                    phone: Some(canary_phone(i)),
                    building: None,
                    grid: Some("zt-g3".into()),
                    unit: None,
                    room: None,
                })?;
                if i % 10 == 0 {
                    let mut need = NewNeed::new("独居老人需要送餐", Category::ElderlyCare, "zt-g3");
                    need.resident_name = Some(canary_name(i));
                    need.phone = Some(canary_phone(i));
                    b.add_need(need)?;
                }
            }
            Ok(())
        })
        .unwrap();
    }
    book
}

/// Where a canary shows in `bytes`: the name mark, or the phone mark followed by six digits.
fn canary_at(bytes: &[u8]) -> Option<usize> {
    let name = NAME_MARK.as_bytes();
    bytes
        .windows(name.len())
        .position(|w| w == name)
        .or_else(|| {
            bytes.windows(PHONE_MARK.len() + 6).position(|w| {
                w.starts_with(PHONE_MARK) && w[PHONE_MARK.len()..].iter().all(u8::is_ascii_digit)
            })
        })
}

/// Every file under `dir`, recursively, with its bytes.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

/// Every key and value of every table of the store file, raw as redb keeps them, with the
/// table's name. The key is rendered as text (keys are ids, stored in the clear).
fn raw_rows(file: &Path) -> Vec<(String, String, Vec<u8>)> {
    let db = redb::Database::open(file).unwrap();
    let tx = db.begin_read().unwrap();
    let names: Vec<String> = tx
        .list_tables()
        .unwrap()
        .map(|t| t.name().to_string())
        .collect();
    let mut out = Vec::new();
    macro_rules! str_table {
        ($t:expr) => {
            match tx.open_table($t) {
                Ok(table) => {
                    for row in table.iter().unwrap() {
                        let (k, v) = row.unwrap();
                        out.push((
                            $t.name().to_string(),
                            format!("{:?}", k.value()),
                            v.value().to_vec(),
                        ));
                    }
                }
                Err(redb::TableError::TableDoesNotExist(_)) => {}
                Err(e) => panic!("{e}"),
            }
        };
    }
    str_table!(META);
    str_table!(SNAPSHOTS);
    str_table!(CHUNKS);
    str_table!(SUMMARIES);
    str_table!(HEADS);
    str_table!(SYNC_STATES);
    str_table!(LOCAL);
    str_table!(ACTOR_SEQS);
    let known = [
        META.name(),
        SNAPSHOTS.name(),
        CHUNKS.name(),
        SUMMARIES.name(),
        HEADS.name(),
        SYNC_STATES.name(),
        LOCAL.name(),
        ACTOR_SEQS.name(),
    ];
    for name in names {
        assert!(
            known.contains(&name.as_str()),
            "a table this test does not read: {name}"
        );
    }
    out
}

#[test]
fn canaries_are_nowhere_on_disk_and_in_no_stored_value() {
    let n = count("GRIDBOOK_CANARIES", 5_000);
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let pass = passphrase();
    let mut book = book_with_canaries(dir.path(), n, &pass);
    // They were written: the device reads every one back.
    let residents = book.residents().unwrap();
    assert_eq!(residents.len(), n);
    assert!(residents.values().any(|r| r.name == canary_name(n - 1)));
    let needs = book.need_summaries().unwrap();
    assert_eq!(needs.len(), n.div_ceil(10));
    drop(book);
    let wrote = started.elapsed();

    // Every byte of every file under the data directory.
    let files = files(dir.path());
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    for (path, content) in &files {
        assert_eq!(canary_at(content), None, "a canary in {}", path.display());
    }
    // The scan finds what is there (a control: the same marks in the clear).
    assert!(canary_at(format!("x{}", canary_name(7)).as_bytes()).is_some());
    assert!(canary_at(canary_phone(7).as_bytes()).is_some());

    // Every stored value, decoded wherever it is not encrypted: the keys are ids, three meta
    // values are in the clear (format, schema, lock) and hold no canary; every other value
    // is sealed: it neither loads as an Automerge document nor parses as JSON.
    let rows = raw_rows(&dir.path().join(STORE_FILE));
    let mut plain = Vec::new();
    for (table, key, value) in &rows {
        assert_eq!(
            canary_at(key.as_bytes()),
            None,
            "a canary in a key of {table}"
        );
        assert_eq!(canary_at(value), None, "a canary in {table} {key}");
        let is_plain_meta = table == META.name()
            && ["\"format\"", "\"schema\"", "\"lock\""].contains(&key.as_str());
        if is_plain_meta {
            plain.push(key.clone());
            continue;
        }
        assert!(
            automerge::Automerge::load(value).is_err(),
            "{table} {key} loads as a document: not sealed"
        );
        assert!(
            serde_json::from_slice::<serde_json::Value>(value).is_err(),
            "{table} {key} is JSON: not sealed"
        );
        assert!(value.len() >= 40, "{table} {key}: too short to be sealed");
    }
    assert_eq!(plain.len(), 3, "{plain:?}");
    eprintln!(
        "canaries: {} distinct strings ({n} names, {n} phones; {} needs repeat some) written in {:.1} s; {} files, {:.1} MB, {} stored values searched: none found; {:.1} s in all",
        2 * n,
        n.div_ceil(10),
        wrote.as_secs_f64(),
        files.len(),
        bytes as f64 / 1e6,
        rows.len(),
        started.elapsed().as_secs_f64()
    );
}

fn is_wrong_passphrase(e: &Error) -> bool {
    matches!(e, Error::Store(StoreError::WrongPassphrase(_)))
}

#[test]
fn wrong_passphrases_are_refused_with_one_clear_message() {
    let n = count("GRIDBOOK_WRONG_PASSPHRASES", 1_000);
    let dir = tempfile::tempdir().unwrap();
    let right = "凤凰台 2026 春";
    let mut book = book_with_canaries(dir.path(), 10, &Passphrase::tests_only(right));
    let dump = book.dump().unwrap();
    drop(book);
    // The file's bytes, opened in memory: the refusals cost no disk flush each.
    let image = std::fs::read(dir.path().join(STORE_FILE)).unwrap();
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(5);
    let near: Vec<String> = vec![
        String::new(),
        " ".into(),
        format!("{right} "),
        format!(" {right}"),
        right.replace(' ', "\u{3000}"),
        right.replace('春', "夏"),
        right[..right.len() - 3].to_string(),
    ];
    for i in 0..n {
        let wrong = match near.get(i) {
            Some(w) => w.clone(),
            None => {
                // One character of the right one changed, or random text.
                let mut chars: Vec<char> = right.chars().collect();
                if i % 2 == 0 {
                    let at = rng.random_range(0..chars.len());
                    chars[at] = char::from_u32(rng.random_range(0x20..0x7e)).unwrap();
                    if chars.iter().collect::<String>() == right {
                        chars.push('!');
                    }
                    chars.into_iter().collect()
                } else {
                    (0..rng.random_range(1..24))
                        .map(|_| char::from_u32(rng.random_range(0x4e00..0x9fa5)).unwrap())
                        .collect()
                }
            }
        };
        let e = Store::with_backend(
            CrashDisk::from_image(image.clone()),
            "wrong",
            &Passphrase::tests_only(wrong.clone()),
        )
        .map_err(Error::from)
        .and_then(Gridbook::from_store)
        .unwrap_err();
        assert!(is_wrong_passphrase(&e), "{wrong:?}: {e}");
        let message = e.to_string();
        assert!(
            !message.contains('\n') && message.starts_with("wrong passphrase"),
            "{message}"
        );
    }
    let took = started.elapsed();
    let mut book = Gridbook::open(dir.path(), &Passphrase::tests_only(right)).unwrap();
    assert_eq!(book.dump().unwrap(), dump, "refusals changed nothing");
    eprintln!(
        "wrong passphrases: {n} refused in {:.2} s ({:.2} ms each)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e3 / n as f64
    );
}

/// What a device shows: every document, every list, every resident.
fn everything(book: &mut Gridbook) -> gridbook_model::Result<String> {
    let dump = book.dump()?;
    let needs = format!("{:?}", book.need_summaries()?);
    let residents: BTreeMap<_, _> = book.residents()?;
    let member = book.member()?;
    Ok(format!(
        "{dump}\n{needs}\n{residents:?}\n{member:?}\n{}",
        book.device().id_hex()
    ))
}

#[test]
fn single_bit_flips_in_the_store_file_never_read_as_wrong_data() {
    let n = count("GRIDBOOK_FLIPS", 1_000);
    let dir = tempfile::tempdir().unwrap();
    let pass = passphrase();
    let mut book = book_with_canaries(dir.path(), 50, &pass);
    let expected = everything(&mut book).unwrap();
    drop(book);
    let image = std::fs::read(dir.path().join(STORE_FILE)).unwrap();
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(0xf11b);
    let (mut same, mut refused_open, mut refused_read) = (0, 0, 0);
    let mut wrong = Vec::new();
    let mut kinds = BTreeMap::<String, usize>::new();
    for _ in 0..n {
        let bit = match std::env::var("GRIDBOOK_FLIP_BIT") {
            Ok(b) => b.parse().unwrap(),
            Err(_) => rng.random_range(0..image.len() * 8),
        };
        let mut damaged = image.clone();
        damaged[bit / 8] ^= 1 << (bit % 8);
        let opened = Store::with_backend(CrashDisk::from_image(damaged), "flipped", &pass)
            .map_err(Error::from)
            .and_then(Gridbook::from_store);
        let mut book = match opened {
            Ok(book) => book,
            Err(e) => {
                assert!(
                    !is_wrong_passphrase(&e),
                    "bit {bit}: damage reported as a wrong passphrase"
                );
                refused_open += 1;
                *kinds.entry(kind(&e)).or_default() += 1;
                continue;
            }
        };
        match everything(&mut book) {
            Ok(seen) => {
                if seen != expected {
                    let at = seen
                        .bytes()
                        .zip(expected.bytes())
                        .position(|(a, b)| a != b)
                        .unwrap_or(seen.len().min(expected.len()));
                    let around = |s: &str| {
                        let s = s.as_bytes();
                        String::from_utf8_lossy(&s[at.saturating_sub(60)..(at + 60).min(s.len())])
                            .into_owned()
                    };
                    wrong.push(format!(
                        "bit {bit}: {:?} where {:?}",
                        around(&seen),
                        around(&expected)
                    ));
                    continue;
                }
                same += 1;
            }
            Err(e) => {
                refused_read += 1;
                *kinds.entry(kind(&e)).or_default() += 1;
            }
        }
    }
    eprintln!(
        "bit flips: {n} in a {:.0} KB store file in {:.1} s: {same} read the same data, {refused_open} refused at open, {refused_read} refused on reading, {} wrong; refusals by kind {kinds:?}",
        image.len() as f64 / 1e3,
        started.elapsed().as_secs_f64(),
        wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "{} read as other data: {wrong:#?}",
        wrong.len()
    );
}

fn kind(e: &Error) -> String {
    match e {
        Error::Store(StoreError::Corrupt { .. }) => "corrupt".into(),
        Error::Store(StoreError::BadDocument { .. }) => "bad document".into(),
        Error::Store(StoreError::Storage(_)) => "storage".into(),
        Error::Store(StoreError::NotAStore(_)) => "not a store".into(),
        other => format!("other: {other}"),
    }
}

#[test]
fn a_new_passphrase_keeps_every_record_and_the_old_one_stops_working() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (passphrase(), Passphrase::tests_only("新的密码"));
    let mut book = book_with_canaries(dir.path(), 300, &old);
    let before = everything(&mut book).unwrap();
    let started = Instant::now();
    let e = book
        .store()
        .change_passphrase(&Passphrase::tests_only("not it"), &new)
        .unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase(_)), "{e}");
    book.store().change_passphrase(&old, &new).unwrap();
    let took = started.elapsed();
    drop(book);
    let e = Gridbook::open(dir.path(), &old).unwrap_err();
    assert!(is_wrong_passphrase(&e), "{e}");
    let mut book = Gridbook::open(dir.path(), &new).unwrap();
    assert_eq!(everything(&mut book).unwrap(), before);
    // And it keeps working: a new record, then back to the first passphrase.
    book.add_resident(NewResident {
        name: "新居民".into(),
        phone: None,
        building: None,
        grid: Some("zt-g3".into()),
        unit: None,
        room: None,
    })
    .unwrap();
    book.store().change_passphrase(&new, &old).unwrap();
    drop(book);
    let mut book = Gridbook::open(dir.path(), &old).unwrap();
    assert_eq!(book.residents().unwrap().len(), 301);
    eprintln!(
        "rekey: 300 residents, 30 needs kept; rekey took {:.1} ms",
        took.as_secs_f64() * 1e3
    );
}

#[test]
fn the_real_cost_locks_and_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let right = Passphrase::new("凤凰台 real cost");
    let started = Instant::now();
    let mut book = book_with_canaries(dir.path(), 10, &right);
    let created = started.elapsed();
    let dump = book.dump().unwrap();
    assert_eq!(
        book.store().kdf_cost().unwrap(),
        Some(gridbook_model::KdfCost::OWASP)
    );
    drop(book);
    let started = Instant::now();
    let e = Gridbook::open(dir.path(), &Passphrase::new("凤凰台 real cos")).unwrap_err();
    let refused = started.elapsed();
    assert!(is_wrong_passphrase(&e), "{e}");
    let started = Instant::now();
    let mut book = Gridbook::open(dir.path(), &right).unwrap();
    let opened = started.elapsed();
    assert_eq!(book.dump().unwrap(), dump);
    eprintln!(
        "real cost (Argon2id 19 MiB, 2 passes): created with data in {:.0} ms, wrong passphrase refused in {:.0} ms, opened in {:.0} ms",
        created.as_secs_f64() * 1e3,
        refused.as_secs_f64() * 1e3,
        opened.as_secs_f64() * 1e3
    );
}

#[test]
fn a_store_from_before_encryption_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(STORE_FILE);
    {
        // What schema 3 wrote: the format marker, the schema, a device key in the clear.
        let db = redb::Database::create(&file).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut meta = tx.open_table(META).unwrap();
            meta.insert("format", b"gridbook-store".as_slice()).unwrap();
            meta.insert("schema", 3u32.to_be_bytes().as_slice())
                .unwrap();
            meta.insert("device-secret", [7u8; 32].as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let before = raw_rows(&file);
    let e = Gridbook::open(dir.path(), &passphrase()).unwrap_err();
    assert!(
        matches!(e, Error::Store(StoreError::Unencrypted { schema: 3, .. })),
        "{e}"
    );
    assert!(e.to_string().contains("gridbook join"), "{e}");
    // Nothing was sealed, added or dropped (redb itself may rewrite its header on opening).
    assert_eq!(raw_rows(&file), before);
}

#[test]
fn a_store_from_before_signed_changes_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(STORE_FILE);
    {
        let mut book = Gridbook::open_or_create(dir.path(), &passphrase()).unwrap();
        book.init_network("凤凰台街道", "赵敏").unwrap();
    }
    {
        // What schema 4 wrote is laid out the same; only its changes were unsigned.
        let db = redb::Database::open(&file).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(META)
            .unwrap()
            .insert("schema", 4u32.to_be_bytes().as_slice())
            .unwrap();
        tx.commit().unwrap();
    }
    let before = raw_rows(&file);
    let e = Gridbook::open(dir.path(), &passphrase()).unwrap_err();
    assert!(
        matches!(e, Error::Store(StoreError::Unsigned { schema: 4, .. })),
        "{e}"
    );
    assert!(e.to_string().contains("gridbook export"), "{e}");
    assert_eq!(raw_rows(&file), before);
}
