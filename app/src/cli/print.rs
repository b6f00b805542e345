//! `gridbook print`: print-ready HTML for the notice board and the meeting table (the pages
//! themselves are `crate::office::print`'s, which the app's Reports page uses too).

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use gridbook_model::ids::MeetingId;

use super::Ctx;
use super::export::ScopeArgs;
use crate::office::print;

/// `gridbook print …`.
#[derive(Debug, Subcommand)]
pub(crate) enum PrintCommand {
    /// A public notice (公示) of needs and projects: no names, phones or buildings
    Notice {
        /// The HTML file to write
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        #[command(flatten)]
        scope: ScopeArgs,
        #[command(flatten)]
        font: FontFlag,
    },
    /// A meeting's sign-in sheet (签到表): those signed in already, with where they live, then
    /// blank lines
    SignIn {
        /// The meeting's id
        meeting: MeetingId,
        /// The HTML file to write
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Blank lines after the names already signed in
        #[arg(long, default_value_t = 30)]
        blank: usize,
        #[command(flatten)]
        font: FontFlag,
    },
}

/// `--embed-font`.
#[derive(Debug, Args)]
pub(crate) struct FontFlag {
    /// Put the bundled Chinese font in the file, for a computer with no Chinese font
    #[arg(long)]
    pub embed_font: bool,
}

pub(super) fn run(ctx: &Ctx, cmd: PrintCommand) -> Result<String> {
    let mut book = ctx.open()?;
    let (out, printout) = match cmd {
        PrintCommand::Notice { out, scope, font } => {
            let scope = scope.resolve(&mut book)?;
            (out, print::notice(&mut book, &scope, font.embed_font)?)
        }
        PrintCommand::SignIn {
            meeting,
            out,
            blank,
            font,
        } => (
            out,
            print::sign_in(&mut book, &meeting, blank, font.embed_font)?,
        ),
    };
    let what = printout.summary.clone();
    printout.write(&mut book, &out)?;
    Ok(format!(
        "wrote {} ({what}): open it in a browser and print\n",
        out.display()
    ))
}
