//! Settings: the language, the person using this device, the network's relay server, and
//! where the data lives.

use egui::Ui;

use crate::gui::data::Data;
use crate::gui::messages::Command;
use crate::gui::state::State;
use crate::gui::widgets::{chip, inline_field};
use crate::i18n::{Language, tr, vocab};

use crate::gui::messages::Event;
use crate::gui::page::{Cx, Page};
use crate::gui::state::LockAfter;

/// The page's id (`GRIDBOOK_START_PAGE=settings`).
pub(crate) const ID: &str = "settings";

/// The settings page's own state: the relay field as typed.
#[derive(Default)]
pub(crate) struct SettingsView {
    relay: String,
    relay_error: Option<String>,
}

impl SettingsView {
    /// The relay the directory holds arrived: the field shows it.
    pub(crate) fn relay_loaded(&mut self, relay: Option<&str>) {
        self.relay = relay.unwrap_or_default().to_string();
        self.relay_error = None;
    }

    /// Draws the settings.
    pub(crate) fn show(
        &mut self,
        ui: &mut Ui,
        state: &mut State,
        data: &Data,
        cmds: &mut Vec<Command>,
    ) {
        show(ui, state, data, cmds);
        if data.directory.as_ref().is_some_and(|d| d.network.is_some()) {
            ui.add_space(12.0);
            self.relay(ui, data, cmds);
        }
    }

    /// The relay server for devices online but not on one local network: kept in the
    /// directory, so every device of the network uses it (`gridbook serve --relay` sets it too).
    fn relay(&mut self, ui: &mut Ui, data: &Data, cmds: &mut Vec<Command>) {
        ui.label(tr!("settings.relay"));
        ui.label(tr!("settings.relay_how"));
        ui.horizontal(|ui| {
            inline_field(
                ui,
                &tr!("settings.relay_url"),
                "https://relay.example.gov.cn",
                &mut self.relay,
            );
            let changed = self.relay.trim() != data.relay.as_deref().unwrap_or_default();
            if ui
                .add_enabled(changed, egui::Button::new(tr!("settings.relay_save")))
                .clicked()
            {
                let url = self.relay.trim();
                if url.is_empty() {
                    self.relay_error = None;
                    cmds.push(Command::SetRelay(None));
                } else if url.parse::<gridbook_sync::node::RelayUrl>().is_err() {
                    self.relay_error = Some(tr!("settings.relay_bad", url = url));
                } else {
                    self.relay_error = None;
                    cmds.push(Command::SetRelay(Some(url.to_string())));
                }
            }
        });
        if let Some(e) = &self.relay_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
}

/// Draws the language, the person and the data location.
fn show(ui: &mut Ui, state: &mut State, data: &Data, cmds: &mut Vec<Command>) {
    ui.heading(tr!("settings.heading"));
    ui.label(tr!("settings.language"));
    ui.horizontal(|ui| {
        for l in Language::ALL {
            if chip(ui, state.language == l, l.endonym()).clicked() {
                state.language = l;
            }
        }
    });
    ui.add_space(12.0);
    if let Some(net) = data.directory.as_ref().and_then(|d| d.network.as_ref()) {
        ui.label(format!("{}：{}", tr!("settings.network"), net.subdistrict));
    }
    if let Some(dir) = &data.directory
        && !dir.members.is_empty()
    {
        ui.label(tr!("settings.person"));
        ui.horizontal_wrapped(|ui| {
            for (id, m) in &dir.members {
                let selected = data.me.as_ref().is_some_and(|me| me.as_str() == id);
                let text = format!("{}（{}）", m.name, vocab(m.role));
                if chip(ui, selected, text).clicked()
                    && !selected
                    && let Ok(member) = id.parse()
                {
                    cmds.push(Command::UseMember(member));
                }
            }
        });
        ui.add_space(12.0);
    }
    lock_settings(ui, &mut state.lock_after);
    ui.add_space(12.0);
    ui.label(tr!("settings.data"));
    if let Some(dir) = &data.data_dir {
        ui.monospace(dir.display().to_string());
    }
}

impl Page for SettingsView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.settings"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        SettingsView::show(self, ui, cx.state, cx.data, cx.cmds);
    }

    fn event(&mut self, event: &Event) {
        if let Event::Relay(relay) = event {
            self.relay_loaded(relay.as_deref());
        }
    }
}

/// The choices Settings offer, in minutes (0: never).
const LOCK_CHOICES: [u32; 5] = [2, 5, 10, 30, 0];

/// The Settings row that sets the idle time.
fn lock_settings(ui: &mut Ui, lock_after: &mut LockAfter) {
    ui.label(tr!("settings.lock_after"));
    ui.horizontal_wrapped(|ui| {
        for minutes in LOCK_CHOICES {
            let text = if minutes == 0 {
                tr!("settings.lock_never")
            } else {
                tr!("settings.lock_minutes", n = minutes)
            };
            if chip(ui, lock_after.0 == minutes, text).clicked() {
                lock_after.0 = minutes;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{Fixture, settle, tap};
    use egui_kittest::kittest::Queryable;

    #[test]
    fn the_relay_is_checked_then_kept_in_the_directory() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = super::ID.into());
        crate::gui::testing::type_into(&mut h, "地址", "中继服务器");
        tap(&mut h, "保存中继");
        settle(&mut h);
        assert!(h.query_by_label_contains("不是中继地址").is_some());
        crate::gui::testing::assert_speaks_chinese(&h);
        h.get_by_label("地址").focus();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_label("地址")
            .type_text("https://relay.fenghuangtai.gov.cn");
        h.run_steps(2);
        tap(&mut h, "保存中继");
        settle(&mut h);
        assert!(h.query_by_label_contains("不是中继地址").is_none());
        drop(h);
        assert_eq!(
            fx.with_book(|b| b.relay()).as_deref(),
            Some("https://relay.fenghuangtai.gov.cn")
        );
    }

    #[test]
    fn switching_language_relabels_the_app() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.language = crate::i18n::Language::English);
        assert!(h.query_by_label("Needs").is_some());
        tap(&mut h, "Settings");
        settle(&mut h);
        tap(&mut h, "简体中文");
        settle(&mut h);
        // Chinese labels, drawn with the bundled font (the harness panics on a missing glyph).
        assert!(h.query_by_label("民需").is_some());
        assert_eq!(
            h.query_all_by_label("设置").count(),
            2,
            "the nav and the heading"
        );
        assert!(h.query_by_label("语言").is_some());
        tap(&mut h, "民需");
        settle(&mut h);
        assert!(
            h.query_by_label("台账号").is_some() || h.query_by_label_contains("显示").is_some()
        );
        assert_eq!(h.state().state.page, crate::gui::pages::needs::ID);
    }
}
