//! The worker's people and devices: the directory (a network founded, the person using this
//! device, the relay) and the devices this one knows.

use super::{State, directory_or_empty};
use crate::gui::messages::{Event, OfficeSaved, Origin};

impl State {
    pub(super) fn after_directory_edit(
        &mut self,
        result: gridbook_model::Result<()>,
        origin: Origin,
        send: &dyn Fn(Event),
    ) {
        if let Err(e) = result {
            send(Event::Refused(origin, e.into()));
            return;
        }
        let view = directory_or_empty(&mut self.book).and_then(|d| Ok((d, self.book.member()?)));
        match view {
            Ok((directory, me)) => send(Event::Directory(Box::new(directory), me)),
            Err(e) => send(Event::Refused(origin, e.into())),
        }
        if self.book.network().ok().flatten().is_some() {
            send(Event::Relay(self.book.relay().ok().flatten()));
        }
    }

    /// After an edit of members, devices or places: says it was saved (or why not), then
    /// sends the directory and the devices again.
    pub(super) fn after_office_edit(
        &mut self,
        result: gridbook_model::Result<()>,
        saved: OfficeSaved,
        origin: Origin,
        send: &dyn Fn(Event),
    ) {
        match result {
            Ok(()) => {
                send(Event::OfficeSaved(saved));
                self.after_directory_edit(Ok(()), origin, send);
                self.send_peers(send);
            }
            Err(e) => send(Event::Refused(origin, e.into())),
        }
    }

    pub(super) fn send_peers(&mut self, send: &dyn Fn(Event)) {
        match gridbook_sync::peers::peers(&mut self.book) {
            Ok(peers) => send(Event::Peers(peers)),
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }
}
