//! The audit trail on the Reports page: who (person and device) changed or exported which
//! resident's or need's record, and when — for one resident (their record, the needs recorded
//! for them, and the exports that held them) or for every record. Read from the documents' own history (`Gridbook::audit`); changes kept
//! but ignored (not allowed by their author's role) are listed too, marked.

use egui::Ui;
use gridbook_model::AuditEntry;

use crate::gui::data::Data;
use crate::gui::messages::{AuditOf, Command};
use crate::gui::widgets::{chip, inline_field};
use crate::i18n::tr;

/// The newest entries shown; the CLI (`gridbook audit --json`) gives them all.
const SHOWN: usize = 200;

/// The audit section's own state.
#[derive(Default)]
pub(super) struct AuditView {
    search: String,
    asked: Option<AuditOf>,
}

impl AuditView {
    /// Draws the section; what it asks of the store goes to `cmds`.
    pub(super) fn show(&mut self, ui: &mut Ui, data: &Data, cmds: &mut Vec<Command>) {
        ui.collapsing(tr!("audit.heading"), |ui| {
            ui.label(tr!("audit.how"));
            ui.horizontal_wrapped(|ui| {
                inline_field(ui, &tr!("audit.resident"), "王秀英", &mut self.search);
                if chip(
                    ui,
                    self.asked == Some(AuditOf::Everything),
                    tr!("audit.everything"),
                )
                .clicked()
                {
                    self.ask(AuditOf::Everything, cmds);
                }
            });
            let wanted = self.search.trim().to_string();
            if !wanted.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    for (id, r) in data
                        .residents
                        .iter()
                        .filter(|(_, r)| r.name.contains(wanted.as_str()))
                        .take(8)
                    {
                        let of = AuditOf::Resident(id.clone());
                        if chip(ui, self.asked.as_ref() == Some(&of), &r.name).clicked() {
                            self.ask(of, cmds);
                        }
                    }
                });
            }
            if let Some((of, entries)) = &data.audit
                && self.asked.as_ref() == Some(of)
            {
                table(ui, data, entries);
            }
        });
    }

    fn ask(&mut self, of: AuditOf, cmds: &mut Vec<Command>) {
        self.asked = Some(of.clone());
        cmds.push(Command::LoadAudit(of));
    }
}

fn table(ui: &mut Ui, data: &Data, entries: &[AuditEntry]) {
    if entries.is_empty() {
        ui.label(tr!("audit.none"));
        return;
    }
    ui.label(tr!(
        "audit.count",
        shown = entries.len().min(SHOWN),
        total = entries.len()
    ));
    egui::Grid::new("audit").striped(true).show(ui, |ui| {
        for h in [
            "audit.at",
            "audit.who",
            "audit.device",
            "audit.record",
            "audit.what",
            "",
        ] {
            ui.strong(if h.is_empty() { String::new() } else { tr!(h) });
        }
        ui.end_row();
        for e in entries.iter().rev().take(SHOWN) {
            ui.label(e.at.to_rfc3339().chars().take(16).collect::<String>());
            ui.label(e.who.clone().unwrap_or_else(|| "—".into()));
            ui.monospace(e.device.chars().take(10).collect::<String>());
            let record = match e.kind {
                "resident" => format!(
                    "{} {}",
                    tr!("audit.kind_resident"),
                    data.resident_name(&e.record)
                ),
                // An export: of this resident's records, or (for every record) of these kinds.
                "export" if data.residents.contains_key(&e.record) => format!(
                    "{} {}",
                    tr!("audit.kind_export"),
                    data.resident_name(&e.record)
                ),
                "export" => format!("{} {}", tr!("audit.kind_export"), e.record),
                _ => format!("{} {}", tr!("audit.kind_need"), e.record),
            };
            ui.label(record);
            ui.label(&e.what);
            if e.counts {
                ui.label("");
            } else {
                ui.colored_label(ui.visuals().warn_fg_color, tr!("audit.ignored"));
            }
            ui.end_row();
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{Fixture, TestApp, settle, tap, type_into};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use gridbook_model::AuditEntry;

    /// Opens the Reports page's audit trail of 王秀英 and waits for it.
    fn trail_of_wang_xiuying(h: &mut Harness<'_, TestApp>) -> Vec<AuditEntry> {
        tap(h, "报表");
        settle(h);
        tap(h, "变更审计");
        type_into(h, "居民", "王秀");
        tap(h, "王秀英");
        settle(h);
        let (_, entries) = h.state().data.audit.clone().expect("the trail arrived");
        entries
    }

    #[test]
    fn the_office_sees_who_changed_a_residents_record() {
        let fx = Fixture::new();
        let mut h = fx.harness();
        let entries = trail_of_wang_xiuying(&mut h);
        assert!(!entries.is_empty());
        assert!(
            entries
                .iter()
                .all(|e| e.kind == "resident" || e.kind == "need")
        );
        // The fixture's store was written by its founder's device: 王芳.
        assert!(h.query_by_label("居民 王秀英").is_some());
        assert!(h.query_all_by_label("王芳").count() >= 1);
    }

    #[test]
    fn an_export_from_the_reports_page_is_in_the_residents_trail() {
        let fx = Fixture::new();
        fx.with_book(|b| {
            let id = b
                .residents()?
                .into_iter()
                .find(|(_, r)| r.name == "王秀英")
                .map(|(id, _)| id)
                .expect("the fixture's resident");
            let mut need = gridbook_model::NewNeed::new(
                "王秀英家需要送餐",
                gridbook_model::vocab::Category::ElderlyCare,
                "zt-g3",
            );
            need.resident = Some(id.parse().expect("a resident id"));
            b.add_need(need)
        });
        let mut h = fx.harness();
        tap(&mut h, "报表");
        settle(&mut h);
        tap(&mut h, "需求台账");
        tap(&mut h, "CSV");
        tap(&mut h, "导出");
        settle(&mut h);
        assert!(h.query_by_label_contains("已导出").is_some());
        // The office opens the audit afresh (the page has scrolled with the export's result).
        drop(h);
        let mut h = fx.harness();
        let entries = trail_of_wang_xiuying(&mut h);
        let exports: Vec<_> = entries.iter().filter(|e| e.kind == "export").collect();
        assert_eq!(exports.len(), 1, "{entries:#?}");
        assert_eq!(exports[0].who.as_deref(), Some("王芳"));
        assert!(
            exports[0].what.contains("not encrypted"),
            "{}",
            exports[0].what
        );
        assert!(h.query_by_label("导出 王秀英").is_some());
    }
}
