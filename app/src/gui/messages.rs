//! The messages between the UI and the worker: [`Command`]s it asks of the store, and the
//! [`Event`]s that answer them (with why a step was [`Refusal`] refused).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use gridbook_model::conflict::Conflict;
use gridbook_model::ids::{
    ActivityId, MeetingId, MemberId, MotionId, NeedId, ResidentId, TeamId, VolunteerId,
};
use gridbook_model::need::{Need, NeedField, Transition, TransitionError};
use gridbook_model::register_search::RegisterIndex;
use gridbook_model::summary::{MeetingSummary, NeedSummary};
use gridbook_model::vocab::{Choice, Role};
use gridbook_model::volunteer::Team;
use gridbook_model::words::Words;
use gridbook_model::{
    DirectoryView, Error, HistoryEntry, MeetingView, NeedEdit, NewMeeting, NewNeed, NewResident,
    PlaceKind, Resident, ResidentEdit, WalkIn,
};

use gridbook_sync::peers::PeerView;

use gridbook_model::ids::{DecisionId, NoteId, TopicId};
use gridbook_model::report::Report;
use gridbook_model::scope::Scope;
use gridbook_model::time::Day;
use gridbook_model::{ActivitySummary, VolunteerView};

use super::rows::{NeedFilter, NeedStats};
use crate::office::import::Kind;

mod files;
use crate::office::print::MeetingPaper;
use crate::office::{Format, What};
pub(crate) use files::{
    BundleMerged, BundleWritten, PreviewRow, Progress, SheetPreview, Step, Task,
};

/// What the UI asks of the store.
#[derive(Debug)]
pub(crate) enum Command {
    /// List the needs that pass this filter.
    FilterNeeds(NeedFilter),
    /// Record a new need, durably.
    AddNeed(NewNeed),
    /// Load one need with its concurrent values.
    LoadNeed(NeedId),
    /// Move a need one step round the loop.
    Advance(NeedId, Transition),
    /// Assign a need to a member.
    AssignNeed(NeedId, MemberId),
    /// Write chosen values (resolving a conflict on each field written).
    EditNeed(NeedId, NeedEdit),
    /// Ends a conflict on a need's field by keeping one of its values.
    KeepNeedValue(NeedId, String, serde_json::Value),
    /// Load one meeting.
    LoadMeeting(MeetingId),
    /// Hold a new meeting.
    CreateMeeting(NewMeeting),
    /// Sign a resident in.
    CheckIn(MeetingId, ResidentId),
    /// Enter someone not in the register as a walk-in and sign them in, in one write.
    SignInWalkIn(MeetingId, WalkIn),
    /// Print a meeting's sign-in sheet or minutes into the exports folder and open it.
    PrintMeeting(MeetingId, MeetingPaper),
    /// Record one resident's vote.
    Vote(MeetingId, MotionId, ResidentId, Choice),
    /// Set the show-of-hands counts of a motion.
    SetCounts(MeetingId, MotionId, [(Choice, u32); 3]),
    /// Edit a meeting's agenda, minutes or decisions.
    EditMeeting(MeetingId, AgendaEdit),
    /// Enter a resident in the register.
    AddResident(NewResident),
    /// Change a resident's name or phone.
    EditResident(ResidentId, ResidentEdit),
    /// Record that a resident was entered twice: the first is the same person as the second.
    MergeResident(ResidentId, ResidentId),
    /// Close a need as a repeat of another (the original), with a note.
    CloseDuplicate(NeedId, NeedId, Option<String>),
    /// Run a command line forwarded from a terminal (see `owner.rs`) and answer it.
    Forwarded(crate::owner::CommandLine, Sender<anyhow::Result<String>>),
    /// The app is closing: stop.
    Shutdown,
    /// Work of the app's sync node on the store (`net.rs`); it is not the UI's, so it sends no
    /// [`Event::Done`].
    Store(StoreJob),
    /// Read everything the views show again (a sync brought changes).
    Reload,
    /// From the sync node: tell it after each command that changed the store, so that live
    /// connections push the change at once.
    WatchedBy(gridbook_sync::Notifier),
    /// List the known devices, for the sync page.
    LoadPeers,
    /// Compute the office's report for a period and place.
    LoadReport(ReportQuery),
    /// Read the audit trail of one resident, or of every record.
    LoadAudit(AuditOf),
    /// Export the ledgers of a report's scope to a file in the data directory's `exports`.
    Export {
        /// The period and place.
        query: ReportQuery,
        /// The kinds (every one when empty).
        what: Vec<What>,
        /// XLSX or CSV.
        format: Format,
    },
    /// Print the public notice (公示) of a report's scope into the data directory's `exports`
    /// and open it in the system's browser.
    PrintNotice(ReportQuery),
    /// Read a ledger, register or roster file and check every row, for a preview (the plan of
    /// a good file is kept for [`Command::ImportSheet`]).
    ReadSheet(PathBuf, Kind),
    /// Write the file last read, all or nothing (refused unless its preview had no error).
    ImportSheet(PathBuf),
    /// Write a bundle of the network's data to this file.
    ExportBundle(PathBuf),
    /// Merge the bundle in this file.
    ImportBundle(PathBuf),
    /// Load a community's volunteers with their balances.
    LoadVolunteers(String),
    /// Start an activity today.
    AddActivity {
        /// The community's code.
        community: String,
        /// What the activity is.
        title: String,
    },
    /// Record that volunteers served at an activity (one change, one store transaction).
    RecordService {
        /// The activity.
        activity: ActivityId,
        /// Who served.
        volunteers: Vec<VolunteerId>,
        /// For how long.
        minutes: u32,
        /// Points earned.
        points: u32,
    },
    /// Add a volunteer to a community's roster, joining today.
    AddVolunteer {
        /// The community's code.
        community: String,
        /// Their name.
        name: String,
        /// Their phone, if given.
        phone: Option<String>,
        /// Their skills.
        skills: Vec<String>,
        /// Their team or sub-team.
        team: Option<TeamId>,
    },
    /// Add a team, or a sub-team of `parent`, to a community's roster.
    AddTeam {
        /// The community's code.
        community: String,
        /// The team's name.
        name: String,
        /// The team it belongs to.
        parent: Option<TeamId>,
    },
    /// Replace a volunteer's skills.
    SetSkills(VolunteerId, Vec<String>),
    /// Add a member (a person who uses Gridbook) with a role.
    AddMember(String, Role),
    /// Grant a device (hex) to a member with a role.
    Grant {
        /// The device's id (hex).
        device: String,
        /// The member using it.
        member: MemberId,
        /// The role it gets.
        role: Role,
    },
    /// Revoke a device (hex) for good, saying why.
    Revoke {
        /// The device's id (hex).
        device: String,
        /// Why.
        reason: String,
    },
    /// Add a place to the directory.
    AddPlace {
        /// Community, courtyard, grid or building.
        kind: PlaceKind,
        /// The place it is in (none for a community).
        parent: Option<String>,
        /// Its code (the id is made from the parent's and this).
        code: String,
        /// Its name.
        name: String,
    },
    /// Found a network on this device (first run).
    FoundNetwork {
        /// The subdistrict's name.
        subdistrict: String,
        /// The founder's name.
        name: String,
    },
    /// Set the person using this device.
    UseMember(MemberId),
    /// Set (or with `None` clear) the network's relay server, for every device.
    SetRelay(Option<String>),
    /// Record a redemption of hours or points.
    Redeem {
        /// Whose.
        volunteer: VolunteerId,
        /// Minutes spent.
        minutes: i64,
        /// Points spent.
        points: i64,
        /// What for.
        note: String,
    },
}

/// Where a refusal is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The new-need form.
    NewNeed,
    /// The need's detail panel.
    Need,
    /// The meeting page.
    Meeting,
    /// The volunteers page.
    Volunteers,
    /// The people-and-devices page.
    People,
    /// The places page.
    Places,
    /// The first-run page.
    FirstRun,
    /// The reports page.
    Reports,
    /// The files page.
    Files,
    /// The residents' register.
    Residents,
    /// Anything else: the status line.
    General,
}

/// A refusal or failure, for the page to word in the app's language.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Refusal {
    /// A step was asked of a need at another stage.
    WrongStage {
        /// Where the need is.
        from: gridbook_model::vocab::Stage,
        /// Where it was asked to go.
        to: gridbook_model::vocab::Stage,
    },
    /// A field the step needs is empty (the page names it by its form's label).
    Missing(NeedField),
    /// Anything else, as the model, the store or the office words it.
    Said(Words),
    /// A failure with no words of its own, in its own text.
    Failed(String),
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        match e {
            Error::Transition(TransitionError::WrongStage { from, to, .. }) => {
                Refusal::WrongStage { from, to }
            }
            Error::Transition(TransitionError::Missing { field, .. }) => Refusal::Missing(field),
            other => Refusal::Said(other.words()),
        }
    }
}

impl From<&anyhow::Error> for Refusal {
    fn from(e: &anyhow::Error) -> Self {
        match crate::error::words_of_chain(e) {
            Some(words) => Refusal::Said(words),
            None => Refusal::Failed(format!("{e:#}")),
        }
    }
}

/// What the store answers, in the order it happened.
#[derive(Debug)]
pub(crate) enum Event {
    /// The store is open; the directory and the lists that do not change often.
    Opened {
        /// Where the data lives.
        data_dir: PathBuf,
        /// Communities, grids, buildings and members.
        directory: Box<DirectoryView>,
        /// The member using this device, if set.
        me: Option<MemberId>,
    },
    /// The register changed (an entry, an edit, a merge, or a sync).
    Register(Register),
    /// A register edit was saved durably.
    ResidentSaved(ResidentSaved),
    /// The directory changed on this device (a network founded, the person using it set).
    Directory(Box<DirectoryView>, Option<MemberId>),
    /// The store could not be opened.
    OpenFailed(String),
    /// The needs list: every row, the positions that pass the filter, and figures.
    Needs {
        /// Every need's summary row.
        rows: Arc<Vec<NeedSummary>>,
        /// Positions in `rows` that pass the filter, in display order.
        shown: Arc<Vec<usize>>,
        /// Figures over every row.
        stats: Arc<NeedStats>,
        /// The filter that was applied.
        filter: NeedFilter,
    },
    /// A need was saved durably.
    NeedSaved(NeedId, String),
    /// One need, whole, with the fields that hold concurrent values.
    NeedDetail(Box<Need>, Vec<Conflict>, Vec<HistoryEntry>),
    /// The meetings.
    Meetings(Vec<MeetingSummary>),
    /// One meeting.
    Meeting(Box<MeetingView>),
    /// An edit of a meeting's agenda, minutes or decisions was saved durably.
    AgendaSaved,
    /// A new meeting was saved durably.
    MeetingCreated(MeetingId),
    /// A walk-in was entered and signed in (their name).
    WalkInSignedIn(String),
    /// A meeting's print-out was written (its path) and opened in a browser, or not.
    MeetingPrinted {
        /// Where it is.
        path: String,
        /// Whether a browser was started on it.
        opened: bool,
    },
    /// A community's roster, activities and balances.
    Volunteers(Box<Roster>),
    /// A volunteers-page edit was saved durably.
    VolunteerSaved(VolunteerSaved),
    /// An edit of the office's (members, devices, places) was saved durably.
    OfficeSaved(OfficeSaved),
    /// Something was refused; nothing was written.
    Refused(Origin, Refusal),
    /// The devices this one knows, for the sync page.
    Peers(Vec<PeerView>),
    /// The network's relay server, if it has one.
    Relay(Option<String>),
    /// The report asked for.
    Report(Box<ReportShown>),
    /// The audit trail asked for, oldest first (causal order per document).
    Audit(AuditOf, Vec<gridbook_model::AuditEntry>),
    /// An export was written: what and where, in words.
    Exported(String),
    /// A print-out was written (its path) and opened in a browser, or not.
    Printed {
        /// Where it is.
        path: String,
        /// Whether a browser was started on it.
        opened: bool,
    },
    /// How far a long task of the files page has come.
    Progress(Task, Progress),
    /// A sheet was read and checked: its rows, with their errors.
    SheetRead(Arc<SheetPreview>),
    /// A sheet was imported: what and how many.
    SheetImported(Kind, usize),
    /// A bundle was written.
    BundleWritten(Box<BundleWritten>),
    /// A bundle was merged.
    BundleMerged(Box<BundleMerged>),
    /// The command is finished (one per command, after its other events).
    Done,
}

/// The residents' register and its search index, made once per change of the register (by the
/// worker), never per keystroke.
#[derive(Debug, Clone, Default)]
pub(crate) struct Register {
    /// Every entry by id, merged duplicates included.
    pub residents: Arc<BTreeMap<String, Resident>>,
    /// The entries that stand for a person (merged duplicates left out), ready to search.
    pub index: Arc<RegisterIndex>,
}

/// What a register edit saved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResidentSaved {
    /// A resident was entered.
    Added(ResidentId),
    /// A name or phone was changed.
    Edited(ResidentId),
    /// A duplicate (first) was merged into the entry that stays (second).
    Merged(ResidentId, ResidentId),
}

/// A job of the sync node's, run on the worker's store.
pub(crate) struct StoreJob(pub gridbook_sync::Job);

impl std::fmt::Debug for StoreJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreJob")
    }
}

/// The periods offered, counted back from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Period {
    /// Everything.
    #[default]
    All,
    /// From the first of this month.
    ThisMonth,
    /// The last three calendar months, this one included.
    Quarter,
    /// From the first of January.
    ThisYear,
}

impl Period {
    /// Every period, in the order the reports page offers them.
    pub(crate) const ALL: [Period; 4] = [
        Period::All,
        Period::ThisMonth,
        Period::Quarter,
        Period::ThisYear,
    ];

    /// The first day of the period, given today (`None`: no bound).
    pub(crate) fn from(self, today: Day) -> Option<Day> {
        let month = today.month();
        let first = |s: String| s.parse::<Day>().ok();
        match self {
            Period::All => None,
            Period::ThisMonth => first(format!("{month}-01")),
            Period::Quarter => {
                let (y, m) = month.split_once('-')?;
                let (y, m): (i32, i32) = (y.parse().ok()?, m.parse().ok()?);
                let back = y * 12 + (m - 1) - 2;
                first(format!("{:04}-{:02}-01", back / 12, back % 12 + 1))
            }
            Period::ThisYear => first(format!("{}-01-01", &month[..4])),
        }
    }
}

/// What the report covers: a period and a place (a community, or a grid in it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ReportQuery {
    /// The period.
    pub period: Period,
    /// A community code.
    pub community: Option<String>,
    /// A grid id.
    pub grid: Option<String>,
}

impl ReportQuery {
    /// The model's scope for this query, given today.
    pub(crate) fn scope(&self, today: Day) -> Scope {
        Scope {
            from: self.period.from(today),
            to: None,
            community: self.community.clone(),
            grid: self.grid.clone(),
        }
    }
}

/// A computed report, as the worker sends it.
#[derive(Debug)]
pub(crate) struct ReportShown {
    /// What was asked.
    pub query: ReportQuery,
    /// The office's numbers.
    pub report: Report,
    /// Needs per stage and category in the same scope.
    pub stats: NeedStats,
}

/// What the audit section shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuditOf {
    /// Every resident's and need's record.
    Everything,
    /// One resident (id).
    Resident(String),
}

/// An edit of a meeting's agenda, minutes or decisions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AgendaEdit {
    /// Put a topic on the agenda, optionally linked to a need.
    AddTopic(String, Option<NeedId>),
    /// The topic was settled at this meeting.
    Settle(TopicId),
    /// Send the topic to the next level up.
    Escalate(TopicId),
    /// Put a motion to the vote (passing at two thirds if set).
    AddMotion(String, bool),
    /// Replace the minutes with this text.
    SetMinutes(String),
    /// Record a decision.
    AddDecision(String),
    /// Add a follow-up action (text, owner) to a decision.
    AddFollowUp(DecisionId, String, Option<String>),
    /// Mark a follow-up action done, by this device's member, now.
    CompleteFollowUp(NoteId),
}

/// What the page shows of one community, loaded by the worker.
#[derive(Debug, Clone)]
pub(crate) struct Roster {
    /// The community's code.
    pub community: String,
    /// Its volunteers with their balances.
    pub volunteers: Vec<VolunteerView>,
    /// Its activities, latest first.
    pub activities: Vec<ActivitySummary>,
    /// Its teams and sub-teams by id.
    pub teams: BTreeMap<String, Team>,
    /// The month of `stars` (`YYYY-MM`).
    pub month: String,
    /// Who served most this month: name and minutes.
    pub stars: Vec<(String, i64)>,
}

/// What a volunteers-page edit saved (the page words it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VolunteerSaved {
    /// An activity was started (its title).
    Activity(String),
    /// Service was recorded, for this many volunteers.
    Service(usize),
    /// A volunteer was added (their name).
    Volunteer(String),
    /// A team was added (its name).
    Team(String),
    /// A volunteer's skills were saved.
    Skills,
    /// A redemption was recorded.
    Redemption,
}

/// What an office edit saved (the page words it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OfficeSaved {
    /// A member was added (their name).
    Member(String),
    /// A device was granted a role.
    Granted,
    /// A device was revoked.
    Revoked,
    /// A place was added (its name).
    Place(String),
}
