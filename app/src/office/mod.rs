//! The office's paperwork, shared by the CLI and the app: ledgers exported as XLSX or CSV
//! (`export`), read back from sheets (`sheet`), print-ready notices and sign-in sheets
//! (`print`), and the log of every export in the directory (`export_log`).

pub(crate) mod bundle;
pub(crate) mod export;
pub(crate) mod export_log;
pub(crate) mod import;
pub(crate) mod print;
pub(crate) mod sheet;

pub(crate) use export::{Format, What, write};

/// A sort key that puts record ids in the order they were made on each device:
/// `N-K7Q2ZD-9` before `N-K7Q2ZD-10`.
pub(crate) fn id_order(id: &str) -> (&str, u64, &str) {
    match id.rsplit_once('-') {
        Some((head, seq)) => match seq.parse() {
            Ok(n) => (head, n, ""),
            Err(_) => (id, 0, ""),
        },
        None => (id, 0, id),
    }
}

/// Where the app writes what it exports and prints: `<data>/exports`.
pub(crate) fn exports_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("exports")
}
