//! `gridbook bundle export|import`: the network's data in one encrypted file, for places with
//! no network at all (written and merged by `crate::office::bundle`, which the app's Files page
//! uses too; see `gridbook_sync::bundle` for the format and its decisions).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Subcommand;
use gridbook_model::time::Timestamp;

use super::Ctx;
use crate::office::bundle;

/// `gridbook bundle …`.
#[derive(Debug, Subcommand)]
pub(crate) enum BundleCommand {
    /// Write everything (or what one device lacks) into one file, encrypted to the network's
    /// devices (or to that one)
    Export {
        /// The file to write
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only what this device lacks as far as this one knows, readable by it alone
        #[arg(long = "for", value_name = "DEVICE_ID")]
        for_device: Option<String>,
    },
    /// Merge a bundle made on a device of this network; importing it again changes nothing
    Import {
        /// The bundle
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub(super) fn run(ctx: &Ctx, cmd: BundleCommand) -> Result<String> {
    match cmd {
        BundleCommand::Export { out, for_device } => {
            let mut book = ctx.open()?;
            let started = Instant::now();
            let made = bundle::write(&mut book, &out, for_device.as_deref(), &mut |_| {})?;
            Ok(format!(
                "wrote {}: {} documents, {} bytes ({} of Automerge data), readable by {} device{}, {} ms\n",
                out.display(),
                made.documents,
                made.bytes.len(),
                made.data_bytes,
                made.recipients,
                if made.recipients == 1 { "" } else { "s" },
                started.elapsed().as_millis()
            ))
        }
        BundleCommand::Import { file } => {
            let mut book = ctx.open()?;
            let started = Instant::now();
            let done = bundle::merge(&mut book, &file, &mut |_| {})?;
            Ok(format!(
                "imported {}: {} documents made by {} at {}, {} new changes, {} ms\n",
                file.display(),
                done.documents,
                done.made_by,
                Timestamp(done.made_at).to_rfc3339(),
                done.new_changes,
                started.elapsed().as_millis()
            ))
        }
    }
}
