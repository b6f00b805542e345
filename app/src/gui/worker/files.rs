//! The worker's part of the files page: a ledger, register or roster read and checked with its
//! progress, then imported all or nothing; bundles written into a chosen folder and merged
//! from a chosen file. The work itself is `crate::office`'s, which the CLI runs too.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gridbook_model::time::Timestamp;
use gridbook_model::words::Words;

use super::State;
use crate::gui::messages::{
    BundleMerged, BundleWritten, Event, Origin, PreviewRow, Progress, Refusal, SheetPreview, Step,
    Task,
};
use crate::office::bundle::{self, Stage};
use crate::office::import::{self, Kind, Plan};
use crate::office::sheet::ReadSheet;

/// A file read and found good, waiting for the person to import it.
pub(super) struct Pending {
    file: PathBuf,
    plan: Plan,
}

impl State {
    pub(super) fn read_sheet(&mut self, file: PathBuf, kind: Kind, send: &dyn Fn(Event)) {
        self.pending = None;
        let progress = |step, done, total| {
            send(Event::Progress(Task::Sheet, Progress { step, done, total }));
        };
        let refuse = |refusal| send(Event::Refused(Origin::Files, refusal));
        let xlsx = match file.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xlsx") => true,
            Some(e) if e.eq_ignore_ascii_case("csv") => false,
            _ => {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                return refuse(Refusal::Said(
                    Words::new("files.not_a_sheet").arg("file", name.into_owned()),
                ));
            }
        };
        progress(Step::Reading, 0, 0);
        let read = match import::read(&file, xlsx, kind) {
            Ok(read) => read,
            Err(e) => return refuse(Refusal::from(&e)),
        };
        let total = read.rows.len();
        progress(Step::Checking, 0, total);
        let checked = import::plan(&mut self.book, &read, kind, &mut |done| {
            progress(Step::Checking, done, total)
        });
        let (plan, errors) = match checked {
            Ok(Ok(plan)) => (Some(plan), Vec::new()),
            Ok(Err(errors)) => (None, errors),
            Err(e) => return refuse(Refusal::from(&e)),
        };
        send(Event::SheetRead(Arc::new(preview(
            &file, kind, &read, &errors,
        ))));
        self.pending = plan.map(|plan| Pending { file, plan });
    }

    pub(super) fn import_sheet(&mut self, file: &Path, send: &dyn Fn(Event)) {
        let Some(Pending { plan, .. }) = self.pending.take().filter(|p| p.file == file) else {
            return send(Event::Refused(
                Origin::Files,
                Refusal::Said(Words::new("files.read_first")),
            ));
        };
        let kind = plan.kind();
        match plan.write(&mut self.book) {
            Ok(made) => {
                send(Event::SheetImported(kind, made));
                self.reload_all(send);
            }
            Err(e) => send(Event::Refused(Origin::Files, Refusal::from(&e))),
        }
    }

    pub(super) fn export_bundle(&mut self, out: &Path, send: &dyn Fn(Event)) {
        match bundle::write(&mut self.book, out, None, &mut stage_progress(send)) {
            Ok(made) => send(Event::BundleWritten(Box::new(BundleWritten {
                path: out.to_path_buf(),
                documents: made.documents,
                bytes: made.bytes.len(),
                recipients: made.recipients,
            }))),
            Err(e) => send(Event::Refused(Origin::Files, Refusal::from(&e))),
        }
    }

    pub(super) fn import_bundle(&mut self, file: &Path, send: &dyn Fn(Event)) {
        match bundle::merge(&mut self.book, file, &mut stage_progress(send)) {
            Ok(done) => {
                send(Event::BundleMerged(Box::new(BundleMerged {
                    path: file.to_path_buf(),
                    made_by: done.made_by,
                    made_at: Timestamp(done.made_at),
                    documents: done.documents,
                    new_changes: done.new_changes,
                })));
                self.reload_all(send);
            }
            Err(e) => send(Event::Refused(Origin::Files, Refusal::from(&e))),
        }
    }
}

/// A bundle's stages as steps of two.
fn stage_progress(send: &dyn Fn(Event)) -> impl FnMut(Stage) + '_ {
    move |stage| {
        let (step, done) = match stage {
            Stage::Gathering => (Step::Gathering, 0),
            Stage::Writing => (Step::Writing, 1),
            Stage::Reading => (Step::Reading, 0),
            Stage::Merging => (Step::Merging, 1),
        };
        send(Event::Progress(
            Task::Bundle,
            Progress {
                step,
                done,
                total: 2,
            },
        ));
    }
}

/// Every row of the sheet under the kind's columns it has, with its errors.
fn preview(
    file: &Path,
    kind: Kind,
    read: &ReadSheet,
    errors: &[gridbook_model::ledger::RowError],
) -> SheetPreview {
    let (_, columns, _) = kind.columns();
    let present: Vec<(&'static str, usize)> = columns
        .iter()
        .filter_map(|c| read.column(c).map(|i| (*c, i)))
        .collect();
    let mut by_row: std::collections::BTreeMap<usize, Vec<Words>> = Default::default();
    for e in errors {
        by_row.entry(e.row).or_default().push(e.cell_words());
    }
    let rows = read
        .rows
        .iter()
        .map(|(line, cells)| PreviewRow {
            line: *line,
            cells: present
                .iter()
                .map(|(_, i)| cells.get(*i).cloned().unwrap_or_default())
                .collect(),
            errors: by_row.get(line).cloned().unwrap_or_default(),
        })
        .collect();
    SheetPreview {
        file: file.to_path_buf(),
        headers: present.iter().map(|(c, _)| *c).collect(),
        rows,
        error_rows: by_row.keys().copied().collect(),
    }
}
