//! In a need's detail panel: who it is assigned to, and its due day (督办 lists what is past
//! it). Each is saved on its own, as one field edit, so it merges with other devices' edits.

use egui::Ui;
use gridbook_model::NeedEdit;
use gridbook_model::ids::{MemberId, NeedId};
use gridbook_model::need::Need;

use crate::gui::data::Data;
use crate::gui::messages::Command;
use crate::i18n::tr;

/// The form's state, for one need.
#[derive(Default)]
pub(super) struct AssignForm {
    for_: Option<NeedId>,
    due: String,
    error: Option<String>,
}

impl AssignForm {
    /// Draws the assignee picker and the due-day field for `need`.
    pub(super) fn show(&mut self, ui: &mut Ui, need: &Need, data: &Data, cmds: &mut Vec<Command>) {
        if self.for_.as_ref() != Some(&need.id) {
            *self = AssignForm {
                for_: Some(need.id.clone()),
                due: need.due.map(|d| d.to_string()).unwrap_or_default(),
                error: None,
            };
        }
        let Some(dir) = &data.directory else { return };
        ui.horizontal(|ui| {
            let label = ui.label(tr!("assign.assignee"));
            let current = need
                .assignee
                .as_ref()
                .and_then(|m| dir.members.get(m.as_str()))
                .map_or(tr!("assign.nobody"), |m| m.name.clone());
            egui::ComboBox::from_id_salt(("assignee", &need.id))
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (id, m) in &dir.members {
                        let chosen = need.assignee.as_ref().is_some_and(|a| a.as_str() == id);
                        if ui.selectable_label(chosen, &m.name).clicked()
                            && !chosen
                            && let Ok(member) = id.parse::<MemberId>()
                        {
                            cmds.push(Command::AssignNeed(need.id.clone(), member));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let label = ui.label(tr!("assign.due"));
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.due)
                    .hint_text("2026-12-31")
                    .desired_width(140.0),
            )
            .labelled_by(label.id);
            if ui.button(tr!("assign.save_due")).clicked() {
                match self.due.trim().parse() {
                    Ok(day) => {
                        self.error = None;
                        let edit = NeedEdit {
                            due: Some(day),
                            ..NeedEdit::default()
                        };
                        cmds.push(Command::EditNeed(need.id.clone(), edit));
                    }
                    Err(_) => self.error = Some(tr!("assign.bad_due", given = self.due.trim())),
                }
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
}
