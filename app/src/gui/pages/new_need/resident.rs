//! Picking the resident at the door: a search box over the register (name, phone digits, or
//! building/unit/room), or, once the building is chosen, its unit and then its room: two short
//! rows of chips instead of a chip for each of a building's hundred households.

use std::collections::BTreeMap;
use std::sync::Arc;

use egui::Ui;
use gridbook_model::ids::ResidentId;

use crate::gui::data::Data;
use crate::gui::register::ResidentSearch;
use crate::gui::widgets::chip;
use crate::i18n::tr;

/// Hits the door-step search shows (the form must stay short on a tablet).
const DOOR_HITS: usize = 6;

/// Rooms by unit, each with its residents (id, name), of one building; units and rooms keyed
/// by (length, text) so that 301 comes before 1201.
type Households = BTreeMap<Key, BTreeMap<Key, Vec<(ResidentId, String)>>>;

/// A unit or room, ordered as a person counts: shorter first, then by text.
type Key = (usize, String);

fn key(s: Option<&str>) -> Key {
    let s = s.unwrap_or_default().to_string();
    (s.chars().count(), s)
}

/// The resident pick's state.
#[derive(Default)]
pub(super) struct ResidentPick {
    search: ResidentSearch,
    pub(super) unit: Option<String>,
    pub(super) room: Option<String>,
    /// The building and register `households` were made from.
    made_for: Option<(String, usize)>,
    households: Households,
}

impl ResidentPick {
    /// Draws the search, and the unit and room of `building` if one is chosen; returns the
    /// resident picked.
    pub(super) fn show(
        &mut self,
        ui: &mut Ui,
        data: &Data,
        building: Option<&str>,
        selected: Option<&ResidentId>,
    ) -> Option<ResidentId> {
        let mut picked = self
            .search
            .show(ui, &tr!("register.search"), data, DOOR_HITS, selected);
        if let Some(b) = building {
            self.refresh(data, b);
        }
        let rooms = building.and_then(|_| {
            if self.households.is_empty() {
                return None;
            }
            ui.label(tr!("new.unit"));
            ui.horizontal_wrapped(|ui| {
                for (_, unit) in self.households.keys() {
                    let on = self.unit.as_ref() == Some(unit);
                    if chip(ui, on, tr!("register.unit", unit = unit)).clicked() {
                        self.unit = Some(unit.clone());
                        self.room = None;
                    }
                }
            });
            let unit = self.unit.as_deref()?;
            self.households.get(&key(Some(unit)))
        });
        if let Some(rooms) = rooms {
            ui.label(tr!("new.room"));
            ui.horizontal_wrapped(|ui| {
                for ((_, room), people) in rooms {
                    let on = self.room.as_ref() == Some(room);
                    if chip(ui, on, tr!("register.room", room = room)).clicked() {
                        self.room = Some(room.clone());
                        // One person in the room: that is who opened the door.
                        if let [(id, _)] = people.as_slice() {
                            picked = Some(id.clone());
                        }
                    }
                }
            });
            let people = self.room.as_deref().and_then(|r| rooms.get(&key(Some(r))));
            if let Some(people) = people.filter(|p| p.len() > 1) {
                ui.horizontal_wrapped(|ui| {
                    for (id, name) in people {
                        if chip(ui, selected == Some(id), name).clicked() {
                            picked = Some(id.clone());
                        }
                    }
                });
            }
        }
        if let Some(r) = picked
            .as_ref()
            .and_then(|id| data.residents.get(id.as_str()))
        {
            self.unit = r.unit.clone();
            self.room = r.room.clone();
        }
        picked
    }

    /// Forgets the search and the room (the next door is in the same building and unit).
    pub(super) fn next_door(&mut self) {
        self.search.clear();
        self.room = None;
    }

    /// Groups the building's households by unit and room, once per building and register.
    fn refresh(&mut self, data: &Data, building: &str) {
        let made_for = (building.to_string(), Arc::as_ptr(&data.residents) as usize);
        if self.made_for.as_ref() == Some(&made_for) {
            return;
        }
        if self.made_for.as_ref().map(|(b, _)| b.as_str()) != Some(building) {
            self.unit = None;
            self.room = None;
        }
        let mut households = Households::new();
        for (id, r) in data.residents.iter() {
            if r.building.as_deref() != Some(building) || r.merged_into.is_some() {
                continue;
            }
            let Ok(id) = id.parse::<ResidentId>() else {
                continue;
            };
            households
                .entry(key(r.unit.as_deref()))
                .or_default()
                .entry(key(r.room.as_deref()))
                .or_default()
                .push((id, r.name.clone()));
        }
        self.households = households;
        self.made_for = Some(made_for);
    }
}
