//! People and devices (the office's page): the members with their roles, and the network's
//! devices with who uses each, its role, when this device last saw it and last synced with it.
//! An admin's device adds members, grants a device a role for a member, and revokes a lost
//! device, saying why, after a confirmation (`people/devices.rs`). Other devices see the lists
//! read-only. Inviting a new device is on the sync page, which this page links to.

mod devices;

use egui::{RichText, Ui};
use gridbook_model::vocab::Role;

use crate::gui::data::Data;
use crate::gui::messages::{Command, Event, OfficeSaved, Origin};
use crate::gui::page::{Cx, Page};
use crate::gui::widgets::{big_button, inline_field, refusal_text};
use crate::i18n::{tr, vocab};

/// The page's id (`GRIDBOOK_START_PAGE=people`).
pub(crate) const ID: &str = "people";

/// The page's own state: the forms being filled and the last answer.
#[derive(Default)]
pub(crate) struct PeopleView {
    new_member: String,
    new_role: Option<Role>,
    /// The device whose grant or revocation is being edited.
    device: devices::DeviceForm,
    message: Option<Result<String, String>>,
}

impl PeopleView {
    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        ui.heading(tr!("people.heading"));
        let admin = cx.data.is_admin();
        if !admin {
            ui.label(RichText::new(tr!("people.only_admin")).strong());
        }
        crate::gui::widgets::outcome(ui, self.message.as_ref());
        egui::ScrollArea::vertical().show(ui, |ui| {
            self.members(ui, cx.data, admin, cx.cmds);
            ui.add_space(8.0);
            self.device.devices(ui, cx.data, admin, cx.cmds);
            ui.add_space(8.0);
            ui.horizontal_wrapped(|ui| {
                ui.label(tr!("people.invite_hint"));
                if ui.link(tr!("people.invite_link")).clicked() {
                    cx.state.page = super::sync::ID.to_string();
                    cx.cmds.push(Command::LoadPeers);
                }
            });
        });
    }

    fn members(&mut self, ui: &mut Ui, data: &Data, admin: bool, cmds: &mut Vec<Command>) {
        ui.group(|ui| {
            ui.strong(tr!("people.members"));
            let members = data.directory.as_ref().map(|d| &d.members);
            egui::Grid::new("members")
                .striped(true)
                .num_columns(2)
                .show(ui, |ui| {
                    for m in members.into_iter().flat_map(|m| m.values()) {
                        ui.label(&m.name);
                        ui.label(vocab(m.role));
                        ui.end_row();
                    }
                });
            if !admin {
                return;
            }
            ui.separator();
            inline_field(
                ui,
                &tr!("people.member_name"),
                &tr!("people.member_hint"),
                &mut self.new_member,
            );
            devices::role_chips(ui, "people.as_role", &mut self.new_role);
            if big_button(ui, tr!("people.add_member")) {
                match self.new_role {
                    None => self.message = Some(Err(tr!("people.pick_role"))),
                    Some(role) => {
                        cmds.push(Command::AddMember(self.new_member.trim().to_string(), role))
                    }
                }
            }
        });
    }

    fn saved(&mut self, what: &OfficeSaved) {
        self.message = Some(Ok(match what {
            OfficeSaved::Member(name) => {
                self.new_member.clear();
                self.new_role = None;
                tr!("people.member_saved", name = name)
            }
            OfficeSaved::Granted => {
                self.device = Default::default();
                tr!("people.granted")
            }
            OfficeSaved::Revoked => {
                self.device = Default::default();
                tr!("people.revoked")
            }
            // The places page's.
            OfficeSaved::Place(_) => return,
        }));
    }
}

impl Page for PeopleView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.people"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        PeopleView::show(self, ui, cx);
    }

    /// Last-seen and last-synced times move whenever a peer syncs with this device.
    fn opened(&mut self, _data: &mut Data, cmds: &mut Vec<Command>) {
        self.message = None;
        cmds.push(Command::LoadPeers);
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::OfficeSaved(what) => self.saved(what),
            Event::Refused(Origin::People, refusal) => {
                self.message = Some(Err(refusal_text(refusal)));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
