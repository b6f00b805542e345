//! Service at an activity: pick the activity, tick everyone who came, type the hours and points
//! once, and record them all in one command (one change, one store transaction).

use egui::Ui;
use gridbook_model::ids::VolunteerId;

use super::VolunteersView;
use crate::gui::messages::{Command, Roster};
use crate::gui::widgets::{big_button, chip, inline_field};
use crate::i18n::tr;

/// Activities offered as chips, latest first.
const ACTIVITIES_SHOWN: usize = 8;

impl VolunteersView {
    pub(super) fn service_form(&mut self, ui: &mut Ui, roster: &Roster, cmds: &mut Vec<Command>) {
        ui.strong(tr!("volunteers.service"));
        if roster.activities.is_empty() {
            ui.label(tr!("volunteers.no_activities"));
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for a in roster.activities.iter().take(ACTIVITIES_SHOWN) {
                let selected = self.activity.as_ref() == Some(&a.id);
                let text = format!("{} {}", a.day, a.title);
                if chip(ui, selected, text).clicked() {
                    self.activity = Some(a.id.clone());
                }
            }
        });
        if roster.volunteers.is_empty() {
            return;
        }
        ui.label(tr!("volunteers.who_came"));
        ui.horizontal_wrapped(|ui| {
            for v in &roster.volunteers {
                let mut ticked = self.ticked.contains(&v.id);
                let label = tr!("volunteers.came", name = v.name);
                if ui.checkbox(&mut ticked, label).changed() {
                    if ticked {
                        self.ticked.insert(v.id.clone());
                    } else {
                        self.ticked.remove(&v.id);
                    }
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
            self.record(roster, cmds);
        }
    }

    /// The service as ticked and typed, or why not.
    fn record(&mut self, roster: &Roster, cmds: &mut Vec<Command>) {
        let Some(activity) = self.activity.clone() else {
            self.message = Some(Err(tr!("volunteers.pick_activity")));
            return;
        };
        // Only those on the roster shown: a tick left from another community does not count.
        let volunteers: Vec<VolunteerId> = roster
            .volunteers
            .iter()
            .filter(|v| self.ticked.contains(&v.id))
            .map(|v| v.id.clone())
            .collect();
        if volunteers.is_empty() {
            self.message = Some(Err(tr!("volunteers.tick_someone")));
            return;
        }
        match amounts(&self.service_hours, &self.service_points, true) {
            Ok((minutes, points)) => cmds.push(Command::RecordService {
                activity,
                volunteers,
                minutes: minutes as u32,
                points: points as u32,
            }),
            Err(e) => self.message = Some(Err(e)),
        }
    }
}

/// Hours (decimals allowed) and points as typed: minutes and points. Points left empty are
/// the hours, rounded, when `points_follow_hours` (the time bank's usual one point an hour).
pub(super) fn amounts(
    hours: &str,
    points: &str,
    points_follow_hours: bool,
) -> Result<(i64, i64), String> {
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
