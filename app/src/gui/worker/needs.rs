//! The worker's needs: the list with its filter, one need with its history, and the steps.

use std::sync::Arc;

use gridbook_model::NewNeed;
use gridbook_model::ids::NeedId;

use super::State;
use crate::gui::messages::{Event, Origin};
use crate::gui::rows::{NeedFilter, NeedStats};

impl State {
    pub(super) fn filter_needs(&mut self, filter: NeedFilter, send: &dyn Fn(Event)) {
        self.filter = filter;
        self.send_needs(send);
    }

    pub(super) fn add_need(&mut self, new: NewNeed, send: &dyn Fn(Event)) {
        match self.book.add_need(new) {
            Ok(id) => {
                let ledger = self.book.need(&id).map(|n| n.ledger_no).unwrap_or_default();
                send(Event::NeedSaved(id, ledger));
                self.reload_needs(send);
            }
            Err(e) => send(Event::Refused(Origin::NewNeed, e.into())),
        }
    }

    /// After a step, an assignment or an edit of one need: the list, or why not, and the need.
    pub(super) fn after_need_edit(
        &mut self,
        id: &NeedId,
        result: gridbook_model::Result<()>,
        send: &dyn Fn(Event),
    ) {
        match result {
            Ok(()) => self.reload_needs(send),
            Err(e) => send(Event::Refused(Origin::Need, e.into())),
        }
        self.send_need(id, send);
    }

    pub(super) fn reload_needs(&mut self, send: &dyn Fn(Event)) {
        match self.book.need_summaries() {
            Ok(rows) => {
                self.stats = Arc::new(NeedStats::of(&rows));
                self.rows = Arc::new(rows);
                self.send_needs(send);
            }
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }

    pub(super) fn send_needs(&self, send: &dyn Fn(Event)) {
        let today = self.book.now().day();
        send(Event::Needs {
            rows: self.rows.clone(),
            shown: Arc::new(self.filter.apply(&self.rows, today)),
            stats: self.stats.clone(),
            filter: self.filter.clone(),
        });
    }

    pub(super) fn send_need(&mut self, id: &NeedId, send: &dyn Fn(Event)) {
        let loaded = self
            .book
            .need(id)
            .and_then(|need| Ok((need, self.book.need_conflicts(id)?)))
            .and_then(|(need, conflicts)| Ok((need, conflicts, self.book.need_history(id)?)));
        match loaded {
            Ok((need, conflicts, history)) => {
                send(Event::NeedDetail(Box::new(need), conflicts, history))
            }
            Err(e) => send(Event::Refused(Origin::Need, e.into())),
        }
    }
}
