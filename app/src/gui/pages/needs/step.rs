//! The need's lifecycle in its detail panel: the stepper (done, current, to come) and the form
//! of the next step, which turns into a [`Transition`] when submitted.

use egui::{RichText, Ui};
use gridbook_model::ids::NeedId;
use gridbook_model::need::{Need, Transition};
use gridbook_model::summary::NeedSummary;
use gridbook_model::vocab::{
    Category, Claimant, CloseReason, Difficulty, ProjectKind, Route, Stage,
};

use crate::gui::messages::Command;
use crate::gui::rows::matches_word;
use crate::gui::widgets::{chip, text_area, text_field, vocab_chips};
use crate::i18n::{tr, vocab};

/// The fields of the next step, as far as they are filled in.
#[derive(Default)]
pub(super) struct StepForm {
    /// The need and stage the form was filled for; a new one starts empty.
    for_: Option<(NeedId, Stage)>,
    closing_early: bool,
    category: Option<Category>,
    reasonable: Option<bool>,
    difficulty: Option<Difficulty>,
    route: Option<Route>,
    project_kind: Option<ProjectKind>,
    plan: String,
    claimant: Option<Claimant>,
    claimant_name: String,
    satisfaction: Option<u8>,
    evaluation: String,
    feedback: bool,
    close_reason: Option<CloseReason>,
    note: String,
    /// Closing as a repeat: what is typed to find the original, and the original picked.
    original_query: String,
    original: Option<NeedId>,
}

/// Needs offered as the original of a repeat.
const ORIGINAL_HITS: usize = 6;

impl StepForm {
    /// Whether the form was filled for this need at its current stage.
    pub(super) fn is_for(&self, need: &Need) -> bool {
        self.for_.as_ref() == Some(&(need.id.clone(), need.stage))
    }

    /// An empty form for `need`'s next step, its category pre-chosen.
    pub(super) fn new_for(need: &Need) -> StepForm {
        StepForm {
            for_: Some((need.id.clone(), need.stage)),
            category: Some(need.category),
            ..StepForm::default()
        }
    }

    /// Draws the form for `need`'s next step; a submitted step becomes a command, a step
    /// submitted with a choice left unmade becomes `refusal`.
    pub(super) fn show(
        &mut self,
        ui: &mut Ui,
        need: &Need,
        rows: &[NeedSummary],
        refusal: &mut Option<String>,
        cmds: &mut Vec<Command>,
    ) {
        let f = self;
        let step = match need.stage {
            Stage::Discovered => {
                ui.label(tr!("form.category"));
                vocab_chips(ui, Category::ALL, &mut f.category);
                ui.label(tr!("form.reasonable"));
                yes_no(ui, &mut f.reasonable);
                ui.label(tr!("form.difficulty"));
                vocab_chips(ui, Difficulty::ALL, &mut f.difficulty);
                submit(ui, tr!("step.classify")).then(|| {
                    Some(Transition::Classify {
                        category: f.category.filter(|c| *c != need.category),
                        reasonable: f.reasonable?,
                        difficulty: f.difficulty?,
                        duplicate_of: None,
                    })
                })
            }
            Stage::Classified if !f.closing_early => {
                ui.label(tr!("form.route"));
                vocab_chips(ui, Route::ALL, &mut f.route);
                if f.route == Some(Route::Project) {
                    ui.label(tr!("form.project_kind"));
                    vocab_chips(ui, ProjectKind::ALL, &mut f.project_kind);
                }
                text_area(ui, &tr!("form.plan"), &mut f.plan);
                let design = submit(ui, tr!("step.design")).then(|| {
                    let route = f.route?;
                    Some(Transition::Design {
                        route,
                        project_kind: f.project_kind.filter(|_| route == Route::Project),
                        plan: non_empty(&f.plan),
                    })
                });
                if ui.button(tr!("step.close_early")).clicked() {
                    f.closing_early = true;
                }
                design
            }
            Stage::Classified | Stage::Evaluated => {
                let reasons: &[CloseReason] = if need.stage == Stage::Evaluated {
                    f.close_reason = Some(CloseReason::Completed);
                    &[CloseReason::Completed]
                } else {
                    &[
                        CloseReason::Unreasonable,
                        CloseReason::Duplicate,
                        CloseReason::Withdrawn,
                    ]
                };
                ui.label(tr!("form.close_reason"));
                vocab_chips(ui, reasons, &mut f.close_reason);
                if f.close_reason == Some(CloseReason::Duplicate) && need.duplicate_of.is_none() {
                    pick_original(ui, f, need, rows);
                }
                text_field(ui, &tr!("form.note"), &mut f.note);
                submit(ui, tr!("step.close")).then(|| {
                    let reason = f.close_reason?;
                    if reason == CloseReason::Duplicate && need.duplicate_of.is_none() {
                        f.original.as_ref()?;
                    }
                    Some(Transition::Close {
                        reason,
                        note: non_empty(&f.note),
                    })
                })
            }
            Stage::Designed => {
                let may: Vec<Claimant> = Claimant::ALL
                    .iter()
                    .copied()
                    .filter(|c| c.may_claim(need.project_kind))
                    .collect();
                if may.len() == 1 {
                    f.claimant = Some(may[0]);
                }
                ui.label(tr!("form.claimant"));
                vocab_chips(ui, &may, &mut f.claimant);
                text_field(ui, &tr!("form.claimant_name"), &mut f.claimant_name);
                submit(ui, tr!("step.claim")).then(|| {
                    Some(Transition::Claim {
                        claimant: f.claimant?,
                        claimant_name: f.claimant_name.trim().to_string(),
                    })
                })
            }
            Stage::Implementing => {
                ui.label(tr!("form.satisfaction"));
                ui.horizontal(|ui| {
                    for n in 1..=5u8 {
                        if chip(ui, f.satisfaction == Some(n), n.to_string()).clicked() {
                            f.satisfaction = Some(n);
                        }
                    }
                });
                text_area(ui, &tr!("form.evaluation"), &mut f.evaluation);
                ui.checkbox(&mut f.feedback, tr!("form.feedback"));
                submit(ui, tr!("step.evaluate")).then(|| {
                    Some(Transition::Evaluate {
                        satisfaction: f.satisfaction?,
                        evaluation: f.evaluation.trim().to_string(),
                        feedback_given: f.feedback,
                    })
                })
            }
            Stage::Closed => {
                ui.label(tr!("detail.closed"));
                None
            }
        };
        match step {
            Some(Some(step)) => {
                *refusal = None;
                cmds.push(match (step, &f.original) {
                    // A repeat closes with the original it repeats, in one change.
                    (
                        Transition::Close {
                            reason: CloseReason::Duplicate,
                            note,
                        },
                        Some(original),
                    ) if need.duplicate_of.is_none() => {
                        Command::CloseDuplicate(need.id.clone(), original.clone(), note)
                    }
                    (step, _) => Command::Advance(need.id.clone(), step),
                });
            }
            // Submitted with a choice left unmade: say which, send nothing.
            Some(None) => *refusal = Some(missing_choice(need.stage, f)),
            None => {}
        }
    }
}

fn missing_choice(stage: Stage, f: &StepForm) -> String {
    let field = match stage {
        Stage::Discovered if f.reasonable.is_none() => tr!("form.reasonable"),
        Stage::Discovered => tr!("form.difficulty"),
        Stage::Classified if !f.closing_early => tr!("form.route"),
        Stage::Designed => tr!("form.claimant"),
        Stage::Implementing => tr!("form.satisfaction"),
        _ if f.close_reason == Some(CloseReason::Duplicate) => tr!("form.duplicate_of"),
        _ => tr!("form.close_reason"),
    };
    tr!(
        "common.refused",
        reason = tr!("refused.missing", field = field)
    )
}

/// Finding the need a repeat repeats, by words of its title or its ledger number.
fn pick_original(ui: &mut Ui, f: &mut StepForm, need: &Need, rows: &[NeedSummary]) {
    text_field(ui, &tr!("form.original"), &mut f.original_query);
    let query = f.original_query.trim();
    if query.is_empty() {
        return;
    }
    let found = rows
        .iter()
        .filter(|n| n.id != need.id && query.split_whitespace().all(|w| matches_word(n, w)));
    ui.horizontal_wrapped(|ui| {
        for n in found.take(ORIGINAL_HITS) {
            let on = f.original.as_ref() == Some(&n.id);
            if chip(ui, on, format!("{} {}", n.ledger_no, n.title)).clicked() {
                f.original = Some(n.id.clone());
            }
        }
    });
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn submit(ui: &mut Ui, label: String) -> bool {
    ui.add_space(4.0);
    ui.add(egui::Button::new(RichText::new(label).strong()).min_size(egui::vec2(160.0, 48.0)))
        .clicked()
}

fn yes_no(ui: &mut Ui, value: &mut Option<bool>) {
    ui.horizontal(|ui| {
        for (v, label) in [(true, tr!("common.yes")), (false, tr!("common.no"))] {
            if chip(ui, *value == Some(v), label).clicked() {
                *value = Some(v);
            }
        }
    });
}

/// The lifecycle as a row of steps: done √, current ●, to come ○.
pub(super) fn stepper(ui: &mut Ui, stage: Stage) {
    let at = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
    ui.horizontal_wrapped(|ui| {
        for (i, s) in Stage::ALL.iter().enumerate() {
            let (mark, text) = if i < at || stage == Stage::Closed {
                ("√", RichText::new(vocab(*s)))
            } else if i == at {
                ("●", RichText::new(vocab(*s)).strong().underline())
            } else {
                ("○", RichText::new(vocab(*s)).weak())
            };
            ui.label(RichText::new(mark));
            ui.label(text);
            if i + 1 < Stage::ALL.len() {
                ui.label(RichText::new("→").weak());
            }
        }
    });
}
