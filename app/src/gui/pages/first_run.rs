//! The first run: a device with no network yet founds one (this device becomes its first admin
//! device, the person its first admin), or joins an existing one with an invite ticket an admin's
//! device shows (its sync page, or `gridbook invite`).

use egui::Ui;

use crate::gui::messages::{Command, Refusal};
use crate::gui::net::NetCommand;
use crate::gui::widgets::{big_button, said, text_area, text_field};
use crate::i18n::tr;

use crate::gui::data::Data;
use crate::gui::messages::{Event, Origin};
use crate::gui::net::NetEvent;
use crate::gui::page::{Cx, Page};

/// The page's id (`GRIDBOOK_START_PAGE=first-run`; shown only on a device with no network).
pub(crate) const ID: &str = "first-run";

/// The first-run page's own state.
#[derive(Default)]
pub(crate) struct FirstRunView {
    subdistrict: String,
    name: String,
    refusal: Option<String>,
    ticket: String,
    joining: bool,
    join_error: Option<String>,
}

impl FirstRunView {
    /// The worker refused; nothing was written.
    pub(crate) fn refused(&mut self, refusal: Refusal) {
        self.refusal = Some(crate::gui::widgets::refusal_text(&refusal));
    }

    /// Joining finished: on success the directory arrives and the app proper opens.
    pub(crate) fn joined(&mut self, result: Result<String, Refusal>) {
        self.joining = false;
        self.join_error = result.err().map(|e| said(&e));
    }

    /// Draws the page.
    pub(crate) fn show(&mut self, ui: &mut Ui, cmds: &mut Vec<Command>, net: &mut Vec<NetCommand>) {
        ui.heading(tr!("first_run.heading"));
        ui.label(tr!("first_run.intro"));
        ui.add_space(12.0);
        ui.group(|ui| {
            ui.set_max_width(520.0);
            ui.strong(tr!("first_run.found"));
            ui.label(tr!("first_run.found_intro"));
            text_field(ui, &tr!("first_run.subdistrict"), &mut self.subdistrict);
            text_field(ui, &tr!("first_run.name"), &mut self.name);
            if let Some(r) = &self.refusal {
                ui.colored_label(ui.visuals().error_fg_color, r);
            }
            if big_button(ui, tr!("first_run.found_button")) {
                if self.subdistrict.trim().is_empty() || self.name.trim().is_empty() {
                    self.refusal = Some(tr!("first_run.both_needed"));
                } else {
                    self.refusal = None;
                    cmds.push(Command::FoundNetwork {
                        subdistrict: self.subdistrict.trim().to_string(),
                        name: self.name.trim().to_string(),
                    });
                }
            }
        });
        ui.add_space(12.0);
        ui.group(|ui| {
            ui.set_max_width(520.0);
            ui.strong(tr!("first_run.join"));
            ui.label(tr!("first_run.join_how"));
            text_area(ui, &tr!("first_run.ticket"), &mut self.ticket);
            if let Some(e) = &self.join_error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if self.joining {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(tr!("first_run.joining"));
                });
            } else if big_button(ui, tr!("first_run.join_button")) {
                if self.ticket.trim().is_empty() {
                    self.join_error = Some(tr!("first_run.ticket_needed"));
                } else {
                    self.join_error = None;
                    self.joining = true;
                    net.push(NetCommand::Join(self.ticket.trim().to_string()));
                }
            }
        });
    }
}

impl Page for FirstRunView {
    fn id(&self) -> &'static str {
        ID
    }

    /// Not in the navigation bar: it stands in for every page until a network exists.
    fn title(&self) -> Option<String> {
        None
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        FirstRunView::show(self, ui, cx.cmds, cx.net);
    }

    fn event(&mut self, event: &Event) {
        if let Event::Refused(Origin::FirstRun, refusal) = event {
            self.refused(refusal.clone());
        }
    }

    fn net_event(&mut self, event: &NetEvent, _data: &Data) -> bool {
        match event {
            NetEvent::Joined(r) => self.joined(r.clone()),
            // Joining with syncing off.
            NetEvent::Failed(e) if self.joining => self.joined(Err(e.clone())),
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{empty_harness, settle, tap, type_into};
    use egui_kittest::kittest::Queryable;
    use gridbook_model::Gridbook;

    #[test]
    fn a_new_device_founds_a_network_and_its_founder_uses_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = empty_harness(dir.path());
        assert!(h.query_by_label("欢迎使用民需台账").is_some());
        // Both names are needed; nothing is written without them.
        type_into(&mut h, "街道名称", "凤凰台街道");
        tap(&mut h, "创建网络");
        settle(&mut h);
        assert!(h.query_by_label_contains("街道名称和您的姓名").is_some());
        crate::gui::testing::assert_speaks_chinese(&h);
        type_into(&mut h, "您的姓名", "王芳");
        tap(&mut h, "创建网络");
        settle(&mut h);
        // The app proper opens, and Settings shows who uses the device.
        assert!(h.query_by_label("民需").is_some());
        tap(&mut h, "设置");
        settle(&mut h);
        assert!(h.query_by_label_contains("凤凰台街道").is_some());
        drop(h);
        let mut book = Gridbook::open(dir.path(), &crate::gui::testing::test_passphrase()).unwrap();
        let me = book.member().unwrap().expect("the founder uses the device");
        assert_eq!(book.member_record(&me).unwrap().name, "王芳");
    }
}
