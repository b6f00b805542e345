//! The worker thread: it alone owns the [`Gridbook`] (the store on disk), takes [`Command`]s
//! over a channel and answers with [`Event`]s through an inbox that wakes the UI with
//! `request_repaint`. The UI thread never waits on disk.
//!
//! This file holds the handle, the loop and the dispatch; the work is in one file per domain
//! (`needs`, `meetings`, `volunteers`, `people`: the directory and devices, `office`: reports,
//! audit and exports, `files`: imports and bundles).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

use gridbook_model::summary::NeedSummary;
use gridbook_model::{DirectoryView, Error, Gridbook};

use super::messages::{Command, Event, OfficeSaved, Origin, StoreJob, VolunteerSaved};
use super::rows::{NeedFilter, NeedStats};

mod files;
mod meetings;
mod needs;
mod office;
mod people;
mod residents;
mod volunteers;

/// The UI's handle on the worker: send commands, take events.
pub(super) struct Worker {
    commands: Option<Sender<Command>>,
    events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
    in_flight: usize,
}

impl Worker {
    /// Starts the worker on the store in `data_dir`; `repaint` is called after every event.
    pub(super) fn spawn(
        data_dir: PathBuf,
        passphrase: gridbook_model::Passphrase,
        repaint: impl Fn() + Send + 'static,
    ) -> Worker {
        let (commands, inbox) = channel();
        let (outbox, events) = channel();
        let to_self = commands.clone();
        let thread = std::thread::Builder::new()
            .name("gridbook-store".into())
            .spawn(move || {
                let send = |event: Event| {
                    // The UI is gone only when the app closes: nothing left to tell.
                    let _ = outbox.send(event);
                    repaint();
                };
                run(&data_dir, &passphrase, &inbox, to_self, &send);
            })
            .ok();
        Worker {
            commands: Some(commands),
            events,
            thread,
            // The opening counts as one command.
            in_flight: 1,
        }
    }

    /// A way in for the app's sync node, whose store jobs are not the UI's commands.
    pub(super) fn store_jobs(&self) -> Option<Sender<Command>> {
        self.commands.clone()
    }

    /// Queues a command.
    pub(super) fn send(&mut self, command: Command) {
        if let Some(tx) = &self.commands
            && tx.send(command).is_ok()
        {
            self.in_flight += 1;
        }
    }

    /// The events that have arrived, without waiting.
    pub(super) fn poll(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(Event::Done) => self.in_flight = self.in_flight.saturating_sub(1),
                Ok(e) => out.push(e),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.in_flight = 0;
                    break;
                }
            }
        }
        out
    }

    /// Whether commands are still being worked on.
    pub(super) fn busy(&self) -> bool {
        self.in_flight > 0
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // The owner listener holds a sender too: say stop rather than wait for the channel
        // to close. Then wait, so that the store is closed.
        if let Some(commands) = self.commands.take() {
            let _ = commands.send(Command::Shutdown);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct State {
    book: Gridbook,
    notifier: Option<gridbook_sync::Notifier>,
    data_dir: PathBuf,
    rows: Arc<Vec<NeedSummary>>,
    stats: Arc<NeedStats>,
    filter: NeedFilter,
    /// A sheet read and found good, until it is imported or another is read.
    pending: Option<files::Pending>,
}

fn run(
    data_dir: &std::path::Path,
    passphrase: &gridbook_model::Passphrase,
    inbox: &Receiver<Command>,
    to_self: Sender<Command>,
    send: &dyn Fn(Event),
) {
    let opened = Gridbook::open_or_create(data_dir, passphrase).and_then(|mut book| {
        let directory = directory_or_empty(&mut book)?;
        let me = book.member()?;
        Ok((book, directory, me))
    });
    let (book, directory, me) = match opened {
        Ok(x) => x,
        Err(e) => {
            send(Event::OpenFailed(e.to_string()));
            send(Event::Done);
            return;
        }
    };
    send(Event::Opened {
        data_dir: data_dir.to_path_buf(),
        directory: Box::new(directory),
        me,
    });
    let mut state = State {
        book,
        notifier: None,
        data_dir: data_dir.to_path_buf(),
        rows: Arc::default(),
        stats: Arc::default(),
        filter: NeedFilter::default(),
        pending: None,
    };
    // The needs first: the app opens on them; the register's index is made after.
    state.reload_needs(send);
    state.send_register(send);
    if state.book.network().ok().flatten().is_some() {
        send(Event::Relay(state.book.relay().ok().flatten()));
    }
    state.send_meetings(send);
    send(Event::Done);
    // Command lines on this directory come here while the app is open (stops when dropped).
    let _listener = super::owner::listen(data_dir.to_path_buf(), to_self);
    while let Ok(command) = inbox.recv() {
        match command {
            Command::Shutdown => break,
            Command::Forwarded(args, reply) => {
                let result = super::owner::run(&mut state.book, data_dir.to_path_buf(), &args);
                // Whatever it changed shows at once.
                state.reload_all(send);
                let _ = reply.send(result);
            }
            Command::Store(StoreJob(job)) => {
                job(&mut state.book);
                continue;
            }
            Command::WatchedBy(notifier) => {
                state.notifier = Some(notifier);
                continue;
            }
            command => state.handle(command, send),
        }
        if let Some(n) = &state.notifier {
            n.notice(&state.book);
        }
        send(Event::Done);
    }
}

/// The directory, or an empty one on a device with no network yet (the first run).
fn directory_or_empty(book: &mut Gridbook) -> gridbook_model::Result<DirectoryView> {
    match book.directory_view() {
        Err(Error::NoNetwork) => Ok(DirectoryView::default()),
        other => other,
    }
}

impl State {
    /// Runs one of the UI's commands; the domain's file does the work.
    fn handle(&mut self, command: Command, send: &dyn Fn(Event)) {
        match command {
            Command::FilterNeeds(filter) => self.filter_needs(filter, send),
            Command::AddNeed(new) => self.add_need(new, send),
            Command::LoadNeed(id) => self.send_need(&id, send),
            Command::Advance(id, step) => {
                let r = self.book.advance_need(&id, &step);
                self.after_need_edit(&id, r, send);
            }
            Command::AssignNeed(id, member) => {
                let r = self.book.assign_need(&id, &member);
                self.after_need_edit(&id, r, send);
            }
            Command::EditNeed(id, edit) => {
                let r = self.book.edit_need_fields(&id, &edit);
                self.after_need_edit(&id, r, send);
            }
            Command::KeepNeedValue(id, field, value) => {
                let r = self.book.keep_need_value(&id, &field, &value);
                self.after_need_edit(&id, r, send);
            }
            Command::LoadMeeting(id) => self.send_meeting(&id, send),
            Command::CreateMeeting(new) => self.create_meeting(new, send),
            Command::SignInWalkIn(meeting, walk_in) => {
                self.sign_in_walk_in(&meeting, walk_in, send)
            }
            Command::PrintMeeting(meeting, printout) => {
                self.print_meeting(&meeting, printout, send)
            }
            Command::CheckIn(meeting, resident) => {
                let r = self.book.check_in(&meeting, &resident);
                self.after_meeting_edit(&meeting, r, send);
            }
            Command::Vote(meeting, motion, resident, choice) => {
                let r = self.book.vote(&meeting, &motion, &resident, choice);
                self.after_meeting_edit(&meeting, r, send);
            }
            Command::SetCounts(meeting, motion, counts) => {
                self.set_counts(&meeting, &motion, counts, send)
            }
            Command::EditMeeting(meeting, edit) => self.edit_meeting(&meeting, edit, send),
            Command::LoadVolunteers(community) => self.send_roster(&community, send),
            Command::AddActivity { community, title } => self.add_activity(&community, title, send),
            Command::RecordService {
                activity,
                volunteers,
                minutes,
                points,
            } => self.record_service(&activity, &volunteers, minutes, points, send),
            Command::AddVolunteer {
                community,
                name,
                phone,
                skills,
                team,
            } => {
                let new = gridbook_model::NewVolunteer {
                    community: community.clone(),
                    name: name.clone(),
                    phone,
                    skills,
                    team,
                    joined: self.book.now().day(),
                };
                let r = self
                    .book
                    .add_volunteer(new)
                    .map(|_| VolunteerSaved::Volunteer(name));
                self.after_volunteer_edit(&community, r, send);
            }
            Command::AddTeam {
                community,
                name,
                parent,
            } => {
                let r = self
                    .book
                    .add_team(&community, &name, parent.as_ref())
                    .map(|_| VolunteerSaved::Team(name));
                self.after_volunteer_edit(&community, r, send);
            }
            Command::SetSkills(volunteer, skills) => {
                let r = self
                    .book
                    .set_skills(&volunteer, &skills)
                    .map(|()| VolunteerSaved::Skills);
                let community = self.community_of(&volunteer);
                self.after_volunteer_edit(&community, r, send);
            }
            Command::AddMember(name, role) => {
                let r = self.book.add_member(&name, role).map(|_| ());
                self.after_office_edit(r, OfficeSaved::Member(name), Origin::People, send);
            }
            Command::Grant {
                device,
                member,
                role,
            } => {
                let r = self.book.grant(&device, &member, role);
                self.after_office_edit(r, OfficeSaved::Granted, Origin::People, send);
            }
            Command::Revoke { device, reason } => {
                let r = self.book.revoke(&device, &reason);
                self.after_office_edit(r, OfficeSaved::Revoked, Origin::People, send);
            }
            Command::AddPlace {
                kind,
                parent,
                code,
                name,
            } => {
                let r = self
                    .book
                    .add_place(kind, parent.as_deref(), &code, &name)
                    .map(|_| ());
                self.after_office_edit(r, OfficeSaved::Place(name), Origin::Places, send);
            }
            Command::Redeem {
                volunteer,
                minutes,
                points,
                note,
            } => self.redeem(&volunteer, minutes, points, &note, send),
            Command::FoundNetwork { subdistrict, name } => {
                let r = self.book.init_network(&subdistrict, &name).map(|_| ());
                self.after_directory_edit(r, Origin::FirstRun, send);
            }
            Command::UseMember(member) => {
                let r = self.book.set_member(&member);
                self.after_directory_edit(r, Origin::General, send);
            }
            Command::SetRelay(url) => {
                let r = self.book.set_relay(url.as_deref());
                self.after_directory_edit(r, Origin::General, send);
            }
            Command::AddResident(new) => self.add_resident(new, send),
            Command::EditResident(id, edit) => self.edit_resident(&id, &edit, send),
            Command::MergeResident(duplicate, into) => self.merge_resident(&duplicate, &into, send),
            Command::CloseDuplicate(id, original, note) => {
                let r = self.book.close_as_duplicate(&id, &original, note);
                self.after_need_edit(&id, r, send);
            }
            Command::LoadPeers => self.send_peers(send),
            Command::LoadReport(query) => self.send_report(query, send),
            Command::LoadAudit(of) => self.send_audit(of, send),
            Command::Export {
                query,
                what,
                format,
            } => self.export(&query, &what, format, send),
            Command::PrintNotice(query) => self.print_notice(&query, send),
            Command::ReadSheet(file, kind) => self.read_sheet(file, kind, send),
            Command::ImportSheet(file) => self.import_sheet(&file, send),
            Command::ExportBundle(out) => self.export_bundle(&out, send),
            Command::ImportBundle(file) => self.import_bundle(&file, send),
            Command::Reload => self.reload_all(send),
            // Run by the loop in `run`, which owns the data directory's path.
            Command::Forwarded(..)
            | Command::Shutdown
            | Command::Store(_)
            | Command::WatchedBy(_) => {}
        }
    }

    /// Reads everything the pages show again (a sync or a forwarded command changed it).
    fn reload_all(&mut self, send: &dyn Fn(Event)) {
        self.after_directory_edit(Ok(()), Origin::General, send);
        self.send_register(send);
        self.reload_needs(send);
        self.send_meetings(send);
    }
}
