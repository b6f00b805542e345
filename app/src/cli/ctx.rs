//! What every command gets ([`Ctx`]): the data directory, and the store opened from it, lent by
//! the process that owns it, or opened here with its passphrase, waiting while another
//! Gridbook process holds it.

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use gridbook_model::store::StoreError;
use gridbook_model::{Gridbook, Passphrase};

use super::{BookRef, CliError, demo, passphrase};
use crate::owner;

/// What every command gets: where the data is, and, in the process that owns the store
/// (`serve`), the store it has open.
pub(crate) struct Ctx<'a> {
    pub(super) data: PathBuf,
    lent: RefCell<Option<&'a mut Gridbook>>,
    /// The demo network (`--demo`): its passphrase is never asked (see passphrase.rs).
    pub(super) demo: bool,
    /// The passphrase, once given.
    pub(super) passphrase: RefCell<Option<Passphrase>>,
}

/// `gridbook --demo` with no command: makes the demo data if it is not there yet.
pub(crate) fn prepare_demo() -> Result<PathBuf> {
    let mut ctx = Ctx::new(crate::data::demo_dir()?);
    ctx.demo = true;
    demo::ensure(&ctx, 1)?;
    Ok(ctx.data)
}

impl<'a> Ctx<'a> {
    pub(super) fn new(data: PathBuf) -> Ctx<'a> {
        Ctx {
            data,
            lent: RefCell::new(None),
            demo: false,
            passphrase: RefCell::new(None),
        }
    }

    /// The context of a command the owner runs on its open store.
    pub(super) fn lent(data: PathBuf, book: &'a mut Gridbook) -> Ctx<'a> {
        Ctx {
            data,
            lent: RefCell::new(Some(book)),
            demo: false,
            passphrase: RefCell::new(None),
        }
    }

    /// Opens the existing store; a missing store is an error that says how to make one.
    pub(crate) fn open(&self) -> Result<BookRef<'a>> {
        if let Some(book) = self.lent.borrow_mut().take() {
            return Ok(BookRef::Lent(book));
        }
        self.check_dir()?;
        let passphrase = self.passphrase(false)?;
        self.opened(patiently(|| Gridbook::open(&self.data, &passphrase))?)
    }

    /// Opens the store, creating it (and the directory) if there is none.
    pub(crate) fn open_or_create(&self) -> Result<BookRef<'a>> {
        if let Some(book) = self.lent.borrow_mut().take() {
            return Ok(BookRef::Lent(book));
        }
        self.check_dir()?;
        let creating = !self.data.join(gridbook_model::store::STORE_FILE).exists();
        let passphrase = self.passphrase(creating)?;
        self.opened(patiently(|| {
            Gridbook::open_or_create(&self.data, &passphrase)
        })?)
    }

    /// The store's passphrase: the demo's, `GRIDBOOK_PASSPHRASE`, or asked once on the
    /// terminal (twice when `creating`), see passphrase.rs.
    pub(crate) fn passphrase(&self, creating: bool) -> Result<Passphrase> {
        if let Some(p) = self.passphrase.borrow().as_ref() {
            return Ok(p.clone());
        }
        let p = if self.demo {
            passphrase::demo()?
        } else {
            passphrase::ask(&self.data, creating)?
        };
        *self.passphrase.borrow_mut() = Some(p.clone());
        Ok(p)
    }

    /// Opens the store for this process to own (`serve`, `sync`); refused inside the owner.
    pub(crate) fn open_owned(&self) -> Result<Gridbook> {
        match self.open()? {
            BookRef::Own(book) => Ok(*book),
            BookRef::Lent(_) => Err(CliError::ServeRuns(self.data.clone()).into()),
        }
    }

    fn opened(&self, book: Gridbook) -> Result<BookRef<'a>> {
        // This process holds the store's lock now: a socket left by an owner is stale.
        owner::remove_stale(&self.data);
        Ok(BookRef::Own(Box::new(book)))
    }

    fn check_dir(&self) -> Result<()> {
        if self.data.exists() && !self.data.is_dir() {
            return Err(CliError::DataIsFile(self.data.clone()).into());
        }
        Ok(())
    }
}

/// How long a command waits for another Gridbook process to let go of the store.
const WAIT_FOR_STORE: Duration = Duration::from_secs(5);

/// Opens the store, waiting a little while another process holds it: two commands run at once
/// (two terminals, a script) take turns instead of failing. After [`WAIT_FOR_STORE`] the
/// model's message names the other process.
fn patiently(open: impl Fn() -> gridbook_model::Result<Gridbook>) -> Result<Gridbook> {
    let deadline = Instant::now() + WAIT_FOR_STORE;
    let mut logged = false;
    loop {
        match open() {
            Err(gridbook_model::Error::Store(StoreError::InUse(path)))
                if Instant::now() < deadline =>
            {
                if !logged {
                    tracing::info!(store = %path.display(), "waiting for another Gridbook process");
                    logged = true;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}

/// The data directory: the one given, or the platform's.
pub(crate) fn data_dir(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = given {
        if dir.as_os_str().is_empty() {
            return Err(CliError::DataEmpty.into());
        }
        return Ok(dir);
    }
    directories::ProjectDirs::from("org", "Gridbook", "gridbook")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| CliError::NoHome.into())
}
