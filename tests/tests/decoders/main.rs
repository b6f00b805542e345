//! A short byte-mutation pass over every decoder of outside bytes (see `targets.rs`), on
//! stable Rust, in CI: each valid seed is mutated at random (bits flipped, bytes set, cut,
//! spliced, repeated) and fed to its decoder, which may refuse it but never panic. The coverage-guided fuzz targets in `fuzz/` run the same functions for
//! longer.
//!
//! `GRIDBOOK_MUTATIONS` sets the mutations per seed (default 150), `GRIDBOOK_MUTATION_SEED`
//! the seed; `GRIDBOOK_FUZZ_CORPUS=DIR` also writes the seeds to `DIR/<target>/` as the fuzz
//! targets' starting corpus.

mod targets;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use targets::{
    bundle_contents, bundle_file, frame, invite, open_store_file, seeds, session, store_file,
    stored_doc,
};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One to four random mutations of `input`.
fn mutate(rng: &mut StdRng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let len = out.len();
        match rng.random_range(0..6) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                out[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                out[i] = [0, 0xff, 0x7f, 0x80, 1][rng.random_range(0..5)];
            }
            2 if len > 0 => out.truncate(rng.random_range(0..len)),
            3 => {
                let i = rng.random_range(0..=len);
                let n = rng.random_range(1..8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.random()).collect();
                out.splice(i..i, bytes);
            }
            4 if len > 1 => {
                let a = rng.random_range(0..len);
                let b = rng.random_range(a..len);
                let piece = out[a..=b.min(a + 64)].to_vec();
                let at = rng.random_range(0..=len);
                out.splice(at..at, piece);
            }
            _ if len > 0 => {
                let i = rng.random_range(0..len);
                out.remove(i);
            }
            _ => out.push(rng.random()),
        }
    }
    out
}

/// For the store file, whose input is (offset, XOR) patches: random patches.
fn patches(rng: &mut StdRng) -> Vec<u8> {
    (0..rng.random_range(1..6) * 5)
        .map(|_| rng.random())
        .collect()
}

#[test]
fn mutated_inputs_to_every_decoder_are_refused_without_a_panic() {
    let per_seed = env("GRIDBOOK_MUTATIONS", 150);
    let mut rng = StdRng::seed_from_u64(env("GRIDBOOK_MUTATION_SEED", 4));
    let started = std::time::Instant::now();
    let mut runs = std::collections::BTreeMap::<&str, usize>::new();
    let corpus = std::env::var_os("GRIDBOOK_FUZZ_CORPUS").map(std::path::PathBuf::from);
    for (i, (target, seed)) in seeds().into_iter().enumerate() {
        // The fuzz targets start from the same seeds: written out on request.
        if let Some(dir) = &corpus {
            let dir = dir.join(target);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("seed-{i}")), &seed).unwrap();
        }
        let decode: fn(&[u8]) = match target {
            "frame" => frame,
            "session" => session,
            "store_file" => store_file,
            "stored_doc" => stored_doc,
            "bundle_file" => bundle_file,
            "bundle_contents" => bundle_contents,
            "invite" => invite,
            other => panic!("no decoder {other}"),
        };
        decode(&seed);
        for _ in 0..per_seed {
            let input = if target == "store_file" {
                patches(&mut rng)
            } else {
                mutate(&mut rng, &seed)
            };
            let result = std::panic::catch_unwind(|| decode(&input));
            if result.is_err() {
                panic!("{target} panicked on {} bytes: {:02x?}", input.len(), input);
            }
            *runs.entry(target).or_default() += 1;
        }
    }
    eprintln!(
        "{runs:?} mutated inputs in {:.1} s, no panic",
        started.elapsed().as_secs_f64()
    );
}

/// A sync message whose only `have` carries the Bloom filter `bloom` (as Automerge encodes
/// one: entries, bits per entry, probes, then the bits).
fn message_with_bloom(bloom: &[u8]) -> automerge::sync::Message {
    automerge::sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: vec![automerge::sync::Have {
            last_sync: Vec::new(),
            bloom: automerge::sync::BloomFilter::try_from(bloom)
                .expect("a filter Automerge decodes"),
        }],
        changes: Vec::<Vec<u8>>::new().into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
}

#[test]
fn a_bloom_filter_with_no_bits_is_refused_instead_of_panicking_in_automerge() {
    // Found by the mutation pass on a session: Automerge 0.12 decodes a Bloom filter that
    // claims one entry with zero bits per entry, keeps it in the sync state, and divides by
    // zero (sync/bloom.rs:74) the next time it generates a message. One bad frame from a peer
    // thereby panicked the device's sync. Gridbook now refuses such a message.
    let mut w = gridbook_tests::world::world(2).unwrap();
    let book = w.net.replicas[0].book();
    let doc = gridbook_model::DocId::Directory;
    for bloom in [
        &[1u8, 0, 10][..],
        &[1, 10, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff],
    ] {
        let mut state = book.sync_state("peer", &doc).unwrap();
        let before = book.dump().unwrap();
        let e = book
            .receive_sync_message("peer", &doc, &mut state, message_with_bloom(bloom))
            .unwrap_err();
        assert!(e.to_string().contains("malformed summary"), "{e}");
        book.generate_sync_message(&doc, &mut state).unwrap();
        assert_eq!(book.dump().unwrap(), before);
    }
    // Automerge's own filters still pass.
    let mut state = book.sync_state("peer", &doc).unwrap();
    let heads = book.heads(&doc).unwrap();
    let good = automerge::sync::BloomFilter::from_hashes(heads.into_iter());
    assert!(!good.to_bytes().is_empty());
    let mut m = message_with_bloom(&[]);
    m.have[0].bloom = good;
    book.receive_sync_message("peer", &doc, &mut state, m)
        .unwrap();
}

#[test]
fn a_store_file_redb_panics_on_is_reported_damaged() {
    // Found by the mutation pass: a patch (offset, XOR) to a valid store file makes redb 4.6
    // panic with "Malformed allocator state" while opening it
    // (tree_store/page_store/page_manager.rs:1806). Gridbook now says the store is damaged.
    // (Patches are offsets into the test office's file: when what it holds changes, the
    // offsets are found again by scanning single-byte patches for the same redb panic: the
    // actor index's table moved this one from 0x3022 to 0x4022.)
    let patches = [0x00, 0x00, 0x40, 0x22, 0x73];
    let e = open_store_file(&patches).unwrap_err();
    assert!(e.to_string().contains("is damaged"), "{e}");
    assert!(open_store_file(&[]).is_ok());
}

#[test]
fn a_store_file_redb_panics_on_while_seeking_is_reported_damaged() {
    // Found by `cargo fuzz run store_file` (artifact crash-26ea0e29…): one patch, XOR 0x73 at
    // offset 0x4000 of the test office's file (0x3000 before the actor index's table moved
    // the pages), makes redb 4.6 reach `unreachable!()` in `btree_cursor.rs:167`
    // (descend_to_position) while seeking. The panic stays inside the
    // store's guard: opening or reading fails with "damaged", nothing panics out.
    let patch = [0x00, 0x00, 0x40, 0x00, 0x73];
    let outcome = std::panic::catch_unwind(|| store_file(&patch));
    assert!(outcome.is_ok(), "the panic escaped Gridbook's API");
    let damaged = match open_store_file(&patch) {
        Err(e) => e.to_string(),
        Ok(mut book) => book
            .dump()
            .expect_err("a damaged page reads as damage")
            .to_string(),
    };
    assert!(damaged.contains("damaged"), "{damaged}");
}

thread_local! {
    /// Panics raised on this thread, caught or not.
    static PANICS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts every panic on the thread that raises it (tests run on threads of their own), then
/// reports it as usual.
fn count_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|n| n.set(n.get() + 1));
            report(info);
        }));
    });
}

#[test]
fn a_store_redb_panicked_on_is_never_handed_to_redb_again_not_even_to_close() {
    // After redb 4.6 panics on a damaged page (caught by the store's guard), its state is
    // broken: its page cache is half-updated and its locks poisoned, so every later call
    // panics again, and closing it can panic twice over, which aborts the process whatever
    // catches it. Here redb panics while reading a key that is no longer UTF-8 (XOR 0xe9 at
    // offset 0x700d of the test office's file; found again by scanning when the actor index's
    // table moved the pages). From then on every read is "damaged" without
    // calling redb, and the store is dropped without closing the database.
    count_panics();
    let patch = [0x00, 0x00, 0x70, 0x0d, 0xe9];
    let mut book = open_store_file(&patch).expect("it opens");
    let before = PANICS.with(std::cell::Cell::get);
    let first = book.dump().expect_err("the damaged page").to_string();
    assert!(first.contains("damaged"), "{first}");
    let caught = PANICS.with(std::cell::Cell::get);
    assert_eq!(
        caught,
        before + 1,
        "redb panicked once, caught by the store"
    );
    for _ in 0..3 {
        let again = book.dump().expect_err("still damaged").to_string();
        assert!(again.contains("damaged"), "{again}");
    }
    drop(book);
    assert_eq!(
        PANICS.with(std::cell::Cell::get),
        caught,
        "neither the later reads nor closing called redb again"
    );
}
