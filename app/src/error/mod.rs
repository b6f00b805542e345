//! The command line's own errors, typed and worded like the libraries' (see
//! `gridbook_model::words`): why a command refused (here), what it was doing when something
//! failed it (`step.rs`), and the one line `main` prints for any error (`line.rs`).

use std::path::PathBuf;

use gridbook_model::time::Day;
use gridbook_model::vocab::Stage;
use gridbook_model::words::Words;

mod line;
mod step;

use line::cause_arg;
pub(crate) use line::{one_line, words_of_chain};
pub(crate) use step::{Cause, Doing, Step};

/// Why a command refused or failed, in the command line's own terms.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A command line without a command (the app starts instead; only the library sees this).
    #[error("no subcommand given")]
    NoSubcommand,
    /// `demo --scale` out of range.
    #[error("--scale is 1 (about one subdistrict-year) to 100")]
    Scale,
    /// `GRIDBOOK_KDF` set to something else than `tests-only`.
    #[error("GRIDBOOK_KDF={0} is not understood: leave it unset (tests may set it to tests-only)")]
    KdfUnknown(String),
    /// A passphrase variable set to nothing.
    #[error("{0} is empty: give the passphrase or unset it")]
    EnvEmpty(&'static str),
    /// A passphrase is needed and there is no terminal to ask on.
    #[error("{0} is needed and there is no terminal to ask on: set GRIDBOOK_PASSPHRASE")]
    NoTerminal(Secret),
    /// An empty passphrase typed.
    #[error("the passphrase is empty: nothing was opened")]
    EmptyPassphrase,
    /// The passphrase typed twice differently.
    #[error("the two passphrases differ: nothing was made; run the command again")]
    PassphrasesDiffer,
    /// `init` with an empty name.
    #[error("founding a network needs --subdistrict (its name) and --name (your name)")]
    InitNames,
    /// Not a number of hours.
    #[error("{0} is not a number of hours")]
    NotHours(String),
    /// Hours served that are not positive.
    #[error("hours served must be positive")]
    HoursNotPositive,
    /// `sync` with no peer given or known.
    #[error(
        "no peer to sync with: give --peer TICKET_OR_ID, or sync once with a device so its address is known (LAN discovery finds devices on the same network)"
    )]
    NoPeer,
    /// A sync that ended before both devices held the same data.
    #[error("the sync ended before both held the same data")]
    Incomplete,
    /// A sync with several peers that did not converge with all of them.
    #[error(
        "converged with {converged} of {peers} peers; not with {}",
        and_list(&failures.iter().map(|f| f.to_string()).collect::<Vec<_>>())
    )]
    NotConverged {
        /// With how many it did.
        converged: usize,
        /// How many were dialled.
        peers: usize,
        /// The others, and why.
        failures: Vec<PeerFailure>,
    },
    /// A sheet without a header row.
    #[error("{} is empty: the first row must hold the column headers", .0.display())]
    EmptySheet(PathBuf),
    /// A period that ends before it starts.
    #[error("--to {to} is before --from {from}")]
    ToBeforeFrom {
        /// `--from`.
        from: Day,
        /// `--to`.
        to: Day,
    },
    /// A grid named with a community it is not in.
    #[error("grid {grid} is in community {community}, not {given}")]
    GridNotInCommunity {
        /// The grid.
        grid: String,
        /// Its community.
        community: String,
        /// The community given.
        given: String,
    },
    /// `--doc` without `--format automerge`.
    #[error("--doc is for --format automerge; csv and xlsx take --what")]
    DocWithoutAutomerge,
    /// `--format csv` with no `--what`.
    #[error("--format csv writes one kind: give --what needs|meetings|volunteers|hours")]
    CsvNeedsWhat,
    /// `--format csv` with several `--what`.
    #[error("--format csv writes one kind per file: give one --what, or use --format xlsx")]
    CsvOneWhat,
    /// `--format automerge` with no `--doc`.
    #[error(
        "--format automerge exports one document: give --doc ID (`gridbook status` lists them)"
    )]
    AutomergeNeedsDoc,
    /// `--what` with `--format automerge`.
    #[error("--what is for csv and xlsx; --format automerge takes --doc")]
    WhatWithAutomerge,
    /// A document this device does not hold.
    #[error("this device holds no document {0}")]
    NoDocument(String),
    /// A command that owns the store, run while `serve` holds it.
    #[error("gridbook serve already runs on {}: stop it first", .0.display())]
    ServeRuns(PathBuf),
    /// `--data` names a file.
    #[error(
        "{} is a file, not a directory: --data names the directory that holds the store",
        .0.display()
    )]
    DataIsFile(PathBuf),
    /// `--data` given empty.
    #[error("--data (or GRIDBOOK_DATA) is empty: give a directory")]
    DataEmpty,
    /// No home directory for the data.
    #[error(
        "this system has no home directory to keep data in: give --data DIR or set GRIDBOOK_DATA"
    )]
    NoHome,
    /// No home directory for the demo's data.
    #[error("this system has no home directory to keep demo data in: set GRIDBOOK_DEMO_DATA")]
    NoDemoHome,
    /// A grant for a device that has none yet, with no member named.
    #[error("device {0} has no grant yet: say whose it is with --member ID_OR_NAME")]
    NoGrantYet(String),
    /// `meeting minutes` with neither `--append` nor `--set`.
    #[error("give --append TEXT or --set TEXT")]
    MinutesEdit,
    /// A motion that is not in the meeting named.
    #[error("motion {motion} is not in meeting {meeting}")]
    MotionNotInMeeting {
        /// The motion.
        motion: String,
        /// The meeting.
        meeting: String,
    },
    /// The process that owns the store did not answer a forwarded command.
    #[error(
        "the Gridbook process that holds {} did not answer in {secs} s; stop it (or wait) and try again",
        data.display()
    )]
    OwnerSilent {
        /// The data directory.
        data: PathBuf,
        /// How long it waited.
        secs: f32,
    },
    /// No owner socket on this platform.
    #[cfg_attr(unix, allow(dead_code))]
    #[error(
        "forwarding commands to serve is not supported on this platform yet; stop serve to run commands on its data directory"
    )]
    NoOwnerSocket,
    /// A forwarded command panicked in its owner.
    #[error("internal error in the serve process while running the command, please report it")]
    OwnerPanicked,
    /// The app holds the data directory and syncs itself.
    #[error("the app holds this data directory: sync from its Sync page, or close it first")]
    AppSyncs,
    /// The app closed while a forwarded command waited.
    #[error("the app is closing; run the command again")]
    AppClosing,
    /// The app closed before a forwarded command ran.
    #[error("the app closed before the command ran")]
    AppClosed,
    /// Flags of another step given to `need advance`.
    #[error("{} {} not used when moving to {stage}", and_list(flags), if flags.len() == 1 { "is" } else { "are" })]
    StrayFlags {
        /// The flags.
        flags: Vec<&'static str>,
        /// The step asked for.
        stage: Stage,
    },
    /// `need advance --to discovered`.
    #[error("a need starts as discovered and cannot move back to it")]
    BackToDiscovered,
    /// Flags a step needs, missing.
    #[error("moving to {stage} needs {}", and_list(flags))]
    MissingFlags {
        /// The flags.
        flags: Vec<&'static str>,
        /// The step asked for.
        stage: Stage,
    },
    /// Closing a need that is not evaluated, with no reason.
    #[error(
        "moving to closed needs --reason (unreasonable, duplicate or withdrawn; completed once evaluated)"
    )]
    CloseNeedsReason,
    /// `need edit` with nothing to change.
    #[error("nothing to change: give --title, --due, --level, --category or --description")]
    NothingToChange,
    /// A sheet without a column it needs.
    #[error(
        "{} has no {} column: its first row must name the columns ({})",
        file.display(), missing.join(", "), columns.join(", ")
    )]
    MissingColumns {
        /// The file.
        file: PathBuf,
        /// The columns missing.
        missing: Vec<&'static str>,
        /// Every column it may have.
        columns: Vec<&'static str>,
    },
    /// A sheet with wrong cells: nothing was imported.
    #[error(
        "{} rejected: {cells} {} wrong in {rows} {}; nothing was written",
        file.display(),
        if *cells == 1 { "cell is" } else { "cells are" },
        if *rows == 1 { "row" } else { "rows" }
    )]
    Rejected {
        /// The file.
        file: PathBuf,
        /// How many cells are wrong.
        cells: usize,
        /// In how many rows.
        rows: usize,
    },
    /// An invite that nobody used in time.
    #[error("the invite expired before a device joined")]
    InviteExpired,
    /// The app joined a network, but its first sync did not finish.
    #[error("joined, but the first sync did not finish: press sync now")]
    JoinedUnsynced,
    /// `join` on the data directory `serve` runs on.
    #[error(
        "gridbook serve runs on this data directory, which already belongs to a network: join with another --data directory"
    )]
    JoinServed,
    /// `join` on a device that belongs to a network.
    #[error(
        "this device already belongs to network {subdistrict} ({network}): join with another --data directory"
    )]
    AlreadyJoined {
        /// The network's subdistrict.
        subdistrict: String,
        /// The network's id.
        network: String,
    },
    /// A file or system step that failed, in the words of what failed it.
    #[error("{step}: {cause}")]
    Failed {
        /// What the command was doing.
        step: Step,
        /// Why it failed.
        #[source]
        cause: Cause,
    },
}

/// Which passphrase a prompt asks for.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum Secret {
    /// A new store's.
    #[error("a passphrase for the new store in {}", .0.display())]
    New(PathBuf),
    /// An existing store's.
    #[error("the passphrase of {}", .0.display())]
    Of(PathBuf),
    /// The one `gridbook passphrase` sets.
    #[error("the new passphrase")]
    Replacement,
}

/// One peer a sync did not converge with, and why.
#[derive(Debug, thiserror::Error)]
#[error("{peer}: {}", match why { Some(e) => e.to_string(), None => CliError::Incomplete.to_string() })]
pub(crate) struct PeerFailure {
    /// The peer's id.
    pub peer: String,
    /// Why: the sync's error, or none when it ended before both held the same data.
    pub why: Option<gridbook_sync::node::NodeError>,
}

/// `a, b and c`, as the English messages join flags.
fn and_list(items: &[impl AsRef<str>]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

gridbook_model::worded!(CliError {
    CliError::NoSubcommand => Words::new("cli.error.no_subcommand"), example: CliError::NoSubcommand;
    CliError::Scale => Words::new("cli.error.scale"), example: CliError::Scale;
    CliError::KdfUnknown(v) => Words::new("cli.error.kdf_unknown").arg("value", v),
        example: CliError::KdfUnknown("cheap".into());
    CliError::EnvEmpty(var) => Words::new("cli.error.env_empty").arg("var", var),
        example: CliError::EnvEmpty("GRIDBOOK_PASSPHRASE");
    CliError::NoTerminal(what) => Words::new("cli.error.no_terminal").words("what", what.words()),
        example: CliError::NoTerminal(Secret::Replacement);
    CliError::EmptyPassphrase => Words::new("cli.error.empty_passphrase"),
        example: CliError::EmptyPassphrase;
    CliError::PassphrasesDiffer => Words::new("cli.error.passphrases_differ"),
        example: CliError::PassphrasesDiffer;
    CliError::InitNames => Words::new("cli.error.init_names"), example: CliError::InitNames;
    CliError::NotHours(given) => Words::new("cli.error.not_hours").arg("given", given),
        example: CliError::NotHours("two".into());
    CliError::HoursNotPositive => Words::new("cli.error.hours_not_positive"),
        example: CliError::HoursNotPositive;
    CliError::NoPeer => Words::new("cli.error.no_peer"), example: CliError::NoPeer;
    CliError::Incomplete => Words::new("cli.error.incomplete"), example: CliError::Incomplete;
    CliError::NotConverged { converged, peers, failures } => Words::new("cli.error.not_converged")
            .arg("converged", converged)
            .arg("peers", peers)
            .list_of_words("failures", failures.iter().map(PeerFailure::words).collect()),
        example: CliError::NotConverged {
            converged: 1,
            peers: 3,
            failures: vec![
                PeerFailure { peer: "ab12".into(), why: None },
                PeerFailure { peer: "cd34".into(), why: Some(gridbook_sync::node::NodeError::Timeout) },
            ],
        };
    CliError::EmptySheet(path) => Words::new("cli.error.empty_sheet").arg("path", path.display()),
        example: CliError::EmptySheet("needs.csv".into());
    CliError::ToBeforeFrom { from, to } => Words::new("cli.error.to_before_from")
            .arg("from", from)
            .arg("to", to),
        example: CliError::ToBeforeFrom {
            from: "2026-03-01".parse().unwrap_or_else(|_| unreachable!()),
            to: "2026-02-01".parse().unwrap_or_else(|_| unreachable!()),
        };
    CliError::GridNotInCommunity { grid, community, given } =>
        Words::new("cli.error.grid_not_in_community")
            .arg("grid", grid)
            .arg("community", community)
            .arg("given", given),
        example: CliError::GridNotInCommunity {
            grid: "zt-g3".into(),
            community: "zt".into(),
            given: "nh".into(),
        };
    CliError::DocWithoutAutomerge => Words::new("cli.error.doc_without_automerge"),
        example: CliError::DocWithoutAutomerge;
    CliError::CsvNeedsWhat => Words::new("cli.error.csv_needs_what"), example: CliError::CsvNeedsWhat;
    CliError::CsvOneWhat => Words::new("cli.error.csv_one_what"), example: CliError::CsvOneWhat;
    CliError::AutomergeNeedsDoc => Words::new("cli.error.automerge_needs_doc"),
        example: CliError::AutomergeNeedsDoc;
    CliError::WhatWithAutomerge => Words::new("cli.error.what_with_automerge"),
        example: CliError::WhatWithAutomerge;
    CliError::NoDocument(doc) => Words::new("cli.error.no_document").arg("doc", doc),
        example: CliError::NoDocument("meeting/M-K7Q2ZD-1".into());
    CliError::ServeRuns(data) => Words::new("cli.error.serve_runs").arg("data", data.display()),
        example: CliError::ServeRuns("/data".into());
    CliError::DataIsFile(data) => Words::new("cli.error.data_is_file").arg("data", data.display()),
        example: CliError::DataIsFile("/data".into());
    CliError::DataEmpty => Words::new("cli.error.data_empty"), example: CliError::DataEmpty;
    CliError::NoHome => Words::new("cli.error.no_home"), example: CliError::NoHome;
    CliError::NoDemoHome => Words::new("cli.error.no_demo_home"), example: CliError::NoDemoHome;
    CliError::NoGrantYet(device) => Words::new("cli.error.no_grant_yet").arg("device", device),
        example: CliError::NoGrantYet("ab12".into());
    CliError::MinutesEdit => Words::new("cli.error.minutes_edit"), example: CliError::MinutesEdit;
    CliError::MotionNotInMeeting { motion, meeting } => Words::new("cli.error.motion_not_in_meeting")
            .arg("motion", motion)
            .arg("meeting", meeting),
        example: CliError::MotionNotInMeeting {
            motion: "V-K7Q2ZD-3".into(),
            meeting: "M-K7Q2ZD-1".into(),
        };
    CliError::OwnerSilent { data, secs } => Words::new("cli.error.owner_silent")
            .arg("data", data.display())
            .arg("secs", secs),
        example: CliError::OwnerSilent { data: "/data".into(), secs: 0.5 };
    CliError::NoOwnerSocket => Words::new("cli.error.no_owner_socket"), example: CliError::NoOwnerSocket;
    CliError::OwnerPanicked => Words::new("cli.error.owner_panicked"), example: CliError::OwnerPanicked;
    CliError::AppSyncs => Words::new("cli.error.app_syncs"), example: CliError::AppSyncs;
    CliError::AppClosing => Words::new("cli.error.app_closing"), example: CliError::AppClosing;
    CliError::AppClosed => Words::new("cli.error.app_closed"), example: CliError::AppClosed;
    CliError::StrayFlags { flags, stage } => Words::new(if flags.len() == 1 {
            "cli.error.stray_flag"
        } else {
            "cli.error.stray_flags"
        })
            .list("flags", flags)
            .vocab("stage", *stage),
        example: CliError::StrayFlags { flags: vec!["--plan"], stage: Stage::Classified },
            CliError::StrayFlags { flags: vec!["--plan", "--kind"], stage: Stage::Classified };
    CliError::BackToDiscovered => Words::new("cli.error.back_to_discovered"),
        example: CliError::BackToDiscovered;
    CliError::MissingFlags { flags, stage } => Words::new("cli.error.missing_flags")
            .list("flags", flags)
            .vocab("stage", *stage),
        example: CliError::MissingFlags {
            flags: vec!["--reasonable yes|no", "--difficulty"],
            stage: Stage::Classified,
        };
    CliError::CloseNeedsReason => Words::new("cli.error.close_needs_reason"),
        example: CliError::CloseNeedsReason;
    CliError::NothingToChange => Words::new("cli.error.nothing_to_change"),
        example: CliError::NothingToChange;
    CliError::MissingColumns { file, missing, columns } => Words::new("cli.error.missing_columns")
            .arg("file", file.display())
            .arg("missing", missing.join(", "))
            .arg("columns", columns.join(", ")),
        example: CliError::MissingColumns {
            file: "needs.csv".into(),
            missing: vec!["标题"],
            columns: vec!["标题", "类别", "网格"],
        };
    CliError::Rejected { file, cells, rows } => Words::new(match (*cells, *rows) {
            (1, _) => "cli.error.rejected.one_cell",
            (_, 1) => "cli.error.rejected.one_row",
            _ => "cli.error.rejected.rows",
        })
            .arg("file", file.display())
            .arg("cells", cells)
            .arg("rows", rows),
        example: CliError::Rejected { file: "needs.csv".into(), cells: 1, rows: 1 },
            CliError::Rejected { file: "needs.csv".into(), cells: 2, rows: 1 },
            CliError::Rejected { file: "needs.csv".into(), cells: 3, rows: 2 };
    CliError::InviteExpired => Words::new("cli.error.invite_expired"), example: CliError::InviteExpired;
    CliError::JoinedUnsynced => Words::new("cli.error.joined_unsynced"),
        example: CliError::JoinedUnsynced;
    CliError::JoinServed => Words::new("cli.error.join_served"), example: CliError::JoinServed;
    CliError::AlreadyJoined { subdistrict, network } => Words::new("cli.error.already_joined")
            .arg("subdistrict", subdistrict)
            .arg("network", network),
        example: CliError::AlreadyJoined { subdistrict: "凤凰台街道".into(), network: "k7q2zd".into() };
    CliError::Failed { step, cause } => {
        let mut words = Words::new("cli.error.failed").words("step", step.words());
        words.args.push(("cause", cause_arg(&**cause)));
        words
    },
        example: CliError::Failed {
                step: Step::Write("/out/needs.xlsx".into()),
                cause: std::io::Error::from(std::io::ErrorKind::PermissionDenied).into(),
            },
            CliError::Failed {
                step: Step::Import("usb/gridbook.bundle".into()),
                cause: gridbook_sync::bundle::BundleError::NotABundle.into(),
            };
});

gridbook_model::worded!(Secret {
    Secret::New(data) => Words::new("cli.secret.new").arg("data", data.display()),
        example: Secret::New("/data".into());
    Secret::Of(data) => Words::new("cli.secret.of").arg("data", data.display()),
        example: Secret::Of("/data".into());
    Secret::Replacement => Words::new("cli.secret.replacement"), example: Secret::Replacement;
});

gridbook_model::worded!(PeerFailure {
    PeerFailure { peer, why: Some(e) } => Words::new("cli.error.peer_failure")
            .arg("peer", peer)
            .words("why", e.words()),
        example: PeerFailure { peer: "cd34".into(), why: Some(gridbook_sync::node::NodeError::Timeout) };
    PeerFailure { peer, why: None } => Words::new("cli.error.peer_failure")
            .arg("peer", peer)
            .words("why", Words::new("cli.error.incomplete")),
        example: PeerFailure { peer: "ab12".into(), why: None };
});
