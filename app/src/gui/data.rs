//! What the worker last sent: the pages draw from this and never from the store.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use gridbook_model::conflict::Conflict;
use gridbook_model::ids::MemberId;
use gridbook_model::need::Need;
use gridbook_model::register_search::RegisterIndex;
use gridbook_model::summary::{MeetingSummary, NeedSummary};
use gridbook_model::vocab::Role;
use gridbook_model::{DirectoryView, HistoryEntry, MeetingView, Resident};

use super::messages::{AuditOf, Event, Origin, ReportShown, Roster};
use super::rows::{NeedFilter, NeedStats};

#[derive(Default)]
pub(crate) struct Data {
    /// Where the store is, once open.
    pub data_dir: Option<PathBuf>,
    /// Why the store could not be opened.
    pub open_error: Option<String>,
    /// Communities, grids, buildings, members.
    pub directory: Option<DirectoryView>,
    /// The residents' register by id.
    pub residents: Arc<BTreeMap<String, Resident>>,
    /// The register's search index (made by the worker when the register changes).
    pub register_index: Arc<RegisterIndex>,
    /// The member using this device, if set.
    pub me: Option<MemberId>,
    /// Every need's summary row.
    pub rows: Arc<Vec<NeedSummary>>,
    /// Positions in `rows` the filter keeps, in display order.
    pub shown: Arc<Vec<usize>>,
    /// Figures over every need.
    pub stats: Arc<NeedStats>,
    /// The filter `shown` was made with.
    pub shown_filter: NeedFilter,
    /// The need open in the detail panel, with its concurrent values.
    pub need: Option<(Need, Vec<Conflict>)>,
    /// The open need's history, oldest first.
    pub need_history: Vec<HistoryEntry>,
    /// The meetings.
    pub meetings: Vec<MeetingSummary>,
    /// The meeting open on the meetings page.
    pub meeting: Option<MeetingView>,
    /// The roster of `State::volunteer_community`.
    pub volunteers: Option<Roster>,
    /// A failure that belongs to no view.
    pub status: Option<String>,
    /// The devices this one knows (the sync page).
    pub peers: Vec<gridbook_sync::peers::PeerView>,
    /// The network's relay server (settings).
    pub relay: Option<String>,
    /// The audit trail last read (the reports page), and whose.
    pub audit: Option<(AuditOf, Vec<gridbook_model::AuditEntry>)>,
    /// The report last computed (the reports page).
    pub report: Option<ReportShown>,
}

impl Data {
    /// A grid's name, or its id if the directory does not know it.
    pub(crate) fn grid_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.directory
            .as_ref()
            .and_then(|d| d.grids.get(id))
            .map_or(id, |g| g.name.as_str())
    }

    /// A grid's name with its community's, for choosing among grids of several communities
    /// (every community has a 第1网格).
    /// The code of the community a grid is in (a grid's parent is its community or a courtyard
    /// in it).
    pub(crate) fn grid_community(&self, id: &str) -> Option<String> {
        let d = self.directory.as_ref()?;
        let mut parent = d.grids.get(id)?.parent.as_deref();
        if let Some(p) = parent
            && let Some(courtyard) = d.courtyards.get(p)
        {
            parent = courtyard.parent.as_deref();
        }
        parent.map(str::to_string)
    }

    pub(crate) fn grid_label(&self, id: &str) -> String {
        let Some(d) = &self.directory else {
            return id.to_string();
        };
        let Some(grid) = d.grids.get(id) else {
            return id.to_string();
        };
        match self.grid_community(id).and_then(|c| d.communities.get(&c)) {
            Some(c) => format!("{} {}", c.name, grid.name),
            None => grid.name.clone(),
        }
    }

    /// A building's name, or its id.
    pub(crate) fn building_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.directory
            .as_ref()
            .and_then(|d| d.buildings.get(id))
            .map_or(id, |b| b.name.as_str())
    }

    /// Whether this device is an active admin's: it alone may change members, devices and
    /// places (the pages show others the lists, read-only).
    pub(crate) fn is_admin(&self) -> bool {
        self.peers.iter().any(|p| {
            p.this_device && p.revoked.is_none() && p.role.as_deref() == Some(Role::Admin.token())
        })
    }

    /// A resident's household address in words: building name, unit, room.
    pub(crate) fn resident_address(&self, r: &Resident) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(b) = &r.building {
            parts.push(self.building_name(b).to_string());
        }
        if let Some(u) = r.unit.as_deref().filter(|u| !u.is_empty()) {
            parts.push(crate::i18n::tr!(
                "register.unit",
                unit = u.trim_end_matches("单元")
            ));
        }
        if let Some(room) = r.room.as_deref().filter(|r| !r.is_empty()) {
            parts.push(crate::i18n::tr!(
                "register.room",
                room = room.trim_end_matches("室")
            ));
        }
        parts.join(" ")
    }

    /// A resident's name, or their id.
    pub(crate) fn resident_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.residents.get(id).map_or(id, |r| r.name.as_str())
    }
}

impl Data {
    /// Keeps what an answer of the worker's holds (the pages have seen it first).
    pub(crate) fn keep(&mut self, event: Event) {
        match event {
            Event::Opened {
                data_dir,
                directory,
                me,
            } => {
                self.data_dir = Some(data_dir);
                self.directory = Some(*directory);
                self.me = me;
            }
            Event::Directory(directory, me) => {
                self.directory = Some(*directory);
                self.me = me;
            }
            Event::Register(register) => {
                self.residents = register.residents;
                self.register_index = register.index;
            }
            Event::OpenFailed(e) => self.open_error = Some(e),
            Event::Needs {
                rows,
                shown,
                stats,
                filter,
            } => {
                self.rows = rows;
                self.shown = shown;
                self.stats = stats;
                self.shown_filter = filter;
            }
            Event::NeedDetail(need, conflicts, history) => {
                self.need_history = history;
                self.need = Some((*need, conflicts));
            }
            Event::Meetings(m) => self.meetings = m,
            Event::Meeting(m) => self.meeting = Some(*m),
            Event::Volunteers(roster) => self.volunteers = Some(*roster),
            Event::Peers(peers) => self.peers = peers,
            Event::Relay(relay) => self.relay = relay,
            Event::Report(report) => self.report = Some(*report),
            Event::Audit(of, entries) => self.audit = Some((of, entries)),
            Event::Refused(Origin::General, refusal) => {
                self.status = Some(super::widgets::refusal_text(&refusal));
            }
            Event::NeedSaved(..)
            | Event::AgendaSaved
            | Event::MeetingCreated(_)
            | Event::WalkInSignedIn(_)
            | Event::MeetingPrinted { .. }
            | Event::VolunteerSaved(_)
            | Event::OfficeSaved(_)
            | Event::ResidentSaved(_)
            | Event::Exported(_)
            | Event::Printed { .. }
            | Event::Progress(..)
            | Event::SheetRead(_)
            | Event::SheetImported(..)
            | Event::BundleWritten(_)
            | Event::BundleMerged(_)
            | Event::Refused(..)
            | Event::Done => {}
        }
    }
}
