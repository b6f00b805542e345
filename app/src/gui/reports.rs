//! Reports: needs per stage and per category as bar charts, the closed-loop rate and the
//! average satisfaction, over every need on this device.

use egui::Ui;
use egui_plot::{Bar, BarChart, Plot};

use super::Data;
use super::i18n::{tr, vocab};

/// Draws the reports.
pub fn show(ui: &mut Ui, data: &Data) {
    let s = &data.stats;
    ui.heading(tr!("reports.heading"));
    let rate = if s.total == 0 {
        "—".to_string()
    } else {
        format!("{:.1}%", 100.0 * s.completed as f64 / s.total as f64)
    };
    ui.label(tr!(
        "reports.closed_loop",
        rate = rate,
        done = s.completed,
        total = s.total
    ));
    ui.label(match s.avg_satisfaction {
        Some(a) => tr!("reports.satisfaction", avg = format!("{a:.2} / 5")),
        None => tr!("reports.no_satisfaction"),
    });
    let height = ((ui.available_height() - 60.0) / 2.0).max(160.0);
    let stages: Vec<(String, usize)> = s.per_stage.iter().map(|(k, n)| (vocab(*k), *n)).collect();
    chart(ui, "per-stage", &tr!("reports.per_stage"), &stages, height);
    let categories: Vec<(String, usize)> = s
        .per_category
        .iter()
        .map(|(k, n)| (vocab(*k), *n))
        .collect();
    chart(
        ui,
        "per-category",
        &tr!("reports.per_category"),
        &categories,
        height,
    );
}

fn chart(ui: &mut Ui, id: &str, title: &str, values: &[(String, usize)], height: f32) {
    ui.strong(title);
    let bars: Vec<Bar> = values
        .iter()
        .enumerate()
        .map(|(i, (name, n))| Bar::new(i as f64, *n as f64).name(name).width(0.6))
        .collect();
    let names: Vec<String> = values.iter().map(|(n, _)| n.clone()).collect();
    Plot::new(id)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_x(false)
        .x_axis_formatter(move |mark, _range| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| plot.bar_chart(BarChart::new(title, bars)));
}
