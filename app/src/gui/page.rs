//! What a page of the app is ([`Page`]) and what it may use while it draws ([`Cx`]); the pages
//! themselves are in `pages/`, one file each.

use egui::Ui;

use super::data::Data;
use super::messages::{Command, Event};
use super::net::{NetCommand, NetEvent};
use super::state::State;

/// What a page may use while it draws: the remembered state, the worker's data, and the
/// queues of what it asks of the worker and of the sync node (sent after drawing).
pub(crate) struct Cx<'a> {
    /// Remembered between runs (the page shown, filters, the language).
    pub state: &'a mut State,
    /// What the worker last sent.
    pub data: &'a Data,
    /// Asked of the worker.
    pub cmds: &'a mut Vec<Command>,
    /// Asked of the sync node.
    pub net: &'a mut Vec<NetCommand>,
}

/// A page of the app.
pub(crate) trait Page: std::any::Any {
    /// The page's name in `GRIDBOOK_START_PAGE` and in the remembered state (English, stable).
    fn id(&self) -> &'static str;

    /// The page's name in the navigation bar, in the current language; `None` for a page the
    /// bar does not list (the first-run page, which stands in for every page until a network
    /// exists).
    fn title(&self) -> Option<String>;

    /// Draws the page.
    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>);

    /// For scripts (screenshots): opens the view named after the page in
    /// `GRIDBOOK_START_PAGE=<page>/<view>` (a form, a search, a file to preview).
    fn start_at(&mut self, _view: &str, _cmds: &mut Vec<Command>) {}

    /// The page was picked in the navigation bar: drop what may be stale, ask for what is new.
    fn opened(&mut self, _data: &mut Data, _cmds: &mut Vec<Command>) {}

    /// Asks for what the page shows and the worker has not sent yet (called every frame the
    /// page is shown, once the directory has arrived; ask once, not every frame).
    fn request(&mut self, _state: &State, _data: &Data, _cmds: &mut Vec<Command>) {}

    /// An answer of the worker's, before the app keeps what it holds in [`Data`]; every page
    /// sees every event and takes what is addressed to it.
    fn event(&mut self, _event: &Event) {}

    /// An event of the sync node's; returns whether the store may have changed (the app then
    /// reloads what it shows).
    fn net_event(&mut self, _event: &NetEvent, _data: &Data) -> bool {
        false
    }
}
