//! Storage-level crash safety: a device's Gridbook on a redb backend whose power is cut at a
//! random write (the write torn, later ones failing, unsynced writes surviving at random).
//! After every cut the store opens, every document loads, every record an operation
//! acknowledged is there, every summary row equals its recomputation, the actor index equals
//! what loading every document gives (it is written in the same transaction as the changes),
//! the device keeps its key, and new records never reuse an id.
//!
//! `GRIDBOOK_POWER_CUTS` sets how many cuts (default 200), `GRIDBOOK_POWER_SEED` the seed.

use crate::env;
use gridbook_model::ids::NeedId;
use gridbook_model::store::Store;
use gridbook_model::vocab::Category;
use gridbook_model::{Gridbook, NeedEdit, NewNeed, PlaceKind, Result};
use gridbook_tests::crash_disk::CrashDisk;
use gridbook_tests::world::transition;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What the workload was told was saved.
#[derive(Default)]
struct Acked {
    device: Option<String>,
    needs: Vec<NeedId>,
}

/// A day's work on one device, stopping at the first error (the power cut).
/// Returns how many writes it made (before closing the store, which writes a little more).
fn workload(disk: &CrashDisk, acked: &mut Acked) -> Result<u64> {
    let mut book = Gridbook::from_store(Store::with_backend(
        disk.clone(),
        "crash-disk",
        &gridbook_tests::passphrase(),
    )?)?;
    acked.device = Some(book.device().id_hex());
    book.init_network("凤凰台街道", "赵敏")?;
    book.add_place(PlaceKind::Community, None, "zt", "中台社区")?;
    book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")?;
    for i in 0..24 {
        let id = book.add_need(NewNeed::new(format!("需求{i}"), Category::Parking, "zt-g3"))?;
        acked.needs.push(id);
        let n = acked.needs[i * 7 % acked.needs.len()].clone();
        let _ = book.advance_need(&n, &transition(i));
        book.edit_need_fields(
            &n,
            &NeedEdit {
                title: Some(format!("标题{i}")),
                ..Default::default()
            },
        )?;
    }
    Ok(disk.writes())
}

fn check(image: Vec<u8>, acked: &Acked) -> std::result::Result<(), String> {
    let e = |e: gridbook_model::Error| e.to_string();
    let store = match Store::with_backend(
        CrashDisk::from_image(image),
        "crash-disk",
        &gridbook_tests::passphrase(),
    ) {
        Ok(s) => s,
        // A machine that lost power before the store was ever created finds no store.
        Err(_) if acked.device.is_none() => return Ok(()),
        Err(x) => return Err(format!("the store does not open: {x}")),
    };
    let mut book = Gridbook::from_store(store).map_err(e)?;
    if let Some(device) = &acked.device
        && book.device().id_hex() != *device
    {
        return Err("the device lost its key".into());
    }
    book.dump().map_err(e)?;
    let rows = book.need_summaries().map_err(e)?;
    for n in &acked.needs {
        if !rows.iter().any(|r| &r.id == n) {
            return Err(format!("need {n} was acknowledged and is gone"));
        }
        book.need(n).map_err(e)?;
    }
    let stale = book.stale_summaries().map_err(e)?;
    if !stale.is_empty() {
        return Err(format!("stale summary rows {stale:?}"));
    }
    let me = book.device().id_hex();
    gridbook_tests::actor_index::check(&mut book, &[me])?;
    if book.resolve_grid("zt-g3").is_ok() {
        let fresh = book
            .add_need(NewNeed::new("断电后", Category::Parking, "zt-g3"))
            .map_err(e)?;
        if rows.iter().any(|r| r.id == fresh) {
            return Err(format!("a new need reused the id {fresh}"));
        }
    }
    Ok(())
}

#[test]
fn power_cut_at_any_write_leaves_a_store_that_opens_with_everything_acknowledged() {
    let cuts = env("GRIDBOOK_POWER_CUTS", 200);
    let mut rng = StdRng::seed_from_u64(env("GRIDBOOK_POWER_SEED", 3));
    let whole = CrashDisk::new();
    let writes = workload(&whole, &mut Acked::default())
        .expect("the workload runs on a disk that never fails");
    let started = std::time::Instant::now();
    let (mut opened, mut acked_needs) = (0, 0);
    for case in 0..cuts {
        let disk = CrashDisk::new();
        let at = rng.random_range(1..=writes);
        disk.cut_after_writes(at, rng.random());
        let mut acked = Acked::default();
        let result = workload(&disk, &mut acked);
        assert!(
            result.is_err() && disk.crashed(),
            "case {case}: the power cut at write {at} of {writes} went unnoticed"
        );
        let image = disk.after_crash();
        if let Err(e) = check(image, &acked) {
            panic!("case {case}, power cut at write {at} of {writes}: {e}");
        }
        opened += 1;
        acked_needs += acked.needs.len();
    }
    eprintln!(
        "{cuts} power cuts over a workload of {writes} writes in {:.1} s: {opened} stores checked, {acked_needs} acknowledged needs all present",
        started.elapsed().as_secs_f64()
    );
}
