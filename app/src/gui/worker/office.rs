//! The worker's office work: the report of a period and place, the audit trail, and exports
//! and the public notice into the data directory's `exports` folder.

use crate::gui::messages::{AuditOf, Event, Origin, Refusal, ReportQuery, ReportShown};
use crate::gui::rows::NeedStats;
use crate::office::{Format, What};

use super::State;
use crate::error::{Doing as _, Step};

impl State {
    pub(super) fn send_audit(&mut self, of: AuditOf, send: &dyn Fn(Event)) {
        let resident = match &of {
            AuditOf::Everything => None,
            AuditOf::Resident(id) => Some(id.clone()),
        };
        match self.book.audit(resident.as_deref()) {
            Ok(entries) => send(Event::Audit(of, entries)),
            Err(e) => send(Event::Refused(Origin::Reports, e.into())),
        }
    }

    pub(super) fn export(
        &mut self,
        query: &ReportQuery,
        what: &[What],
        format: Format,
        send: &dyn Fn(Event),
    ) {
        match self.write_export(query, what, format) {
            Ok(wrote) => send(Event::Exported(wrote)),
            Err(e) => send(Event::Refused(Origin::Reports, Refusal::from(&e))),
        }
    }

    pub(super) fn send_report(&mut self, query: ReportQuery, send: &dyn Fn(Event)) {
        let scope = query.scope(self.book.now().day());
        match self.book.report(&scope) {
            Ok(report) => {
                let stats = NeedStats::of(self.rows.iter().filter(|n| scope.has_need(n)));
                send(Event::Report(Box::new(ReportShown {
                    query,
                    report,
                    stats,
                })));
            }
            Err(e) => send(Event::Refused(Origin::Reports, e.into())),
        }
    }

    /// Writes the public notice of the report's scope into `<data>/exports/` and opens it in
    /// the system's browser where there is one.
    pub(super) fn print_notice(&mut self, query: &ReportQuery, send: &dyn Fn(Event)) {
        let scope = query.scope(self.book.now().day());
        let written = self.export_path("notice", "html").and_then(|out| {
            crate::office::print::notice(&mut self.book, &scope, false)?
                .write(&mut self.book, &out)?;
            Ok(out)
        });
        match written {
            Ok(out) => {
                let opened = crate::office::print::open_in_browser(&out);
                send(Event::Printed {
                    path: out.display().to_string(),
                    opened,
                });
            }
            Err(e) => send(Event::Refused(Origin::Reports, Refusal::from(&e))),
        }
    }

    /// `<data>/exports/gridbook-<kind>-<time>.<ext>`, the folder made if need be.
    fn export_path(&mut self, kind: &str, ext: &str) -> anyhow::Result<std::path::PathBuf> {
        let dir = crate::office::exports_dir(&self.data_dir);
        std::fs::create_dir_all(&dir).doing(Step::Write(dir.clone()))?;
        let stamp = crate::office::stamp(self.book.now());
        Ok(dir.join(format!("gridbook-{kind}-{stamp}.{ext}")))
    }

    /// Writes the export into `<data>/exports/`, named by what it holds and when.
    fn write_export(
        &mut self,
        query: &ReportQuery,
        what: &[What],
        format: Format,
    ) -> anyhow::Result<String> {
        let scope = query.scope(self.book.now().day());
        let kind = match what {
            [What::Needs] => "needs",
            [What::Meetings] => "meetings",
            [What::Volunteers] => "volunteers",
            [What::Hours] => "hours",
            _ => "ledgers",
        };
        let ext = if format == Format::Csv { "csv" } else { "xlsx" };
        let out = self.export_path(kind, ext)?;
        crate::office::write(&mut self.book, format, what, &scope, &out, &[])?;
        Ok(out.display().to_string())
    }
}
