//! Places (the office's page): the network's communities, courtyards, grids and buildings as a
//! tree (community → courtyard → grid → building; a grid may sit in its community directly),
//! and on an admin's device a form that adds one. An empty name, an id already used and a
//! missing parent are refused in words, with nothing written.

use egui::{RichText, Ui};
use std::collections::BTreeMap;

use gridbook_model::{DirectoryView, PlaceKind, PlaceView};

use crate::gui::data::Data;
use crate::gui::messages::{Command, Event, OfficeSaved, Origin};
use crate::gui::page::{Cx, Page};
use crate::gui::widgets::{big_button, chip, inline_field, refusal_text};
use crate::i18n::tr;

/// The page's id (`GRIDBOOK_START_PAGE=places`).
pub(crate) const ID: &str = "places";

const KINDS: [PlaceKind; 4] = [
    PlaceKind::Community,
    PlaceKind::Courtyard,
    PlaceKind::Grid,
    PlaceKind::Building,
];

/// The page's own state: the form being filled and the last answer.
pub(crate) struct PlacesView {
    kind: PlaceKind,
    parent: Option<String>,
    code: String,
    name: String,
    message: Option<Result<String, String>>,
}

impl Default for PlacesView {
    fn default() -> Self {
        PlacesView {
            kind: PlaceKind::Grid,
            parent: None,
            code: String::new(),
            name: String::new(),
            message: None,
        }
    }
}

fn kind_name(kind: PlaceKind) -> String {
    match kind {
        PlaceKind::Community => tr!("places.community"),
        PlaceKind::Courtyard => tr!("places.courtyard"),
        PlaceKind::Grid => tr!("places.grid"),
        PlaceKind::Building => tr!("places.building"),
    }
}

impl PlacesView {
    fn show(&mut self, ui: &mut Ui, data: &Data, cmds: &mut Vec<Command>) {
        ui.heading(tr!("places.heading"));
        let Some(dir) = &data.directory else { return };
        let admin = data.is_admin();
        if !admin {
            ui.label(RichText::new(tr!("places.only_admin")).strong());
        }
        crate::gui::widgets::outcome(ui, self.message.as_ref());
        if admin {
            egui::Panel::right("add-place")
                .resizable(true)
                .default_size(360.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| self.form(ui, dir, cmds));
                });
        }
        egui::ScrollArea::vertical().show(ui, |ui| tree(ui, dir));
    }

    fn form(&mut self, ui: &mut Ui, dir: &DirectoryView, cmds: &mut Vec<Command>) {
        ui.strong(tr!("places.add_heading"));
        ui.horizontal_wrapped(|ui| {
            for kind in KINDS {
                let label = tr!("places.add_kind", kind = kind_name(kind));
                if chip(ui, self.kind == kind, label).clicked() && self.kind != kind {
                    self.kind = kind;
                    self.parent = None;
                }
            }
        });
        let parents = parents(dir, self.kind);
        if self.kind != PlaceKind::Community {
            ui.label(tr!("places.in_which"));
            if parents.is_empty() {
                ui.label(tr!("places.no_parents"));
            }
            ui.horizontal_wrapped(|ui| {
                for (id, name) in &parents {
                    let selected = self.parent.as_ref() == Some(id);
                    if chip(ui, selected, tr!("places.in", name = name)).clicked() {
                        self.parent = Some(id.clone());
                    }
                }
            });
        }
        inline_field(
            ui,
            &tr!("places.code"),
            &tr!("places.code_hint"),
            &mut self.code,
        );
        inline_field(ui, &tr!("places.name"), "", &mut self.name);
        if big_button(ui, tr!("places.add")) {
            if self.kind != PlaceKind::Community && self.parent.is_none() {
                self.message = Some(Err(tr!("places.pick_parent", kind = kind_name(self.kind))));
                return;
            }
            cmds.push(Command::AddPlace {
                kind: self.kind,
                parent: self.parent.clone(),
                code: self.code.trim().to_string(),
                name: self.name.trim().to_string(),
            });
        }
    }
}

/// The places a place of `kind` can be added in, by id, with the names people know them by:
/// a courtyard or grid with its community's (every community has its 第1院落).
fn parents(dir: &DirectoryView, kind: PlaceKind) -> Vec<(String, String)> {
    let named = |m: &BTreeMap<String, PlaceView>| {
        m.iter()
            .map(|(id, p)| (id.clone(), within_community(dir, p)))
            .collect::<Vec<_>>()
    };
    match kind {
        PlaceKind::Community => Vec::new(),
        PlaceKind::Courtyard => named(&dir.communities),
        PlaceKind::Grid => [named(&dir.communities), named(&dir.courtyards)].concat(),
        PlaceKind::Building => named(&dir.grids),
    }
}

/// A place's name after its community's (`中台社区·第4网格`); a community's own name.
fn within_community(dir: &DirectoryView, place: &PlaceView) -> String {
    let mut parent = place.parent.as_deref();
    // Up through a courtyard (a grid may be in one) to the community.
    for _ in 0..3 {
        let Some(id) = parent else { break };
        if let Some(c) = dir.communities.get(id) {
            return format!("{}·{}", c.name, place.name);
        }
        parent = dir
            .courtyards
            .get(id)
            .or_else(|| dir.grids.get(id))
            .and_then(|p| p.parent.as_deref());
    }
    place.name.clone()
}

/// The places of `m` in `parent`: id and name.
fn children(m: &BTreeMap<String, PlaceView>, parent: &str) -> Vec<(String, String)> {
    m.iter()
        .filter(|(_, p)| p.parent.as_deref() == Some(parent))
        .map(|(id, p)| (id.clone(), p.name.clone()))
        .collect()
}

/// The directory's places as a tree, each as "name (id)".
fn tree(ui: &mut Ui, dir: &DirectoryView) {
    if dir.communities.is_empty() {
        ui.label(tr!("places.none"));
    }
    let line = |ui: &mut Ui, kind: PlaceKind, id: &str, name: &str| {
        ui.label(tr!(
            "places.line",
            kind = kind_name(kind),
            name = name,
            id = id
        ));
    };
    let grids = |ui: &mut Ui, parent: &str| {
        for (g, name) in children(&dir.grids, parent) {
            line(ui, PlaceKind::Grid, &g, &name);
            ui.indent(&g, |ui| {
                for (b, name) in children(&dir.buildings, &g) {
                    line(ui, PlaceKind::Building, &b, &name);
                }
            });
        }
    };
    for (c, p) in &dir.communities {
        line(ui, PlaceKind::Community, c, &p.name);
        ui.indent(c, |ui| {
            for (y, name) in children(&dir.courtyards, c) {
                line(ui, PlaceKind::Courtyard, &y, &name);
                ui.indent(&y, |ui| grids(ui, &y));
            }
            grids(ui, c);
        });
    }
}

impl Page for PlacesView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.places"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        PlacesView::show(self, ui, cx.data, cx.cmds);
    }

    fn opened(&mut self, _data: &mut Data, _cmds: &mut Vec<Command>) {
        self.message = None;
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::OfficeSaved(OfficeSaved::Place(name)) => {
                self.message = Some(Ok(tr!("places.saved", name = name)));
                self.code.clear();
                self.name.clear();
            }
            Event::Refused(Origin::Places, refusal) => {
                self.message = Some(Err(refusal_text(refusal)));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
