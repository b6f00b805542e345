//! The roster itself: a new volunteer (name, phone, skills, team), a new team or sub-team, and
//! a volunteer's skills.

use egui::Ui;
use gridbook_model::VolunteerView;
use gridbook_model::ids::TeamId;

use super::VolunteersView;
use crate::gui::messages::{Command, Roster};
use crate::gui::widgets::{big_button, chip, inline_field};
use crate::i18n::tr;

/// The add-a-volunteer form as typed.
#[derive(Default)]
pub(super) struct NewVolunteerForm {
    name: String,
    phone: String,
    skills: String,
    team: Option<TeamId>,
}

impl VolunteersView {
    pub(super) fn new_volunteer_form(
        &mut self,
        ui: &mut Ui,
        roster: &Roster,
        cmds: &mut Vec<Command>,
    ) {
        let form = &mut self.new_volunteer;
        ui.strong(tr!("volunteers.new_volunteer"));
        inline_field(ui, &tr!("volunteers.volunteer_name"), "", &mut form.name);
        inline_field(ui, &tr!("volunteers.volunteer_phone"), "", &mut form.phone);
        inline_field(
            ui,
            &tr!("volunteers.volunteer_skills"),
            &tr!("volunteers.skills_hint"),
            &mut form.skills,
        );
        team_chips(ui, roster, &mut form.team, "volunteers.join_team");
        if big_button(ui, tr!("volunteers.add_volunteer")) {
            let phone = form.phone.trim();
            cmds.push(Command::AddVolunteer {
                community: roster.community.clone(),
                name: form.name.trim().to_string(),
                phone: (!phone.is_empty()).then(|| phone.to_string()),
                skills: split_skills(&form.skills),
                team: form.team.clone(),
            });
        }
    }

    pub(super) fn new_team_form(&mut self, ui: &mut Ui, roster: &Roster, cmds: &mut Vec<Command>) {
        ui.strong(tr!("volunteers.new_team"));
        inline_field(
            ui,
            &tr!("volunteers.team_name"),
            &tr!("volunteers.team_hint"),
            &mut self.new_team,
        );
        team_chips(
            ui,
            roster,
            &mut self.new_team_parent,
            "volunteers.under_team",
        );
        if big_button(ui, tr!("volunteers.add_team")) {
            cmds.push(Command::AddTeam {
                community: roster.community.clone(),
                name: self.new_team.trim().to_string(),
                parent: self.new_team_parent.clone(),
            });
        }
    }

    pub(super) fn skills_form(
        &mut self,
        ui: &mut Ui,
        volunteer: &VolunteerView,
        cmds: &mut Vec<Command>,
    ) {
        if self.skills_of.as_ref() != Some(&volunteer.id) {
            self.skills_of = Some(volunteer.id.clone());
            self.skills = volunteer.skills.join("、");
        }
        inline_field(
            ui,
            &tr!("volunteers.skills"),
            &tr!("volunteers.skills_hint"),
            &mut self.skills,
        );
        if big_button(ui, tr!("volunteers.save_skills")) {
            cmds.push(Command::SetSkills(
                volunteer.id.clone(),
                split_skills(&self.skills),
            ));
        }
    }
}

/// A choice of team as chips (tapping the chosen one again unchooses it), each labelled by
/// `key` with the team's name: the same team is offered by two forms, and a screen reader must
/// tell their chips apart.
fn team_chips(ui: &mut Ui, roster: &Roster, chosen: &mut Option<TeamId>, key: &str) {
    if roster.teams.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for (id, team) in &roster.teams {
            let Ok(id) = id.parse::<TeamId>() else {
                continue;
            };
            let name = match team
                .parent
                .as_ref()
                .and_then(|p| roster.teams.get(p.as_str()))
            {
                Some(parent) => format!("{} / {}", parent.name, team.name),
                None => team.name.clone(),
            };
            let selected = chosen.as_ref() == Some(&id);
            if chip(ui, selected, tr!(key, team = name)).clicked() {
                *chosen = if selected { None } else { Some(id) };
            }
        }
    });
}

/// Skills as typed, separated by commas, 、 or spaces.
fn split_skills(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
