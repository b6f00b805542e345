//! `gridbook decrypt`: opens a file encrypted to this device (an export made elsewhere with
//! `--encrypt-to <this device's id>`), with the device's own key: there is no second key to
//! keep (see `gridbook_sync::seal`).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use gridbook_sync::seal;

use super::Ctx;
use super::error::{Doing as _, Step};

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
    let sealed = std::fs::read(&args.input).doing(Step::Read(args.input.clone()))?;
    let plain = seal::open(book.device().secret_bytes(), &sealed)
        .doing(Step::Decrypt(args.input.clone()))?;
    std::fs::write(&args.out, &plain).doing(Step::Write(args.out.clone()))?;
    Ok(format!(
        "wrote {}: {} bytes\n",
        args.out.display(),
        plain.len()
    ))
}
