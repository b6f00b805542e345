//! The model's error: what went wrong, in words that say what to do next.
//!
//! Each variant names the record, the field or the rule; [`Error::words`] gives the message a
//! person reads, in their language (see [`crate::words`]), and `Display` the same in English.

use std::path::PathBuf;

use crate::PlaceKind;
use crate::RecordKind;
use crate::book::WhyIgnored;
use crate::ids::{BadId, NeedId, ResidentId};
use crate::need::TransitionError;
use crate::store::StoreError;
use crate::vocab::{Stage, UnknownToken};
use crate::words::Words;

/// Anything a Gridbook operation can refuse or fail with. Nothing is written when it is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Storage failed or the store cannot be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A step in the needs loop was refused.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A record that was named does not exist.
    #[error("no {kind} '{id}'{}", kind.where_listed_en())]
    NotFound {
        /// What kind of record.
        kind: RecordKind,
        /// The id or name given.
        id: String,
    },
    /// A name matched more than one record.
    #[error("'{given}' matches more than one {kind}: {matches}; use the id")]
    Ambiguous {
        /// What kind of record.
        kind: RecordKind,
        /// The name given.
        given: String,
        /// The ids it matched.
        matches: String,
    },
    /// An id or code without the expected shape.
    #[error(transparent)]
    BadId(#[from] BadId),
    /// A vocabulary value that is not in its vocabulary.
    #[error(transparent)]
    UnknownToken(#[from] UnknownToken),
    /// A field that must not be empty is.
    #[error("{0}")]
    Empty(Field),
    /// Not a phone number.
    #[error("'{0}' is not a phone number: use digits, like 13812341234")]
    BadPhone(String),
    /// `Gridbook::create` on a directory that holds a store already.
    #[error("{} already holds a Gridbook store; choose an empty --data directory", .0.display())]
    StoreExists(PathBuf),
    /// Founding a network on a device that belongs to one.
    #[error(
        "this device already belongs to a network; use another --data directory to found a new one"
    )]
    AlreadyInNetwork,
    /// A place added without the place it is in.
    #[error("a {} is added in a {}: give --in", RecordKind::from(*kind), parent_of(*kind).0)]
    NoParent {
        /// The kind of place added.
        kind: PlaceKind,
    },
    /// A place whose id is taken.
    #[error("{} {id} already exists", RecordKind::from(*kind))]
    PlaceExists {
        /// The kind of place.
        kind: PlaceKind,
        /// Its id.
        id: String,
    },
    /// A building named with a grid it is not in.
    #[error("building {building} is in grid {grid}, not {given}")]
    NotInGrid {
        /// The building.
        building: String,
        /// Its grid.
        grid: String,
        /// The grid given.
        given: String,
    },
    /// A resident entered with neither a building nor a grid.
    #[error("a resident is entered with --building or --grid")]
    ResidentNowhere,
    /// A resident merged into itself.
    #[error("a resident cannot be merged into itself")]
    MergeIntoItself,
    /// A value picked to end a conflict is no longer one of the field's values (someone else
    /// picked meanwhile, or the field holds a record, not a value).
    #[error("{field} no longer holds that value: look again")]
    ValueGone {
        /// The field.
        field: String,
    },
    /// Two residents merged already.
    #[error("{duplicate} and {into} are already the same resident")]
    AlreadyMerged {
        /// The entry merged.
        duplicate: ResidentId,
        /// The entry it stands for already.
        into: ResidentId,
    },
    /// Neither a need's id nor a ledger number this device knows.
    #[error("no need with the id or ledger number '{0}': `gridbook need list` shows the needs")]
    UnknownNeed(String),
    /// Progress noted on a need that is not being carried out.
    #[error("need {need} is {stage}: progress is noted while it is implementing")]
    NotImplementing {
        /// The need.
        need: NeedId,
        /// Where it is.
        stage: Stage,
    },
    /// A follow-up action marked done twice.
    #[error("follow-up action {action} is already done (by {by})")]
    FollowUpDone {
        /// The action.
        action: crate::ids::NoteId,
        /// Who marked it done.
        by: String,
    },
    /// A topic escalated from the top level.
    #[error("the deliberation hall is the top level: a topic it cannot settle is solved jointly")]
    TopLevel,
    /// A service time out of range.
    #[error("{0} minutes is not a service time: give 1 to 1440")]
    ServiceTime(u32),
    /// Hours earned by a movement instead of an attendance.
    #[error("hours are earned by attending an activity: record the attendance")]
    EarnedByAttending,
    /// A redemption of nothing, or of a negative amount.
    #[error("a redemption spends a positive number of hours or points")]
    RedeemNothing,
    /// A device admitted again after it was revoked.
    #[error(
        "device {device} was revoked ({reason}) and cannot be admitted again: give it a new key (an empty --data directory on it) and invite that"
    )]
    RevokedForGood {
        /// The device.
        device: String,
        /// Why it was revoked.
        reason: String,
    },
    /// A device revoking itself.
    #[error("a device cannot revoke itself: revoke it from another admin device")]
    RevokeSelf,
    /// A device revoked twice.
    #[error("device {0} is already revoked")]
    AlreadyRevoked(String),
    /// A device the network does not list.
    #[error("device {0} is not a member of this network: `gridbook peers` lists the devices")]
    NotAMember(String),
    /// Granting or revoking on a device that is not an admin's.
    #[error("only an office admin's device can grant or revoke: ask an admin")]
    NotAdmin,
    /// Not a device id.
    #[error(
        "{0} is not a device id: a device id is 64 hex digits (`gridbook device id` on that device prints it; `gridbook peers` lists the network's)"
    )]
    BadDeviceId(String),
    /// This device's role does not allow the change (or the device was revoked).
    #[error(
        "{why}: this device's change would be ignored by every device. An office admin can change this device's role with `gridbook grant {device} --role ROLE`"
    )]
    Refused {
        /// Why every device would ignore the change.
        why: WhyIgnored,
        /// This device.
        device: String,
    },
    /// A peer's sync message that does not apply.
    #[error("the peer sent a sync message for {doc} that does not apply: {detail}")]
    BadSyncMessage {
        /// The document.
        doc: String,
        /// What Automerge said.
        detail: String,
    },
    /// A peer's sync message whose summary of changes does not decode.
    #[error("the peer sent a sync message for {doc} with a malformed summary of its changes")]
    BadSyncSummary {
        /// The document.
        doc: String,
    },
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
    /// A bug: what went wrong, for whoever fixes it.
    #[error("internal error, please report it: {0}")]
    Internal(String),
}

/// Which field is empty when it must not be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Field {
    /// A need's title.
    #[error("a need needs a title: say in a line what is needed")]
    NeedTitle,
    /// A progress note's text.
    #[error("a progress note needs some text")]
    ProgressNote,
    /// A meeting's title.
    #[error("a meeting needs a title")]
    MeetingTitle,
    /// Where a meeting is held.
    #[error("a meeting needs a place: say where it is held")]
    MeetingPlace,
    /// A topic's title.
    #[error("a topic needs a title")]
    TopicTitle,
    /// A motion's text.
    #[error("a motion needs its text")]
    MotionText,
    /// A decision's text.
    #[error("a decision needs its text")]
    DecisionText,
    /// A follow-up action's text.
    #[error("a follow-up action needs its text")]
    FollowUpText,
    /// A team's name.
    #[error("a team needs a name")]
    TeamName,
    /// A volunteer's name.
    #[error("a volunteer needs a name")]
    VolunteerName,
    /// An activity's title.
    #[error("an activity needs a title")]
    ActivityTitle,
    /// A time-bank correction's note.
    #[error("a correction needs a note saying why")]
    CorrectionNote,
    /// A place's name.
    #[error("a {} needs a name", RecordKind::from(*.0))]
    PlaceName(PlaceKind),
    /// A member's name.
    #[error("a member needs a name")]
    MemberName,
    /// A resident's name.
    #[error("a resident needs a name")]
    ResidentName,
    /// Why a device is revoked.
    #[error("say why the device is revoked: --reason TEXT")]
    RevokeReason,
    /// Who served at an activity (service recorded for nobody).
    #[error("say who served: pick at least one volunteer")]
    Attendees,
    /// The subdistrict's name or the founder's, when a network is founded.
    #[error("founding a network needs the subdistrict's name and your name")]
    Founding,
}

/// The kind of place a place of `kind` is added in, in English and in Chinese.
fn parent_of(kind: PlaceKind) -> (&'static str, &'static str) {
    match kind {
        PlaceKind::Community => ("subdistrict", "街道"),
        PlaceKind::Courtyard => ("community", "社区"),
        PlaceKind::Grid => ("community or courtyard", "社区或院落"),
        PlaceKind::Building => ("grid", "网格"),
    }
}

impl Error {
    pub(crate) fn not_found(kind: RecordKind, id: impl ToString) -> Self {
        Error::NotFound {
            kind,
            id: id.to_string(),
        }
    }

    pub(crate) fn malformed(doc: impl ToString, detail: impl ToString) -> Self {
        Error::Malformed {
            doc: doc.to_string(),
            detail: detail.to_string(),
        }
    }
}

fn kind_name(words: Words, name: &'static str, kind: RecordKind) -> Words {
    words.name(name, kind.en(), kind.zh())
}

crate::worded!(Error {
    Error::Store(e) => e.words(),
        example: Error::Store(StoreError::InUse("/data".into()));
    Error::Transition(e) => e.words(),
        example: Error::Transition(TransitionError::Satisfaction(7));
    Error::NotFound { kind, id } => {
        let words = kind_name(Words::new("error.not_found"), "kind", *kind).arg("id", id);
        match kind.where_listed() {
            Some(hint) => words.words("hint", hint),
            None => words.arg("hint", ""),
        }
    },
        example: Error::not_found(RecordKind::Need, "N-K7Q2ZD-9");
    Error::Ambiguous { kind, given, matches } =>
        kind_name(Words::new("error.ambiguous"), "kind", *kind)
            .arg("given", given)
            .arg("matches", matches),
        example: Error::Ambiguous {
            kind: RecordKind::Grid,
            given: "第3网格".into(),
            matches: "zt-g3, nh-g3".into(),
        };
    Error::BadId(e) => e.words(),
        example: Error::BadId("N-1".parse::<NeedId>().unwrap_err());
    Error::UnknownToken(e) => e.words(),
        example: Error::UnknownToken("late".parse::<Stage>().unwrap_err());
    Error::Empty(field) => field.words(),
        example: Error::Empty(Field::NeedTitle);
    Error::BadPhone(given) => Words::new("error.bad_phone").arg("given", given),
        example: Error::BadPhone("138-x".into());
    Error::StoreExists(path) => Words::new("error.store_exists").arg("path", path.display()),
        example: Error::StoreExists("/data".into());
    Error::AlreadyInNetwork => Words::new("error.already_in_network"),
        example: Error::AlreadyInNetwork;
    Error::NoParent { kind } => {
        let (en, zh) = parent_of(*kind);
        kind_name(Words::new("error.no_parent"), "kind", (*kind).into()).name("parent", en, zh)
    },
        example: Error::NoParent { kind: PlaceKind::Grid };
    Error::PlaceExists { kind, id } =>
        kind_name(Words::new("error.place_exists"), "kind", (*kind).into()).arg("id", id),
        example: Error::PlaceExists { kind: PlaceKind::Building, id: "zt-g3-b12".into() };
    Error::NotInGrid { building, grid, given } => Words::new("error.not_in_grid")
            .arg("building", building)
            .arg("grid", grid)
            .arg("given", given),
        example: Error::NotInGrid {
            building: "zt-g3-b12".into(),
            grid: "zt-g3".into(),
            given: "zt-g4".into(),
        };
    Error::ResidentNowhere => Words::new("error.resident_nowhere"),
        example: Error::ResidentNowhere;
    Error::MergeIntoItself => Words::new("error.merge_into_itself"),
        example: Error::MergeIntoItself;
    Error::ValueGone { field } => Words::new("error.value_gone").arg("field", field),
        example: Error::ValueGone { field: "title".into() };
    Error::AlreadyMerged { duplicate, into } => Words::new("error.already_merged")
            .arg("duplicate", duplicate)
            .arg("into", into),
        example: Error::AlreadyMerged {
            duplicate: "R-K7Q2ZD-2".parse().unwrap_or_else(|_| unreachable!()),
            into: "R-K7Q2ZD-1".parse().unwrap_or_else(|_| unreachable!()),
        };
    Error::UnknownNeed(given) => Words::new("error.unknown_need").arg("given", given),
        example: Error::UnknownNeed("ZT-2612-3MXHY4-2106".into());
    Error::NotImplementing { need, stage } => Words::new("error.not_implementing")
            .arg("need", need)
            .vocab("stage", *stage),
        example: Error::NotImplementing {
            need: "N-K7Q2ZD-9".parse().unwrap_or_else(|_| unreachable!()),
            stage: Stage::Designed,
        };
    Error::FollowUpDone { action, by } => Words::new("error.follow_up_done")
            .arg("action", action)
            .arg("by", by),
        example: Error::FollowUpDone {
            action: "E-K7Q2ZD-3".parse().unwrap_or_else(|_| unreachable!()),
            by: "陈静".into(),
        };
    Error::TopLevel => Words::new("error.top_level"), example: Error::TopLevel;
    Error::ServiceTime(minutes) => Words::new("error.service_time").arg("minutes", minutes),
        example: Error::ServiceTime(0);
    Error::EarnedByAttending => Words::new("error.earned_by_attending"),
        example: Error::EarnedByAttending;
    Error::RedeemNothing => Words::new("error.redeem_nothing"), example: Error::RedeemNothing;
    Error::RevokedForGood { device, reason } => Words::new("error.revoked_for_good")
            .arg("device", device)
            .arg("reason", reason),
        example: Error::RevokedForGood { device: "ab12".into(), reason: "lost".into() };
    Error::RevokeSelf => Words::new("error.revoke_self"), example: Error::RevokeSelf;
    Error::AlreadyRevoked(device) => Words::new("error.already_revoked").arg("device", device),
        example: Error::AlreadyRevoked("ab12".into());
    Error::NotAMember(device) => Words::new("error.not_a_member").arg("device", device),
        example: Error::NotAMember("ab12".into());
    Error::NotAdmin => Words::new("error.not_admin"), example: Error::NotAdmin;
    Error::BadDeviceId(given) => Words::new("error.bad_device_id").arg("given", given),
        example: Error::BadDeviceId("ab12".into());
    Error::Refused { why, device } => Words::new("error.refused")
            .words("why", why.words())
            .arg("device", device),
        example: Error::Refused { why: WhyIgnored::Revoked, device: "ab12".into() };
    Error::BadSyncMessage { doc, detail } => Words::new("error.bad_sync_message")
            .arg("doc", doc)
            .arg("detail", detail),
        example: Error::BadSyncMessage { doc: "directory".into(), detail: "bad hash".into() };
    Error::BadSyncSummary { doc } => Words::new("error.bad_sync_summary").arg("doc", doc),
        example: Error::BadSyncSummary { doc: "directory".into() };
    Error::NoNetwork => Words::new("error.no_network"), example: Error::NoNetwork;
    Error::Malformed { doc, detail } => Words::new("error.malformed")
            .arg("doc", doc)
            .arg("detail", detail),
        example: Error::malformed("directory", "a grid is not a map");
    Error::Internal(detail) => Words::new("error.internal").arg("detail", detail),
        example: Error::Internal("document edited twice".into());
});

crate::worded!(Field {
    Field::NeedTitle => Words::new("error.empty.need_title"), example: Field::NeedTitle;
    Field::ProgressNote => Words::new("error.empty.progress_note"), example: Field::ProgressNote;
    Field::MeetingTitle => Words::new("error.empty.meeting_title"), example: Field::MeetingTitle;
    Field::MeetingPlace => Words::new("error.empty.meeting_place"), example: Field::MeetingPlace;
    Field::TopicTitle => Words::new("error.empty.topic_title"), example: Field::TopicTitle;
    Field::MotionText => Words::new("error.empty.motion_text"), example: Field::MotionText;
    Field::DecisionText => Words::new("error.empty.decision_text"), example: Field::DecisionText;
    Field::FollowUpText => Words::new("error.empty.follow_up_text"), example: Field::FollowUpText;
    Field::TeamName => Words::new("error.empty.team_name"), example: Field::TeamName;
    Field::VolunteerName => Words::new("error.empty.volunteer_name"),
        example: Field::VolunteerName;
    Field::ActivityTitle => Words::new("error.empty.activity_title"),
        example: Field::ActivityTitle;
    Field::CorrectionNote => Words::new("error.empty.correction_note"),
        example: Field::CorrectionNote;
    Field::PlaceName(kind) =>
        kind_name(Words::new("error.empty.place_name"), "kind", (*kind).into()),
        example: Field::PlaceName(PlaceKind::Courtyard);
    Field::MemberName => Words::new("error.empty.member_name"), example: Field::MemberName;
    Field::ResidentName => Words::new("error.empty.resident_name"), example: Field::ResidentName;
    Field::RevokeReason => Words::new("error.empty.revoke_reason"), example: Field::RevokeReason;
    Field::Founding => Words::new("error.empty.founding"), example: Field::Founding;
    Field::Attendees => Words::new("error.empty.attendees"), example: Field::Attendees;
});

/// The model's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Each example matches its own arm of `words()` and no other, for every worded type of
    /// this crate (the app's test words them all in every language).
    #[test]
    fn every_example_fits_its_own_wording_arm() {
        use crate::need::{NeedField, TransitionError};
        use crate::store::crypt::CryptError;
        assert_eq!(Error::examples_fit_their_arms(), Ok(()));
        assert_eq!(Field::examples_fit_their_arms(), Ok(()));
        assert_eq!(TransitionError::examples_fit_their_arms(), Ok(()));
        assert_eq!(NeedField::examples_fit_their_arms(), Ok(()));
        assert_eq!(StoreError::examples_fit_their_arms(), Ok(()));
        assert_eq!(CryptError::examples_fit_their_arms(), Ok(()));
        assert_eq!(BadId::examples_fit_their_arms(), Ok(()));
        assert_eq!(UnknownToken::examples_fit_their_arms(), Ok(()));
        assert_eq!(WhyIgnored::examples_fit_their_arms(), Ok(()));
        assert_eq!(crate::Part::examples_fit_their_arms(), Ok(()));
        assert_eq!(crate::ledger::RowError::examples_fit_their_arms(), Ok(()));
        assert_eq!(crate::ledger::RowProblem::examples_fit_their_arms(), Ok(()));
        assert_eq!(
            crate::ledger::PlaceProblem::examples_fit_their_arms(),
            Ok(())
        );
    }
}
