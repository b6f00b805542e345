//! The residents' register (居民名册), for grid workers and the office: find a resident as you
//! type (name, a phone's last digits, or building/unit/room), enter one, change a name or a
//! phone, and record that two entries are the same person (the duplicate is merged into the
//! entry that stays, and shown under it as merged).
//!
//! Moving house is not edited here: it belongs to the household.

use egui::{RichText, Ui};
use gridbook_model::ids::ResidentId;
use gridbook_model::{NewResident, ResidentEdit};

use crate::gui::data::Data;
use crate::gui::messages::{Command, Event, Origin, ResidentSaved};
use crate::gui::page::{Cx, Page};
use crate::gui::register::{MAX_HITS, ResidentSearch, label};
use crate::gui::state::State;
use crate::gui::widgets::{big_button, chip, refusal_text, text_field};
use crate::i18n::tr;

#[cfg(test)]
mod tests;

/// The page's id (`GRIDBOOK_START_PAGE=residents`).
pub(crate) const ID: &str = "residents";

/// The page's own state.
#[derive(Default)]
pub(crate) struct ResidentsView {
    /// The page's search (`GRIDBOOK_START_PAGE=residents/<query>` fills it).
    search: ResidentSearch,
    /// The resident open in the side panel.
    selected: Option<ResidentId>,
    /// The entry the edit fields were filled from.
    editing: Option<ResidentId>,
    name: String,
    phone: String,
    /// Finding the entry the open one duplicates.
    same_as: ResidentSearch,
    /// The entry picked as the one that stays.
    merge_into: Option<ResidentId>,
    /// The new-resident form instead of the open resident.
    adding: bool,
    new: NewForm,
    message: Option<Result<String, String>>,
}

/// A resident being entered.
#[derive(Default)]
struct NewForm {
    name: String,
    phone: String,
    grid: Option<String>,
    building: Option<String>,
    unit: String,
    room: String,
}

impl ResidentsView {
    fn show(&mut self, ui: &mut Ui, state: &State, data: &Data, cmds: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.heading(tr!("register.heading"));
            ui.label(tr!("register.count", count = data.register_index.len()));
            if ui.button(tr!("register.add")).clicked() {
                self.adding = true;
                self.message = None;
            }
        });
        egui::Panel::right("resident-panel")
            .resizable(true)
            .default_size(420.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    self.message(ui);
                    if self.adding {
                        self.add_form(ui, state, data, cmds);
                    } else if let Some(id) = self.selected.clone() {
                        self.detail(ui, &id, data, cmds);
                    } else {
                        ui.label(tr!("register.pick"));
                    }
                });
            });
        egui::ScrollArea::vertical().show(ui, |ui| {
            let selected = self.selected.clone();
            let label = tr!("register.search");
            if let Some(id) = self
                .search
                .show(ui, &label, data, MAX_HITS, selected.as_ref())
            {
                self.open(id);
            }
        });
    }

    fn open(&mut self, id: ResidentId) {
        self.selected = Some(id);
        self.adding = false;
        self.merge_into = None;
        self.same_as.clear();
        self.message = None;
    }

    fn message(&self, ui: &mut Ui) {
        match &self.message {
            Some(Ok(m)) => {
                ui.label(RichText::new(m).color(ui.visuals().hyperlink_color));
            }
            Some(Err(m)) => {
                ui.colored_label(ui.visuals().error_fg_color, m);
            }
            None => {}
        }
    }

    fn detail(&mut self, ui: &mut Ui, id: &ResidentId, data: &Data, cmds: &mut Vec<Command>) {
        let Some(r) = data.residents.get(id.as_str()) else {
            ui.spinner();
            return;
        };
        if self.editing.as_ref() != Some(id) {
            self.editing = Some(id.clone());
            self.name = r.name.clone();
            self.phone = r.phone.clone().unwrap_or_default();
        }
        ui.heading(&r.name);
        ui.label(data.resident_address(r));
        if let Some(into) = &r.merged_into {
            let stays = data.resident_name(into.as_str());
            ui.label(tr!("register.merged_into", name = stays));
            return;
        }
        ui.separator();
        text_field(ui, &tr!("register.name"), &mut self.name);
        text_field(ui, &tr!("register.phone"), &mut self.phone);
        if big_button(ui, tr!("register.save")) {
            let changed = |new: &str, old: Option<&str>| {
                (new.trim() != old.unwrap_or("")).then(|| new.to_string())
            };
            let edit = ResidentEdit {
                name: changed(&self.name, Some(&r.name)),
                phone: changed(&self.phone, r.phone.as_deref()),
            };
            if edit == ResidentEdit::default() {
                self.message = Some(Err(tr!("register.nothing_changed")));
            } else {
                cmds.push(Command::EditResident(id.clone(), edit));
            }
        }
        ui.separator();
        ui.strong(tr!("register.duplicate"));
        let into = self.merge_into.clone();
        if let Some(picked) =
            self.same_as
                .show(ui, &tr!("register.same_as"), data, 8, into.as_ref())
        {
            self.merge_into = (&picked != id).then_some(picked);
        }
        if let Some(into) = &self.merge_into
            && big_button(
                ui,
                tr!("register.merge", name = data.resident_name(into.as_str())),
            )
        {
            cmds.push(Command::MergeResident(id.clone(), into.clone()));
        }
        // The entries merged into this one, shown as such.
        let merged: Vec<_> = data
            .residents
            .values()
            .filter(|d| d.merged_into.as_ref() == Some(id))
            .collect();
        if !merged.is_empty() {
            ui.separator();
            ui.strong(tr!("register.merged_here"));
            for d in merged {
                ui.label(tr!("register.merged_entry", entry = label(data, d)));
            }
        }
    }

    fn add_form(&mut self, ui: &mut Ui, state: &State, data: &Data, cmds: &mut Vec<Command>) {
        let Some(dir) = &data.directory else { return };
        let f = &mut self.new;
        if f.grid.is_none() {
            f.grid = state.last_grid.clone();
        }
        ui.heading(tr!("register.new"));
        text_field(ui, &tr!("register.name"), &mut f.name);
        text_field(ui, &tr!("register.phone"), &mut f.phone);
        ui.label(tr!("register.grid"));
        ui.horizontal_wrapped(|ui| {
            for id in dir.grids.keys() {
                let selected = f.grid.as_ref() == Some(id);
                if chip(ui, selected, data.grid_label(id)).clicked() && !selected {
                    f.grid = Some(id.clone());
                    f.building = None;
                }
            }
        });
        if let Some(grid) = &f.grid {
            ui.label(tr!("register.building"));
            ui.horizontal_wrapped(|ui| {
                for (id, b) in dir
                    .buildings
                    .iter()
                    .filter(|(_, b)| b.parent.as_ref() == Some(grid))
                {
                    let selected = f.building.as_ref() == Some(id);
                    if chip(ui, selected, &b.name).clicked() {
                        f.building = (!selected).then(|| id.clone());
                    }
                }
            });
        }
        ui.columns(2, |cols| {
            text_field(&mut cols[0], &tr!("register.unit_field"), &mut f.unit);
            text_field(&mut cols[1], &tr!("register.room_field"), &mut f.room);
        });
        ui.horizontal(|ui| {
            if big_button(ui, tr!("register.enter")) {
                let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
                cmds.push(Command::AddResident(NewResident {
                    name: f.name.trim().to_string(),
                    phone: some(&f.phone),
                    building: f.building.clone(),
                    grid: f.grid.clone(),
                    unit: some(&f.unit),
                    room: some(&f.room),
                }));
            }
            if ui.button(tr!("register.cancel")).clicked() {
                self.adding = false;
            }
        });
    }

    fn saved(&mut self, saved: &ResidentSaved) {
        self.editing = None;
        match saved {
            ResidentSaved::Added(id) => {
                self.new = NewForm {
                    grid: self.new.grid.take(),
                    building: self.new.building.take(),
                    ..NewForm::default()
                };
                self.open(id.clone());
                self.message = Some(Ok(tr!("register.added")));
            }
            ResidentSaved::Edited(_) => self.message = Some(Ok(tr!("register.saved"))),
            ResidentSaved::Merged(_, into) => {
                self.open(into.clone());
                self.message = Some(Ok(tr!("register.merged")));
            }
        }
    }
}

impl Page for ResidentsView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.residents"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        ResidentsView::show(self, ui, cx.state, cx.data, cx.cmds);
    }

    fn start_at(&mut self, view: &str, _cmds: &mut Vec<Command>) {
        // `residents/<query>`: the register searched for it.
        self.search.query = view.to_string();
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::ResidentSaved(saved) => self.saved(saved),
            Event::Refused(Origin::Residents, refusal) => {
                self.message = Some(Err(refusal_text(refusal)));
            }
            _ => {}
        }
    }
}
