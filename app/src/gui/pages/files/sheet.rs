//! The files page's import: choose what the file holds and the file, see every row with its
//! errors a page of [`PAGE`] rows at a time, then import all of it or nothing.

use std::sync::Arc;

use egui::Ui;

use super::{choose, exports_dir, progress, start_dir};
use crate::gui::chooser::{Chooser, Chosen};
use crate::gui::messages::{Command, Event, Progress, SheetPreview, Task};
use crate::gui::page::Cx;
use crate::gui::widgets::{big_button, chip};
use crate::i18n::tr;
use crate::office::import::Kind;

/// Rows shown at a time.
pub(super) const PAGE: usize = 50;

/// Sheet rows with an error named in the refusal line before the rest are counted.
const NAMED_ROWS: usize = 20;

/// Where the import stands.
#[derive(Default)]
enum Stage {
    /// Nothing asked.
    #[default]
    Idle,
    /// The worker reads and checks the file.
    Working(Option<Progress>),
    /// The file's rows, a page of them shown.
    Preview {
        preview: Arc<SheetPreview>,
        page: usize,
        only_errors: bool,
    },
    /// Imported: what and how many.
    Imported(Kind, usize),
    /// Refused, in words.
    Refused(String),
}

/// The import section's state.
#[derive(Default)]
pub(super) struct SheetSection {
    kind: Option<Kind>,
    chooser: Option<Chooser>,
    stage: Stage,
}

fn kind_name(kind: Kind) -> String {
    match kind {
        Kind::Needs => tr!("files.kind_needs"),
        Kind::Residents => tr!("files.kind_residents"),
        Kind::Volunteers => tr!("files.kind_volunteers"),
    }
}

impl SheetSection {
    pub(super) fn refused(&mut self, said: String) {
        self.stage = Stage::Refused(said);
    }

    /// Asks the worker to read and check `file` as a sheet of `kind`.
    pub(super) fn read(&mut self, kind: Kind, file: std::path::PathBuf, cmds: &mut Vec<Command>) {
        self.kind = Some(kind);
        self.stage = Stage::Working(None);
        cmds.push(Command::ReadSheet(file, kind));
    }

    pub(super) fn event(&mut self, event: &Event) {
        match event {
            Event::Progress(Task::Sheet, p) => self.stage = Stage::Working(Some(*p)),
            Event::SheetRead(preview) => {
                self.stage = Stage::Preview {
                    preview: preview.clone(),
                    page: 0,
                    only_errors: false,
                }
            }
            Event::SheetImported(kind, n) => self.stage = Stage::Imported(*kind, *n),
            _ => {}
        }
    }

    /// Draws the section; the task it started, if it did.
    pub(super) fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) -> Option<Task> {
        let mut started = None;
        ui.group(|ui| {
            ui.strong(tr!("files.import"));
            ui.label(tr!("files.import_how"));
            ui.horizontal_wrapped(|ui| {
                for kind in [Kind::Needs, Kind::Residents, Kind::Volunteers] {
                    if chip(ui, self.kind == Some(kind), kind_name(kind)).clicked() {
                        self.kind = Some(kind);
                    }
                }
            });
            let Some(kind) = self.kind else { return };
            if self.chooser.is_none()
                && !matches!(self.stage, Stage::Working(_))
                && big_button(ui, tr!("files.choose_sheet"))
            {
                let start = start_dir(cx.state, cx.data);
                self.chooser = Some(Chooser::open(
                    &start,
                    &exports_dir(cx.data),
                    &["xlsx", "csv"],
                ));
            }
            if let Some(Chosen::File(file)) = choose(ui, &mut self.chooser, cx.state) {
                self.read(kind, file, cx.cmds);
                started = Some(Task::Sheet);
            }
            if self.chooser.is_some() {
                return;
            }
            match &mut self.stage {
                Stage::Idle => {}
                Stage::Working(p) => progress(ui, p.as_ref()),
                Stage::Preview {
                    preview,
                    page,
                    only_errors,
                } => {
                    let preview = preview.clone();
                    if show_preview(ui, &preview, page, only_errors) {
                        cx.cmds.push(Command::ImportSheet(preview.file.clone()));
                        self.stage = Stage::Working(None);
                        started = Some(Task::Sheet);
                    }
                }
                Stage::Imported(kind, n) => {
                    ui.label(tr!("files.imported", count = n, kind = kind_name(*kind)));
                }
                Stage::Refused(said) => {
                    ui.colored_label(ui.visuals().error_fg_color, said.as_str());
                }
            }
        });
        started
    }
}

/// The preview: counts, the rows with errors named, a page of rows, the pager, and the import
/// button (only for a file with no error); whether it was tapped.
fn show_preview(
    ui: &mut Ui,
    preview: &SheetPreview,
    page: &mut usize,
    only_errors: &mut bool,
) -> bool {
    let name = preview
        .file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    ui.label(tr!(
        "files.preview_of",
        file = name,
        rows = preview.rows.len(),
        errors = preview.error_rows.len()
    ));
    let bad = &preview.error_rows;
    if !bad.is_empty() {
        let mut named: Vec<String> = bad.iter().take(NAMED_ROWS).map(usize::to_string).collect();
        if bad.len() > NAMED_ROWS {
            named.push("…".into());
        }
        ui.colored_label(
            ui.visuals().error_fg_color,
            tr!(
                "files.cannot_import",
                count = bad.len(),
                rows = named.join("、")
            ),
        );
        ui.horizontal(|ui| {
            if chip(ui, !*only_errors, tr!("files.all_rows")).clicked() {
                *only_errors = false;
                *page = 0;
            }
            if chip(ui, *only_errors, tr!("files.error_rows")).clicked() {
                *only_errors = true;
                *page = 0;
            }
        });
    }
    let shown: Vec<usize> = (0..preview.rows.len())
        .filter(|&i| !*only_errors || !preview.rows[i].errors.is_empty())
        .collect();
    let pages = shown.len().div_ceil(PAGE).max(1);
    *page = (*page).min(pages - 1);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                *page > 0,
                egui::Button::new(tr!("files.previous")).min_size(egui::vec2(64.0, 44.0)),
            )
            .clicked()
        {
            *page -= 1;
        }
        ui.label(tr!("files.page", page = *page + 1, pages = pages));
        if ui
            .add_enabled(
                *page + 1 < pages,
                egui::Button::new(tr!("files.next")).min_size(egui::vec2(64.0, 44.0)),
            )
            .clicked()
        {
            *page += 1;
        }
    });
    let rows = &shown[(*page * PAGE).min(shown.len())..((*page + 1) * PAGE).min(shown.len())];
    egui::ScrollArea::horizontal().show(ui, |ui| {
        egui::Grid::new("sheet-preview")
            .striped(true)
            .show(ui, |ui| {
                ui.strong(tr!("files.row"));
                for h in &preview.headers {
                    ui.strong(*h);
                }
                ui.strong(tr!("files.errors"));
                ui.end_row();
                for &i in rows {
                    let row = &preview.rows[i];
                    ui.label(row.line.to_string());
                    for cell in &row.cells {
                        ui.label(short(cell));
                    }
                    if !row.errors.is_empty() {
                        let said: Vec<String> = row.errors.iter().map(crate::words::say).collect();
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            said.join(&tr!("files.errors_between")),
                        );
                    }
                    ui.end_row();
                }
            });
    });
    bad.is_empty()
        && !preview.rows.is_empty()
        && big_button(ui, tr!("files.import_all", count = preview.rows.len()))
}

/// A cell cut to 16 characters, so that a page of rows stays narrow enough to scan.
fn short(cell: &str) -> String {
    match cell.char_indices().nth(16) {
        Some((at, _)) => format!("{}…", &cell[..at]),
        None => cell.to_string(),
    }
}
