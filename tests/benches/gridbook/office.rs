//! The office's work on the 100k-needs store: the ledgers exported to XLSX (every kind) and
//! CSV (needs), that CSV imported into a fresh network with the same places, and a bundle of
//! everything made and imported on a listed tablet, with its size against the lower bound (the
//! sum of the documents' saves), and the tablet then revoked as lost (what an admin waits for).

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};
use gridbook_model::Gridbook;
use gridbook_model::vocab::Role;
use gridbook_tests::data::{Rng, make_directory};
use gridbook_tests::report::{Report, ms};

/// The seed `bench_bulk` makes its places with: the fresh network gets the same ones.
pub(crate) const PLACES_SEED: u64 = 0x6e65_6564;

fn run(data: &Path, args: &[&str]) -> Result<(String, f64)> {
    let mut line = vec!["gridbook", "--data", data.to_str().unwrap_or_default()];
    line.extend_from_slice(args);
    let t = Instant::now();
    let out = gridbook::run_command(line, gridbook_tests::bench_passphrase())?;
    Ok((out, t.elapsed().as_secs_f64()))
}

fn file_mb(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

/// Times the office's commands on the store in `data`, which holds `total` needs.
pub(crate) fn bench_office(report: &mut Report, data: &Path, total: usize) -> Result<()> {
    let out = tempfile::tempdir()?;
    let xlsx = out.path().join("ledgers.xlsx");
    let csv = out.path().join("needs.csv");
    eprintln!("office: export XLSX and CSV…");
    let (_, s) = run(
        data,
        &[
            "export",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap_or_default(),
        ],
    )?;
    report.info("office.export_xlsx_all_kinds", s, "s");
    report.info("office.export_xlsx_size", file_mb(&xlsx), "MB");
    let (_, s) = run(
        data,
        &[
            "export",
            "--format",
            "csv",
            "--what",
            "needs",
            "--out",
            csv.to_str().unwrap_or_default(),
        ],
    )?;
    report.info("office.export_csv_needs", s, "s");

    eprintln!("office: import the CSV into a fresh network…");
    let fresh = tempfile::tempdir()?;
    {
        let mut book = Gridbook::open_or_create(fresh.path(), &gridbook_tests::bench_passphrase())?;
        make_directory(&mut book, &mut Rng::new(PLACES_SEED))?;
    }
    let (said, s) = run(
        fresh.path(),
        &[
            "import",
            "--format",
            "csv",
            "--what",
            "needs",
            csv.to_str().unwrap_or_default(),
        ],
    )?;
    let imported = Gridbook::open(fresh.path(), &gridbook_tests::bench_passphrase())?
        .need_summaries()?
        .len();
    if imported != total {
        bail!("{imported} of {total} needs imported; the import said: {said}");
    }
    report.info("office.import_csv_needs", s, "s");

    eprintln!("office: a bundle of everything, imported on a tablet…");
    let tablet = tempfile::tempdir()?;
    let tablet_id = Gridbook::open_or_create(tablet.path(), &gridbook_tests::bench_passphrase())?
        .device()
        .id_hex();
    {
        let mut book = Gridbook::open(data, &gridbook_tests::bench_passphrase())?;
        let member = book.add_member("李娜", Role::GridWorker)?;
        book.add_device(&tablet_id, &member, Role::GridWorker)?;
    }
    let file = out.path().join("all.gridbook");
    let t = Instant::now();
    let made = {
        let mut book = Gridbook::open(data, &gridbook_tests::bench_passphrase())?;
        gridbook_sync::bundle::export(&mut book, None)?
    };
    std::fs::write(&file, &made.bytes)?;
    report.info("office.bundle_export", t.elapsed().as_secs_f64(), "s");
    report.info("office.bundle_size", made.bytes.len() as f64 / 1e6, "MB");
    report.info(
        "office.bundle_over_lower_bound",
        made.bytes.len() as f64 / made.data_bytes as f64,
        "×",
    );
    let (said, s) = run(
        tablet.path(),
        &["bundle", "import", file.to_str().unwrap_or_default()],
    )?;
    if said.contains(" 0 new changes") {
        bail!("the bundle brought nothing: {said}");
    }
    report.info("office.bundle_import", s, "s");

    // The tablet is lost: the admin revokes it on the office, just opened (nothing loaded).
    eprintln!("office: revoke the tablet…");
    let mut book = Gridbook::open(data, &gridbook_tests::bench_passphrase())?;
    let documents = book.doc_ids()?.len();
    let t = Instant::now();
    book.revoke(&tablet_id, "tablet lost")?;
    report.info("office.revoke_device", ms(t.elapsed()), "ms");
    report.info("office.documents", documents as f64, "documents");
    Ok(())
}
