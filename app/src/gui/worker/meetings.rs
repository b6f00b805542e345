//! The worker's meetings: the list, one meeting, a new one, and its edits (check-in, walk-ins,
//! votes, counts, the agenda, minutes and decisions), and its print-outs.

use gridbook_model::ids::{MeetingId, MotionId};
use gridbook_model::vocab::Choice;
use gridbook_model::{Gridbook, NewMeeting, WalkIn};

use super::State;
use crate::gui::messages::{AgendaEdit, Event, Origin, Refusal};
use crate::office::print::{self, MeetingPaper};

impl State {
    pub(super) fn create_meeting(&mut self, new: NewMeeting, send: &dyn Fn(Event)) {
        match self.book.create_meeting(new) {
            Ok(id) => {
                send(Event::MeetingCreated(id.clone()));
                self.send_meetings(send);
                self.send_meeting(&id, send);
            }
            Err(e) => send(Event::Refused(Origin::Meeting, e.into())),
        }
    }

    pub(super) fn sign_in_walk_in(
        &mut self,
        meeting: &MeetingId,
        walk_in: WalkIn,
        send: &dyn Fn(Event),
    ) {
        let name = walk_in.name.trim().to_string();
        let r = self.book.sign_in_walk_in(meeting, walk_in).map(|_| ());
        if r.is_ok() {
            // The register changed: its new index first, so the page names the walk-in.
            self.send_register(send);
            send(Event::WalkInSignedIn(name));
        }
        self.after_meeting_edit(meeting, r, send);
    }

    pub(super) fn print_meeting(
        &mut self,
        meeting: &MeetingId,
        printout: MeetingPaper,
        send: &dyn Fn(Event),
    ) {
        let printed = print::print_meeting(
            &mut self.book,
            &self.data_dir,
            meeting,
            printout,
            None,
            print::BLANK_LINES,
            false,
        );
        match printed {
            Ok(p) => send(Event::MeetingPrinted {
                opened: print::open_in_browser(&p.path),
                path: p.path.display().to_string(),
            }),
            Err(e) => send(Event::Refused(Origin::Meeting, Refusal::from(&e))),
        }
    }

    pub(super) fn set_counts(
        &mut self,
        meeting: &MeetingId,
        motion: &MotionId,
        counts: [(Choice, u32); 3],
        send: &dyn Fn(Event),
    ) {
        let r = self.book.batch(|book| {
            for (choice, n) in counts {
                book.set_count(meeting, motion, choice, n)?;
            }
            Ok(())
        });
        self.after_meeting_edit(meeting, r, send);
    }

    pub(super) fn edit_meeting(
        &mut self,
        meeting: &MeetingId,
        edit: AgendaEdit,
        send: &dyn Fn(Event),
    ) {
        let r = apply(&mut self.book, meeting, edit);
        if r.is_ok() {
            send(Event::AgendaSaved);
        }
        self.after_meeting_edit(meeting, r, send);
    }

    pub(super) fn send_meetings(&self, send: &dyn Fn(Event)) {
        match self.book.meeting_summaries() {
            Ok(m) => send(Event::Meetings(m)),
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }

    pub(super) fn send_meeting(&mut self, id: &MeetingId, send: &dyn Fn(Event)) {
        match self.book.meeting_view(id) {
            Ok(m) => send(Event::Meeting(Box::new(m))),
            Err(e) => send(Event::Refused(Origin::Meeting, e.into())),
        }
    }

    pub(super) fn after_meeting_edit(
        &mut self,
        meeting: &MeetingId,
        result: gridbook_model::Result<()>,
        send: &dyn Fn(Event),
    ) {
        if let Err(e) = result {
            send(Event::Refused(Origin::Meeting, e.into()));
        }
        self.send_meeting(meeting, send);
        self.send_meetings(send);
    }
}

/// Applies an edit of the agenda, minutes or decisions to the store.
fn apply(book: &mut Gridbook, meeting: &MeetingId, edit: AgendaEdit) -> gridbook_model::Result<()> {
    match edit {
        AgendaEdit::AddTopic(title, need) => {
            book.add_topic(meeting, &title, need.as_ref())?;
        }
        AgendaEdit::Settle(topic) => book.settle_topic(meeting, &topic)?,
        AgendaEdit::Escalate(topic) => {
            book.escalate_topic(meeting, &topic)?;
        }
        AgendaEdit::AddMotion(text, two_thirds) => {
            book.add_motion(meeting, &text, None, two_thirds)?;
        }
        AgendaEdit::SetMinutes(text) => book.set_minutes(meeting, &text)?,
        AgendaEdit::AddDecision(text) => {
            book.add_decision(meeting, &text, None)?;
        }
        AgendaEdit::AddFollowUp(decision, text, owner) => {
            book.add_follow_up(meeting, &decision, &text, owner.as_deref(), None)?;
        }
        AgendaEdit::CompleteFollowUp(action) => book.complete_follow_up(meeting, &action)?,
    }
    Ok(())
}
