//! The Needs view: the five-step loop's counts along the top, filters, a virtualized table of
//! every need, and a detail panel with the lifecycle stepper and the next step's form.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use gridbook_model::ids::NeedId;
use gridbook_model::need::{Need, mask_phone};
use gridbook_model::vocab::{Category, Level, Stage, Vocabulary};

use crate::i18n::{tr, vocab};
use step::{StepForm, stepper};

mod assign;
mod conflicts;
mod history;
mod step;
use crate::gui::data::Data;
use crate::gui::messages::{Command, Refusal};
use crate::gui::rows::{NeedFilter, SortBy};
use crate::gui::state::State;
use crate::gui::widgets::{chip, inline_field, refusal_text};

use crate::gui::messages::{Event, Origin};
use crate::gui::page::{Cx, Page};

/// The page's id (`GRIDBOOK_START_PAGE=needs`).
pub(crate) const ID: &str = "needs";

/// The Needs view's own state: which need is open and its next step's form.
#[derive(Default)]
pub(crate) struct NeedsView {
    selected: Option<NeedId>,
    assign: assign::AssignForm,
    form: StepForm,
    refusal: Option<String>,
}

impl NeedsView {
    /// A need arrived from the worker.
    pub(crate) fn loaded(&mut self, need: &Need) {
        if !self.form.is_for(need) {
            self.form = StepForm::new_for(need);
            self.refusal = None;
        }
    }

    /// The worker refused the last step.
    pub(crate) fn refused(&mut self, refusal: Refusal) {
        self.refusal = Some(refusal_text(&refusal));
    }

    /// Draws the view.
    pub(crate) fn show(
        &mut self,
        ui: &mut Ui,
        state: &mut State,
        data: &Data,
        cmds: &mut Vec<Command>,
    ) {
        let before = state.filter.clone();
        loop_bar(ui, state, data);
        filters(ui, state, data);
        ui.separator();
        let open = self.selected.is_some();
        if open {
            egui::Panel::right("need-detail")
                .resizable(true)
                .default_size(420.0)
                .min_size(320.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| self.detail(ui, data, cmds));
                });
        }
        egui::CentralPanel::no_frame()
            .show(ui, |ui| self.table(ui, &mut state.filter, data, cmds, open));
        if state.filter != before {
            cmds.push(Command::FilterNeeds(state.filter.clone()));
        }
    }

    fn table(
        &mut self,
        ui: &mut Ui,
        filter: &mut NeedFilter,
        data: &Data,
        cmds: &mut Vec<Command>,
        narrow: bool,
    ) {
        ui.label(tr!(
            "needs.shown",
            shown = data.shown.len(),
            total = data.rows.len()
        ));
        if data.shown.is_empty() {
            ui.label(tr!("needs.empty"));
            return;
        }
        let row_height = 34.0;
        let mut table = TableBuilder::new(ui)
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::auto().at_least(90.0))
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(Column::auto().at_least(60.0));
        if !narrow {
            // Categories run long in English ("Home elderly care"): clip them rather than push
            // the due day off a 1024-wide screen.
            table = table
                .column(Column::auto().at_least(70.0).at_most(120.0).clip(true))
                .column(Column::auto().at_least(70.0).clip(true))
                .column(Column::auto().at_least(60.0))
                .column(Column::auto().at_least(110.0))
                .column(Column::auto().at_least(90.0));
        }
        let mut headers = vec![
            ("needs.col.ledger", Some(SortBy::Ledger)),
            ("needs.col.title", Some(SortBy::Title)),
            ("needs.col.stage", Some(SortBy::Stage)),
        ];
        if !narrow {
            headers.extend([
                ("needs.col.category", Some(SortBy::Category)),
                ("needs.col.grid", Some(SortBy::Grid)),
                ("needs.col.resident", Some(SortBy::Resident)),
                // Masked, so not an order anyone needs.
                ("needs.col.phone", None),
                ("needs.col.due", Some(SortBy::Due)),
            ]);
        }
        table
            .header(row_height, |mut header| {
                for (key, sort) in headers {
                    header.col(|ui| sort_header(ui, filter, key, sort));
                }
            })
            .body(|body| {
                body.rows(row_height, data.shown.len(), |mut row| {
                    let need = &data.rows[data.shown[row.index()]];
                    row.col(|ui| {
                        ui.label(RichText::new(&need.ledger_no).small());
                    });
                    row.col(|ui| {
                        let selected = self.selected.as_ref() == Some(&need.id);
                        if ui.selectable_label(selected, &need.title).clicked() {
                            self.selected = Some(need.id.clone());
                            cmds.push(Command::LoadNeed(need.id.clone()));
                        }
                    });
                    row.col(|ui| {
                        ui.label(vocab(need.stage));
                    });
                    if !narrow {
                        row.col(|ui| {
                            ui.label(vocab(need.category));
                        });
                        row.col(|ui| {
                            ui.label(data.grid_name(&need.grid));
                        });
                        row.col(|ui| {
                            ui.label(need.resident_name.as_deref().unwrap_or(""));
                        });
                        row.col(|ui| {
                            ui.label(need.phone.as_deref().map(mask_phone).unwrap_or_default());
                        });
                        row.col(|ui| {
                            if let Some(due) = need.due {
                                ui.label(due.to_string());
                            }
                        });
                    }
                });
            });
    }

    fn detail(&mut self, ui: &mut Ui, data: &Data, cmds: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.heading(tr!("detail.title"));
            if ui.button(tr!("detail.close_panel")).clicked() {
                self.selected = None;
            }
        });
        let Some((need, conflicts)) = data
            .need
            .as_ref()
            .filter(|(n, _)| Some(&n.id) == self.selected.as_ref())
        else {
            ui.spinner();
            return;
        };
        ui.label(RichText::new(&need.title).strong().size(20.0));
        ui.label(format!("{} · {}", need.ledger_no, vocab(need.category)));
        stepper(ui, need.stage);
        // The next step comes first: on a tablet it is what the panel is opened for.
        if let Some(r) = &self.refusal {
            ui.colored_label(ui.visuals().error_fg_color, r);
        }
        self.form
            .show(ui, need, &data.rows, &mut self.refusal, cmds);
        ui.separator();
        let mut place = data.grid_name(&need.grid).to_string();
        if let Some(b) = &need.building {
            place = format!("{place} · {}", data.building_name(b));
        }
        ui.label(format!("{}：{place}", tr!("detail.place")));
        if let Some(name) = &need.resident_name {
            let phone = need.phone.as_deref().map(mask_phone).unwrap_or_default();
            ui.label(format!("{}：{name} {phone}", tr!("detail.resident")));
        }
        if let Some(due) = need.due {
            let today = gridbook_model::time::Timestamp::now().day();
            if need.is_overdue(today) {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("{}：{due}（{}）", tr!("detail.due"), tr!("detail.overdue")),
                );
            } else {
                ui.label(format!("{}：{due}", tr!("detail.due")));
            }
        }
        self.assign.show(ui, need, data, cmds);
        let description = need.description.as_str();
        if !description.is_empty() {
            ui.label(format!("{}：{description}", tr!("detail.description")));
        }
        if let Some(s) = need.satisfaction {
            ui.label(tr!("detail.satisfaction_was", n = s));
        }
        conflicts::section(ui, need, conflicts, data, cmds);
        ui.separator();
        history::section(ui, &data.need_history);
    }
}
/// The five-step loop with the number of needs at each step; a tap filters by that step.
fn loop_bar(ui: &mut Ui, state: &mut State, data: &Data) {
    ui.horizontal_wrapped(|ui| {
        for (i, s) in Stage::ALL.iter().enumerate() {
            let selected = state.filter.stage == Some(*s);
            let text = format!("{} {}", vocab(*s), data.stats.at(*s));
            if chip(ui, selected, text).clicked() {
                state.filter.stage = if selected { None } else { Some(*s) };
            }
            if i + 1 < Stage::ALL.len() {
                ui.label("→");
            }
        }
    });
}

/// A column's header: a tap sorts by the column, a second tap reverses the order.
fn sort_header(ui: &mut Ui, filter: &mut NeedFilter, key: &str, sort: Option<SortBy>) {
    let Some(sort) = sort else {
        ui.strong(tr!(key));
        return;
    };
    let mut text = tr!(key);
    if filter.sort == sort {
        text.push_str(if filter.ascending { " ▲" } else { " ▼" });
    }
    if ui
        .add(egui::Button::new(RichText::new(text).strong()).frame(false))
        .clicked()
    {
        if filter.sort == sort {
            filter.ascending = !filter.ascending;
        } else {
            filter.sort = sort;
            filter.ascending = true;
        }
    }
}

fn filters(ui: &mut Ui, state: &mut State, data: &Data) {
    let f = &mut state.filter;
    let Some(dir) = &data.directory else { return };
    ui.horizontal_wrapped(|ui| {
        pick(
            ui,
            "needs.filter.category",
            &mut f.category,
            vocab_choices(Category::ALL),
        );
        let communities = dir
            .communities
            .iter()
            .map(|(id, c)| (id.clone(), c.name.clone()))
            .collect();
        pick(ui, "needs.filter.community", &mut f.community, communities);
        // Only the grids of the community chosen, if one is.
        let grids = dir
            .grids
            .keys()
            .filter(|g| f.community.is_none() || data.grid_community(g) == f.community)
            .map(|g| (g.clone(), data.grid_label(g)))
            .collect();
        pick(ui, "needs.filter.grid", &mut f.grid, grids);
        pick(
            ui,
            "needs.filter.level",
            &mut f.level,
            vocab_choices(Level::ALL),
        );
        let members = dir
            .members
            .iter()
            .map(|(id, m)| (id.clone(), m.name.clone()))
            .collect();
        pick(ui, "needs.filter.assignee", &mut f.assignee, members);
        ui.checkbox(&mut f.overdue, tr!("needs.filter.overdue"));
        inline_field(
            ui,
            &tr!("needs.search"),
            &tr!("needs.search_hint"),
            &mut f.text,
        );
    });
}

/// Every value of a vocabulary with its name in the UI's language.
fn vocab_choices<V: Vocabulary>(all: &[V]) -> Vec<(V, String)> {
    all.iter().map(|&v| (v, vocab(v))).collect()
}

/// A labelled drop-down of `choices` with "any" first; the label names it for accessibility.
fn pick<T: Clone + PartialEq>(
    ui: &mut Ui,
    key: &str,
    value: &mut Option<T>,
    choices: Vec<(T, String)>,
) {
    let any = tr!("common.any");
    let shown = value
        .as_ref()
        .and_then(|v| choices.iter().find(|(c, _)| c == v))
        .map_or(any.clone(), |(_, name)| name.clone());
    // The label goes before its box, as people read a form, and wraps with it.
    ui.horizontal(|ui| {
        let label = ui.label(tr!(key));
        egui::ComboBox::from_id_salt(key)
            .width(84.0)
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(value, None, any);
                for (v, name) in choices {
                    ui.selectable_value(value, Some(v), name);
                }
            })
            .response
            .labelled_by(label.id);
    });
}

impl Page for NeedsView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.needs"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        NeedsView::show(self, ui, cx.state, cx.data, cx.cmds);
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::NeedDetail(need, ..) => self.loaded(need),
            Event::Refused(Origin::Need, refusal) => self.refused(refusal.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod duplicate_tests;
#[cfg(test)]
mod tests;
