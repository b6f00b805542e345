//! Volunteers: a community's roster with each volunteer's time-bank balance (recomputed from
//! the ledger by the worker), its activities, the latest month's star volunteers, and what a
//! volunteer lead records: the service of several volunteers at an activity in one step
//! (`service.rs`), a redemption, and the roster itself: volunteers, teams, skills
//! (`roster.rs`).

mod roster;
mod service;

use egui::Ui;
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeSet;

use gridbook_model::ids::{ActivityId, TeamId, VolunteerId};

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
    /// Who is ticked as having served at `activity`.
    ticked: BTreeSet<VolunteerId>,
    /// The add-a-volunteer form.
    new_volunteer: roster::NewVolunteerForm,
    /// The add-a-team form: its name and the team it belongs to.
    new_team: String,
    new_team_parent: Option<TeamId>,
    /// The skills being edited, and whose.
    skills: String,
    skills_of: Option<VolunteerId>,
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
            VolunteerSaved::Service(n) => {
                self.ticked.clear();
                tr!("volunteers.service_saved", count = n)
            }
            VolunteerSaved::Redemption => tr!("volunteers.redeem_saved"),
            VolunteerSaved::Volunteer(name) => {
                self.new_volunteer = Default::default();
                tr!("volunteers.volunteer_saved", name = name)
            }
            VolunteerSaved::Team(name) => {
                self.new_team.clear();
                self.new_team_parent = None;
                tr!("volunteers.team_saved", name = name)
            }
            VolunteerSaved::Skills => {
                // Read again from the roster that follows.
                self.skills_of = None;
                tr!("volunteers.skills_saved")
            }
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
                    self.ticked.clear();
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
        egui::Panel::right("volunteer-actions")
            .resizable(true)
            .default_size(360.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.actions(ui, roster, cmds));
            });
        if roster.volunteers.is_empty() {
            ui.label(tr!("volunteers.none"));
        } else {
            self.table(ui, roster);
        }
    }

    fn table(&mut self, ui: &mut Ui, roster: &Roster) {
        let negative = ui.visuals().error_fg_color;
        TableBuilder::new(ui)
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::remainder().at_least(90.0))
            .column(Column::auto().at_least(110.0))
            .column(Column::auto().at_least(90.0))
            .column(Column::auto().at_least(80.0))
            .column(Column::auto().at_least(50.0))
            .header(32.0, |mut h| {
                for t in [
                    tr!("volunteers.col.name"),
                    tr!("volunteers.col.team"),
                    tr!("volunteers.col.skills"),
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
                            self.ticked.insert(v.id.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(v.team_name.as_deref().or(v.team.as_deref()).unwrap_or(""));
                    });
                    row.col(|ui| {
                        ui.label(v.skills.join("、"));
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
        crate::gui::widgets::outcome(ui, self.message.as_ref());
        self.service_form(ui, roster, cmds);
        if let Some(volunteer) = self
            .selected
            .as_ref()
            .and_then(|id| roster.volunteers.iter().find(|v| &v.id == id))
        {
            ui.separator();
            ui.heading(&volunteer.name);
            ui.label(tr!(
                "volunteers.balance",
                hours = format!("{:.1}", volunteer.balance.hours()),
                points = volunteer.balance.points
            ));
            self.skills_form(ui, volunteer, cmds);
            ui.separator();
            self.redeem_form(ui, &volunteer.id, cmds);
        } else {
            ui.label(tr!("volunteers.pick"));
        }
        ui.separator();
        self.new_volunteer_form(ui, roster, cmds);
        ui.separator();
        self.new_team_form(ui, roster, cmds);
        ui.separator();
        self.new_activity_form(ui, roster, cmds);
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
            match service::amounts(&self.redeem_hours, &self.redeem_points, false) {
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
mod tests;
