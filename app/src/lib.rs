//! Gridbook: the offline field tool for community grid work.
//!
//! The `gridbook` binary calls [`main`]: with a subcommand it runs that command (see
//! `gridbook --help`); with none it opens the app (`--demo`: on the demo network). Errors are
//! one line on stderr, `error: …`, and the exit status says what happened: 0 done, 1 refused
//! or failed (nothing written), 2 the command line was not understood.
//!
//! A library as well as a binary so that the benchmarks (`gridbook-tests`) can drive the app
//! headless through [`bench`] and time commands through [`run_command`]; everything else stays
//! private to the crate.

mod cli;
mod data;
mod demo;
mod error;
mod fonts;
mod gui;
mod i18n;
mod office;
mod owner;
mod peer;
mod text;
mod words;

pub use gui::bench;
#[cfg(any(test, feature = "flows"))]
pub use gui::flows;

// Every UI string, zh-CN (the default) and en, compiled in from locales/*.yml (one file per page).
rust_i18n::i18n!("locales", fallback = "zh-CN");

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::i18n::Language;

/// The exit status of a command line that was not understood.
const USAGE: u8 = 2;

/// Runs one command line in this process on a store locked with `passphrase`, and returns
/// what it prints (`args` begins with the program name). For the benchmarks, which time
/// office commands on a large store; the `gridbook` binary goes through [`main`].
pub fn run_command<I, T>(args: I, passphrase: gridbook_model::Passphrase) -> anyhow::Result<String>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = cli::Cli::try_parse_from(args).map_err(|e| anyhow::anyhow!("{e}"))?;
    i18n::set_process_language(Language::of_environment());
    cli::run_unlocked(cli, Some(passphrase))
}

/// Runs a command line forwarded to the app over the owner socket (`owner.rs`) on the store its
/// worker holds open; `sync` is refused there, being the Sync page's business. The crate root
/// joins the app (`gui`) to the commands (`cli`), which do not import each other.
pub(crate) fn run_forwarded_in_app(
    book: &mut gridbook_model::Gridbook,
    data: std::path::PathBuf,
    line: &owner::CommandLine,
) -> anyhow::Result<String> {
    let cli = cli::parse_forwarded(&line.args)?;
    if matches!(cli.command, Some(cli::Command::Sync(_))) {
        return Err(error::CliError::AppSyncs.into());
    }
    cli::run_lent(book, data, cli, line.language)
}

/// The `gridbook` command: runs it and says how it went.
pub fn main() -> ExitCode {
    gui::mark_start();
    install_panic_hook();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    init_tracing();
    if cli.command.is_none() {
        // The demo opens unlocked; otherwise GRIDBOOK_PASSPHRASE unlocks at start, or the app
        // asks on its unlock page.
        let start = if cli.demo {
            cli::prepare_demo().and_then(|dir| Ok((dir, Some(cli::passphrase::demo()?))))
        } else {
            cli::data_dir(cli.data).and_then(|dir| Ok((dir, cli::passphrase::from_env_or_none()?)))
        };
        let opened = start.and_then(|(dir, passphrase)| gui::run(dir, passphrase));
        return match opened {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {}", cli::one_line(&e, Language::of_environment()));
                ExitCode::FAILURE
            }
        };
    }
    // A command speaks the locale's language, on every thread it starts.
    i18n::set_process_language(Language::of_environment());
    match cli::run(cli) {
        Ok(out) => print_stdout(&out),
        Err(e) => {
            eprintln!("error: {}", cli::one_line(&e, i18n::language()));
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::filter::LevelFilter;
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::WARN.into())
        .from_env_lossy();
    // A second subscriber cannot be installed; there is none, so this only fails in tests.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// A panic is a bug: say so on one line instead of a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error, please report it: {}{at}",
            msg.replace('\n', " ")
        );
    }));
}

/// Writes the command's output; a closed pipe (`gridbook need list | head`) is not an error.
fn print_stdout(out: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let e = anyhow::Error::from(error::CliError::Failed {
                step: error::Step::Stdout,
                cause: e.into(),
            });
            eprintln!("error: {}", cli::one_line(&e, i18n::language()));
            ExitCode::FAILURE
        }
    }
}

/// Help and version as clap prints them; a command line that was not understood as one line,
/// `error: …`, naming the subcommand's `--help`.
fn clap_error(e: &clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(USAGE));
    }
    let rendered = e.render().to_string();
    let mut line = String::new();
    for part in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if part.starts_with("Usage: ") || part.starts_with("For more information") {
            continue;
        }
        if !line.is_empty() {
            line.push_str(if part.starts_with("tip:") {
                "; "
            } else if line.ends_with(':') || part.starts_with('[') {
                " "
            } else {
                ", "
            });
        }
        line.push_str(part);
    }
    if !line.starts_with("error:") {
        line.insert_str(0, "error: ");
    }
    eprintln!("{line} (see `{} --help`)", command_path());
    ExitCode::from(USAGE)
}

/// The subcommand the command line names, like `gridbook need add`, for the `--help` hint.
fn command_path() -> String {
    use clap::CommandFactory;
    let mut cmd = cli::Cli::command();
    let mut path = vec!["gridbook".to_string()];
    for arg in std::env::args_os().skip(1) {
        let Some(arg) = arg.to_str() else { continue };
        let Some(sub) = cmd.find_subcommand(arg).cloned() else {
            continue;
        };
        path.push(sub.get_name().to_string());
        cmd = sub;
        if !cmd.has_subcommands() {
            break;
        }
    }
    path.join(" ")
}
