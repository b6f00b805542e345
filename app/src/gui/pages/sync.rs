//! The sync page: this device (its id, where it listens), inviting a new device (the ticket as
//! text and as a QR code), the devices of the network with when each last synced, and "sync
//! now" with its progress. It says "up to date" only after a sync in which every peer reached
//! the same heads (`Report::complete`).

use std::collections::VecDeque;

use egui::{ColorImage, TextureHandle, TextureOptions, Ui};
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::Role;
use gridbook_sync::Report;
use gridbook_sync::peers::PeerView;

use crate::gui::data::Data;
use crate::gui::messages::Refusal;
use crate::gui::net::{NetCommand, NetEvent, PeerOutcome};
use crate::gui::widgets::{big_button, chip, said};
use crate::i18n::{tr, vocab};

use crate::gui::messages::Command;
use crate::gui::page::{Cx, Page};

/// The page's id (`GRIDBOOK_START_PAGE=sync`).
pub(crate) const ID: &str = "sync";

/// How many sessions other devices started are listed.
const SESSIONS_SHOWN: usize = 8;

/// Where the node stands.
#[derive(Default)]
pub(crate) enum NodeStatus {
    /// Not started (UI tests without a network; the first frame).
    #[default]
    Off,
    /// Listening.
    Listening {
        /// This device's id.
        id: String,
        /// Where.
        addrs: Vec<std::net::SocketAddr>,
    },
    /// It could not start.
    Failed(String),
}

/// A "sync now" in progress or finished.
enum SyncRun {
    Running { peers: Option<usize>, done: usize },
    Finished(Vec<PeerOutcome>),
    Failed(String),
}

/// An open invite.
struct InviteShown {
    ticket: String,
    role: String,
    expires_at: Timestamp,
    qr: Option<TextureHandle>,
    joined: Option<Result<String, String>>,
}

/// The sync page's own state.
#[derive(Default)]
pub(crate) struct SyncView {
    /// The node's status.
    pub node: NodeStatus,
    run: Option<SyncRun>,
    invite: Option<InviteShown>,
    invite_member: Option<String>,
    invite_role: Option<Role>,
    invite_error: Option<String>,
    sessions: VecDeque<String>,
}

impl SyncView {
    /// Takes in what the node said. Returns whether the store may have changed (the views
    /// should reload) — the peers list is reloaded whatever happened.
    pub(crate) fn apply(&mut self, event: NetEvent, data: &Data) -> bool {
        match event {
            NetEvent::Started { id, addrs } => {
                self.node = NodeStatus::Listening { id, addrs };
                false
            }
            NetEvent::StartFailed(e) => {
                self.node = NodeStatus::Failed(said(&e));
                false
            }
            NetEvent::Syncing { peers, done } => {
                self.run = Some(SyncRun::Running {
                    peers: Some(peers),
                    done,
                });
                false
            }
            NetEvent::Synced(outcomes) => {
                let changed = outcomes
                    .iter()
                    .any(|o| o.result.as_ref().is_ok_and(|r| r.changes_received > 0));
                self.run = Some(SyncRun::Finished(outcomes));
                changed
            }
            NetEvent::Session(r) => {
                let line = match &r {
                    Ok(r) => outcome_line(&peer_name(data, &r.peer), &Ok(r.clone())),
                    Err(e) => tr!("sync.session_failed", error = e),
                };
                self.sessions.push_front(line);
                self.sessions.truncate(SESSIONS_SHOWN);
                r.is_ok_and(|r| r.changes_received > 0)
            }
            NetEvent::Invited {
                ticket,
                role,
                expires_at,
            } => {
                self.invite_error = None;
                self.invite = Some(InviteShown {
                    ticket,
                    role,
                    expires_at,
                    qr: None,
                    joined: None,
                });
                false
            }
            NetEvent::Paired(r) => {
                if let Some(invite) = &mut self.invite {
                    invite.joined = Some(r);
                }
                true
            }
            NetEvent::Failed(e) => {
                if matches!(self.run, Some(SyncRun::Running { .. })) {
                    self.run = Some(SyncRun::Failed(said(&e)));
                } else {
                    self.invite_error = Some(said(&e));
                }
                false
            }
            // The first-run page shows joining.
            NetEvent::Joined(_) => true,
        }
    }

    /// Whether the last "sync now" finished having found nobody to sync with.
    #[cfg(test)]
    fn finished_without_peers(&self) -> bool {
        matches!(&self.run, Some(SyncRun::Finished(o)) if o.is_empty())
    }

    /// Draws the page; what it asks of the node goes to `net`.
    pub(crate) fn show(&mut self, ui: &mut Ui, data: &Data, net: &mut Vec<NetCommand>) {
        ui.heading(tr!("sync.heading"));
        egui::ScrollArea::vertical().show(ui, |ui| {
            self.this_device(ui, data);
            ui.add_space(8.0);
            self.sync_now(ui, data, net);
            ui.add_space(8.0);
            peers_table(ui, data);
            ui.add_space(8.0);
            self.invite(ui, data, net);
        });
    }

    fn this_device(&self, ui: &mut Ui, data: &Data) {
        ui.group(|ui| {
            ui.strong(tr!("sync.this_device"));
            match &self.node {
                NodeStatus::Off => {
                    ui.label(tr!("sync.off"));
                }
                NodeStatus::Failed(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, tr!("sync.failed", error = e));
                }
                NodeStatus::Listening { id, addrs } => {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(tr!("sync.device_id"));
                        ui.add(
                            egui::Label::new(egui::RichText::new(id).monospace()).selectable(true),
                        );
                    });
                    let role = data
                        .peers
                        .iter()
                        .find(|p| p.this_device)
                        .and_then(|p| p.role.as_deref())
                        .and_then(|t| t.parse::<Role>().ok())
                        .map_or_else(|| tr!("sync.not_listed"), vocab);
                    ui.label(tr!("sync.role", role = role));
                    let addrs: Vec<String> = addrs.iter().map(ToString::to_string).collect();
                    ui.label(tr!("sync.listening", addrs = addrs.join(", ")));
                }
            }
        });
    }

    fn sync_now(&mut self, ui: &mut Ui, data: &Data, net: &mut Vec<NetCommand>) {
        let running = matches!(self.run, Some(SyncRun::Running { .. }));
        let listening = matches!(self.node, NodeStatus::Listening { .. });
        ui.horizontal(|ui| {
            let button = ui.add_enabled(
                listening && !running,
                egui::Button::new(tr!("sync.now")).min_size(egui::vec2(160.0, 44.0)),
            );
            if button.clicked() {
                self.run = Some(SyncRun::Running {
                    peers: None,
                    done: 0,
                });
                net.push(NetCommand::SyncNow);
            }
            match &self.run {
                Some(SyncRun::Running { peers, done }) => {
                    ui.spinner();
                    match peers {
                        None => ui.label(tr!("sync.looking")),
                        Some(n) => ui.label(tr!("sync.progress", done = done, peers = n)),
                    };
                }
                Some(SyncRun::Finished(outcomes)) => {
                    ui.label(finished_line(outcomes));
                }
                Some(SyncRun::Failed(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                None => {}
            }
        });
        if let Some(SyncRun::Finished(outcomes)) = &self.run {
            for o in outcomes {
                let line = outcome_line(&peer_name(data, &o.device), &o.result);
                if o.result.as_ref().is_ok_and(|r| r.complete) {
                    ui.label(line);
                } else {
                    ui.colored_label(ui.visuals().error_fg_color, line);
                }
            }
        }
        if !self.sessions.is_empty() {
            ui.add_space(4.0);
            ui.strong(tr!("sync.incoming"));
            for line in &self.sessions {
                ui.label(line);
            }
        }
    }

    fn invite(&mut self, ui: &mut Ui, data: &Data, net: &mut Vec<NetCommand>) {
        let Some(dir) = &data.directory else { return };
        ui.group(|ui| {
            ui.strong(tr!("sync.invite"));
            ui.label(tr!("sync.invite_how"));
            ui.horizontal_wrapped(|ui| {
                for (id, m) in &dir.members {
                    let selected = self.invite_member.as_deref() == Some(id);
                    if chip(ui, selected, format!("{}（{}）", m.name, vocab(m.role))).clicked() {
                        self.invite_member = Some(id.clone());
                        self.invite_role = Some(m.role);
                    }
                }
            });
            if self.invite_member.is_some() {
                ui.horizontal_wrapped(|ui| {
                    for &role in Role::ALL {
                        if chip(ui, self.invite_role == Some(role), vocab(role)).clicked() {
                            self.invite_role = Some(role);
                        }
                    }
                });
            }
            if let Some(e) = &self.invite_error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            let listening = matches!(self.node, NodeStatus::Listening { .. });
            if big_button(ui, tr!("sync.invite_button")) {
                match (&self.invite_member, listening) {
                    (None, _) => self.invite_error = Some(tr!("sync.invite_pick")),
                    (Some(_), false) => self.invite_error = Some(tr!("sync.off")),
                    (Some(member), true) => {
                        self.invite_error = None;
                        net.push(NetCommand::Invite {
                            member: member.clone(),
                            role: self.invite_role,
                        });
                    }
                }
            }
            if let Some(invite) = &mut self.invite {
                show_invite(ui, invite, data);
            }
        });
    }
}

fn show_invite(ui: &mut Ui, invite: &mut InviteShown, data: &Data) {
    let role = invite
        .role
        .parse::<Role>()
        .ok()
        .map_or_else(|| invite.role.clone(), vocab);
    ui.label(tr!(
        "sync.invite_open",
        role = role,
        until = invite.expires_at.to_rfc3339()
    ));
    let qr = invite
        .qr
        .get_or_insert_with(|| qr_texture(ui.ctx(), &invite.ticket));
    ui.image((qr.id(), qr.size_vec2()));
    ui.horizontal_wrapped(|ui| {
        ui.add(
            egui::Label::new(egui::RichText::new(&invite.ticket).monospace())
                .selectable(true)
                .wrap(),
        );
    });
    if ui.button(tr!("sync.copy")).clicked() {
        ui.ctx().copy_text(invite.ticket.clone());
    }
    match &invite.joined {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr!("sync.invite_waiting"));
            });
        }
        Some(Ok(device)) => {
            ui.label(tr!("sync.invite_joined", device = peer_name(data, device)));
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
}

/// The ticket as a QR code texture, 4 pixels a module with the quiet zone.
fn qr_texture(ctx: &egui::Context, text: &str) -> TextureHandle {
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let image = match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let n = code.width();
            let colors = code.to_colors();
            let side = (n + 2 * QUIET) * SCALE;
            let mut pixels = vec![egui::Color32::WHITE; side * side];
            for (i, c) in colors.iter().enumerate() {
                if *c == qrcode::Color::Dark {
                    let (x, y) = ((i % n + QUIET) * SCALE, (i / n + QUIET) * SCALE);
                    for dy in 0..SCALE {
                        for dx in 0..SCALE {
                            pixels[(y + dy) * side + x + dx] = egui::Color32::BLACK;
                        }
                    }
                }
            }
            ColorImage::new([side, side], pixels)
        }
        // A ticket is a few hundred bytes; a QR code holds nearly 3 KB.
        Err(_) => ColorImage::filled([1, 1], egui::Color32::WHITE),
    };
    ctx.load_texture("invite-qr", image, TextureOptions::NEAREST)
}

fn peers_table(ui: &mut Ui, data: &Data) {
    ui.group(|ui| {
        ui.strong(tr!("sync.devices"));
        let others: Vec<&PeerView> = data.peers.iter().filter(|p| !p.this_device).collect();
        if others.is_empty() {
            ui.label(tr!("sync.no_devices"));
            return;
        }
        egui::Grid::new("peers")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for h in [
                    "sync.col_person",
                    "sync.col_role",
                    "sync.col_device",
                    "sync.col_synced",
                    "sync.col_state",
                ] {
                    ui.strong(tr!(h));
                }
                ui.end_row();
                for p in others {
                    ui.label(p.member_name.clone().unwrap_or_else(|| "—".into()));
                    ui.label(
                        p.role
                            .as_deref()
                            .and_then(|t| t.parse::<Role>().ok())
                            .map_or_else(|| "—".into(), vocab),
                    );
                    ui.monospace(short(&p.device));
                    ui.label(
                        p.record
                            .last_synced
                            .map_or_else(|| tr!("sync.never"), |t| Timestamp(t).to_rfc3339()),
                    );
                    match (&p.revoked, &p.record.last_error) {
                        (Some(why), _) => ui.colored_label(
                            ui.visuals().error_fg_color,
                            tr!("sync.revoked", reason = why),
                        ),
                        (None, Some(e)) => ui.colored_label(ui.visuals().error_fg_color, e),
                        (None, None) => ui.label(""),
                    };
                    ui.end_row();
                }
            });
    });
}

/// The first characters of a device id: enough to tell devices apart on one screen.
fn short(device: &str) -> String {
    device.chars().take(10).collect()
}

/// A peer as people know it: the member's name with the start of the device id.
fn peer_name(data: &Data, device: &str) -> String {
    match data
        .peers
        .iter()
        .find(|p| p.device == device)
        .and_then(|p| p.member_name.clone())
    {
        Some(name) => format!("{name} ({})", short(device)),
        None => short(device),
    }
}

fn outcome_line(peer: &str, result: &Result<Report, Refusal>) -> String {
    match result {
        Ok(r) if r.complete => tr!(
            "sync.peer_done",
            peer = peer,
            changes = r.changes_received,
            sent = r.bytes_sent,
            received = r.bytes_received,
            ms = r.elapsed.as_millis()
        ),
        Ok(_) => tr!("sync.peer_incomplete", peer = peer),
        Err(e) => tr!("sync.peer_failed", peer = peer, error = said(e)),
    }
}

/// "Up to date" only when every peer converged.
fn finished_line(outcomes: &[PeerOutcome]) -> String {
    let converged = outcomes
        .iter()
        .filter(|o| o.result.as_ref().is_ok_and(|r| r.complete))
        .count();
    if outcomes.is_empty() {
        tr!("sync.nobody")
    } else if converged == outcomes.len() {
        tr!("sync.up_to_date", peers = converged)
    } else {
        tr!("sync.partly", done = converged, peers = outcomes.len())
    }
}

impl Page for SyncView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.sync"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        SyncView::show(self, ui, cx.data, cx.net);
    }

    /// Last-synced times move whenever a peer syncs with this device.
    fn opened(&mut self, _data: &mut Data, cmds: &mut Vec<Command>) {
        cmds.push(Command::LoadPeers);
    }

    fn net_event(&mut self, event: &NetEvent, data: &Data) -> bool {
        self.apply(event.clone(), data)
    }
}

#[cfg(test)]
mod tests;
