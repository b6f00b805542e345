//! The worker thread: it alone owns the [`Gridbook`] (the store on disk), takes [`Command`]s
//! over a channel and answers with [`Event`]s through an inbox that wakes the UI with
//! `request_repaint`. The UI thread never waits on disk.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

use gridbook_model::ids::{MeetingId, NeedId, VolunteerId};
use gridbook_model::summary::NeedSummary;
use gridbook_model::vocab::MovementKind;
use gridbook_model::{DirectoryView, Error, Gridbook};

use crate::i18n::tr;
use super::reports::{ReportQuery, ReportShown};
use super::rows::{NeedFilter, NeedStats};
use super::volunteers::Roster;
use crate::cli::export::{Format, What};

pub use super::messages::{Command, Event, Origin, Refusal, StoreJob};

/// The UI's handle on the worker: send commands, take events.
pub struct Worker {
    commands: Option<Sender<Command>>,
    events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
    in_flight: usize,
}

impl Worker {
    /// Starts the worker on the store in `data_dir`; `repaint` is called after every event.
    pub fn spawn(
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
    pub fn store_jobs(&self) -> Option<Sender<Command>> {
        self.commands.clone()
    }

    /// Queues a command.
    pub fn send(&mut self, command: Command) {
        if let Some(tx) = &self.commands
            && tx.send(command).is_ok()
        {
            self.in_flight += 1;
        }
    }

    /// The events that have arrived, without waiting.
    pub fn poll(&mut self) -> Vec<Event> {
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
    pub fn busy(&self) -> bool {
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
        let residents = book.residents().unwrap_or_default();
        let me = book.member()?;
        Ok((book, directory, residents, me))
    });
    let (book, directory, residents, me) = match opened {
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
        residents: Arc::new(residents),
        me,
    });
    let mut state = State {
        book,
        notifier: None,
        data_dir: data_dir.to_path_buf(),
        rows: Arc::default(),
        stats: Arc::default(),
        filter: NeedFilter::default(),
    };
    state.reload_needs(send);
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
    fn handle(&mut self, command: Command, send: &dyn Fn(Event)) {
        match command {
            Command::FilterNeeds(filter) => {
                self.filter = filter;
                self.send_needs(send);
            }
            Command::AddNeed(new) => match self.book.add_need(new) {
                Ok(id) => {
                    let ledger = self.book.need(&id).map(|n| n.ledger_no).unwrap_or_default();
                    send(Event::NeedSaved(id, ledger));
                    self.reload_needs(send);
                }
                Err(e) => send(Event::Refused(Origin::NewNeed, e.into())),
            },
            Command::LoadNeed(id) => self.send_need(&id, send),
            Command::Advance(id, step) => {
                match self.book.advance_need(&id, &step) {
                    Ok(()) => self.reload_needs(send),
                    Err(e) => send(Event::Refused(Origin::Need, e.into())),
                }
                self.send_need(&id, send);
            }
            Command::AssignNeed(id, member) => {
                match self.book.assign_need(&id, &member) {
                    Ok(()) => self.reload_needs(send),
                    Err(e) => send(Event::Refused(Origin::Need, e.into())),
                }
                self.send_need(&id, send);
            }
            Command::EditNeed(id, edit) => {
                match self.book.edit_need_fields(&id, &edit) {
                    Ok(()) => self.reload_needs(send),
                    Err(e) => send(Event::Refused(Origin::Need, e.into())),
                }
                self.send_need(&id, send);
            }
            Command::LoadMeeting(id) => self.send_meeting(&id, send),
            Command::CheckIn(meeting, resident) => {
                let r = self.book.check_in(&meeting, &resident);
                self.after_meeting_edit(&meeting, r, send);
            }
            Command::Vote(meeting, motion, resident, choice) => {
                let r = self.book.vote(&meeting, &motion, &resident, choice);
                self.after_meeting_edit(&meeting, r, send);
            }
            Command::SetCounts(meeting, motion, counts) => {
                let r = self.book.batch(|book| {
                    for (choice, n) in counts {
                        book.set_count(&meeting, &motion, choice, n)?;
                    }
                    Ok(())
                });
                self.after_meeting_edit(&meeting, r, send);
            }
            Command::EditMeeting(meeting, edit) => {
                let r = super::meeting_agenda::apply(&mut self.book, &meeting, edit);
                if r.is_ok() {
                    send(Event::AgendaSaved);
                }
                self.after_meeting_edit(&meeting, r, send);
            }
            Command::LoadVolunteers(community) => self.send_roster(&community, send),
            Command::Reload => self.reload_all(send),
            Command::LoadReport(query) => self.send_report(query, send),
            Command::LoadAudit(of) => {
                let resident = match &of {
                    super::audit::AuditOf::Everything => None,
                    super::audit::AuditOf::Resident(id) => Some(id.clone()),
                };
                match self.book.audit(resident.as_deref()) {
                    Ok(entries) => send(Event::Audit(of, entries)),
                    Err(e) => send(Event::Refused(Origin::Reports, e.into())),
                }
            }
            Command::Export {
                query,
                what,
                format,
            } => match self.export(&query, &what, format) {
                Ok(wrote) => send(Event::Exported(wrote)),
                Err(e) => send(Event::Refused(
                    Origin::Reports,
                    Refusal::Other(format!("{e:#}")),
                )),
            },
            Command::LoadPeers => match gridbook_sync::peers::peers(&mut self.book) {
                Ok(peers) => send(Event::Peers(peers)),
                Err(e) => send(Event::Refused(Origin::General, e.into())),
            },
            // Run by the loop in `run`, which owns the data directory's path.
            Command::Forwarded(..)
            | Command::Shutdown
            | Command::Store(_)
            | Command::WatchedBy(_) => {}
            Command::AddActivity { community, title } => {
                let today = self.book.now().day();
                let r = self
                    .book
                    .add_activity(&community, &title, None, today, None)
                    .map(|_| tr!("volunteers.activity_saved", title = title));
                self.after_volunteer_edit(&community, r, send);
            }
            Command::RecordService {
                activity,
                volunteer,
                minutes,
                points,
            } => {
                let r = self
                    .book
                    .record_attendance(&activity, &volunteer, minutes, points)
                    .map(|()| tr!("volunteers.service_saved"));
                let community = self.community_of(&volunteer);
                self.after_volunteer_edit(&community, r, send);
            }
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
            Command::Redeem {
                volunteer,
                minutes,
                points,
                note,
            } => {
                let r = self
                    .book
                    .add_movement(&volunteer, MovementKind::Redeem, minutes, points, &note)
                    .map(|_| tr!("volunteers.redeem_saved"));
                let community = self.community_of(&volunteer);
                self.after_volunteer_edit(&community, r, send);
            }
        }
    }

    fn after_directory_edit(
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

    fn send_roster(&mut self, community: &str, send: &dyn Fn(Event)) {
        match Roster::load(&mut self.book, community) {
            Ok(r) => send(Event::Volunteers(Box::new(r))),
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }

    fn community_of(&self, volunteer: &VolunteerId) -> String {
        self.book
            .volunteer_summaries()
            .ok()
            .and_then(|all| all.into_iter().find(|v| &v.id == volunteer))
            .map(|v| v.community)
            .unwrap_or_default()
    }

    fn after_volunteer_edit(
        &mut self,
        community: &str,
        result: gridbook_model::Result<String>,
        send: &dyn Fn(Event),
    ) {
        match result {
            Ok(what) => send(Event::VolunteerSaved(what)),
            Err(e) => send(Event::Refused(Origin::Volunteers, e.into())),
        }
        self.send_roster(community, send);
    }

    fn send_report(&mut self, query: ReportQuery, send: &dyn Fn(Event)) {
        let scope = query.scope(self.book.now().day());
        match self.book.report(&scope) {
            Ok(report) => {
                let stats = NeedStats::of(self.rows.iter().filter(|n| scope.has_need(n)));
                send(Event::Report(Box::new(ReportShown {
                    query,
                    report,
                    stats,
                })));
            }
            Err(e) => send(Event::Refused(Origin::Reports, e.into())),
        }
    }

    /// Writes the export into `<data>/exports/`, named by what it holds and when.
    fn export(
        &mut self,
        query: &ReportQuery,
        what: &[What],
        format: Format,
    ) -> anyhow::Result<String> {
        let scope = query.scope(self.book.now().day());
        let dir = self.data_dir.join("exports");
        std::fs::create_dir_all(&dir)?;
        let kind = match what {
            [What::Needs] => "needs",
            [What::Meetings] => "meetings",
            [What::Volunteers] => "volunteers",
            [What::Hours] => "hours",
            _ => "ledgers",
        };
        let stamp: String = self
            .book
            .now()
            .to_rfc3339()
            .chars()
            .take(19)
            .map(|c| if c == ':' { '-' } else { c })
            .collect();
        let ext = if format == Format::Csv { "csv" } else { "xlsx" };
        let out = dir.join(format!("gridbook-{kind}-{stamp}.{ext}"));
        crate::cli::export::write(&mut self.book, format, what, &scope, &out, &[])?;
        Ok(out.display().to_string())
    }

    fn reload_all(&mut self, send: &dyn Fn(Event)) {
        self.after_directory_edit(Ok(()), Origin::General, send);
        self.reload_needs(send);
        self.send_meetings(send);
    }

    fn reload_needs(&mut self, send: &dyn Fn(Event)) {
        match self.book.need_summaries() {
            Ok(rows) => {
                self.stats = Arc::new(NeedStats::of(&rows));
                self.rows = Arc::new(rows);
                self.send_needs(send);
            }
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }

    fn send_needs(&self, send: &dyn Fn(Event)) {
        let today = self.book.now().day();
        send(Event::Needs {
            rows: self.rows.clone(),
            shown: Arc::new(self.filter.apply(&self.rows, today)),
            stats: self.stats.clone(),
            filter: self.filter.clone(),
        });
    }

    fn send_need(&mut self, id: &NeedId, send: &dyn Fn(Event)) {
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

    fn send_meetings(&self, send: &dyn Fn(Event)) {
        match self.book.meeting_summaries() {
            Ok(m) => send(Event::Meetings(m)),
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }

    fn send_meeting(&mut self, id: &MeetingId, send: &dyn Fn(Event)) {
        match self.book.meeting_view(id) {
            Ok(m) => send(Event::Meeting(Box::new(m))),
            Err(e) => send(Event::Refused(Origin::Meeting, e.into())),
        }
    }

    fn after_meeting_edit(
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
