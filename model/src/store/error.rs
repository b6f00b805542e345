//! Why the store could not be opened, read or written, and how redb's errors and panics map
//! onto that.

use std::path::{Path, PathBuf};

use super::crypt::CryptError;
use crate::words::Words;

/// Why the store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No store in the data directory yet.
    #[error(
        "no Gridbook store in {0}: found a network with `gridbook init` or make demo data with `gridbook demo`"
    )]
    Missing(PathBuf),
    /// The file exists but is not a Gridbook store.
    #[error(
        "{0} is not a Gridbook store; it was left untouched: point --data at a Gridbook data directory"
    )]
    NotAStore(PathBuf),
    /// The file is damaged.
    #[error(
        "the store {path} is damaged ({detail}); it was left untouched: restore it from a backup or sync a fresh store from a peer"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What redb said.
        detail: String,
    },
    /// Another process holds the store.
    #[error(
        "the store {0} is open in another Gridbook process (the app or `gridbook serve`): close it, or run this command through it"
    )]
    InUse(PathBuf),
    /// Written by a newer Gridbook.
    #[error(
        "this store has schema version {found}, newer than this Gridbook understands ({supported}): update Gridbook"
    )]
    NewerFormat {
        /// The store's version.
        found: u32,
        /// This build's version.
        supported: u32,
    },
    /// A document's stored bytes did not load.
    #[error("document {doc} in the store does not load ({detail}): the store may be damaged")]
    BadDocument {
        /// Which document.
        doc: String,
        /// What Automerge said.
        detail: String,
    },
    /// The passphrase does not open the store's lock.
    #[error(
        "wrong passphrase for the store {0}: nothing was opened; give the one set at `gridbook init` or by the last `gridbook passphrase`"
    )]
    WrongPassphrase(PathBuf),
    /// Written before encryption at rest: refused rather than sealed in place.
    #[error(
        "the store {path} was written by a Gridbook without encryption at rest (schema {schema}); it was left untouched: move it aside and join the network again (`gridbook join`) so this device gets an encrypted store from a peer"
    )]
    Unencrypted {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        schema: u32,
    },
    /// Written before changes were signed: every device would ignore its changes.
    #[error(
        "the store {path} was written by a Gridbook that did not sign its changes (schema {schema}); every device now ignores unsigned changes, so it was left untouched: export its data with the Gridbook that wrote it (`gridbook export --format csv`), then import it on a device of this version"
    )]
    Unsigned {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        schema: u32,
    },
    /// The key could not be made or the passphrase is unusable.
    #[error("{0}")]
    Key(CryptError),
    /// The disk or redb failed.
    #[error("storage error: {0}")]
    Storage(#[from] redb::Error),
    /// The data directory could not be made.
    #[error("cannot use data directory {path}: {source}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

crate::worded!(StoreError {
    StoreError::Missing(path) => Words::new("error.store.missing").arg("path", path.display()),
        example: StoreError::Missing("/data".into());
    StoreError::NotAStore(path) => Words::new("error.store.not_a_store").arg("path", path.display()),
        example: StoreError::NotAStore("/data/gridbook.redb".into());
    StoreError::Corrupt { path, detail } => Words::new("error.store.corrupt")
            .arg("path", path.display())
            .arg("detail", detail),
        example: StoreError::Corrupt {
            path: "/data/gridbook.redb".into(),
            detail: "bad page".into(),
        };
    StoreError::InUse(path) => Words::new("error.store.in_use").arg("path", path.display()),
        example: StoreError::InUse("/data/gridbook.redb".into());
    StoreError::NewerFormat { found, supported } => Words::new("error.store.newer_format")
            .arg("found", found)
            .arg("supported", supported),
        example: StoreError::NewerFormat { found: 9, supported: 6 };
    StoreError::BadDocument { doc, detail } => Words::new("error.store.bad_document")
            .arg("doc", doc)
            .arg("detail", detail),
        example: StoreError::BadDocument { doc: "directory".into(), detail: "bad chunk".into() };
    StoreError::WrongPassphrase(path) =>
        Words::new("error.store.wrong_passphrase").arg("path", path.display()),
        example: StoreError::WrongPassphrase("/data/gridbook.redb".into());
    StoreError::Unencrypted { path, schema } => Words::new("error.store.unencrypted")
            .arg("path", path.display())
            .arg("schema", schema),
        example: StoreError::Unencrypted { path: "/data/gridbook.redb".into(), schema: 3 };
    StoreError::Unsigned { path, schema } => Words::new("error.store.unsigned")
            .arg("path", path.display())
            .arg("schema", schema),
        example: StoreError::Unsigned { path: "/data/gridbook.redb".into(), schema: 4 };
    StoreError::Key(e) => e.words(), example: StoreError::Key(CryptError::EmptyPassphrase);
    StoreError::Storage(e) => Words::new("error.store.storage").arg("detail", e),
        example: StoreError::Storage(redb::Error::TransactionInProgress);
    StoreError::Dir { path, source } => Words::new("error.store.dir")
            .arg("path", path.display())
            .arg("detail", source),
        example: StoreError::Dir {
            path: "/data".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
});

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Storage(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

pub(super) fn classify_open_error(path: &Path, e: redb::DatabaseError) -> StoreError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse(path.to_path_buf()),
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(detail)) => {
            if detail.contains("magic") || detail.contains("header") {
                StoreError::NotAStore(path.to_path_buf())
            } else {
                StoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail,
                }
            }
        }
        redb::DatabaseError::Storage(redb::StorageError::Io(io))
            if io.to_string().contains("Not a redb database") =>
        {
            StoreError::NotAStore(path.to_path_buf())
        }
        other => StoreError::Storage(other.into()),
    }
}

/// What a panic inside redb said.
pub(super) fn panic_detail(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("redb panicked")
        .to_string()
}
