//! Settings: the language, the person using this device, and where the data lives.

use egui::Ui;

use super::i18n::{Language, tr, vocab};
use super::widgets::chip;
use super::worker::Command;
use super::{Data, State};

/// Draws the settings.
pub fn show(ui: &mut Ui, state: &mut State, data: &Data, cmds: &mut Vec<Command>) {
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
    super::unlock::lock_settings(ui, &mut state.lock_after);
    ui.add_space(12.0);
    ui.label(tr!("settings.data"));
    if let Some(dir) = &data.data_dir {
        ui.monospace(dir.display().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::super::Page;
    use super::super::testing::{Fixture, settle, tap};
    use egui_kittest::kittest::Queryable;

    #[test]
    fn switching_language_relabels_the_app() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.language = super::Language::English);
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
        assert_eq!(h.state().state.page, Page::Needs);
    }
}
