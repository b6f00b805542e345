//! The model's error: what went wrong, in words that say what to do next.

use crate::store::StoreError;

/// Anything a Gridbook operation can refuse or fail with. Nothing is written when it is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Storage failed or the store cannot be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A step in the needs loop was refused.
    #[error(transparent)]
    Transition(#[from] crate::need::TransitionError),
    /// A record that was named does not exist.
    #[error("no {kind} '{id}'{hint}")]
    NotFound {
        /// What kind of record.
        kind: &'static str,
        /// The id or name given.
        id: String,
        /// What to try instead (may be empty).
        hint: String,
    },
    /// A name matched more than one record.
    #[error("'{given}' matches more than one {kind}: {matches}; use the id")]
    Ambiguous {
        /// What kind of record.
        kind: &'static str,
        /// The name given.
        given: String,
        /// The ids it matched.
        matches: String,
    },
    /// Input that cannot be accepted.
    #[error("{0}")]
    Invalid(String),
    /// This device's role does not allow the change (or the device was revoked).
    #[error("{0}")]
    Refused(String),
    /// The store holds no network yet.
    #[error(
        "this store has no network yet: run `gridbook init --subdistrict NAME --name PERSON` first"
    )]
    NoNetwork,
    /// A document did not have the shape Gridbook writes.
    #[error("document {doc} has unexpected content ({detail})")]
    Malformed {
        /// Which document.
        doc: String,
        /// What was wrong.
        detail: String,
    },
}

impl Error {
    pub(crate) fn not_found(kind: &'static str, id: impl ToString) -> Self {
        Error::NotFound {
            kind,
            id: id.to_string(),
            hint: String::new(),
        }
    }

    pub(crate) fn malformed(doc: impl ToString, detail: impl ToString) -> Self {
        Error::Malformed {
            doc: doc.to_string(),
            detail: detail.to_string(),
        }
    }
}

impl From<crate::ids::BadId> for Error {
    fn from(e: crate::ids::BadId) -> Self {
        Error::Invalid(e.to_string())
    }
}

impl From<crate::vocab::UnknownToken> for Error {
    fn from(e: crate::vocab::UnknownToken) -> Self {
        Error::Invalid(e.to_string())
    }
}

/// The model's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
