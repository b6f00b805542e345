//! The Gridbook app: an eframe/egui GUI over the same store the CLI uses.
//!
//! [`GridbookApp`] keeps what is remembered between runs in [`State`] apart from the runtime
//! handles (the worker that owns the store, the data it last sent). Pages (`pages/`, one file
//! each) record [`Command`]s while they draw; the app sends them to the worker after drawing,
//! and the worker's answers arrive through an inbox that requests a repaint.

pub mod bench;
#[cfg(any(test, feature = "flows"))]
pub mod flows;

mod chooser;
mod data;
pub(crate) mod messages;
pub(crate) mod net;
mod owner;
mod page;
mod pages;
mod register;
mod rows;
mod state;
mod unlock;
mod widgets;
mod worker;

use std::path::PathBuf;

use gridbook_model::DirectoryView;

use crate::fonts;
use crate::i18n::{self, Language, tr};
pub(crate) use data::Data;
use messages::{Command, Event};
use pages::{Cx, Page};
pub(crate) use state::State;
use worker::Worker;

/// When the process started (`mark_start`), for the first frame's log line.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Notes the process's start: the app logs how long after it the first frame with data came.
pub(crate) fn mark_start() {
    STARTED.get_or_init(std::time::Instant::now);
}

/// The key the app's state is stored under in eframe's storage.
const STATE_KEY: &str = "gridbook-state";

/// The app.
pub(crate) struct GridbookApp {
    /// Remembered between runs.
    pub state: State,
    /// From the worker.
    pub data: Data,
    /// The sync node, when the app syncs (declared before the worker: it stops first, while
    /// the worker still runs its store jobs).
    net: Option<net::Net>,
    worker: Worker,
    /// Every page, navigable or not (`pages::all`).
    pages: Vec<Box<dyn Page>>,
    commands: Vec<Command>,
    net_commands: Vec<net::NetCommand>,
    /// Whether the first frame showing the store's data has been drawn (and logged).
    shown_data: bool,
}

impl GridbookApp {
    /// Starts the app on the store in `data_dir` with the state remembered from last time.
    pub(crate) fn new(
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
            pages: pages::all(),
            commands: Vec::new(),
            net_commands: Vec::new(),
            shown_data: false,
        };
        if let Some(view) = app.state.start_view.take() {
            let shown = app.shown().to_string();
            if let Some(page) = app.pages.iter_mut().find(|p| p.id() == shown) {
                page.start_at(&view, &mut app.commands);
            }
        }
        app.commands
            .push(Command::FilterNeeds(app.state.filter.clone()));
        app.commands.push(Command::LoadPeers);
        app.flush();
        app
    }

    /// Starts syncing: the app becomes a peer of the network, listening with `options` and
    /// dialling the devices it knows or finds every `dial_every` (`crate::peer`).
    pub(crate) fn start_network(
        &mut self,
        ctx: &egui::Context,
        options: gridbook_sync::node::NodeOptions,
        dial_every: std::time::Duration,
    ) {
        let Some(jobs) = self.worker.store_jobs() else {
            return;
        };
        let repaint = ctx.clone();
        self.net = Some(net::Net::start(options, dial_every, jobs, move || {
            repaint.request_repaint()
        }));
    }

    /// Whether the worker is still on a command (tests wait for it).
    pub(crate) fn busy(&self) -> bool {
        self.worker.busy()
    }

    /// Takes in what the worker and the sync node sent.
    pub(crate) fn poll(&mut self) {
        for event in self.worker.poll() {
            self.apply(event);
        }
        let events = self.net.as_mut().map(net::Net::poll).unwrap_or_default();
        for event in events {
            self.net_event(&event);
            self.commands.push(Command::LoadPeers);
        }
    }

    fn apply(&mut self, event: Event) {
        for page in &mut self.pages {
            page.event(&event);
        }
        match &event {
            Event::Opened { directory, .. } | Event::Directory(directory, _) => {
                self.directory_changed(directory);
            }
            // The node follows the directory: a relay set in Settings, or by another device
            // and synced here, is used at once.
            Event::Relay(relay) if self.net.is_some() => {
                self.net_commands
                    .push(net::NetCommand::UseRelay(relay.clone()));
            }
            _ => {}
        }
        self.data.keep(event);
    }

    fn net_event(&mut self, event: &net::NetEvent) {
        let mut changed = false;
        for page in &mut self.pages {
            changed |= page.net_event(event, &self.data);
        }
        if changed {
            self.commands.push(Command::Reload);
        }
    }

    /// The volunteers page starts on the directory's first community.
    fn directory_changed(&mut self, directory: &DirectoryView) {
        if self.state.volunteer_community.is_none() {
            self.state.volunteer_community = directory.communities.keys().next().cloned();
        }
    }

    fn flush(&mut self) {
        for c in self.commands.drain(..) {
            self.worker.send(c);
        }
        let commands: Vec<_> = self.net_commands.drain(..).collect();
        for c in commands {
            match &self.net {
                Some(net) => net.send(c),
                None => self.net_event(&net::NetEvent::Failed(messages::Refusal::Said(
                    gridbook_model::words::Words::new("sync.off"),
                ))),
            }
        }
    }

    /// Draws the whole app into `ui` (eframe's root, or a test harness).
    pub(crate) fn show(&mut self, ui: &mut egui::Ui) {
        i18n::set_language(self.state.language);
        self.poll();
        egui::Panel::left("nav")
            .resizable(false)
            .exact_size(150.0)
            .show(ui, |ui| self.nav(ui));
        egui::CentralPanel::default_margins().show(ui, |ui| self.draw_page(ui));
        self.request_missing();
        self.flush();
        if !self.shown_data && self.data.directory.is_some() && !self.busy() {
            self.first_frame_with_data(ui.ctx());
        }
    }

    /// Logs how long after the process started the first frame with the store's data was
    /// drawn; with `GRIDBOOK_QUIT_AFTER_FIRST_FRAME` set, closes the window then (for timing
    /// the start from a script).
    fn first_frame_with_data(&mut self, ctx: &egui::Context) {
        self.shown_data = true;
        if let Some(started) = STARTED.get() {
            tracing::info!(
                "first frame with data {} ms after start (page {})",
                started.elapsed().as_millis(),
                self.shown()
            );
        }
        if std::env::var_os("GRIDBOOK_QUIT_AFTER_FIRST_FRAME").is_some() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn nav(&mut self, ui: &mut egui::Ui) {
        ui.add_space(8.0);
        ui.heading(tr!("app.title"));
        ui.add_space(8.0);
        let shown = self.shown().to_string();
        for page in &mut self.pages {
            let Some(title) = page.title() else { continue };
            let selected = shown == page.id();
            let button = egui::Button::selectable(selected, title)
                .min_size(egui::vec2(ui.available_width(), 44.0));
            if ui.add(button).clicked() && !selected {
                self.state.page = page.id().to_string();
                page.opened(&mut self.data, &mut self.commands);
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

    /// The page shown: the remembered one, or the first-run page while this device has no
    /// network (Settings stays reachable, for the language).
    fn shown(&self) -> &str {
        let no_network = self
            .data
            .directory
            .as_ref()
            .is_some_and(|d| d.network.is_none());
        if no_network && self.state.page != pages::settings::ID {
            return pages::first_run::ID;
        }
        match self.pages.iter().find(|p| p.id() == self.state.page) {
            Some(page) => page.id(),
            // The first page of the navigation bar.
            None => self.pages[0].id(),
        }
    }

    /// Asks for what the page shows and the worker has not sent yet.
    fn request_missing(&mut self) {
        if self.data.directory.is_none() {
            return;
        }
        let shown = self.shown().to_string();
        if let Some(page) = self.pages.iter_mut().find(|p| p.id() == shown) {
            page.request(&self.state, &self.data, &mut self.commands);
        }
    }

    fn draw_page(&mut self, ui: &mut egui::Ui) {
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
        let shown = self.shown().to_string();
        let mut cx = Cx {
            state: &mut self.state,
            data: &self.data,
            cmds: &mut self.commands,
            net: &mut self.net_commands,
        };
        if let Some(page) = self.pages.iter_mut().find(|p| p.id() == shown) {
            page.show(ui, &mut cx);
        }
    }
}

#[cfg(test)]
impl GridbookApp {
    /// The page of type `P`, for tests that look at a page's own state.
    pub(crate) fn page<P: Page>(&self) -> &P {
        self.pages
            .iter()
            .find_map(|p| (p.as_ref() as &dyn std::any::Any).downcast_ref::<P>())
            .expect("every page type is in pages::all")
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
    pub(crate) fn with_network(
        ctx: &egui::Context,
        data_dir: PathBuf,
        passphrase: gridbook_model::Passphrase,
        state: State,
    ) -> Self {
        let mut app = GridbookApp::new(ctx, data_dir, passphrase, state);
        match crate::peer::options_from_env() {
            Ok(options) => app.start_network(ctx, options, crate::peer::dial_every_from_env()),
            Err(e) => app.net_event(&net::NetEvent::StartFailed(messages::Refusal::from(&e))),
        }
        app
    }
}

/// Opens the app window on the store in `data_dir` and returns when it is closed: unlocked with
/// `passphrase` if given, else on the unlock page.
pub(crate) fn run(
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
            // For scripts (screenshots): start on a named page (and a view of it), in a named
            // language.
            if let Ok(start) = std::env::var("GRIDBOOK_START_PAGE") {
                let (page, view) = start.split_once('/').unwrap_or((&start, ""));
                if let Some(p) = pages::all().into_iter().find(|p| p.id() == page) {
                    state.page = p.id().to_string();
                    state.start_view = (!view.is_empty()).then(|| view.to_string());
                }
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

// The UI tests' harness; also built with the `flows` feature, for the benchmarks' tap counts.
#[cfg(any(test, feature = "flows"))]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) mod testing;
