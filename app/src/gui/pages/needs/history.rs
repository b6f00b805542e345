//! A need's history in the detail panel: who changed what and when, in causal order (the
//! model reads it from the document's change graph, never sorted by the devices' clocks).

use egui::Ui;
use gridbook_model::HistoryEntry;
use gridbook_model::vocab::Stage;

use crate::i18n::{tr, vocab};

/// Draws the history, folded (a need's history is read, not worked on).
pub(super) fn section(ui: &mut Ui, history: &[HistoryEntry]) {
    egui::CollapsingHeader::new(tr!("history.heading", n = history.len()))
        .id_salt("need-history")
        .show(ui, |ui| {
            for e in history {
                // A clock set wrong shows as it was set: the order is already right.
                let when = e.at.to_rfc3339();
                let when = when.get(..16).unwrap_or(&when).replace('T', " ");
                let who = match &e.who {
                    Some(name) => name.clone(),
                    None => tr!(
                        "history.unknown_device",
                        tag = e.device.get(..8).unwrap_or("")
                    ),
                };
                ui.label(format!("{when} · {who} · {}", what(e)));
            }
        });
}

/// What a change did, in the UI's language, from its commit message.
fn what(e: &HistoryEntry) -> String {
    if e.created {
        return tr!("history.created");
    }
    let m = e.what.as_str();
    if let Some((_, to)) = m.split_once(" → ")
        && let Ok(stage) = to.trim().parse::<Stage>()
    {
        return tr!("history.moved", stage = vocab(stage));
    }
    let verb = m.split_whitespace().next().unwrap_or("");
    match verb {
        "edit" => tr!("history.edited"),
        "assign" => tr!("history.assigned"),
        "progress" => tr!("history.progress"),
        _ => m.to_string(),
    }
}
