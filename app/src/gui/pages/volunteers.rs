//! Volunteers: a community's roster with each volunteer's time-bank balance (recomputed from
//! the ledger by the worker), its activities, this month's star volunteers, and the two things
//! a volunteer lead records: service at an activity (hours and points earned) and a redemption.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use gridbook_model::ids::{ActivityId, VolunteerId};

use crate::gui::data::Data;
use crate::gui::messages::{Command, Refusal, Roster};
use crate::gui::state::State;
use crate::gui::widgets::{big_button, chip, inline_field};
use crate::i18n::tr;

use crate::gui::messages::{Event, Origin, VolunteerSaved};
use crate::gui::page::{Cx, Page};

/// The page's id (`GRIDBOOK_START_PAGE=volunteers`).
pub(crate) const ID: &str = "volunteers";

/// The page's own state: the volunteer picked and the forms being filled.
#[derive(Default)]
pub(crate) struct VolunteersView {
    selected: Option<VolunteerId>,
    activity: Option<ActivityId>,
    service_hours: String,
    service_points: String,
    redeem_hours: String,
    redeem_points: String,
    redeem_note: String,
    new_activity: String,
    message: Option<Result<String, String>>,
    /// The community whose roster was asked for and has not arrived.
    asked: Option<String>,
}

impl VolunteersView {
    /// The worker refused the last edit; nothing was written.
    pub(crate) fn refused(&mut self, refusal: Refusal) {
        self.message = Some(Err(crate::gui::widgets::refusal_text(&refusal)));
    }

    /// The last edit was saved.
    pub(crate) fn saved(&mut self, what: &VolunteerSaved) {
        self.service_hours.clear();
        self.service_points.clear();
        self.redeem_hours.clear();
        self.redeem_points.clear();
        self.redeem_note.clear();
        self.new_activity.clear();
        self.message = Some(Ok(match what {
            VolunteerSaved::Activity(title) => tr!("volunteers.activity_saved", title = title),
            VolunteerSaved::Service => tr!("volunteers.service_saved"),
            VolunteerSaved::Redemption => tr!("volunteers.redeem_saved"),
        }));
    }

    /// Draws the page.
    pub(crate) fn show(
        &mut self,
        ui: &mut Ui,
        state: &mut State,
        data: &Data,
        cmds: &mut Vec<Command>,
    ) {
        ui.heading(tr!("volunteers.heading"));
        let Some(dir) = &data.directory else { return };
        ui.horizontal_wrapped(|ui| {
            ui.label(tr!("volunteers.community"));
            for (id, c) in &dir.communities {
                let selected = state.volunteer_community.as_ref() == Some(id);
                if chip(ui, selected, &c.name).clicked() && !selected {
                    state.volunteer_community = Some(id.clone());
                    self.selected = None;
                    self.activity = None;
                }
            }
        });
        // The app asks the worker for the roster when this page shows another community's.
        let Some(roster) = &data.volunteers else {
            ui.spinner();
            return;
        };
        if state.volunteer_community.as_ref() != Some(&roster.community) {
            ui.spinner();
            return;
        }
        if roster.volunteers.is_empty() {
            ui.label(tr!("volunteers.none"));
            return;
        }
        egui::Panel::right("volunteer-actions")
            .resizable(true)
            .default_size(360.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.actions(ui, roster, cmds));
            });
        self.table(ui, roster);
    }

    fn table(&mut self, ui: &mut Ui, roster: &Roster) {
        let negative = ui.visuals().error_fg_color;
        TableBuilder::new(ui)
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::remainder().at_least(90.0))
            .column(Column::auto().at_least(150.0))
            .column(Column::auto().at_least(110.0))
            .column(Column::auto().at_least(50.0))
            .header(32.0, |mut h| {
                for t in [
                    tr!("volunteers.col.name"),
                    tr!("volunteers.col.team"),
                    tr!("volunteers.col.hours"),
                    tr!("volunteers.col.points"),
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(40.0, roster.volunteers.len(), |mut row| {
                    let v = &roster.volunteers[row.index()];
                    let selected = self.selected.as_ref() == Some(&v.id);
                    row.col(|ui| {
                        if ui.selectable_label(selected, &v.name).clicked() {
                            self.selected = Some(v.id.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(v.team_name.as_deref().or(v.team.as_deref()).unwrap_or(""));
                    });
                    // A balance driven negative by redemptions on two devices is shown, in red.
                    let hours = format!("{:.1}", v.balance.hours());
                    row.col(|ui| {
                        if v.balance.minutes < 0 {
                            ui.colored_label(negative, hours);
                        } else {
                            ui.label(hours);
                        }
                    });
                    row.col(|ui| {
                        let points = v.balance.points.to_string();
                        if v.balance.points < 0 {
                            ui.colored_label(negative, points);
                        } else {
                            ui.label(points);
                        }
                    });
                });
            });
    }

    fn actions(&mut self, ui: &mut Ui, roster: &Roster, cmds: &mut Vec<Command>) {
        ui.strong(tr!("volunteers.stars", month = roster.month));
        if roster.stars.is_empty() {
            ui.label(tr!("volunteers.no_stars"));
        }
        for (i, (name, minutes)) in roster.stars.iter().enumerate() {
            ui.label(format!(
                "{}. {name} · {:.1} h",
                i + 1,
                *minutes as f64 / 60.0
            ));
        }
        ui.separator();
        match &self.message {
            Some(Ok(m)) => {
                ui.label(RichText::new(m).color(ui.visuals().hyperlink_color));
            }
            Some(Err(m)) => {
                ui.colored_label(ui.visuals().error_fg_color, m);
            }
            None => {}
        }
        let Some(volunteer) = self
            .selected
            .as_ref()
            .and_then(|id| roster.volunteers.iter().find(|v| &v.id == id))
        else {
            ui.label(tr!("volunteers.pick"));
            self.new_activity_form(ui, roster, cmds);
            return;
        };
        ui.heading(&volunteer.name);
        ui.label(tr!(
            "volunteers.balance",
            hours = format!("{:.1}", volunteer.balance.hours()),
            points = volunteer.balance.points
        ));
        ui.separator();
        self.service_form(ui, roster, &volunteer.id, cmds);
        ui.separator();
        self.redeem_form(ui, &volunteer.id, cmds);
        ui.separator();
        self.new_activity_form(ui, roster, cmds);
    }

    fn service_form(
        &mut self,
        ui: &mut Ui,
        roster: &Roster,
        volunteer: &VolunteerId,
        cmds: &mut Vec<Command>,
    ) {
        ui.strong(tr!("volunteers.service"));
        if roster.activities.is_empty() {
            ui.label(tr!("volunteers.no_activities"));
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for a in roster.activities.iter().take(8) {
                let selected = self.activity.as_ref() == Some(&a.id);
                let text = format!("{} {}", a.day, a.title);
                if chip(ui, selected, text).clicked() {
                    self.activity = Some(a.id.clone());
                }
            }
        });
        inline_field(ui, &tr!("volunteers.hours"), "2", &mut self.service_hours);
        inline_field(
            ui,
            &tr!("volunteers.points"),
            &tr!("volunteers.points_hint"),
            &mut self.service_points,
        );
        if big_button(ui, tr!("volunteers.record")) {
            let Some(activity) = self.activity.clone() else {
                self.message = Some(Err(tr!("volunteers.pick_activity")));
                return;
            };
            match amounts(&self.service_hours, &self.service_points, true) {
                Ok((minutes, points)) => cmds.push(Command::RecordService {
                    activity,
                    volunteer: volunteer.clone(),
                    minutes: minutes as u32,
                    points: points as u32,
                }),
                Err(e) => self.message = Some(Err(e)),
            }
        }
    }

    fn redeem_form(&mut self, ui: &mut Ui, volunteer: &VolunteerId, cmds: &mut Vec<Command>) {
        ui.strong(tr!("volunteers.redeem"));
        inline_field(
            ui,
            &tr!("volunteers.redeem_hours"),
            "0",
            &mut self.redeem_hours,
        );
        inline_field(
            ui,
            &tr!("volunteers.redeem_points"),
            "0",
            &mut self.redeem_points,
        );
        inline_field(
            ui,
            &tr!("volunteers.redeem_note"),
            &tr!("volunteers.redeem_note_hint"),
            &mut self.redeem_note,
        );
        if big_button(ui, tr!("volunteers.redeem_button")) {
            match amounts(&self.redeem_hours, &self.redeem_points, false) {
                Ok((minutes, points)) => cmds.push(Command::Redeem {
                    volunteer: volunteer.clone(),
                    minutes,
                    points,
                    note: self.redeem_note.trim().to_string(),
                }),
                Err(e) => self.message = Some(Err(e)),
            }
        }
    }

    fn new_activity_form(&mut self, ui: &mut Ui, roster: &Roster, cmds: &mut Vec<Command>) {
        ui.strong(tr!("volunteers.new_activity"));
        inline_field(
            ui,
            &tr!("volunteers.activity_title"),
            &tr!("volunteers.activity_hint"),
            &mut self.new_activity,
        );
        if big_button(ui, tr!("volunteers.add_activity")) {
            if self.new_activity.trim().is_empty() {
                self.message = Some(Err(tr!("volunteers.activity_needs_title")));
            } else {
                cmds.push(Command::AddActivity {
                    community: roster.community.clone(),
                    title: self.new_activity.trim().to_string(),
                });
            }
        }
    }
}

/// Hours (decimals allowed) and points as typed: minutes and points. Points left empty are
/// the hours, rounded, when `points_follow_hours` (the time bank's usual one point an hour).
fn amounts(hours: &str, points: &str, points_follow_hours: bool) -> Result<(i64, i64), String> {
    let hours = hours.trim();
    let minutes = if hours.is_empty() {
        0
    } else {
        match hours.parse::<f64>() {
            Ok(h) if (0.0..=24.0).contains(&h) => (h * 60.0).round() as i64,
            _ => return Err(tr!("volunteers.bad_hours", given = hours)),
        }
    };
    let points = points.trim();
    let points = if points.is_empty() {
        if points_follow_hours {
            (minutes as f64 / 60.0).round() as i64
        } else {
            0
        }
    } else {
        match points.parse::<i64>() {
            Ok(p) if (0..=10_000).contains(&p) => p,
            _ => return Err(tr!("volunteers.bad_points", given = points)),
        }
    };
    Ok((minutes, points))
}

impl Page for VolunteersView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.volunteers"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        VolunteersView::show(self, ui, cx.state, cx.data, cx.cmds);
    }

    /// Balances change with every movement: a visit reloads them.
    fn opened(&mut self, data: &mut Data, _cmds: &mut Vec<Command>) {
        data.volunteers = None;
    }

    fn request(&mut self, state: &State, data: &Data, cmds: &mut Vec<Command>) {
        if let Some(c) = &state.volunteer_community
            && data.volunteers.as_ref().map(|r| &r.community) != Some(c)
            && self.asked.as_ref() != Some(c)
        {
            self.asked = Some(c.clone());
            cmds.push(Command::LoadVolunteers(c.clone()));
        }
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::Volunteers(_) => self.asked = None,
            Event::VolunteerSaved(what) => self.saved(what),
            Event::Refused(Origin::Volunteers, refusal) => self.refused(refusal.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{Fixture, settle, tap, type_into};
    use egui_kittest::kittest::Queryable;

    #[test]
    fn a_lead_records_service_and_a_redemption_and_sees_the_balance() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = super::ID.into());
        settle(&mut h);
        tap(&mut h, "周志强");
        settle(&mut h);
        assert!(h.query_by_label_contains("余额 0.0 小时").is_some());
        tap(&mut h, "2026-11-21 楼道清扫");
        type_into(&mut h, "服务时长（小时）", "2.5");
        tap(&mut h, "记录服务");
        settle(&mut h);
        assert!(
            h.query_by_label_contains("余额 2.5 小时 · 3 积分")
                .is_some(),
            "the balance shows the hours and the points that follow them"
        );
        type_into(&mut h, "兑换时长（小时）", "1");
        type_into(&mut h, "兑换说明", "理发服务");
        tap(&mut h, "兑换");
        settle(&mut h);
        assert!(
            h.query_by_label_contains("余额 1.5 小时 · 3 积分")
                .is_some()
        );
        // Bad input is refused in words, and nothing is written.
        type_into(&mut h, "兑换时长（小时）", "很多");
        tap(&mut h, "兑换");
        settle(&mut h);
        assert!(h.query_by_label_contains("不是时长").is_some());
        drop(h);
        let balance = fx.with_book(|book| {
            let id = book
                .volunteer_summaries()?
                .into_iter()
                .find(|v| v.name == "周志强")
                .expect("the fixture's volunteer")
                .id;
            book.balance(&id)
        });
        assert_eq!((balance.minutes, balance.points), (90, 3));
    }

    #[test]
    fn an_empty_activity_title_is_refused_and_a_new_activity_is_listed() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = super::ID.into());
        settle(&mut h);
        tap(&mut h, "新增活动");
        settle(&mut h);
        assert!(h.query_by_label_contains("活动需要一个名称").is_some());
        crate::gui::testing::assert_speaks_chinese(&h);
        type_into(&mut h, "活动名称", "敬老院探访");
        tap(&mut h, "新增活动");
        settle(&mut h);
        assert!(h.query_by_label("已新增活动：敬老院探访").is_some());
        tap(&mut h, "周志强");
        settle(&mut h);
        assert_eq!(
            h.query_all_by_label_contains("敬老院探访").count(),
            2,
            "the saved note and the new activity's chip"
        );
        drop(h);
        let titles = fx.with_book(|book| book.activity_summaries());
        assert!(titles.iter().any(|a| a.title == "敬老院探访"));
    }
}
