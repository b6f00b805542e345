//! Volunteers: a community's roster with each volunteer's time-bank balance, recomputed from
//! the ledger by the worker.

use egui::Ui;
use egui_extras::{Column, TableBuilder};

use super::i18n::tr;
use super::{Data, State};

/// Draws the roster.
pub fn show(ui: &mut Ui, state: &mut State, data: &Data) {
    ui.heading(tr!("volunteers.heading"));
    let Some(dir) = &data.directory else { return };
    ui.horizontal_wrapped(|ui| {
        ui.label(tr!("volunteers.community"));
        for (id, c) in &dir.communities {
            let selected = state.volunteer_community.as_ref() == Some(id);
            if super::widgets::chip(ui, selected, &c.name).clicked() && !selected {
                state.volunteer_community = Some(id.clone());
            }
        }
    });
    // The app asks the worker for the roster when this page shows another community's.
    let Some((community, roster)) = &data.volunteers else {
        ui.spinner();
        return;
    };
    if state.volunteer_community.as_ref() != Some(community) {
        ui.spinner();
        return;
    }
    if roster.is_empty() {
        ui.label(tr!("volunteers.none"));
        return;
    }
    TableBuilder::new(ui)
        .striped(true)
        .column(Column::remainder().at_least(120.0))
        .column(Column::auto().at_least(140.0))
        .column(Column::auto().at_least(110.0))
        .column(Column::auto().at_least(80.0))
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
            body.rows(32.0, roster.len(), |mut row| {
                let v = &roster[row.index()];
                row.col(|ui| {
                    ui.label(&v.name);
                });
                row.col(|ui| {
                    ui.label(v.team_name.as_deref().or(v.team.as_deref()).unwrap_or(""));
                });
                row.col(|ui| {
                    ui.label(format!("{:.1}", v.balance.hours()));
                });
                row.col(|ui| {
                    ui.label(v.balance.points.to_string());
                });
            });
        });
}
