//! The worker's register: entering, editing and merging residents, and the register with its
//! search index, made here once per change so that a page searches without rebuilding it.

use std::sync::Arc;

use gridbook_model::ids::ResidentId;
use gridbook_model::register_search::RegisterIndex;
use gridbook_model::{Gridbook, NewResident, ResidentEdit};

use super::State;
use crate::gui::messages::{Event, Origin, Register, ResidentSaved};

/// The register and its index, read from the store.
pub(super) fn register(book: &mut Gridbook) -> gridbook_model::Result<Register> {
    let residents = book.residents()?;
    let buildings = book.buildings()?;
    let index = RegisterIndex::new(&residents, &buildings);
    Ok(Register {
        residents: Arc::new(residents),
        index: Arc::new(index),
    })
}

impl State {
    pub(super) fn send_register(&mut self, send: &dyn Fn(Event)) {
        match register(&mut self.book) {
            Ok(r) => send(Event::Register(r)),
            // No network yet: no register.
            Err(gridbook_model::Error::NoNetwork) => send(Event::Register(Register::default())),
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }

    pub(super) fn add_resident(&mut self, new: NewResident, send: &dyn Fn(Event)) {
        let r = self.book.add_resident(new);
        self.after_register_edit(r.map(ResidentSaved::Added), send);
    }

    pub(super) fn edit_resident(
        &mut self,
        id: &ResidentId,
        edit: &ResidentEdit,
        send: &dyn Fn(Event),
    ) {
        let r = self.book.edit_resident(id, edit);
        self.after_register_edit(r.map(|()| ResidentSaved::Edited(id.clone())), send);
    }

    pub(super) fn merge_resident(
        &mut self,
        duplicate: &ResidentId,
        into: &ResidentId,
        send: &dyn Fn(Event),
    ) {
        let r = self
            .book
            .merge_resident(duplicate, into)
            .and_then(|()| self.book.canonical_resident(into));
        self.after_register_edit(
            r.map(|into| ResidentSaved::Merged(duplicate.clone(), into)),
            send,
        );
    }

    fn after_register_edit(
        &mut self,
        result: gridbook_model::Result<ResidentSaved>,
        send: &dyn Fn(Event),
    ) {
        match result {
            Ok(saved) => {
                self.send_register(send);
                send(Event::ResidentSaved(saved));
            }
            Err(e) => send(Event::Refused(Origin::Residents, e.into())),
        }
    }
}
