//! `gridbook decrypt`: opens a file encrypted to this device (an export made elsewhere with
//! `--encrypt-to <this device's id>`), with the device's own key: there is no second key to
//! keep (see `gridbook_sync::seal`).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;
use gridbook_sync::seal;

use super::Ctx;

/// `gridbook decrypt`.
#[derive(Debug, Args)]
pub(crate) struct DecryptArgs {
    /// The encrypted file
    #[arg(long = "in", value_name = "PATH")]
    pub input: PathBuf,
    /// Where to write what it holds (in the clear: personal data, keep it safe)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

pub(super) fn run(ctx: &Ctx, args: DecryptArgs) -> Result<String> {
    let book = ctx.open()?;
    let sealed = std::fs::read(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let plain = seal::open(book.device().secret_bytes(), &sealed)
        .with_context(|| format!("cannot open {}", args.input.display()))?;
    std::fs::write(&args.out, &plain)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    Ok(format!(
        "wrote {}: {} bytes\n",
        args.out.display(),
        plain.len()
    ))
}
