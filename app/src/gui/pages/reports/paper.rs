//! The reports page's paper: the scope's ledgers exported to Excel or CSV, and its public
//! notice (公示) printed, both into the data directory's `exports` folder.

use egui::Ui;

use super::ReportsView;
use crate::gui::messages::Command;
use crate::gui::widgets::{big_button, chip};
use crate::i18n::tr;
use crate::office::{Format, What};

impl ReportsView {
    pub(super) fn export(&mut self, ui: &mut Ui, cmds: &mut Vec<Command>) {
        ui.group(|ui| {
            ui.strong(tr!("reports.export"));
            ui.label(tr!("reports.export_how"));
            ui.horizontal_wrapped(|ui| {
                if chip(ui, self.export_what.is_none(), tr!("reports.export_all")).clicked() {
                    self.export_what = None;
                    self.export_csv = false;
                }
                for (what, key) in [
                    (What::Needs, "reports.export_needs"),
                    (What::Meetings, "reports.export_meetings"),
                    (What::Volunteers, "reports.export_volunteers"),
                    (What::Hours, "reports.export_hours"),
                ] {
                    if chip(ui, self.export_what == Some(what), tr!(key)).clicked() {
                        self.export_what = Some(what);
                    }
                }
            });
            ui.horizontal(|ui| {
                if chip(ui, !self.export_csv, "Excel (.xlsx)").clicked() {
                    self.export_csv = false;
                }
                // A CSV file holds one kind.
                let csv = ui.add_enabled(
                    self.export_what.is_some(),
                    egui::Button::selectable(self.export_csv, "CSV")
                        .min_size(egui::vec2(64.0, 48.0)),
                );
                if csv.clicked() {
                    self.export_csv = true;
                }
            });
            if big_button(ui, tr!("reports.export_button")) {
                self.exported = None;
                cmds.push(Command::Export {
                    query: self.query.clone(),
                    what: self.export_what.map_or_else(Vec::new, |w| vec![w]),
                    format: if self.export_csv {
                        Format::Csv
                    } else {
                        Format::Xlsx
                    },
                });
            }
            match &self.exported {
                Some(Ok(path)) => {
                    ui.label(tr!("reports.exported", path = path));
                }
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                None => {}
            }
        });
    }

    /// The public notice of the scope: written as HTML, opened in the browser to print.
    pub(super) fn print(&mut self, ui: &mut Ui, cmds: &mut Vec<Command>) {
        ui.group(|ui| {
            ui.strong(tr!("reports.notice"));
            ui.label(tr!("reports.notice_how"));
            if big_button(ui, tr!("reports.notice_button")) {
                self.printed = None;
                cmds.push(Command::PrintNotice(self.query.clone()));
            }
            match &self.printed {
                Some(Ok((path, opened))) => {
                    ui.label(tr!("reports.printed", path = path));
                    if !opened {
                        ui.label(tr!("reports.printed_no_browser"));
                    }
                }
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                None => {}
            }
        });
    }
}
