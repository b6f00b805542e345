//! Files: the office's files in and out without a terminal — a needs ledger, residents'
//! register or volunteer roster imported from XLSX or CSV after a paged preview of every row
//! and its errors (`files/sheet.rs`), and the network's data carried on a USB stick as a
//! bundle, written into a chosen folder or merged from a chosen file (`files/bundle.rs`).
//! Files are chosen with the app's own chooser (`gui/chooser/`); the worker reads and writes
//! them, telling the page how far it has come.

use std::path::PathBuf;

use egui::Ui;

use crate::gui::chooser::{Chooser, Chosen};
use crate::gui::data::Data;
use crate::gui::messages::{Command, Event, Origin, Progress, Step, Task};
use crate::gui::page::{Cx, Page};
use crate::gui::state::State;
use crate::gui::widgets::refusal_text;
use crate::i18n::tr;
use crate::office::import::Kind;

mod bundle;
mod sheet;
#[cfg(test)]
mod tests;

/// The page's id (`GRIDBOOK_START_PAGE=files`).
pub(crate) const ID: &str = "files";

/// The page's own state.
#[derive(Default)]
pub(crate) struct FilesView {
    sheet: sheet::SheetSection,
    bundle: bundle::BundleSection,
    /// The task asked for last: a refusal is its.
    last: Option<Task>,
}

/// Where a chooser starts: the folder last chosen in, else the exports folder.
fn start_dir(state: &State, data: &Data) -> PathBuf {
    state
        .files_dir
        .clone()
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| exports_dir(data))
}

/// The app's exports folder (a chooser's shortcut).
fn exports_dir(data: &Data) -> PathBuf {
    crate::office::exports_dir(
        data.data_dir
            .as_deref()
            .unwrap_or(std::path::Path::new(".")),
    )
}

/// Shows `chooser` if open; what was chosen, the chooser closed then, and the folder it was in
/// remembered for the next time.
fn choose(ui: &mut Ui, chooser: &mut Option<Chooser>, state: &mut State) -> Option<Chosen> {
    let chosen = chooser.as_mut()?.show(ui)?;
    if let Some(c) = chooser.take()
        && chosen != Chosen::Cancelled
    {
        state.files_dir = Some(c.dir().to_path_buf());
    }
    Some(chosen)
}

/// A task's progress: a bar when its total is known, else a spinner, with what it is doing.
fn progress(ui: &mut Ui, p: Option<&Progress>) {
    let step = match p.map(|p| p.step) {
        None | Some(Step::Reading) => tr!("files.reading"),
        Some(Step::Checking) => tr!("files.checking"),
        Some(Step::Gathering) => tr!("files.gathering"),
        Some(Step::Writing) => tr!("files.writing"),
        Some(Step::Merging) => tr!("files.merging"),
    };
    match p.filter(|p| p.total > 0) {
        Some(p) => {
            let fraction = p.done as f32 / p.total as f32;
            ui.add(
                egui::ProgressBar::new(fraction)
                    .text(format!("{step} {}/{}", p.done, p.total))
                    .desired_width(480.0),
            );
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(step);
            });
        }
    }
}

impl Page for FilesView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.files"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        ui.heading(tr!("files.heading"));
        egui::ScrollArea::vertical().show(ui, |ui| {
            if let Some(task) = self.sheet.show(ui, cx) {
                self.last = Some(task);
            }
            ui.add_space(12.0);
            if let Some(task) = self.bundle.show(ui, cx) {
                self.last = Some(task);
            }
        });
    }

    fn start_at(&mut self, view: &str, cmds: &mut Vec<Command>) {
        // `files/<kind>:<file>` (needs, residents or volunteers): that file read and previewed.
        if let Some((kind, file)) = view.split_once(':') {
            let kind = match kind {
                "needs" => Kind::Needs,
                "residents" => Kind::Residents,
                "volunteers" => Kind::Volunteers,
                _ => return,
            };
            self.sheet.read(kind, file.into(), cmds);
            self.last = Some(Task::Sheet);
        }
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::Refused(Origin::Files, refusal) => {
                let said = refusal_text(refusal);
                match self.last {
                    Some(Task::Bundle) => self.bundle.refused(said),
                    _ => self.sheet.refused(said),
                }
            }
            event => {
                self.sheet.event(event);
                self.bundle.event(event);
            }
        }
    }
}
