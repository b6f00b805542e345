//! The network's devices, and on an admin's device what is done to one: a grant (who uses it,
//! with which role) or a revocation, which asks for a reason and a confirmation first.

use egui::Ui;
use gridbook_model::ids::MemberId;
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::{Role, Vocabulary as _};
use gridbook_sync::peers::PeerView;

use crate::gui::data::Data;
use crate::gui::messages::Command;
use crate::gui::widgets::{big_button, chip, inline_field};
use crate::i18n::{tr, vocab};

/// What is being done to one device.
#[derive(Default)]
pub(super) struct DeviceForm {
    /// The device (hex) picked.
    device: Option<String>,
    member: Option<MemberId>,
    role: Option<Role>,
    /// The revocation's confirmation is open.
    confirming: bool,
    reason: String,
    /// Why the revocation was not sent.
    problem: Option<String>,
}

impl DeviceForm {
    pub(super) fn devices(
        &mut self,
        ui: &mut Ui,
        data: &Data,
        admin: bool,
        cmds: &mut Vec<Command>,
    ) {
        ui.group(|ui| {
            ui.strong(tr!("people.devices"));
            egui::Grid::new("devices")
                .striped(true)
                .num_columns(if admin { 7 } else { 6 })
                .show(ui, |ui| {
                    for h in [
                        "people.col_person",
                        "people.col_role",
                        "people.col_device",
                        "people.col_seen",
                        "people.col_synced",
                        "people.col_state",
                    ] {
                        ui.strong(tr!(h));
                    }
                    ui.end_row();
                    for p in &data.peers {
                        self.row(ui, p, admin);
                        ui.end_row();
                    }
                });
            if admin && let Some(p) = self.picked(data) {
                ui.separator();
                self.grant_form(ui, p, data, cmds);
            }
        });
        if self.confirming
            && let Some(p) = self.picked(data)
        {
            self.confirm_revoke(ui, p, cmds);
        }
    }

    fn picked<'a>(&self, data: &'a Data) -> Option<&'a PeerView> {
        let device = self.device.as_ref()?;
        data.peers.iter().find(|p| &p.device == device)
    }

    fn row(&mut self, ui: &mut Ui, p: &PeerView, admin: bool) {
        ui.label(p.member_name.clone().unwrap_or_else(|| "—".into()));
        ui.label(role_of(p).map_or_else(|| "—".into(), vocab));
        ui.monospace(short(&p.device));
        ui.label(when(p.record.last_seen));
        ui.label(when(p.record.last_synced));
        match (&p.revoked, p.this_device) {
            (Some(why), _) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    tr!("people.revoked_because", reason = why),
                );
            }
            (None, true) => {
                ui.label(tr!("people.this_device"));
            }
            (None, false) => {
                ui.label("");
            }
        }
        // A revoked device is never granted again, and this device is not changed from here.
        if admin && p.revoked.is_none() && !p.this_device && p.member.is_some() {
            let label = tr!("people.manage", device = short(&p.device));
            if ui.button(label).clicked() {
                *self = DeviceForm {
                    device: Some(p.device.clone()),
                    member: p.member.as_ref().and_then(|m| m.parse().ok()),
                    role: role_of(p),
                    ..Default::default()
                };
            }
        }
    }

    fn grant_form(&mut self, ui: &mut Ui, p: &PeerView, data: &Data, cmds: &mut Vec<Command>) {
        ui.strong(tr!("people.device_heading", device = short(&p.device)));
        ui.label(tr!("people.used_by"));
        ui.horizontal_wrapped(|ui| {
            let members = data.directory.iter().flat_map(|d| &d.members);
            for (id, m) in members {
                let Ok(id) = id.parse::<MemberId>() else {
                    continue;
                };
                let selected = self.member.as_ref() == Some(&id);
                if chip(ui, selected, tr!("people.member_chip", name = m.name)).clicked() {
                    self.member = Some(id);
                }
            }
        });
        role_chips(ui, "people.grant_role", &mut self.role);
        ui.horizontal(|ui| {
            if big_button(ui, tr!("people.grant"))
                && let (Some(member), Some(role)) = (self.member.clone(), self.role)
            {
                cmds.push(Command::Grant {
                    device: p.device.clone(),
                    member,
                    role,
                });
            }
            if big_button(ui, tr!("people.revoke")) {
                self.confirming = true;
                self.reason.clear();
                self.problem = None;
            }
        });
    }

    /// The revocation's confirmation: why, then "revoke" or "cancel". An empty reason is
    /// refused here; the model refuses it too.
    fn confirm_revoke(&mut self, ui: &mut Ui, p: &PeerView, cmds: &mut Vec<Command>) {
        let who = p.member_name.clone().unwrap_or_default();
        egui::Modal::new(egui::Id::unique("confirm-revoke")).show(ui.ctx(), |ui| {
            ui.heading(tr!("people.confirm_heading"));
            ui.label(tr!(
                "people.confirm_text",
                device = short(&p.device),
                name = who
            ));
            inline_field(
                ui,
                &tr!("people.reason"),
                &tr!("people.reason_hint"),
                &mut self.reason,
            );
            if let Some(problem) = &self.problem {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            ui.horizontal(|ui| {
                if big_button(ui, tr!("people.confirm_revoke")) {
                    if self.reason.trim().is_empty() {
                        self.problem = Some(tr!("people.reason_needed"));
                    } else {
                        cmds.push(Command::Revoke {
                            device: p.device.clone(),
                            reason: self.reason.trim().to_string(),
                        });
                        self.confirming = false;
                    }
                }
                if big_button(ui, tr!("people.cancel")) {
                    self.confirming = false;
                }
            });
        });
    }
}

/// The roles as chips, each labelled by `key` with the role's name (two forms offer roles, and
/// the members' list names them: a screen reader must tell them apart).
pub(super) fn role_chips(ui: &mut Ui, key: &str, chosen: &mut Option<Role>) {
    ui.horizontal_wrapped(|ui| {
        for &role in Role::all() {
            let selected = *chosen == Some(role);
            if chip(ui, selected, tr!(key, role = vocab(role))).clicked() {
                *chosen = Some(role);
            }
        }
    });
}

fn role_of(p: &PeerView) -> Option<Role> {
    p.role.as_deref().and_then(|t| t.parse().ok())
}

/// The first characters of a device id: enough to tell devices apart on one screen.
fn short(device: &str) -> String {
    device.chars().take(10).collect()
}

/// A time to the minute, or "never".
fn when(at: Option<i64>) -> String {
    match at {
        Some(t) => Timestamp(t)
            .to_rfc3339()
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
        None => tr!("people.never"),
    }
}
