//! A need's conflicts: every field two devices wrote differently offline, each value shown in
//! the person's words beside the others, with a button that keeps it.

use egui::Ui;
use gridbook_model::conflict::Conflict;
use gridbook_model::need::Need;
use gridbook_model::vocab::{
    Category, Claimant, CloseReason, Difficulty, Level, ProjectKind, Route, Source, Stage,
};

use crate::gui::data::Data;
use crate::gui::messages::Command;
use crate::i18n::{tr, vocab};

/// Draws the conflicts of `need`, if any.
pub(super) fn section(
    ui: &mut Ui,
    need: &Need,
    conflicts: &[Conflict],
    data: &Data,
    cmds: &mut Vec<Command>,
) {
    if conflicts.is_empty() {
        return;
    }
    ui.separator();
    ui.colored_label(ui.visuals().warn_fg_color, tr!("detail.conflicts"));
    for c in conflicts {
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!("{}：", field_name(&c.field)));
            for value in &c.values {
                let shown = shown(&c.field, value, data);
                if value.is_object() || value.is_array() {
                    // A record, not a value (two devices made the same list): nothing to pick.
                    ui.label(shown);
                } else if ui.button(tr!("detail.pick", value = shown)).clicked() {
                    cmds.push(Command::KeepNeedValue(
                        need.id.clone(),
                        c.field.clone(),
                        value.clone(),
                    ));
                }
            }
        });
    }
}

/// A need's field by its name in the person's language (its stored name if it has none).
fn field_name(field: &str) -> String {
    let key = format!("detail.field.{field}");
    let name = tr!(&key);
    if name == key { field.to_string() } else { name }
}

/// A stored value as a person reads it: vocabulary in words, members and needs by name.
fn shown(field: &str, value: &serde_json::Value, data: &Data) -> String {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => return tr!("detail.yes"),
        serde_json::Value::Bool(false) => return tr!("detail.no"),
        serde_json::Value::Null => return tr!("detail.none"),
        other => other.to_string(),
    };
    fn word<V: gridbook_model::vocab::Vocabulary + std::str::FromStr>(
        text: &str,
    ) -> Option<String> {
        text.parse::<V>().ok().map(vocab)
    }
    let words = match field {
        "category" => word::<Category>(&text),
        "level" => word::<Level>(&text),
        "stage" => word::<Stage>(&text),
        "source" => word::<Source>(&text),
        "difficulty" => word::<Difficulty>(&text),
        "route" => word::<Route>(&text),
        "project_kind" => word::<ProjectKind>(&text),
        "claimant" => word::<Claimant>(&text),
        "close_reason" => word::<CloseReason>(&text),
        "reporter" | "assignee" => data
            .directory
            .as_ref()
            .and_then(|d| d.members.get(&text))
            .map(|m| m.name.clone()),
        "grid" => Some(data.grid_name(&text).to_string()),
        "building" => Some(data.building_name(&text).to_string()),
        "resident" => data.residents.get(&text).map(|r| r.name.clone()),
        _ => None,
    };
    words.unwrap_or(text)
}
