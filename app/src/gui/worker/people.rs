//! The worker's people and devices: the directory (a network founded, the person using this
//! device, the relay) and the devices this one knows.

use std::collections::BTreeMap;
use std::sync::Arc;

use gridbook_model::Building;
use gridbook_model::register_search::RegisterIndex;

use super::{State, directory_or_empty};
use crate::gui::messages::{Event, Origin};

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

    /// Sends the register and its search index when it changed since last sent (the index is
    /// built here, once per change, never per keystroke).
    pub(super) fn send_register(&mut self, send: &dyn Fn(Event)) {
        let residents = match self.book.residents() {
            Ok(r) => r,
            // No network yet (the first run): no register.
            Err(_) => return,
        };
        if !self.residents.is_empty() && *self.residents == residents {
            return;
        }
        let buildings: BTreeMap<String, Building> = directory_or_empty(&mut self.book)
            .map(|d| d.buildings)
            .unwrap_or_default()
            .into_iter()
            .map(|(id, b)| {
                let grid = b.parent.unwrap_or_default();
                (id, Building { grid, name: b.name })
            })
            .collect();
        let index = RegisterIndex::new(&residents, &buildings);
        self.residents = Arc::new(residents);
        send(Event::Register(self.residents.clone(), Arc::new(index)));
    }

    pub(super) fn send_peers(&mut self, send: &dyn Fn(Event)) {
        match gridbook_sync::peers::peers(&mut self.book) {
            Ok(peers) => send(Event::Peers(peers)),
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }
}
