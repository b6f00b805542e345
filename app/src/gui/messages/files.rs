//! The files page's messages: the progress of its long tasks, a sheet's preview, and what a
//! bundle written or merged holds.

use std::path::PathBuf;

use gridbook_model::words::Words;

/// A long task of the files page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Task {
    /// Reading and checking a sheet.
    Sheet,
    /// Writing or merging a bundle.
    Bundle,
}

/// How far a task has come: `done` of `total` (rows, or steps), and what it is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    /// What it is doing.
    pub step: Step,
    /// Done so far.
    pub done: usize,
    /// Of how many (0: not known yet).
    pub total: usize,
}

/// A step of a long task, which the page words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Reading the file.
    Reading,
    /// Checking its rows.
    Checking,
    /// Gathering the network's documents.
    Gathering,
    /// Encrypting and writing the file.
    Writing,
    /// Merging into the store.
    Merging,
}

/// A sheet read and checked, for the preview.
#[derive(Debug)]
pub(crate) struct SheetPreview {
    /// The file.
    pub file: PathBuf,
    /// The kind's columns the file has, in the kind's order.
    pub headers: Vec<&'static str>,
    /// Every row: its sheet row number, its cells under `headers`, and its errors (each naming
    /// its column).
    pub rows: Vec<PreviewRow>,
    /// The sheet rows with an error, in order.
    pub error_rows: Vec<usize>,
}

/// One row of a previewed sheet.
#[derive(Debug)]
pub(crate) struct PreviewRow {
    /// Its sheet row number (the header is row 1).
    pub line: usize,
    /// Its cells under the preview's headers.
    pub cells: Vec<String>,
    /// What is wrong in it, each naming its column (`类别：「餐饮」不是…`), worded when shown
    /// in the language of the moment.
    pub errors: Vec<Words>,
}

/// What a bundle written holds.
#[derive(Debug, Clone)]
pub(crate) struct BundleWritten {
    /// Where.
    pub path: PathBuf,
    /// How many documents.
    pub documents: usize,
    /// Its size in bytes.
    pub bytes: usize,
    /// How many devices can read it.
    pub recipients: usize,
}

/// What a merged bundle brought.
#[derive(Debug, Clone)]
pub(crate) struct BundleMerged {
    /// The file.
    pub path: PathBuf,
    /// Which device made it.
    pub made_by: String,
    /// When it was made.
    pub made_at: gridbook_model::time::Timestamp,
    /// How many documents it held.
    pub documents: usize,
    /// How many changes were new here.
    pub new_changes: usize,
}
