//! The Gridbook app: an eframe/egui GUI over the same store the CLI uses.
//!
//! [`GridbookApp`] keeps what is remembered between runs in [`State`] apart from the runtime
//! handles (the worker that owns the store, the data it last sent). Views record
//! [`Command`]s while they draw; the app sends them to the worker after drawing, and the
//! worker's answers arrive through an inbox that requests a repaint.

pub mod bench;

mod audit;
mod first_run;
mod history;
mod meeting_agenda;
mod meetings;
mod messages;
mod need_assign;
mod need_step;
mod needs;
mod net;
mod new_need;
mod owner;
mod reports;
mod rows;
mod settings;
mod sync_page;
mod unlock;
mod volunteers;
mod widgets;
mod worker;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use gridbook_model::conflict::Conflict;
use gridbook_model::ids::MemberId;
use gridbook_model::need::Need;
use gridbook_model::summary::{MeetingSummary, NeedSummary};
use gridbook_model::{DirectoryView, HistoryEntry, MeetingView, Resident};
use serde::{Deserialize, Serialize};

use crate::fonts;
use crate::i18n::{self, Language, tr};
use rows::{NeedFilter, NeedStats};
use worker::{Command, Event, Origin, Worker};

/// The key the app's state is stored under in eframe's storage.
const STATE_KEY: &str = "gridbook-state";

/// A page of the app, picked in the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Page {
    /// The needs table with its detail panel.
    #[default]
    Needs,
    /// The door-step form.
    NewNeed,
    /// Deliberation meetings.
    Meetings,
    /// Volunteers and the time bank.
    Volunteers,
    /// Charts and figures.
    Reports,
    /// Devices meeting each other.
    Sync,
    /// Language and data location.
    Settings,
}

impl Page {
    const ALL: [Page; 7] = [
        Page::Needs,
        Page::NewNeed,
        Page::Meetings,
        Page::Volunteers,
        Page::Reports,
        Page::Sync,
        Page::Settings,
    ];

    /// The page's name on the command line and in `GRIDBOOK_START_PAGE`.
    fn token(self) -> &'static str {
        match self {
            Page::Needs => "needs",
            Page::NewNeed => "new-need",
            Page::Meetings => "meetings",
            Page::Volunteers => "volunteers",
            Page::Reports => "reports",
            Page::Sync => "sync",
            Page::Settings => "settings",
        }
    }

    fn label(self) -> String {
        match self {
            Page::Needs => tr!("nav.needs"),
            Page::NewNeed => tr!("nav.new_need"),
            Page::Meetings => tr!("nav.meetings"),
            Page::Volunteers => tr!("nav.volunteers"),
            Page::Reports => tr!("nav.reports"),
            Page::Sync => tr!("nav.sync"),
            Page::Settings => tr!("nav.settings"),
        }
    }
}

/// What the app remembers between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// The language of the UI.
    pub language: Language,
    /// The page shown.
    pub page: Page,
    /// The needs view's filter.
    pub filter: NeedFilter,
    /// The grid the door-step form starts in (a grid worker works one grid).
    pub last_grid: Option<String>,
    /// The community whose volunteers are listed.
    pub volunteer_community: Option<String>,
    /// The idle time after which the app locks (see unlock.rs).
    pub lock_after: unlock::LockAfter,
}

/// What the worker last sent: the views draw from this and never from the store.
#[derive(Default)]
pub struct Data {
    /// Where the store is, once open.
    pub data_dir: Option<PathBuf>,
    /// Why the store could not be opened.
    pub open_error: Option<String>,
    /// Communities, grids, buildings, members.
    pub directory: Option<DirectoryView>,
    /// The residents' register by id.
    pub residents: Arc<BTreeMap<String, Resident>>,
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
    pub volunteers: Option<volunteers::Roster>,
    /// A failure that belongs to no view.
    pub status: Option<String>,
    /// The devices this one knows (the sync page).
    pub peers: Vec<gridbook_sync::peers::PeerView>,
    /// The network's relay server (settings).
    pub relay: Option<String>,
    /// The audit trail last read (the reports page), and whose.
    pub audit: Option<(audit::AuditOf, Vec<gridbook_model::AuditEntry>)>,
    /// The report last computed (the reports page).
    pub report: Option<reports::ReportShown>,
}

impl Data {
    /// A grid's name, or its id if the directory does not know it.
    pub fn grid_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.directory
            .as_ref()
            .and_then(|d| d.grids.get(id))
            .map_or(id, |g| g.name.as_str())
    }

    /// A grid's name with its community's, for choosing among grids of several communities
    /// (every community has a 第1网格).
    /// The code of the community a grid is in (a grid's parent is its community or a courtyard
    /// in it).
    pub fn grid_community(&self, id: &str) -> Option<String> {
        let d = self.directory.as_ref()?;
        let mut parent = d.grids.get(id)?.parent.as_deref();
        if let Some(p) = parent
            && let Some(courtyard) = d.courtyards.get(p)
        {
            parent = courtyard.parent.as_deref();
        }
        parent.map(str::to_string)
    }

    pub fn grid_label(&self, id: &str) -> String {
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
    pub fn building_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.directory
            .as_ref()
            .and_then(|d| d.buildings.get(id))
            .map_or(id, |b| b.name.as_str())
    }

    /// A resident's name, or their id.
    pub fn resident_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.residents.get(id).map_or(id, |r| r.name.as_str())
    }
}

/// The app.
pub struct GridbookApp {
    /// Remembered between runs.
    pub state: State,
    /// From the worker.
    pub data: Data,
    /// The sync node, when the app syncs (declared before the worker: it stops first, while
    /// the worker still runs its store jobs).
    net: Option<net::Net>,
    worker: Worker,
    sync: sync_page::SyncView,
    reports: reports::ReportsView,
    audit: audit::AuditView,
    settings: settings::SettingsView,
    net_commands: Vec<net::NetCommand>,
    needs: needs::NeedsView,
    new_need: new_need::NewNeedView,
    meetings: meetings::MeetingsView,
    volunteers: volunteers::VolunteersView,
    first_run: first_run::FirstRunView,
    commands: Vec<Command>,
    /// The community whose roster was asked for and has not arrived.
    volunteers_asked: Option<String>,
}

impl GridbookApp {
    /// Starts the app on the store in `data_dir` with the state remembered from last time.
    pub fn new(
        ctx: &egui::Context,
        data_dir: PathBuf,
        passphrase: gridbook_model::Passphrase,
        state: State,
    ) -> Self {
        fonts::install_bundled(ctx);
        // UI tests use the bundled font alone: what they draw must not depend on the machine.
        if !cfg!(test) {
            fonts::spawn_system_fallback(ctx);
        }
        fonts::tablet_style(ctx);
        let repaint = ctx.clone();
        let worker = Worker::spawn(data_dir, passphrase, move || repaint.request_repaint());
        let mut app = GridbookApp {
            state,
            data: Data::default(),
            net: None,
            worker,
            sync: sync_page::SyncView::default(),
            reports: reports::ReportsView::default(),
            audit: audit::AuditView::default(),
            settings: settings::SettingsView::default(),
            net_commands: Vec::new(),
            needs: needs::NeedsView::default(),
            new_need: new_need::NewNeedView::default(),
            meetings: meetings::MeetingsView::default(),
            volunteers: volunteers::VolunteersView::default(),
            first_run: first_run::FirstRunView::default(),
            commands: Vec::new(),
            volunteers_asked: None,
        };
        app.commands
            .push(Command::FilterNeeds(app.state.filter.clone()));
        app.commands.push(Command::LoadPeers);
        app.flush();
        app
    }

    /// Starts syncing: the app becomes a peer of the network, listening with `options`.
    pub fn start_network(
        &mut self,
        ctx: &egui::Context,
        options: gridbook_sync::node::NodeOptions,
    ) {
        let Some(jobs) = self.worker.store_jobs() else {
            return;
        };
        let repaint = ctx.clone();
        self.net = Some(net::Net::start(options, jobs, move || {
            repaint.request_repaint()
        }));
    }

    /// Whether the worker is still on a command (tests wait for it).
    pub fn busy(&self) -> bool {
        self.worker.busy()
    }

    /// Takes in what the worker sent.
    pub fn poll(&mut self) {
        for event in self.worker.poll() {
            self.apply(event);
        }
        let events = self.net.as_mut().map(net::Net::poll).unwrap_or_default();
        for event in events {
            if let net::NetEvent::Joined(r) = &event {
                self.first_run.joined(r.clone());
            }
            if self.sync.apply(event, &self.data) {
                self.commands.push(Command::Reload);
            }
            self.commands.push(Command::LoadPeers);
        }
    }

    fn apply(&mut self, event: Event) {
        let data = &mut self.data;
        match event {
            Event::Opened {
                data_dir,
                directory,
                residents,
                me,
            } => {
                data.data_dir = Some(data_dir);
                data.residents = residents;
                self.directory_changed(*directory, me);
            }
            Event::Directory(directory, me) => self.directory_changed(*directory, me),
            Event::OpenFailed(e) => data.open_error = Some(e),
            Event::Needs {
                rows,
                shown,
                stats,
                filter,
            } => {
                data.rows = rows;
                data.shown = shown;
                data.stats = stats;
                data.shown_filter = filter;
            }
            Event::NeedSaved(id, ledger) => self.new_need.saved(id, ledger),
            Event::NeedDetail(need, conflicts, history) => {
                data.need_history = history;
                self.needs.loaded(&need);
                data.need = Some((*need, conflicts));
            }
            Event::Meetings(m) => data.meetings = m,
            Event::Meeting(m) => data.meeting = Some(*m),
            Event::AgendaSaved => self.meetings.saved(),
            Event::Volunteers(roster) => {
                self.volunteers_asked = None;
                data.volunteers = Some(*roster);
            }
            Event::VolunteerSaved(what) => self.volunteers.saved(what),
            Event::Peers(peers) => data.peers = peers,
            Event::Relay(relay) => {
                self.settings.relay_loaded(relay.as_deref());
                // The node follows the directory: a relay set in Settings, or by another
                // device and synced here, is used at once.
                if self.net.is_some() {
                    self.net_commands
                        .push(net::NetCommand::UseRelay(relay.clone()));
                }
                data.relay = relay;
            }
            Event::Report(report) => data.report = Some(*report),
            Event::Audit(of, entries) => data.audit = Some((of, entries)),
            Event::Exported(path) => self.reports.exported(Ok(path)),
            Event::Refused(origin, refusal) => match origin {
                Origin::NewNeed => self.new_need.refused(refusal),
                Origin::Need => self.needs.refused(refusal),
                Origin::Meeting => self.meetings.refused(refusal),
                Origin::Volunteers => self.volunteers.refused(refusal),
                Origin::FirstRun => self.first_run.refused(refusal),
                Origin::Reports => self.reports.refused(refusal),
                Origin::General => data.status = Some(needs::refusal_text(&refusal)),
            },
            Event::Done => {}
        }
    }

    fn directory_changed(&mut self, directory: DirectoryView, me: Option<MemberId>) {
        if self.state.volunteer_community.is_none() {
            self.state.volunteer_community = directory.communities.keys().next().cloned();
        }
        self.data.directory = Some(directory);
        self.data.me = me;
    }

    fn flush(&mut self) {
        for c in self.commands.drain(..) {
            self.worker.send(c);
        }
        for c in self.net_commands.drain(..) {
            match &self.net {
                Some(net) => net.send(c),
                None => {
                    self.sync
                        .apply(net::NetEvent::Failed(tr!("sync.off")), &self.data);
                    self.first_run.joined(Err(tr!("sync.off")));
                }
            }
        }
    }

    /// Draws the whole app into `ui` (eframe's root, or a test harness).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        i18n::set_language(self.state.language);
        self.poll();
        egui::Panel::left("nav")
            .resizable(false)
            .exact_size(150.0)
            .show(ui, |ui| self.nav(ui));
        egui::CentralPanel::default_margins().show(ui, |ui| self.page(ui));
        self.request_missing();
        self.flush();
    }

    fn nav(&mut self, ui: &mut egui::Ui) {
        ui.add_space(8.0);
        ui.heading(tr!("app.title"));
        ui.add_space(8.0);
        for page in Page::ALL {
            let selected = self.state.page == page;
            let button = egui::Button::selectable(selected, page.label())
                .min_size(egui::vec2(ui.available_width(), 44.0));
            if ui.add(button).clicked() && !selected {
                self.state.page = page;
                self.on_open(page);
            }
        }
        if self.busy() {
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr!("common.working"));
            });
        }
    }

    fn on_open(&mut self, page: Page) {
        // Balances change with every movement: a visit reloads them.
        if page == Page::Volunteers {
            self.data.volunteers = None;
        }
        // Every visit counts again: needs may have moved since.
        if page == Page::Reports {
            self.reports.reopen(&mut self.data);
        }
        // Last-synced times move whenever a peer syncs with this device.
        if page == Page::Sync {
            self.commands.push(Command::LoadPeers);
        }
    }

    /// Asks for what the page shows and the worker has not sent yet (once per page visit).
    fn request_missing(&mut self) {
        if self.state.page == Page::Reports && self.data.directory.is_some() {
            self.reports.request(&self.data, &mut self.commands);
        }
        if self.state.page == Page::Volunteers
            && let Some(c) = &self.state.volunteer_community
            && self.data.volunteers.as_ref().map(|r| &r.community) != Some(c)
            && self.volunteers_asked.as_ref() != Some(c)
        {
            self.volunteers_asked = Some(c.clone());
            self.commands.push(Command::LoadVolunteers(c.clone()));
        }
    }

    fn page(&mut self, ui: &mut egui::Ui) {
        if let Some(e) = &self.data.open_error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                tr!("common.open_failed", error = e),
            );
            return;
        }
        if self.data.directory.is_none() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr!("common.loading"));
            });
            return;
        }
        if let Some(status) = &self.data.status {
            ui.colored_label(ui.visuals().error_fg_color, status);
        }
        let cmds = &mut self.commands;
        let no_network = self
            .data
            .directory
            .as_ref()
            .is_some_and(|d| d.network.is_none());
        if no_network && self.state.page != Page::Settings {
            self.first_run.show(ui, cmds, &mut self.net_commands);
            return;
        }
        match self.state.page {
            Page::Needs => self.needs.show(ui, &mut self.state, &self.data, cmds),
            Page::NewNeed => self.new_need.show(ui, &mut self.state, &self.data, cmds),
            Page::Meetings => self.meetings.show(ui, &self.data, cmds),
            Page::Volunteers => self.volunteers.show(ui, &mut self.state, &self.data, cmds),
            Page::Reports => {
                let (audit, data) = (&mut self.audit, &self.data);
                self.reports
                    .show(ui, data, cmds, |ui, cmds| audit.show(ui, data, cmds));
            }
            Page::Sync => self.sync.show(ui, &self.data, &mut self.net_commands),
            Page::Settings => self.settings.show(ui, &mut self.state, &self.data, cmds),
        }
    }
}

impl eframe::App for GridbookApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STATE_KEY, &self.state);
    }
}

impl GridbookApp {
    /// The app as its window runs it: on the store, and a peer on the network (the lock
    /// makes it on unlocking and drops it on locking, network and all).
    pub fn with_network(
        ctx: &egui::Context,
        data_dir: PathBuf,
        passphrase: gridbook_model::Passphrase,
        state: State,
    ) -> Self {
        let mut app = GridbookApp::new(ctx, data_dir, passphrase, state);
        match net::options_from_env() {
            Ok(options) => app.start_network(ctx, options),
            Err(e) => app.sync.node = sync_page::NodeStatus::Failed(format!("{e:#}")),
        }
        app
    }
}

/// Opens the app window on the store in `data_dir` and returns when it is closed: unlocked with
/// `passphrase` if given, else on the unlock page.
pub fn run(
    data_dir: PathBuf,
    passphrase: Option<gridbook_model::Passphrase>,
) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Gridbook 民需台账")
            .with_app_id("gridbook")
            .with_inner_size([1024.0, 768.0])
            .with_min_inner_size([640.0, 480.0]),
        ..Default::default()
    };
    eframe::run_native(
        "gridbook",
        options,
        Box::new(move |cc| {
            let mut state: State = cc
                .storage
                .and_then(|s| eframe::get_value(s, STATE_KEY))
                .unwrap_or_default();
            // For scripts (screenshots): start on a named page, in a named language.
            if let Ok(page) = std::env::var("GRIDBOOK_START_PAGE")
                && let Some(p) = Page::ALL.into_iter().find(|p| p.token() == page)
            {
                state.page = p;
            }
            match std::env::var("GRIDBOOK_LANGUAGE").as_deref() {
                Ok("en") => state.language = Language::English,
                Ok("zh-CN") => state.language = Language::Chinese,
                _ => {}
            }
            Ok(Box::new(unlock::Lockable::new(
                &cc.egui_ctx,
                data_dir,
                passphrase,
                state,
                GridbookApp::with_network,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the app window: {e}"))
}

#[cfg(test)]
pub(crate) mod testing;
