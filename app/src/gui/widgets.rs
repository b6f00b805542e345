//! Small widgets the views share: labelled text fields (a screen reader and the UI tests find
//! them by their label) and chips big enough for a finger.

use egui::{Response, TextEdit, Ui};

use gridbook_model::need::NeedField;

use super::messages::Refusal;
use crate::i18n::{tr, vocab};

/// A one-line text field under its label.
pub(super) fn text_field(ui: &mut Ui, label: &str, value: &mut String) -> Response {
    let label = ui.label(label);
    ui.add(TextEdit::singleline(value).desired_width(f32::INFINITY))
        .labelled_by(label.id)
}

/// A one-line text field with a hint, its label beside it.
pub(super) fn inline_field(ui: &mut Ui, label: &str, hint: &str, value: &mut String) -> Response {
    let label = ui.label(label);
    ui.add(
        TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(220.0),
    )
    .labelled_by(label.id)
}

/// A multi-line text field under its label.
pub(super) fn text_area(ui: &mut Ui, label: &str, value: &mut String) -> Response {
    let label = ui.label(label);
    ui.add(
        TextEdit::multiline(value)
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
}

/// A selectable chip at least 48 points tall: a touch target.
pub(super) fn chip(ui: &mut Ui, selected: bool, text: impl Into<String>) -> Response {
    ui.add(egui::Button::selectable(selected, text.into()).min_size(egui::vec2(64.0, 48.0)))
}

/// A choice among vocabulary values as a row of chips; returns whether it changed.
pub(super) fn vocab_chips<V: gridbook_model::vocab::Vocabulary + PartialEq>(
    ui: &mut Ui,
    values: &[V],
    current: &mut Option<V>,
) -> bool {
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        for &v in values {
            let selected = *current == Some(v);
            if chip(ui, selected, vocab(v)).clicked() {
                *current = Some(v);
                changed = true;
            }
        }
    });
    changed
}

/// A button at least 44 points tall, for a form's one action; returns whether it was tapped.
pub(super) fn big_button(ui: &mut Ui, text: impl Into<String>) -> bool {
    ui.add(egui::Button::new(text.into()).min_size(egui::vec2(160.0, 44.0)))
        .clicked()
}

/// What the last edit came to: saved (in the link colour) or refused (in the error colour).
pub(super) fn outcome(ui: &mut Ui, message: Option<&Result<String, String>>) {
    match message {
        Some(Ok(m)) => {
            ui.label(egui::RichText::new(m).color(ui.visuals().hyperlink_color));
        }
        Some(Err(m)) => {
            ui.colored_label(ui.visuals().error_fg_color, m);
        }
        None => {}
    }
}

/// A refusal in the current language.
pub(super) fn refusal_text(refusal: &Refusal) -> String {
    tr!("common.refused", reason = said(refusal))
}

/// What went wrong, in the current language, with no "refused" before it.
pub(super) fn said(refusal: &Refusal) -> String {
    match refusal {
        Refusal::WrongStage { from, to } => {
            tr!("refused.wrong_stage", from = vocab(*from), to = vocab(*to))
        }
        Refusal::Missing(field) => tr!("refused.missing", field = field_label(*field)),
        Refusal::Said(words) => crate::words::say(words),
        Refusal::Failed(text) => text.clone(),
    }
}

/// The form label of a field a step needs.
fn field_label(field: NeedField) -> String {
    match field {
        NeedField::ClaimantName => tr!("form.claimant_name"),
        NeedField::Evaluation => tr!("form.evaluation"),
        NeedField::ProjectKind => tr!("form.project_kind"),
        NeedField::DuplicateOf => tr!("form.duplicate_of"),
        // A field the model names later: its words say what it is.
        other => crate::words::say(&other.words()),
    }
}
