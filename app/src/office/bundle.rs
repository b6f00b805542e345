//! Bundles on a USB stick, shared by `gridbook bundle` and the app's Files page: writing one
//! (beside its name, then renamed, so that a stick pulled out mid-write leaves no half bundle
//! under the bundle's name) and merging one read from a file. The format and its decisions
//! are `gridbook_sync::bundle`'s.

use std::path::Path;

use anyhow::Result;
use gridbook_model::Gridbook;
use gridbook_sync::bundle::{self, Imported, Made};

use crate::error::{Doing as _, Step};

/// What a bundle's writing or merging is doing, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Gathering and encrypting the network's documents.
    Gathering,
    /// Writing the file.
    Writing,
    /// Reading the file.
    Reading,
    /// Merging it into the store.
    Merging,
}

/// Writes everything (or what `for_device` lacks) into `out`, telling `progress` each stage.
pub(crate) fn write(
    book: &mut Gridbook,
    out: &Path,
    for_device: Option<&str>,
    progress: &mut dyn FnMut(Stage),
) -> Result<Made> {
    progress(Stage::Gathering);
    let made = bundle::export(book, for_device)?;
    progress(Stage::Writing);
    let part = out.with_extension("part");
    std::fs::write(&part, &made.bytes).doing(Step::Write(part.clone()))?;
    std::fs::rename(&part, out).doing(Step::Write(out.to_path_buf()))?;
    Ok(made)
}

/// Merges the bundle in `file`: refused whole, with nothing written, when it is not a bundle,
/// another network's, not for this device, or damaged.
pub(crate) fn merge(
    book: &mut Gridbook,
    file: &Path,
    progress: &mut dyn FnMut(Stage),
) -> Result<Imported> {
    progress(Stage::Reading);
    let bytes = std::fs::read(file).doing(Step::Read(file.to_path_buf()))?;
    progress(Stage::Merging);
    Ok(bundle::import(book, &bytes).doing(Step::Import(file.to_path_buf()))?)
}
