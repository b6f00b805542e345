//! The command line: its clap types, and dispatch to one module per command group.
//!
//! Decisions, for people and scripts alike:
//! - Machine output (ids, `--json`, `dump`) uses the canonical English tokens and never depends
//!   on the UI language; input accepts the Chinese names of the vocabulary too.
//! - Commands that make a record print its id alone on stdout, so scripts can capture it.
//! - Errors are one line on stderr, `error: …`, and nothing is printed on stdout. Exit status:
//!   0 done, 1 refused or failed (nothing written), 2 the command line was not understood.
//! - Text lists mask phones; `--json` and `need show` (one record, opened on purpose) give them
//!   whole. JSON times are milliseconds since the epoch, as in `dump`; text shows UTC+8.
//! - A command waits up to five seconds for another process that holds the store (two commands
//!   run at once take turns), then names it in its error.
//! - While `gridbook serve` holds the data directory, it runs the commands given there, on the
//!   store it has open, and they answer exactly as they would alone (owner.rs).

mod access;
mod bundle;
mod ctx;
mod decrypt;
pub(crate) mod demo;
mod directory;
mod dump;
pub(crate) mod export;
mod import;
mod init;
mod lent;
mod meeting;
mod member;
mod need;
mod output;
mod pairing;
mod parse;
pub(crate) mod passphrase;
mod peers;
mod print;
mod report;
mod resident;
mod status;
pub(crate) mod sync;
mod volunteer;

use std::cell::RefCell;
use std::path::PathBuf;

pub(crate) use crate::error;
pub(crate) use crate::error::{CliError, one_line};
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
pub(crate) use ctx::{Ctx, data_dir, prepare_demo};
use gridbook_model::Passphrase;
use gridbook_model::ids::ResidentId;
use gridbook_model::time::Day;
use gridbook_model::vocab::{
    Category, Claimant, CloseReason, Difficulty, Level, ProjectKind, Role, Route, Source, Stage,
};
pub(crate) use lent::{BookRef, run_lent};

/// A command line forwarded over the owner socket, parsed as the command line it is; a line
/// that is not understood is one error line, as clap says it.
pub(crate) fn parse_forwarded(args: &[String]) -> Result<Cli> {
    Cli::try_parse_from(args).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim()))
}
pub(crate) use parse::vocab;
use parse::{NeedRef, yes_no};

/// The `gridbook` command line.
#[derive(Debug, Parser)]
#[command(
    name = "gridbook",
    version,
    about = "Gridbook: the offline field tool for community grid work",
    after_help = "Vocabulary values (categories, stages, roles…) are accepted as English tokens or \
                  their Chinese names. Exit status: 0 done, 1 refused or failed (nothing written), \
                  2 the command line was not understood.",
    after_long_help = AFTER_LONG_HELP
)]
pub(crate) struct Cli {
    /// The data directory that holds this device's store [default: the platform's data dir]
    #[arg(
        long,
        global = true,
        env = "GRIDBOOK_DATA",
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub data: Option<PathBuf>,

    /// Use the demo network (made on first use, kept apart from your real data; --data is
    /// ignored); with no command, start the app on it
    #[arg(long)]
    pub demo: bool,

    /// What to do; with none, the app starts
    #[command(subcommand)]
    pub command: Option<Command>,
}

const AFTER_LONG_HELP: &str = "\
Vocabulary values (categories, stages, roles…) are accepted as English tokens or their Chinese
names; output always uses the English tokens.

Exit status: 0 done, 1 refused or failed (nothing was written), 2 the command line was not
understood.

A first session:
  gridbook init --subdistrict 凤凰台街道 --name 赵敏
  gridbook directory add community --code zt --name 中台社区
  gridbook directory add grid --in zt --code g3 --name 第3网格
  id=$(gridbook need add --title 独居老人需要送餐 --category 老年关爱 --grid 第3网格)
  gridbook need advance $id --to classified --reasonable yes --difficulty low
  gridbook need list";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Found a network (one subdistrict) on this device, with you as its first admin
    Init(InitArgs),
    /// Places: communities, courtyards, grids and buildings
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// People who use Gridbook
    #[command(subcommand)]
    Member(MemberCommand),
    /// The residents' register
    #[command(subcommand)]
    Resident(ResidentCommand),
    /// Residents' needs and their five-step loop
    #[command(subcommand)]
    Need(NeedCommand),
    /// Deliberation meetings (阳光17议): agenda, minutes, motions and votes
    #[command(subcommand)]
    Meeting(meeting::MeetingCommand),
    /// Volunteers, teams, activities and the time bank
    #[command(subcommand)]
    Volunteer(volunteer::VolunteerCommand),
    /// Fill an empty --data directory with a demo network like the seed's Fenghuangtai
    Demo {
        /// 1 is about one subdistrict-year
        #[arg(long, default_value_t = 1)]
        scale: u32,
    },
    /// Print every document as canonical JSON (identical on converged devices)
    Dump,
    /// What this device holds: documents, needs per stage, store size, identity
    Status(JsonFlag),
    /// Run a headless peer: accept sync sessions from the network's devices
    Serve(sync::ServeArgs),
    /// Sync once with a peer, and exit 0 only when both hold the same data
    Sync(sync::SyncArgs),
    /// This device's id, and the devices the network lets sync
    #[command(subcommand)]
    Device(sync::DeviceCommand),
    /// Write the needs ledger, meetings, volunteers or hours as XLSX or CSV, or one document
    /// as a plain Automerge file
    Export(export::ExportArgs),
    /// Open a file encrypted to this device (an export made with --encrypt-to DEVICE_ID)
    Decrypt(decrypt::DecryptArgs),
    /// Read a needs ledger, residents' register or volunteer roster from XLSX or CSV: shows
    /// what it will create, then writes all of it or, if any row is wrong, nothing
    Import(import::ImportArgs),
    /// The office's numbers: needs round the loop, topics settled, volunteer hours, for a
    /// period, community or grid
    Report(report::ReportArgs),
    /// Print-ready HTML: a public notice of needs (公示) or a meeting's sign-in sheet
    #[command(subcommand)]
    Print(print::PrintCommand),
    /// Invite a new device (admin): prints a ticket and QR code, and admits the device
    Invite(pairing::InviteArgs),
    /// Join a network with an invite ticket, and fetch its data
    Join(pairing::JoinArgs),
    /// The network's devices: roles, members, last seen and last synced here
    Peers(JsonFlag),
    /// Carry data on a USB stick: an encrypted file of everything (or what one device lacks)
    #[command(subcommand)]
    Bundle(bundle::BundleCommand),
    /// Give a device a role, or change its role (admin): a grant signed by this device
    Grant(access::GrantArgs),
    /// Revoke a device for good (admin): refused at every handshake once this spreads
    Revoke(access::RevokeArgs),
    /// Changes this device keeps but ignores (not allowed by their author's role, or made by a
    /// revoked device), with why
    Ignored(JsonFlag),
    /// Who changed which resident's or need's record, and when
    Audit(access::AuditArgs),
    /// Lock the store with a new passphrase (asks the current one, then the new one twice;
    /// or GRIDBOOK_PASSPHRASE and GRIDBOOK_NEW_PASSPHRASE); every record is kept
    Passphrase,
}

/// `--json`.
#[derive(Debug, Args)]
pub(crate) struct JsonFlag {
    /// Print JSON (canonical English tokens) instead of text
    #[arg(long)]
    pub json: bool,
}

/// `gridbook init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The subdistrict's name, like 凤凰台街道
    #[arg(long, value_name = "NAME")]
    pub subdistrict: String,
    /// Your name: you become the network's first admin
    #[arg(long, value_name = "PERSON")]
    pub name: String,
}

/// `gridbook directory …`.
#[derive(Debug, Subcommand)]
pub(crate) enum DirectoryCommand {
    /// Add a place
    #[command(subcommand)]
    Add(AddPlace),
    /// Show the places and members
    List(JsonFlag),
}

/// `gridbook directory add …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AddPlace {
    /// Add a community (社区)
    Community {
        /// Its short code, like zt
        #[arg(long)]
        code: String,
        /// Its name, like 中台社区
        #[arg(long)]
        name: String,
    },
    /// Add a courtyard (院落) in a community
    Courtyard {
        /// The community's code or name
        #[arg(long = "in", value_name = "COMMUNITY")]
        parent: String,
        /// Its short code, like y1
        #[arg(long)]
        code: String,
        /// Its name
        #[arg(long)]
        name: String,
    },
    /// Add a grid (网格) in a community or a courtyard
    Grid {
        /// The community's or courtyard's code, id or name
        #[arg(long = "in", value_name = "COMMUNITY_OR_COURTYARD")]
        parent: String,
        /// Its short code, like g3
        #[arg(long)]
        code: String,
        /// Its name, like 第3网格
        #[arg(long)]
        name: String,
    },
    /// Add a building (楼) in a grid
    Building {
        /// The grid's id or name
        #[arg(long = "in", value_name = "GRID")]
        parent: String,
        /// Its short code, like b12
        #[arg(long)]
        code: String,
        /// Its name, like 12号楼
        #[arg(long)]
        name: String,
    },
}

/// `gridbook member …`.
#[derive(Debug, Subcommand)]
pub(crate) enum MemberCommand {
    /// Add a person who uses Gridbook
    Add {
        /// Their name
        #[arg(long)]
        name: String,
        /// What they may do
        #[arg(long, value_parser = vocab::<Role>())]
        role: Role,
    },
    /// Set who is using this device (by member id or name)
    Use {
        /// The member's id (P-…) or name
        #[arg(value_name = "ID_OR_NAME")]
        member: String,
    },
}

/// `gridbook resident …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ResidentCommand {
    /// Enter a resident in the register
    Add(ResidentAddArgs),
    /// List the register (phones masked; --json gives full data)
    List(JsonFlag),
    /// Record that DUP is the same person as another resident
    Merge {
        /// The duplicate entry
        #[arg(value_name = "DUP")]
        duplicate: ResidentId,
        /// The entry it is the same person as
        #[arg(long = "into", value_name = "ID")]
        into: ResidentId,
    },
}

/// `gridbook resident add`.
#[derive(Debug, Args)]
pub(crate) struct ResidentAddArgs {
    /// The resident's name
    #[arg(long)]
    pub name: String,
    /// Phone number
    #[arg(long)]
    pub phone: Option<String>,
    /// Building id or name (gives the grid)
    #[arg(long)]
    pub building: Option<String>,
    /// Grid id or name (when the building is not known)
    #[arg(long)]
    pub grid: Option<String>,
    /// Unit (单元)
    #[arg(long)]
    pub unit: Option<String>,
    /// Room (室)
    #[arg(long)]
    pub room: Option<String>,
}

/// `gridbook need …`.
#[derive(Debug, Subcommand)]
pub(crate) enum NeedCommand {
    /// Record a need; prints its id alone
    Add(NeedAddArgs),
    /// List needs (phones masked in text; --json gives the summary rows)
    List(NeedListArgs),
    /// Show one need whole, with any conflicting values
    Show {
        /// The need's id or ledger number
        id: NeedRef,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Who changed a need, what and when, in causal order (never by the devices' clocks)
    History {
        /// The need's id or ledger number
        id: NeedRef,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Move a need one step round the loop
    #[command(after_help = "\
Each step asks for its own flags:
  classified    --reasonable yes|no --difficulty D [--category C] [--duplicate-of ID]
  designed      --route direct|project [--kind K] [--plan TEXT]   (--kind for a project)
  implementing  --claimant C --claimant-name NAME
  evaluated     --satisfaction 1-5 --evaluation TEXT --feedback yes|no
  closed        [--reason R] [--note TEXT]   (an evaluated need closes as completed;
                --reason duplicate [--duplicate-of ID] names the original)
A need is named by its id or its ledger number (ZT-2612-3MXHY4-2106).")]
    Advance(Box<NeedAdvanceArgs>),
    /// Make a member responsible for a need
    Assign {
        /// The need's id or ledger number
        id: NeedRef,
        /// The member's id or name
        #[arg(long = "to", value_name = "PERSON")]
        to: String,
    },
    /// Change a need's title, due day, level, category or description
    Edit(NeedEditArgs),
    /// Note progress on a need being carried out
    Progress {
        /// The need's id or ledger number
        id: NeedRef,
        /// What happened
        #[arg(long, value_name = "TEXT")]
        note: String,
    },
    /// Open needs past their due day, most overdue first
    Overdue(JsonFlag),
}

/// `gridbook need add`.
#[derive(Debug, Args)]
pub(crate) struct NeedAddArgs {
    /// One line that says what is needed
    #[arg(long)]
    pub title: String,
    /// What kind of need
    #[arg(long, value_parser = vocab::<Category>())]
    pub category: Category,
    /// Grid id or name
    #[arg(long)]
    pub grid: String,
    /// Building id or name
    #[arg(long)]
    pub building: Option<String>,
    /// The resident's id in the register
    #[arg(long)]
    pub resident: Option<ResidentId>,
    /// The resident's name, when not in the register
    #[arg(long = "name", value_name = "RESIDENT_NAME")]
    pub resident_name: Option<String>,
    /// The resident's phone
    #[arg(long)]
    pub phone: Option<String>,
    /// The channel it came in through [default: door-to-door]
    #[arg(long, value_parser = vocab::<Source>())]
    pub source: Option<Source>,
    /// Where it is settled [default: grid]
    #[arg(long, value_parser = vocab::<Level>())]
    pub level: Option<Level>,
    /// When it should be done
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub due: Option<Day>,
    /// More words
    #[arg(long)]
    pub description: Option<String>,
}

/// `gridbook need list`.
#[derive(Debug, Args)]
pub(crate) struct NeedListArgs {
    /// Only needs at this stage
    #[arg(long, value_parser = vocab::<Stage>())]
    pub stage: Option<Stage>,
    /// Only needs of this category
    #[arg(long, value_parser = vocab::<Category>())]
    pub category: Option<Category>,
    /// Only needs in this grid (id or name)
    #[arg(long)]
    pub grid: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// `gridbook need advance`.
#[derive(Debug, Args)]
pub(crate) struct NeedAdvanceArgs {
    /// The need's id or ledger number
    pub id: NeedRef,
    /// The stage to move to
    #[arg(long = "to", value_name = "STAGE", value_parser = vocab::<Stage>())]
    pub to: Stage,
    /// classified: a corrected category
    #[arg(long, value_parser = vocab::<Category>())]
    pub category: Option<Category>,
    /// classified: whether the need is reasonable
    #[arg(long, value_name = "yes|no", value_parser = yes_no)]
    pub reasonable: Option<bool>,
    /// classified: how hard it is
    #[arg(long, value_parser = vocab::<Difficulty>())]
    pub difficulty: Option<Difficulty>,
    /// classified: the need this one repeats (id or ledger number)
    #[arg(long, value_name = "ID")]
    pub duplicate_of: Option<NeedRef>,
    /// designed: direct, or as a project
    #[arg(long, value_parser = vocab::<Route>())]
    pub route: Option<Route>,
    /// designed: the project's kind (project route only)
    #[arg(long, value_parser = vocab::<ProjectKind>())]
    pub kind: Option<ProjectKind>,
    /// designed: what will be done
    #[arg(long, value_name = "TEXT")]
    pub plan: Option<String>,
    /// implementing: who carries it out
    #[arg(long, value_parser = vocab::<Claimant>())]
    pub claimant: Option<Claimant>,
    /// implementing: the claimant's name
    #[arg(long, value_name = "NAME")]
    pub claimant_name: Option<String>,
    /// evaluated: the resident's satisfaction, 1 to 5
    #[arg(long, value_name = "1-5", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub satisfaction: Option<u8>,
    /// evaluated: the community's evaluation
    #[arg(long, value_name = "TEXT")]
    pub evaluation: Option<String>,
    /// evaluated: whether the result was fed back to the resident
    #[arg(long, value_name = "yes|no", value_parser = yes_no)]
    pub feedback: Option<bool>,
    /// closed: why [default: completed, for an evaluated need]
    #[arg(long, value_parser = vocab::<CloseReason>())]
    pub reason: Option<CloseReason>,
    /// closed: a note on the closing
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `gridbook need edit`.
#[derive(Debug, Args)]
pub(crate) struct NeedEditArgs {
    /// The need's id or ledger number
    pub id: NeedRef,
    /// New title
    #[arg(long)]
    pub title: Option<String>,
    /// New due day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub due: Option<Day>,
    /// New level
    #[arg(long, value_parser = vocab::<Level>())]
    pub level: Option<Level>,
    /// New category
    #[arg(long, value_parser = vocab::<Category>())]
    pub category: Option<Category>,
    /// New description (merged with others' edits as text)
    #[arg(long)]
    pub description: Option<String>,
}

/// Runs a parsed command line that has a subcommand; returns what to print on stdout.
pub(crate) fn run(cli: Cli) -> Result<String> {
    run_unlocked(cli, None)
}

/// [`run`], with the store's passphrase given instead of asked (the benchmarks).
pub(crate) fn run_unlocked(cli: Cli, passphrase: Option<Passphrase>) -> Result<String> {
    let Some(command) = cli.command else {
        return Err(CliError::NoSubcommand.into());
    };
    let mut ctx = Ctx::new(if cli.demo {
        crate::data::demo_dir()?
    } else {
        data_dir(cli.data)?
    });
    ctx.demo = cli.demo;
    ctx.passphrase = RefCell::new(passphrase);
    if cli.demo {
        demo::ensure(&ctx, 1)?;
    }
    tracing::debug!(data = %ctx.data.display(), "data directory");
    // While `serve` holds this directory, it runs the command (see owner.rs).
    let args: Option<Vec<String>> = std::env::args_os().map(|a| a.into_string().ok()).collect();
    if let Some(args) = args
        && let crate::owner::Forwarded::Ran(result) = crate::owner::forward(&ctx.data, &args)
    {
        return result;
    }
    dispatch(ctx, command)
}

/// Runs one command with `ctx`.
fn dispatch(ctx: Ctx, command: Command) -> Result<String> {
    match command {
        Command::Init(args) => init::run(&ctx, args),
        Command::Directory(cmd) => directory::run(&ctx, cmd),
        Command::Member(cmd) => member::run(&ctx, cmd),
        Command::Resident(cmd) => resident::run(&ctx, cmd),
        Command::Need(cmd) => need::run(&ctx, cmd),
        Command::Meeting(cmd) => meeting::run(&ctx, cmd),
        Command::Volunteer(cmd) => volunteer::run(&ctx, cmd),
        Command::Demo { scale } => demo::run(&ctx, scale),
        Command::Dump => dump::run(&ctx),
        Command::Status(args) => status::run(&ctx, args.json),
        Command::Serve(args) => sync::serve(&ctx, args),
        Command::Sync(args) => sync::sync(&ctx, args),
        Command::Device(cmd) => sync::device(&ctx, cmd),
        Command::Export(args) => export::run(&ctx, args),
        Command::Decrypt(args) => decrypt::run(&ctx, args),
        Command::Import(args) => import::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Print(cmd) => print::run(&ctx, cmd),
        Command::Invite(args) => pairing::invite(&ctx, args),
        Command::Join(args) => pairing::join(&ctx, args),
        Command::Peers(args) => peers::run(&ctx, args.json),
        Command::Bundle(cmd) => bundle::run(&ctx, cmd),
        Command::Grant(args) => access::grant(&ctx, args),
        Command::Revoke(args) => access::revoke(&ctx, args),
        Command::Ignored(args) => access::ignored(&ctx, args.json),
        Command::Audit(args) => access::audit(&ctx, args),
        Command::Passphrase => passphrase::change(&ctx),
    }
}
