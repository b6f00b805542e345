//! The store's passphrase on the command line, and `gridbook passphrase`, which changes it.
//!
//! Decisions:
//! - `GRIDBOOK_PASSPHRASE` gives it (scripts, `serve` under a service manager); otherwise it is
//!   asked on the terminal, without echo, twice when a new store is made. With neither, the
//!   command stops with one line saying how to give one, never with a hang.
//! - The demo network (`--demo`, and `gridbook demo`) is locked with `GRIDBOOK_PASSPHRASE` if
//!   set, else with [`DEMO_PASSPHRASE`], printed when the demo store is made: demo data is
//!   made-up, and the demo must open without a prompt.
//! - New stores get OWASP's Argon2id cost. `GRIDBOOK_KDF=tests-only` (a cheap cost, so that
//!   test suites making hundreds of stores stay fast) is honoured only by builds with the
//!   model's `test-support` feature, which only tests enable; a shipped build refuses to lock
//!   below OWASP's cost and re-locks at it a store it finds below (`docs/security.md`).
//! - A command run by the process that owns the store (`serve`, the app) is never asked:
//!   the owner unlocked the store when it opened it.

use std::path::Path;

use anyhow::Result;
use gridbook_model::{KdfCost, Passphrase};

use super::error::{CliError, Secret};
use crate::i18n::tr;

use super::Ctx;
use crate::data::{DEMO_PASSPHRASE, kdf_cost};

/// The variable that gives the passphrase.
const ENV: &str = "GRIDBOOK_PASSPHRASE";
/// The variable that gives the new passphrase to `gridbook passphrase`.
const ENV_NEW: &str = "GRIDBOOK_NEW_PASSPHRASE";

fn from_env(var: &'static str) -> Result<Option<Passphrase>> {
    match std::env::var(var) {
        Ok(text) if text.is_empty() => Err(CliError::EnvEmpty(var).into()),
        Ok(text) => Ok(Some(Passphrase::new(text).with_cost(kdf_cost()?))),
        Err(_) => Ok(None),
    }
}

/// `GRIDBOOK_PASSPHRASE`, if set (the app then opens without its unlock page).
pub(crate) fn from_env_or_none() -> Result<Option<Passphrase>> {
    from_env(ENV)
}

/// The demo network's passphrase: `GRIDBOOK_PASSPHRASE`, else [`DEMO_PASSPHRASE`].
pub(crate) fn demo() -> Result<Passphrase> {
    Ok(
        from_env(ENV)?
            .unwrap_or_else(|| Passphrase::new(DEMO_PASSPHRASE).with_cost(KdfCost::OWASP)),
    )
}

/// Says which passphrase the demo store gets, when it is made.
pub(crate) fn tell_demo() {
    if std::env::var_os(ENV).is_none() {
        eprintln!("the demo store's passphrase is {DEMO_PASSPHRASE} (set {ENV} to choose another)");
    }
}

/// The passphrase of the store in `data`: `GRIDBOOK_PASSPHRASE`, or asked on the terminal
/// (twice when `creating`).
pub(crate) fn ask(data: &Path, creating: bool) -> Result<Passphrase> {
    if let Some(p) = from_env(ENV)? {
        return Ok(p);
    }
    let what = if creating {
        Secret::New(data.to_path_buf())
    } else {
        Secret::Of(data.to_path_buf())
    };
    prompt(what, creating)
}

fn prompt(what: Secret, twice: bool) -> Result<Passphrase> {
    let enter = tr!("cli.prompt.enter", what = crate::words::say(&what.words()));
    let read = |label: &str| {
        rpassword::prompt_password(format!("{label}: "))
            .map_err(|_| CliError::NoTerminal(what.clone()))
    };
    let text = read(&enter)?;
    if text.is_empty() {
        return Err(CliError::EmptyPassphrase.into());
    }
    if twice && read(&tr!("cli.prompt.repeat"))? != text {
        return Err(CliError::PassphrasesDiffer.into());
    }
    Ok(Passphrase::new(text).with_cost(kdf_cost()?))
}

/// `gridbook passphrase`: locks the store with a new passphrase; every value is kept.
pub(crate) fn change(ctx: &Ctx) -> Result<String> {
    let book = ctx.open_owned()?;
    let old = ctx.passphrase(false)?;
    let new = match from_env(ENV_NEW)? {
        Some(p) => p,
        None => prompt(Secret::Replacement, true)?,
    };
    book.store().change_passphrase(&old, &new)?;
    Ok(format!(
        "the store in {} is now locked with the new passphrase\n",
        ctx.data.display()
    ))
}
