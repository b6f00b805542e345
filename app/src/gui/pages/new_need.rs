//! The door-step form: record a need on a tablet in a stairwell. Big chips instead of lists,
//! the grid remembered from last time, the building and resident picked from the directory,
//! and one tap on Save, which says "saved" only once the need is durably on this device.

use egui::{RichText, Ui};
use gridbook_model::NewNeed;
use gridbook_model::ids::{NeedId, ResidentId};
use gridbook_model::vocab::{Category, Source};

use crate::gui::data::Data;
use crate::gui::messages::{Command, Refusal};
use crate::gui::state::State;
use crate::gui::widgets::{chip, text_field, vocab_chips};
use crate::i18n::tr;

use crate::gui::messages::{Event, Origin};
use crate::gui::page::{Cx, Page};

/// The page's id (`GRIDBOOK_START_PAGE=new-need`).
pub(crate) const ID: &str = "new-need";

/// The form's state.
#[derive(Default)]
pub(crate) struct NewNeedView {
    title: String,
    category: Option<Category>,
    building: Option<String>,
    resident: Option<ResidentId>,
    resident_name: String,
    phone: String,
    saving: bool,
    /// Whether grids are being chosen (a grid worker keeps one grid: it is shown alone).
    choosing_grid: bool,
    /// The community whose grids are listed while choosing.
    community: Option<String>,
    message: Option<Result<String, String>>,
    /// Finding the resident: search, or the building's unit and room.
    pick: resident::ResidentPick,
}

mod resident;

impl NewNeedView {
    /// The worker stored the need durably.
    pub(crate) fn saved(&mut self, _id: NeedId, ledger: String) {
        self.saving = false;
        self.message = Some(Ok(tr!("new.saved", ledger = ledger)));
        // The next door is in the same building: keep it, clear the rest.
        self.title.clear();
        self.category = None;
        self.resident = None;
        self.resident_name.clear();
        self.phone.clear();
        self.pick.next_door();
    }

    /// The worker refused the need; nothing was written.
    pub(crate) fn refused(&mut self, refusal: Refusal) {
        self.saving = false;
        self.message = Some(Err(crate::gui::widgets::refusal_text(&refusal)));
    }

    /// Draws the form.
    pub(crate) fn show(
        &mut self,
        ui: &mut Ui,
        state: &mut State,
        data: &Data,
        cmds: &mut Vec<Command>,
    ) {
        let Some(dir) = &data.directory else { return };
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(tr!("new.heading"));
            text_field(ui, &tr!("new.what"), &mut self.title);

            ui.label(tr!("new.category"));
            vocab_chips(ui, Category::ALL, &mut self.category);

            let all = self.choosing_grid || state.last_grid.is_none();
            if all {
                // The community first, then its few grids: two short rows of chips on a tablet
                // instead of every grid of the subdistrict pushing Save off the screen.
                if self.community.is_none() && dir.communities.len() == 1 {
                    self.community = dir.communities.keys().next().cloned();
                }
                ui.label(tr!("new.community"));
                ui.horizontal_wrapped(|ui| {
                    for (code, c) in &dir.communities {
                        let selected = self.community.as_deref() == Some(code.as_str());
                        if chip(ui, selected, &c.name).clicked() {
                            self.community = Some(code.clone());
                        }
                    }
                });
            }
            ui.label(tr!("new.grid"));
            ui.horizontal_wrapped(|ui| {
                for id in dir.grids.keys() {
                    let selected = state.last_grid.as_ref() == Some(id);
                    if !all && !selected {
                        continue;
                    }
                    if !all {
                        ui.label(RichText::new(data.grid_label(id)).strong());
                        if ui.button(tr!("new.change_grid")).clicked() {
                            self.choosing_grid = true;
                            self.community = data.grid_community(id);
                        }
                        continue;
                    }
                    if self.community.is_none() || data.grid_community(id) != self.community {
                        continue;
                    }
                    let name = dir.grids.get(id).map_or(id.as_str(), |g| g.name.as_str());
                    if chip(ui, selected, name).clicked() && !selected {
                        state.last_grid = Some(id.clone());
                        self.choosing_grid = false;
                        self.building = None;
                        self.resident = None;
                    }
                }
            });
            let grid = state.last_grid.clone();
            if let Some(grid) = &grid {
                ui.label(tr!("new.building"));
                ui.horizontal_wrapped(|ui| {
                    for (id, b) in dir
                        .buildings
                        .iter()
                        .filter(|(_, b)| b.parent.as_ref() == Some(grid))
                    {
                        let selected = self.building.as_ref() == Some(id);
                        if chip(ui, selected, &b.name).clicked() {
                            self.building = if selected { None } else { Some(id.clone()) };
                            self.resident = None;
                        }
                    }
                });
            }
            let building = self.building.clone();
            ui.label(tr!("new.resident"));
            let picked = self
                .pick
                .show(ui, data, building.as_deref(), self.resident.as_ref());
            if let Some(id) = picked
                && let Some(r) = data.residents.get(id.as_str())
            {
                // Found by search: the form follows the resident to their grid and building.
                if r.grid.is_some() && r.grid != state.last_grid {
                    state.last_grid = r.grid.clone();
                    self.choosing_grid = false;
                }
                self.building = r.building.clone().or(self.building.take());
                self.resident_name = r.name.clone();
                self.phone = r.phone.clone().unwrap_or_default();
                self.resident = Some(id);
            }
            if let Some(r) = self
                .resident
                .as_ref()
                .and_then(|id| data.residents.get(id.as_str()))
            {
                ui.strong(tr!(
                    "new.picked",
                    resident = crate::gui::register::label(data, r)
                ));
            }
            ui.columns(2, |cols| {
                text_field(
                    &mut cols[0],
                    &tr!("new.resident_name"),
                    &mut self.resident_name,
                );
                text_field(&mut cols[1], &tr!("new.phone"), &mut self.phone);
            });
            ui.add_space(8.0);
            let label = if self.saving {
                tr!("new.saving")
            } else {
                tr!("new.save")
            };
            let save = ui.add_enabled(
                !self.saving,
                egui::Button::new(RichText::new(label).size(22.0).strong())
                    .min_size(egui::vec2(ui.available_width().min(360.0), 60.0)),
            );
            if save.clicked() {
                self.save(state, cmds);
            }
            match &self.message {
                Some(Ok(m)) => {
                    ui.colored_label(egui::Color32::from_rgb(0x2e, 0x9d, 0x4f), m);
                }
                Some(Err(m)) => {
                    ui.colored_label(ui.visuals().error_fg_color, m);
                }
                None => {}
            }
        });
    }

    fn save(&mut self, state: &State, cmds: &mut Vec<Command>) {
        let problem = if self.title.trim().is_empty() {
            Some(tr!("new.need_title"))
        } else if self.category.is_none() {
            Some(tr!("new.need_category"))
        } else if state.last_grid.is_none() {
            Some(tr!("new.need_grid"))
        } else {
            None
        };
        if let Some(p) = problem {
            self.message = Some(Err(tr!("common.refused", reason = p)));
            return;
        }
        let (Some(category), Some(grid)) = (self.category, state.last_grid.clone()) else {
            return;
        };
        let mut new = NewNeed::new(self.title.trim(), category, grid);
        new.source = Source::DoorToDoor;
        new.building = self.building.clone();
        new.resident = self.resident.clone();
        new.resident_name = Some(self.resident_name.trim().to_string()).filter(|s| !s.is_empty());
        new.phone = Some(self.phone.trim().to_string()).filter(|s| !s.is_empty());
        self.saving = true;
        self.message = None;
        cmds.push(Command::AddNeed(new));
    }
}

impl Page for NewNeedView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.new_need"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        NewNeedView::show(self, ui, cx.state, cx.data, cx.cmds);
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::NeedSaved(id, ledger) => self.saved(id.clone(), ledger.clone()),
            Event::Refused(Origin::NewNeed, refusal) => self.refused(refusal.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{self, Fixture, TestApp, settle, tap, type_into};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use gridbook_model::vocab::{Category, Source, Stage};

    use crate::gui::flows::a_building_of_120_households;

    /// The need and its resident as stored: one need, for 王秀英 from the register.
    fn the_need_is_wang_xiuying_s(fx: &Fixture) {
        let rows = fx.with_book(|book| book.need_summaries());
        assert_eq!(rows.len(), 1);
        let need = fx.with_book(|book| book.need(&rows[0].id));
        let (wang, _) = fx
            .with_book(|b| b.residents())
            .into_iter()
            .find(|(_, r)| r.name == "王秀英")
            .expect("王秀英 is in the register");
        assert_eq!(need.title, "独居老人需要送餐");
        assert_eq!(need.category, Category::ElderlyCare);
        assert_eq!(need.source, Source::DoorToDoor);
        assert_eq!(need.stage, Stage::Discovered);
        assert_eq!(
            need.resident.as_ref().map(|r| r.as_str()),
            Some(wang.as_str())
        );
        assert_eq!(need.resident_name.as_deref(), Some("王秀英"));
        assert_eq!(need.phone.as_deref(), Some("13812341234"));
        assert_eq!(need.building.as_deref(), Some("zt-g3-b12"));
    }

    /// The form at a door of the big building, the grid remembered, the need's line typed
    /// and its category tapped (two interactions).
    fn at_the_door(fx: &Fixture) -> Harness<'static, TestApp> {
        a_building_of_120_households(fx);
        let mut h = fx.harness_with(|s| {
            s.page = super::ID.into();
            s.last_grid = Some("zt-g3".into());
        });
        type_into(&mut h, "需求（一句话）", "独居老人需要送餐");
        tap(&mut h, "老年关爱");
        h
    }

    /// Taps Save; it says saved, in Chinese, after at most `most` interactions in all.
    fn save(h: &mut Harness<'static, TestApp>, most: u32) {
        tap(h, "保存");
        settle(h);
        assert!(
            h.query_by_label_contains("已保存").is_some(),
            "it says saved"
        );
        let n = testing::interactions(h);
        assert!(n <= most, "{n} interactions");
        testing::assert_speaks_chinese(h);
    }

    /// The door-step form in the fewest interactions, in a building of 120 households: with
    /// the grid remembered, type the need's line, tap the category, the building, the unit
    /// and the room (one resident lives there: picked), and Save. The name and phone come from
    /// the register.
    #[test]
    fn a_need_at_the_door_of_a_big_building_is_recorded_in_six_interactions() {
        let fx = Fixture::new();
        let mut h = at_the_door(&fx);
        tap(&mut h, "12栋");
        h.run();
        tap(&mut h, "2单元");
        h.run();
        tap(&mut h, "301室");
        h.run();
        assert!(h.query_by_label_contains("已选：王秀英").is_some());
        save(&mut h, 6);
        drop(h);
        the_need_is_wang_xiuying_s(&fx);
    }

    /// Or found by typing: the address as said at the door, one tap on the hit.
    #[test]
    fn a_resident_found_by_typing_the_address_is_picked_in_one_tap() {
        let fx = Fixture::new();
        let mut h = at_the_door(&fx);
        type_into(&mut h, "查找居民", "12号楼2单元301");
        h.run();
        tap(&mut h, "王秀英 · ****1234 · 12栋 2单元 301室");
        h.run();
        save(&mut h, 5);
        drop(h);
        the_need_is_wang_xiuying_s(&fx);
    }

    #[test]
    fn an_empty_title_is_refused_in_words_and_nothing_is_written() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| {
            s.page = super::ID.into();
            s.last_grid = Some("zt-g3".into());
        });
        tap(&mut h, "老年关爱");
        tap(&mut h, "保存");
        settle(&mut h);
        assert!(h.query_by_label_contains("请写一句需求").is_some());
        testing::assert_speaks_chinese(&h);
        drop(h);
        assert!(fx.with_book(|book| book.need_summaries()).is_empty());
    }
}
