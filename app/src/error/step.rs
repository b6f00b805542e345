//! What a command was doing when a file, the system or a library failed it: the step, worded,
//! with the cause after it (`CliError::Failed`).

use std::path::PathBuf;

use gridbook_model::words::Words;

use super::CliError;

/// A cause in a library's or the system's own words.
pub(crate) type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What a command was doing when a file or a library failed it.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Step {
    /// Reading a file.
    #[error("cannot read {}", .0.display())]
    Read(PathBuf),
    /// Writing a file.
    #[error("cannot write {}", .0.display())]
    Write(PathBuf),
    /// Opening a file encrypted to this device.
    #[error("cannot open {}", .0.display())]
    Decrypt(PathBuf),
    /// Moving an old store aside.
    #[error("cannot move {} aside", .0.display())]
    MoveAside(PathBuf),
    /// Logging an export that was written.
    #[error("wrote {}, but could not log the export", .0.display())]
    LogExport(PathBuf),
    /// Importing a bundle.
    #[error("{} was not imported", .0.display())]
    Import(PathBuf),
    /// Reading CSV that is not UTF-8.
    #[error("{} is not UTF-8 text: save it from Excel as \"CSV UTF-8\"", .0.display())]
    NotUtf8(PathBuf),
    /// Reading a CSV row.
    #[error("{}: row {row} is not CSV", path.display())]
    CsvRow {
        /// The file.
        path: PathBuf,
        /// The row, from 1.
        row: usize,
    },
    /// Opening a spreadsheet.
    #[error("cannot open {} as a spreadsheet", .0.display())]
    OpenSheet(PathBuf),
    /// Reading a sheet of a spreadsheet.
    #[error("cannot read sheet {sheet} of {}", path.display())]
    ReadSheet {
        /// The file.
        path: PathBuf,
        /// The sheet.
        sheet: String,
    },
    /// Writing a spreadsheet.
    #[error("cannot write the spreadsheet")]
    WriteSheet,
    /// Listening for forwarded commands.
    #[error("cannot listen for commands on {}", .0.display())]
    Listen(PathBuf),
    /// Reading a forwarded command.
    #[error("the client sent no command")]
    ReadRequest,
    /// Starting the async runtime.
    #[error("cannot start the async runtime")]
    Runtime,
    /// Reading a relay URL.
    #[error("{0} is not a relay URL (like https://relay.example.org)")]
    RelayUrl(String),
    /// Reading `--peer`.
    #[error("--peer {0}: neither a ticket nor a device id (64 hex digits)")]
    Peer(String),
    /// Drawing the invite's QR code.
    #[error("the ticket does not fit a QR code")]
    Qr,
    /// The first sync after joining.
    #[error("joined, but the first sync failed: run `gridbook sync` with the inviting device")]
    FirstSync,
    /// Writing the command's output.
    #[error("cannot write the output")]
    Stdout,
}

/// Says what a command was doing when a result failed.
pub(crate) trait Doing<T> {
    /// The error, if any, as [`CliError::Failed`] at `step`.
    fn doing(self, step: Step) -> Result<T, CliError>;
}

impl<T, E: Into<Cause>> Doing<T> for Result<T, E> {
    fn doing(self, step: Step) -> Result<T, CliError> {
        self.map_err(|e| CliError::Failed {
            step,
            cause: e.into(),
        })
    }
}

gridbook_model::worded!(Step {
    Step::Read(path) => Words::new("cli.step.read").arg("path", path.display()),
        example: Step::Read("needs.csv".into());
    Step::Write(path) => Words::new("cli.step.write").arg("path", path.display()),
        example: Step::Write("needs.csv".into());
    Step::Decrypt(path) => Words::new("cli.step.decrypt").arg("path", path.display()),
        example: Step::Decrypt("needs.xlsx.age".into());
    Step::MoveAside(path) => Words::new("cli.step.move_aside").arg("path", path.display()),
        example: Step::MoveAside("gridbook.redb".into());
    Step::LogExport(path) => Words::new("cli.step.log_export").arg("path", path.display()),
        example: Step::LogExport("needs.xlsx".into());
    Step::Import(path) => Words::new("cli.step.import").arg("path", path.display()),
        example: Step::Import("gridbook.bundle".into());
    Step::NotUtf8(path) => Words::new("cli.step.not_utf8").arg("path", path.display()),
        example: Step::NotUtf8("needs.csv".into());
    Step::CsvRow { path, row } => Words::new("cli.step.csv_row")
            .arg("path", path.display())
            .arg("row", row),
        example: Step::CsvRow { path: "needs.csv".into(), row: 7 };
    Step::OpenSheet(path) => Words::new("cli.step.open_sheet").arg("path", path.display()),
        example: Step::OpenSheet("needs.xlsx".into());
    Step::ReadSheet { path, sheet } => Words::new("cli.step.read_sheet")
            .arg("path", path.display())
            .arg("sheet", sheet),
        example: Step::ReadSheet { path: "needs.xlsx".into(), sheet: "需求台账".into() };
    Step::WriteSheet => Words::new("cli.step.write_sheet"), example: Step::WriteSheet;
    Step::Listen(path) => Words::new("cli.step.listen").arg("path", path.display()),
        example: Step::Listen("/data/gridbook.sock".into());
    Step::ReadRequest => Words::new("cli.step.read_request"), example: Step::ReadRequest;
    Step::Runtime => Words::new("cli.step.runtime"), example: Step::Runtime;
    Step::RelayUrl(url) => Words::new("cli.step.relay_url").arg("url", url),
        example: Step::RelayUrl("relay".into());
    Step::Peer(peer) => Words::new("cli.step.peer").arg("peer", peer),
        example: Step::Peer("ab12".into());
    Step::Qr => Words::new("cli.step.qr"), example: Step::Qr;
    Step::FirstSync => Words::new("cli.step.first_sync"), example: Step::FirstSync;
    Step::Stdout => Words::new("cli.step.stdout"), example: Step::Stdout;
});
