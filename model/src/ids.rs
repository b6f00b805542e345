//! Identifiers. Records made offline on different devices must never collide, so every record id
//! carries the making device's tag and that device's own sequence number: `N-K7Q2ZD-12`.
//! Directory places (communities, grids, …) are keyed by a short code people type instead, so
//! the same grid added on two devices is one grid.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};

use crate::RecordKind;
use crate::words::Words;

/// An id or code that does not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not a {kind}")]
pub struct BadId {
    /// What was expected.
    pub kind: IdKind,
    /// What was given.
    pub given: String,
}

/// What kind of id or code was expected, and so what a valid one looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdKind {
    /// A record's id, like `N-K7Q2ZD-12` for a need.
    Record {
        /// The kind of record.
        kind: RecordKind,
        /// The letter its ids start with.
        prefix: &'static str,
    },
    /// A place's short code, like `zt` or `g3`.
    Code,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdKind::Record { kind, prefix } => {
                write!(f, "{kind} id: it looks like {prefix}-K7Q2ZD-12")
            }
            IdKind::Code => {
                f.write_str("code: use 1 to 24 letters, digits or dashes, like zt or g3")
            }
        }
    }
}

crate::worded!(BadId {
    BadId { kind: IdKind::Record { kind, prefix }, given } => Words::new("error.bad_id.record")
            .name("kind", kind.en(), kind.zh())
            .arg("prefix", prefix)
            .arg("given", given),
        example: "N-1".parse::<NeedId>().unwrap_err();
    BadId { kind: IdKind::Code, given } => Words::new("error.bad_id.code").arg("given", given),
        example: check_code("中台").unwrap_err();
});

/// Six Crockford base32 characters of a device's public key: short enough to read aloud, wide
/// enough (30 bits) that 500 devices collide with odds of about 1 in 10,000.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceTag(String);

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl DeviceTag {
    /// The tag of a device with this public key.
    pub fn of_key(public_key: &[u8; 32]) -> Self {
        let bits = u32::from_be_bytes([public_key[0], public_key[1], public_key[2], public_key[3]]);
        let tag = (0..6)
            .map(|i| CROCKFORD[((bits >> (27 - 5 * i)) & 31) as usize] as char)
            .collect();
        DeviceTag(tag)
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_tag(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| CROCKFORD.contains(&b))
}

macro_rules! record_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $kind:literal, $record:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The letter every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// The id of the `seq`-th record made on the device with this tag.
            pub fn new(tag: &DeviceTag, seq: u64) -> Self {
                $name(format!("{}-{}-{}", $prefix, tag, seq))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = BadId;
            fn from_str(s: &str) -> Result<Self, BadId> {
                let s = s.trim();
                let upper = s.to_ascii_uppercase();
                let mut parts = upper.splitn(3, '-');
                let ok = parts.next() == Some($prefix)
                    && parts.next().is_some_and(is_tag)
                    && parts.next().is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                if ok {
                    Ok($name(upper))
                } else {
                    Err(BadId {
                        kind: IdKind::Record { kind: RecordKind::$record, prefix: $prefix },
                        given: s.to_string(),
                    })
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
                reconciler.str(&self.0)
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
                s.parse().map_err(|e: BadId| HydrateError::unexpected($kind, e.given))
            }
        }
    };
}

record_id!(/// A resident need (民需).
    NeedId, "N", "need id", Need);
record_id!(/// A resident in the register.
    ResidentId, "R", "resident id", Resident);
record_id!(/// A person who uses Gridbook (staff, grid worker, facilitator, lead).
    MemberId, "P", "member id", Member);
record_id!(/// A deliberation meeting.
    MeetingId, "M", "meeting id", Meeting);
record_id!(/// A topic on a meeting's agenda.
    TopicId, "T", "topic id", Topic);
record_id!(/// A motion put to the vote.
    MotionId, "V", "motion id", Motion);
record_id!(/// A decision with its follow-up actions.
    DecisionId, "D", "decision id", Decision);
record_id!(/// A volunteer.
    VolunteerId, "Y", "volunteer id", Volunteer);
record_id!(/// A volunteer team or sub-team.
    TeamId, "G", "team id", Team);
record_id!(/// A volunteer activity.
    ActivityId, "A", "activity id", Activity);
record_id!(/// A time-bank movement.
    MovementId, "B", "movement id", Movement);
record_id!(/// A progress note, follow-up action or other small record inside another.
    NoteId, "E", "note id", Note);

/// A directory code as people type it: `zt`, `g3`, `b12`. Lower-case ASCII letters, digits and
/// dashes, 1 to 24 of them.
pub fn check_code(code: &str) -> Result<String, BadId> {
    let c = code.trim().to_ascii_lowercase();
    let ok = !c.is_empty()
        && c.len() <= 24
        && c.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !c.starts_with('-');
    if ok {
        Ok(c)
    } else {
        Err(BadId {
            kind: IdKind::Code,
            given: code.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_the_device_tag_and_parse_back() {
        let tag = DeviceTag::of_key(&[0xff; 32]);
        assert_eq!(tag.as_str(), "ZZZZZZ");
        let id = NeedId::new(&tag, 12);
        assert_eq!(id.to_string(), "N-ZZZZZZ-12");
        assert_eq!("n-zzzzzz-12".parse::<NeedId>(), Ok(id));
        assert!("R-ZZZZZZ-12".parse::<NeedId>().is_err());
        assert!("N-ZZZZZ-12".parse::<NeedId>().is_err());
        assert!("N-ZZZZZZ-".parse::<NeedId>().is_err());
    }

    #[test]
    fn codes_are_normalised_or_refused() {
        assert_eq!(check_code(" ZT ").unwrap(), "zt");
        assert!(check_code("中台").is_err());
        assert!(check_code("").is_err());
    }
}
