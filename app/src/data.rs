//! Where a device's data lives and how its store is locked, as the CLI and the app both need
//! it: the demo's directory and passphrase, and the Argon2id cost of new locks.

use std::path::PathBuf;

use anyhow::Result;
use gridbook_model::KdfCost;

use crate::error::CliError;

/// The demo network's passphrase when `GRIDBOOK_PASSPHRASE` is not set.
pub(crate) const DEMO_PASSPHRASE: &str = "gridbook-demo";

/// The Argon2id cost new stores get: OWASP's, or the cheap one `GRIDBOOK_KDF=tests-only` asks
/// for.
pub(crate) fn kdf_cost() -> Result<KdfCost> {
    match std::env::var("GRIDBOOK_KDF") {
        Err(_) => Ok(KdfCost::OWASP),
        Ok(v) if v == "tests-only" => Ok(KdfCost::TESTS_ONLY),
        Ok(v) => Err(CliError::KdfUnknown(v).into()),
    }
}

/// Where `--demo` keeps its data: beside the real data directory, never in it.
pub(crate) fn demo_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("GRIDBOOK_DEMO_DATA") {
        return Ok(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("org", "Gridbook", "gridbook")
        .ok_or(CliError::NoDemoHome)?;
    let real = dirs.data_dir();
    let name = format!(
        "{}-demo",
        real.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("gridbook")
    );
    Ok(real.with_file_name(name))
}
