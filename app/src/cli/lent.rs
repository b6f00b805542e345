//! A command line run on a store another part of this process holds open: the owner's, when a
//! command was forwarded over the owner socket (`crate::owner`) to `serve` or the app.

use std::path::PathBuf;

use gridbook_model::Gridbook;

use crate::error::CliError;
use crate::i18n::Language;

/// The store a command works on: opened by the command, or lent by the owner.
pub(crate) enum BookRef<'a> {
    /// Opened by this command (boxed: a `Gridbook` is large, the other variant a pointer).
    Own(Box<Gridbook>),
    /// The owner's open store.
    Lent(&'a mut Gridbook),
}

impl std::ops::Deref for BookRef<'_> {
    type Target = Gridbook;
    fn deref(&self) -> &Gridbook {
        match self {
            BookRef::Own(b) => b,
            BookRef::Lent(b) => b,
        }
    }
}

impl std::ops::DerefMut for BookRef<'_> {
    fn deref_mut(&mut self) -> &mut Gridbook {
        match self {
            BookRef::Own(b) => b,
            BookRef::Lent(b) => b,
        }
    }
}

/// Runs a forwarded command line on the owner's open store (on the store's thread). A panic
/// in the command is answered as an internal error and leaves the owner running.
pub(crate) fn run_lent(
    book: &mut Gridbook,
    data: PathBuf,
    cli: super::Cli,
    language: Language,
) -> anyhow::Result<String> {
    let Some(command) = cli.command else {
        return Err(CliError::NoSubcommand.into());
    };
    let ctx = super::Ctx::lent(data, book);
    crate::i18n::in_language(language, || {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            super::dispatch(ctx, command)
        })) {
            Ok(result) => result,
            Err(_) => Err(CliError::OwnerPanicked.into()),
        }
    })
}
