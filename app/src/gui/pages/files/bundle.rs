//! The files page's bundles: the network's data written into a chosen folder (a USB stick),
//! and a bundle merged from a chosen file, each with its progress and then what it did.

use egui::Ui;

use super::{choose, exports_dir, progress, start_dir};
use crate::gui::chooser::{Chooser, Chosen, size_text};
use crate::gui::messages::{BundleMerged, BundleWritten, Command, Event, Progress, Task};
use crate::gui::page::Cx;
use crate::gui::widgets::big_button;
use crate::i18n::tr;

/// The extension bundles are given (any file is offered with "all files").
pub(super) const EXTENSION: &str = "gridbook";

/// Where the bundle section stands.
#[derive(Default)]
enum Stage {
    #[default]
    Idle,
    Working(Option<Progress>),
    Written(Box<BundleWritten>),
    Merged(Box<BundleMerged>),
    Refused(String),
}

/// The bundle section's state.
#[derive(Default)]
pub(super) struct BundleSection {
    chooser: Option<Chooser>,
    stage: Stage,
}

impl BundleSection {
    pub(super) fn refused(&mut self, said: String) {
        self.stage = Stage::Refused(said);
    }

    pub(super) fn event(&mut self, event: &Event) {
        match event {
            Event::Progress(Task::Bundle, p) => self.stage = Stage::Working(Some(*p)),
            Event::BundleWritten(w) => self.stage = Stage::Written(w.clone()),
            Event::BundleMerged(m) => self.stage = Stage::Merged(m.clone()),
            _ => {}
        }
    }

    /// Draws the section; the task it started, if it did.
    pub(super) fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) -> Option<Task> {
        let mut started = None;
        ui.group(|ui| {
            ui.strong(tr!("files.bundles"));
            ui.label(tr!("files.bundles_how"));
            let idle = self.chooser.is_none() && !matches!(self.stage, Stage::Working(_));
            if idle {
                ui.horizontal(|ui| {
                    let start = start_dir(cx.state, cx.data);
                    let exports = exports_dir(cx.data);
                    if big_button(ui, tr!("files.make_bundle")) {
                        let today = gridbook_model::time::Timestamp::now().day();
                        let name = format!("gridbook-{today}.{EXTENSION}");
                        self.chooser = Some(Chooser::save(&start, &exports, &name));
                    }
                    if big_button(ui, tr!("files.merge_bundle")) {
                        self.chooser = Some(Chooser::open(&start, &exports, &[EXTENSION]));
                    }
                });
            }
            let command = match choose(ui, &mut self.chooser, cx.state) {
                Some(Chosen::Save(out)) => Some(Command::ExportBundle(out)),
                Some(Chosen::File(file)) => Some(Command::ImportBundle(file)),
                Some(Chosen::Cancelled) | None => None,
            };
            if let Some(command) = command {
                cx.cmds.push(command);
                self.stage = Stage::Working(None);
                started = Some(Task::Bundle);
            }
            if self.chooser.is_some() {
                return;
            }
            match &self.stage {
                Stage::Idle => {}
                Stage::Working(p) => progress(ui, p.as_ref()),
                Stage::Written(w) => {
                    ui.label(tr!(
                        "files.bundle_written",
                        path = w.path.display(),
                        documents = w.documents,
                        size = size_text(w.bytes as u64),
                        devices = w.recipients
                    ));
                }
                Stage::Merged(m) => {
                    ui.label(tr!(
                        "files.bundle_merged",
                        file = m.path.file_name().unwrap_or_default().to_string_lossy(),
                        device = m.made_by,
                        when = m
                            .made_at
                            .to_rfc3339()
                            .chars()
                            .take(16)
                            .collect::<String>()
                            .replace('T', " "),
                        documents = m.documents,
                        changes = m.new_changes
                    ));
                }
                Stage::Refused(said) => {
                    ui.colored_label(ui.visuals().error_fg_color, said.as_str());
                }
            }
        });
        started
    }
}
