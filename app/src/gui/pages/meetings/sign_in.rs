//! Signing residents in: one search box that finds them in the register by name, a phone's last
//! digits, or building/unit/room (the worker's `RegisterIndex`, built once per change of the
//! register), a tap on one to sign them in; and a walk-in, someone not in the register, entered
//! and signed in in one step.

use egui::Ui;
use gridbook_model::{MeetingView, Resident, WalkIn};

use crate::gui::data::Data;
use crate::gui::messages::Command;
use crate::gui::widgets::{big_button, chip, inline_field};
use crate::i18n::tr;

/// How many found residents are shown.
const SHOWN: usize = 12;

/// What the facilitator is typing to sign people in.
#[derive(Default)]
pub(super) struct SignInForm {
    query: String,
    name: String,
    phone: String,
    address: String,
}

impl SignInForm {
    /// A walk-in was signed in: empty the form and the search that did not find them.
    pub(super) fn saved(&mut self) {
        self.query.clear();
        self.name.clear();
        self.phone.clear();
        self.address.clear();
    }

    /// The search, what it found, and the walk-in form.
    pub(super) fn show(
        &mut self,
        ui: &mut Ui,
        m: &MeetingView,
        data: &Data,
        cmds: &mut Vec<Command>,
    ) {
        inline_field(
            ui,
            &tr!("meetings.search"),
            &tr!("meetings.search_hint"),
            &mut self.query,
        );
        let found = data.register_index.find(&self.query, SHOWN);
        if !self.query.trim().is_empty() && found.is_empty() {
            ui.label(tr!("meetings.search_none", query = self.query.trim()));
        }
        ui.horizontal_wrapped(|ui| {
            for f in &found {
                let id = f.id.as_str();
                let Some(r) = data.residents.get(id) else {
                    continue;
                };
                let label = found_label(r, data);
                if m.attendees.iter().any(|a| a == id) {
                    ui.add_enabled(
                        false,
                        egui::Button::selectable(true, tr!("meetings.signed_in", who = label))
                            .min_size(egui::vec2(64.0, 48.0)),
                    );
                } else if chip(ui, false, label).clicked() {
                    cmds.push(Command::CheckIn(m.id.clone(), f.id.clone()));
                    self.query.clear();
                }
            }
        });
        ui.add_space(6.0);
        ui.strong(tr!("meetings.walk_in.heading"));
        ui.horizontal_wrapped(|ui| {
            inline_field(ui, &tr!("meetings.walk_in.name"), "", &mut self.name);
            inline_field(
                ui,
                &tr!("meetings.walk_in.phone"),
                &tr!("meetings.optional"),
                &mut self.phone,
            );
            inline_field(
                ui,
                &tr!("meetings.walk_in.address"),
                &tr!("meetings.walk_in.address_hint"),
                &mut self.address,
            );
        });
        if big_button(ui, tr!("meetings.walk_in.save")) {
            let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            let walk_in = WalkIn {
                name: self.name.trim().to_string(),
                phone: given(&self.phone),
                address: given(&self.address),
            };
            cmds.push(Command::SignInWalkIn(m.id.clone(), walk_in));
        }
    }
}

/// A found resident as a chip says it: the name, and where they live (no phone).
fn found_label(r: &Resident, data: &Data) -> String {
    let mut home: Vec<String> = Vec::new();
    if let Some(b) = &r.building {
        home.push(data.building_name(b).to_string());
    }
    if let Some(u) = &r.unit {
        home.push(tr!("meetings.unit", unit = u.trim_end_matches("单元")));
    }
    if let Some(room) = &r.room {
        home.push(tr!("meetings.room", room = room.trim_end_matches("室")));
    }
    if home.is_empty() {
        r.name.clone()
    } else {
        format!("{}（{}）", r.name, home.join(""))
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{Fixture, interactions, settle, tap, type_into};
    use egui_kittest::kittest::Queryable;

    #[test]
    fn a_walk_in_is_entered_and_signed_in_in_four_taps() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = crate::gui::pages::meetings::ID.into());
        settle(&mut h);
        // Not in the register: the search says so.
        type_into(&mut h, "查找居民签到", "孙桂兰");
        assert!(h.query_by_label_contains("名册中没有「孙桂兰」").is_some());
        // A building the community lacks is refused in Chinese, nothing written.
        let before = interactions(&h);
        type_into(&mut h, "姓名", "孙桂兰");
        type_into(&mut h, "电话", "13700005555");
        type_into(&mut h, "住址", "12 2 305");
        tap(&mut h, "登记并签到");
        settle(&mut h);
        assert_eq!(interactions(&h) - before, 4, "a walk-in in four taps");
        assert!(h.query_by_label("已登记并签到：孙桂兰").is_some());
        assert!(h.query_by_label_contains("已签到 1 人").is_some());
        assert!(
            h.query_by_label("√ 孙桂兰").is_some(),
            "named among those signed in"
        );
        // Found in the register from now on, as signed in.
        type_into(&mut h, "查找居民签到", "5555");
        assert!(
            h.query_by_label("孙桂兰（12栋2单元305室） · 已签到")
                .is_some()
        );
        type_into(&mut h, "姓名", "路人甲");
        type_into(&mut h, "住址", "99栋");
        tap(&mut h, "登记并签到");
        settle(&mut h);
        assert!(h.query_by_label_contains("没有楼栋「99」").is_some());
        crate::gui::testing::assert_speaks_chinese(&h);
        let id = h.state().data.meeting.as_ref().unwrap().id.clone();
        drop(h);
        let (residents, m) = fx.with_book(|book| Ok((book.residents()?, book.meeting_view(&id)?)));
        let walk_ins: Vec<_> = residents.iter().filter(|(_, r)| r.walk_in).collect();
        assert_eq!(walk_ins.len(), 1, "the refused one wrote nothing");
        let (rid, r) = walk_ins[0];
        assert_eq!(r.name, "孙桂兰");
        assert_eq!(r.phone.as_deref(), Some("13700005555"));
        assert_eq!(r.building.as_deref(), Some("zt-g3-b12"));
        assert_eq!(m.attendees, std::slice::from_ref(rid));
    }
}
