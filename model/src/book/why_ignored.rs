//! Why every device ignores a change (see `enforce.rs`): listed by `gridbook ignored`, and the
//! reason this device refuses to make one.

use std::fmt;

use crate::doc_id::DocId;
use crate::vocab::Role;
use crate::words::Words;

/// Why a change does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WhyIgnored {
    /// It depends on a change that does not count.
    #[error("it builds on an ignored change")]
    BuildsOnIgnored,
    /// Not signed by its device.
    #[error(
        "it is not signed by the device its actor names (written by an altered client, or its signature has not arrived yet)"
    )]
    Unsigned,
    /// It poses as a document's first change.
    #[error("it claims the document's first change's actor but is not that change")]
    FalseGenesis,
    /// Its device was never granted a role.
    #[error("its device holds no valid grant in this network")]
    Stranger,
    /// Its device had been revoked when it was made.
    #[error("its device had been revoked")]
    Revoked,
    /// Its device's role may not change that part.
    #[error("a {} may not change {part}", role.token())]
    RoleMayNot {
        /// The device's role.
        role: Role,
        /// What it changed.
        part: Part,
    },
    /// This device cannot read its directory, so it cannot judge its own change.
    #[error("this device cannot read its directory")]
    Unreadable,
}

/// The part of the data a role may not change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// Every document of this one's kind.
    Documents(DocId),
    /// The directory (the change could not be read).
    Directory,
    /// One top-level part of the directory, like `members` (empty: its root).
    DirectoryPart(String),
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Documents(doc) => write!(f, "{} documents", doc.kind()),
            Part::Directory => f.write_str("the directory"),
            Part::DirectoryPart(part) if part.is_empty() => f.write_str("the directory's root"),
            Part::DirectoryPart(part) => write!(f, "the directory's {part}"),
        }
    }
}

/// `gridbook ignored --json` keeps giving the reason in English.
impl serde::Serialize for WhyIgnored {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A kind of document's name in Chinese.
fn doc_kind_zh(doc: &DocId) -> &'static str {
    match doc {
        DocId::Directory => "目录",
        DocId::Needs { .. } => "民需",
        DocId::Meeting(_) => "议事会",
        DocId::Roster { .. } => "志愿者名册",
        DocId::Timebank { .. } => "时间银行",
    }
}

crate::worded!(WhyIgnored {
    WhyIgnored::BuildsOnIgnored => Words::new("error.ignored.builds_on_ignored"),
        example: WhyIgnored::BuildsOnIgnored;
    WhyIgnored::Unsigned => Words::new("error.ignored.unsigned"), example: WhyIgnored::Unsigned;
    WhyIgnored::FalseGenesis => Words::new("error.ignored.false_genesis"),
        example: WhyIgnored::FalseGenesis;
    WhyIgnored::Stranger => Words::new("error.ignored.stranger"), example: WhyIgnored::Stranger;
    WhyIgnored::Revoked => Words::new("error.ignored.revoked"), example: WhyIgnored::Revoked;
    WhyIgnored::RoleMayNot { role, part } => Words::new("error.ignored.role_may_not")
            .vocab("role", *role)
            .words("part", part.words()),
        example: WhyIgnored::RoleMayNot {
            role: Role::GridWorker,
            part: Part::Documents(DocId::Meeting("M-K7Q2ZD-1".parse().unwrap_or_else(|_| unreachable!()))),
        };
    WhyIgnored::Unreadable => Words::new("error.ignored.unreadable"), example: WhyIgnored::Unreadable;
});

crate::worded!(Part {
    Part::Documents(doc) => Words::new("error.ignored.part.documents").name("kind", doc.kind(), doc_kind_zh(doc)),
        example: Part::Documents(DocId::Directory);
    Part::Directory => Words::new("error.ignored.part.directory"), example: Part::Directory;
    Part::DirectoryPart(part) => Words::new("error.ignored.part.directory_part").arg("part", if part.is_empty() { "root" } else { part }),
        example: Part::DirectoryPart("members".into());
});
