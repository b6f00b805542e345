//! Reports: the office's numbers for a period and a place — needs found and how far round the
//! loop they came, per stage and category as charts, per community or grid and per month as
//! tables, topics settled per meeting level and volunteer hours per team — with the same
//! scope's ledgers exported to Excel or CSV.
//!
//! The numbers are the model's (`gridbook_model::report`), the ones `gridbook report` prints;
//! the worker computes them off the UI thread whenever the scope changes or the page opens.

use egui::Ui;
use egui_plot::{Bar, BarChart, Plot};
use gridbook_model::report::{NeedCounts, Report};
use gridbook_model::vocab::{MeetingLevel, ProjectKind};

use crate::gui::data::Data;
use crate::gui::messages::{Command, Period, Refusal, ReportQuery};
use crate::gui::rows::NeedStats;
use crate::gui::widgets::chip;
use crate::i18n::{tr, vocab};
use crate::office::What;

mod audit;
mod paper;

use crate::gui::messages::{Event, Origin};
use crate::gui::page::{Cx, Page};
use crate::gui::state::State;

/// The page's id (`GRIDBOOK_START_PAGE=reports`).
pub(crate) const ID: &str = "reports";

/// The page's own state.
#[derive(Default)]
pub(crate) struct ReportsView {
    query: ReportQuery,
    asked: Option<ReportQuery>,
    export_what: Option<What>,
    export_csv: bool,
    exported: Option<Result<String, String>>,
    /// The notice last printed: its path and whether a browser opened it, or why not.
    printed: Option<Result<(String, bool), String>>,
    /// The audit trail, at the page's end.
    audit: audit::AuditView,
}

/// A period's name on its chip.
fn period_label(period: Period) -> String {
    match period {
        Period::All => tr!("reports.all_time"),
        Period::ThisMonth => tr!("reports.this_month"),
        Period::Quarter => tr!("reports.three_months"),
        Period::ThisYear => tr!("reports.this_year"),
    }
}

impl ReportsView {
    /// An export finished: the file's path, or why not.
    pub(crate) fn exported(&mut self, result: Result<String, String>) {
        self.exported = Some(result);
    }

    /// An export or a print-out was refused (shown under both: the page does one at a time).
    pub(crate) fn refused(&mut self, refusal: Refusal) {
        let said = crate::gui::widgets::refusal_text(&refusal);
        self.exported = Some(Err(said.clone()));
        self.printed = Some(Err(said));
    }

    /// Forgets the shown report so that the page computes it again (its data may have moved).
    pub(crate) fn reopen(&mut self, data: &mut Data) {
        data.report = None;
        self.asked = None;
    }

    /// Asks for the report of the current scope unless it is shown or on its way.
    pub(crate) fn request(&mut self, data: &Data, cmds: &mut Vec<Command>) {
        let shown = data.report.as_ref().map(|r| &r.query);
        if shown != Some(&self.query) && self.asked.as_ref() != Some(&self.query) {
            self.asked = Some(self.query.clone());
            cmds.push(Command::LoadReport(self.query.clone()));
        }
    }

    /// Draws the page, with `more` (the audit trail) at its end.
    pub(crate) fn show(
        &mut self,
        ui: &mut Ui,
        data: &Data,
        cmds: &mut Vec<Command>,
        more: impl FnOnce(&mut Ui, &mut Vec<Command>),
    ) {
        ui.heading(tr!("reports.heading"));
        self.scope_bar(ui, data);
        ui.separator();
        let Some(shown) = data.report.as_ref().filter(|r| r.query == self.query) else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr!("common.working"));
            });
            return;
        };
        egui::ScrollArea::vertical().show(ui, |ui| {
            headline(ui, &shown.report.needs);
            ui.add_space(8.0);
            charts(ui, &shown.stats);
            ui.add_space(8.0);
            by_place(ui, data, &shown.report);
            ui.add_space(8.0);
            by_month(ui, &shown.report);
            ui.add_space(8.0);
            topics(ui, &shown.report);
            ui.add_space(8.0);
            hours(ui, data, &shown.report);
            ui.add_space(8.0);
            self.export(ui, cmds);
            ui.add_space(8.0);
            self.print(ui, cmds);
            ui.add_space(8.0);
            more(ui, cmds);
        });
    }

    fn scope_bar(&mut self, ui: &mut Ui, data: &Data) {
        ui.horizontal_wrapped(|ui| {
            for p in Period::ALL {
                if chip(ui, self.query.period == p, period_label(p)).clicked() {
                    self.query.period = p;
                }
            }
        });
        let Some(dir) = &data.directory else { return };
        ui.horizontal_wrapped(|ui| {
            if chip(
                ui,
                self.query.community.is_none(),
                tr!("reports.every_community"),
            )
            .clicked()
            {
                self.query.community = None;
                self.query.grid = None;
            }
            for (code, c) in &dir.communities {
                let selected = self.query.community.as_deref() == Some(code);
                if chip(ui, selected, &c.name).clicked() && !selected {
                    self.query.community = Some(code.clone());
                    self.query.grid = None;
                }
            }
        });
        if let Some(community) = self.query.community.clone() {
            ui.horizontal_wrapped(|ui| {
                if chip(ui, self.query.grid.is_none(), tr!("reports.every_grid")).clicked() {
                    self.query.grid = None;
                }
                for id in dir.grids.keys() {
                    if data.grid_community(id).as_deref() != Some(community.as_str()) {
                        continue;
                    }
                    let selected = self.query.grid.as_deref() == Some(id);
                    if chip(ui, selected, data.grid_name(id)).clicked() {
                        self.query.grid = Some(id.clone());
                    }
                }
            });
        }
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.1}%", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// The figures the subdistrict asks for first, as one row of labelled numbers.
fn headline(ui: &mut Ui, c: &NeedCounts) {
    let projects: usize = c.projects.values().sum();
    let figures = [
        (tr!("reports.found"), c.found.to_string()),
        (tr!("reports.classified"), c.classified.to_string()),
        (tr!("reports.direct"), c.direct.to_string()),
        (tr!("reports.projects"), projects.to_string()),
        (tr!("reports.claimed"), c.claimed.to_string()),
        (tr!("reports.completed"), c.completed.to_string()),
        (tr!("reports.loop_rate"), pct(c.closed_loop_rate)),
        (tr!("reports.avg_satisfaction"), num(c.average_satisfaction)),
        (tr!("reports.days_to_close"), num(c.median_days_to_close)),
    ];
    // Two rows of labels over their figures: readable at 1024 wide.
    egui::Grid::new("headline")
        .min_col_width(110.0)
        .spacing(egui::vec2(16.0, 2.0))
        .show(ui, |ui| {
            for row in figures.chunks(5) {
                for (label, _) in row {
                    ui.label(label);
                }
                ui.end_row();
                for (_, value) in row {
                    ui.heading(value);
                }
                ui.end_row();
            }
        });
    if projects > 0 {
        let kinds: Vec<String> = ProjectKind::ALL
            .iter()
            .map(|k| format!("{} {}", vocab(*k), c.projects.get(k.token()).unwrap_or(&0)))
            .collect();
        ui.label(tr!("reports.project_kinds", kinds = kinds.join("，")));
    }
}

fn charts(ui: &mut Ui, s: &NeedStats) {
    let stages: Vec<(String, usize)> = s.per_stage.iter().map(|(k, n)| (vocab(*k), *n)).collect();
    let categories: Vec<(String, usize)> = s
        .per_category
        .iter()
        .map(|(k, n)| (vocab(*k), *n))
        .collect();
    ui.columns(2, |cols| {
        chart(
            &mut cols[0],
            "per-stage",
            &tr!("reports.per_stage"),
            &stages,
        );
        chart(
            &mut cols[1],
            "per-category",
            &tr!("reports.per_category"),
            &categories,
        );
    });
}

fn chart(ui: &mut Ui, id: &str, title: &str, values: &[(String, usize)]) {
    ui.strong(title);
    let bars: Vec<Bar> = values
        .iter()
        .enumerate()
        .map(|(i, (name, n))| Bar::new(i as f64, *n as f64).name(name).width(0.6))
        .collect();
    let names: Vec<String> = values.iter().map(|(n, _)| n.clone()).collect();
    Plot::new(id)
        .height(200.0)
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

/// A table of counts, one row per key.
fn counts_table(ui: &mut Ui, id: &str, first: String, rows: Vec<(String, &NeedCounts)>) {
    egui::Grid::new(id).striped(true).show(ui, |ui| {
        ui.strong(first);
        for h in [
            "reports.found",
            "reports.classified",
            "reports.projects",
            "reports.claimed",
            "reports.completed",
            "reports.loop_rate",
            "reports.avg_satisfaction",
        ] {
            ui.strong(tr!(h));
        }
        ui.end_row();
        for (key, c) in rows {
            ui.label(key);
            ui.label(c.found.to_string());
            ui.label(c.classified.to_string());
            ui.label(c.projects.values().sum::<usize>().to_string());
            ui.label(c.claimed.to_string());
            ui.label(c.completed.to_string());
            ui.label(pct(c.closed_loop_rate));
            ui.label(num(c.average_satisfaction));
            ui.end_row();
        }
    });
}

fn by_place(ui: &mut Ui, data: &Data, r: &Report) {
    if r.by_place.is_empty() {
        return;
    }
    let per_grid = r.community.is_some();
    let (title, first) = if per_grid {
        (tr!("reports.by_grid"), tr!("reports.grid"))
    } else {
        (tr!("reports.by_community"), tr!("reports.community"))
    };
    ui.strong(title);
    let rows = r
        .by_place
        .iter()
        .map(|b| {
            let name = if per_grid {
                data.grid_name(&b.key).to_string()
            } else {
                community_name(data, &b.key)
            };
            (name, &b.needs)
        })
        .collect();
    counts_table(ui, "by-place", first, rows);
}

fn by_month(ui: &mut Ui, r: &Report) {
    if r.by_month.is_empty() {
        return;
    }
    ui.collapsing(tr!("reports.by_month"), |ui| {
        let rows = r
            .by_month
            .iter()
            .rev()
            .map(|b| (b.key.clone(), &b.needs))
            .collect();
        counts_table(ui, "by-month", tr!("reports.month"), rows);
    });
}

fn topics(ui: &mut Ui, r: &Report) {
    ui.strong(tr!("reports.topics"));
    egui::Grid::new("topics").striped(true).show(ui, |ui| {
        for h in [
            "reports.level",
            "reports.meetings",
            "reports.topic_count",
            "reports.settled",
        ] {
            ui.strong(tr!(h));
        }
        ui.end_row();
        for level in MeetingLevel::ALL {
            let t = r.topics.get(level.token()).cloned().unwrap_or_default();
            ui.label(vocab(*level));
            ui.label(t.meetings.to_string());
            ui.label(t.topics.to_string());
            ui.label(t.settled.to_string());
            ui.end_row();
        }
    });
}

fn hours(ui: &mut Ui, data: &Data, r: &Report) {
    ui.strong(tr!("reports.hours"));
    if r.hours.is_empty() {
        ui.label(tr!("reports.no_hours"));
        return;
    }
    egui::Grid::new("hours").striped(true).show(ui, |ui| {
        for h in [
            "reports.community",
            "reports.team",
            "reports.hours_col",
            "reports.volunteers",
        ] {
            ui.strong(tr!(h));
        }
        ui.end_row();
        for h in &r.hours {
            ui.label(community_name(data, &h.community));
            ui.label(
                h.team_name
                    .clone()
                    .or_else(|| h.team.clone())
                    .unwrap_or_else(|| tr!("reports.no_team")),
            );
            ui.label(format!("{:.1}", h.hours));
            ui.label(h.volunteers.to_string());
            ui.end_row();
        }
    });
}

fn community_name(data: &Data, code: &str) -> String {
    data.directory
        .as_ref()
        .and_then(|d| d.communities.get(code))
        .map_or_else(|| code.to_string(), |c| c.name.clone())
}

impl Page for ReportsView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.reports"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        let mut audit = std::mem::take(&mut self.audit);
        let data = cx.data;
        ReportsView::show(self, ui, data, cx.cmds, |ui, cmds| {
            audit.show(ui, data, cmds)
        });
        self.audit = audit;
    }

    /// Every visit counts again: needs may have moved since.
    fn opened(&mut self, data: &mut Data, _cmds: &mut Vec<Command>) {
        self.reopen(data);
    }

    fn request(&mut self, _state: &State, data: &Data, cmds: &mut Vec<Command>) {
        ReportsView::request(self, data, cmds);
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::Exported(path) => self.exported(Ok(path.clone())),
            Event::Printed { path, opened } => self.printed = Some(Ok((path.clone(), *opened))),
            Event::Refused(Origin::Reports, refusal) => self.refused(refusal.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::messages::Period;
    use crate::gui::testing::{Fixture, settle, tap};
    use egui_kittest::kittest::Queryable;
    use gridbook_model::time::Day;
    use gridbook_model::vocab::Category;

    #[test]
    fn the_office_reports_a_community_and_exports_its_ledger() {
        let fx = Fixture::new();
        fx.with_book(|book| {
            for title in ["楼道灯不亮", "12栋电梯异响"] {
                book.add_need(gridbook_model::NewNeed::new(
                    title,
                    Category::Facilities,
                    "zt-g3",
                ))?;
            }
            Ok(())
        });
        let mut h = fx.harness();
        tap(&mut h, "报表");
        settle(&mut h);
        let report = &h.state().data.report.as_ref().unwrap().report;
        assert_eq!(report.needs.found, 2);
        assert!(h.query_by_label("各社区").is_some());
        // One community: the table turns to its grids.
        // The chip (the community's row in the table below has the same name).
        h.query_all_by_label("中台社区").next().unwrap().click();
        settle(&mut h);
        assert!(h.query_by_label("各网格").is_some());
        assert_eq!(
            h.query_all_by_label("第3网格").count(),
            2,
            "its chip and its row"
        );
        assert_eq!(
            h.state()
                .data
                .report
                .as_ref()
                .unwrap()
                .query
                .community
                .as_deref(),
            Some("zt")
        );
        // The needs ledger of that scope as CSV, into the data directory's exports.
        tap(&mut h, "需求台账");
        tap(&mut h, "CSV");
        tap(&mut h, "导出");
        settle(&mut h);
        assert!(h.query_by_label_contains("已导出").is_some());
        let exports: Vec<_> = exports(&fx);
        assert_eq!(exports.len(), 1);
        let csv = std::fs::read_to_string(&exports[0]).unwrap();
        assert!(
            csv.starts_with("\u{feff}台账编号,"),
            "UTF-8 with a BOM, Chinese headers"
        );
        assert_eq!(csv.lines().count(), 3, "the header and two needs");
        assert!(csv.contains("楼道灯不亮") && csv.contains("12栋电梯异响"));
    }

    /// The files in the fixture's exports folder.
    fn exports(fx: &Fixture) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(fx.path().join("exports"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }

    #[test]
    fn the_office_prints_the_public_notice_into_its_exports() {
        let fx = Fixture::new();
        fx.with_book(|book| {
            let mut need =
                gridbook_model::NewNeed::new("王秀英家楼道灯不亮", Category::Facilities, "zt-g3");
            need.resident_name = Some("王秀英".into());
            book.add_need(need)?;
            Ok(())
        });
        let mut h = fx.harness();
        tap(&mut h, "报表");
        settle(&mut h);
        tap(&mut h, "打印公示");
        settle(&mut h);
        assert!(h.query_by_label_contains("已生成公示").is_some());
        assert!(
            h.query_by_label_contains("没有打开浏览器").is_some(),
            "tests start no browser, and the page says where the file is"
        );
        crate::gui::testing::assert_speaks_chinese(&h);
        let exports: Vec<_> = exports(&fx);
        assert_eq!(exports.len(), 1);
        assert_eq!(exports[0].extension().unwrap(), "html");
        let html = std::fs::read_to_string(&exports[0]).unwrap();
        assert!(html.contains("民生需求办理情况公示") && html.contains("某居民家楼道灯不亮"));
        assert!(!html.contains("王秀英"), "the notice names no one");
        drop(h);
        let logged = fx.with_book(|book| book.audit(None));
        assert!(
            format!("{logged:?}").contains("public notice"),
            "logged like any export"
        );
    }

    #[test]
    fn periods_count_back_from_today() {
        let today: Day = "2026-02-14".parse().unwrap();
        let day = |p: Period| p.from(today).map(|d| d.to_string());
        assert_eq!(day(Period::All), None);
        assert_eq!(day(Period::ThisMonth).as_deref(), Some("2026-02-01"));
        assert_eq!(day(Period::Quarter).as_deref(), Some("2025-12-01"));
        assert_eq!(day(Period::ThisYear).as_deref(), Some("2026-01-01"));
    }
}
