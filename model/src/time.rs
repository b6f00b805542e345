//! Time as Gridbook keeps it. Device clocks can be wrong (a tablet that says 1970), so times are
//! stored for people to read and never decide ordering or correctness.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use jiff::civil::Date;

/// Milliseconds since the Unix epoch, by the device clock that recorded it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Now, by this device's clock.
    pub fn now() -> Self {
        Timestamp(jiff::Timestamp::now().as_millisecond())
    }

    /// The calendar day in China Standard Time (UTC+8), where Gridbook is used.
    pub fn day(self) -> Day {
        let ts = jiff::Timestamp::from_millisecond(self.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        Day(ts.to_zoned(china()).date())
    }

    /// RFC 3339 in UTC+8, for people and JSON.
    pub fn to_rfc3339(self) -> String {
        let ts = jiff::Timestamp::from_millisecond(self.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        ts.to_zoned(china())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

fn china() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(8))
}

impl Reconcile for Timestamp {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.timestamp(self.0)
    }
}

impl Hydrate for Timestamp {
    fn hydrate_timestamp(t: i64) -> Result<Self, HydrateError> {
        Ok(Timestamp(t))
    }
    fn hydrate_int(t: i64) -> Result<Self, HydrateError> {
        Ok(Timestamp(t))
    }
}

/// A calendar day (a due date, a meeting date), stored as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day(pub Date);

impl Day {
    /// The month it falls in, as `YYYY-MM`.
    pub fn month(self) -> String {
        format!("{:04}-{:02}", self.0.year(), self.0.month())
    }

    /// This day plus `n` days.
    pub fn plus_days(self, n: i32) -> Day {
        Day(self
            .0
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or(self.0))
    }

    /// Noon of this day in China (UTC+8): a time whose [`Timestamp::day`] is this day, for
    /// records known only by their day (an imported ledger's 发现日期).
    pub fn noon(self) -> Timestamp {
        self.0
            .at(12, 0, 0, 0)
            .to_zoned(china())
            .map_or(Timestamp(0), |z| Timestamp(z.timestamp().as_millisecond()))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        (later
            .0
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .unwrap_or(0)
            - self
                .0
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp().as_second())
                .unwrap_or(0))
            / 86_400
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A day that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date: write it as YYYY-MM-DD, like 2026-12-01")]
pub struct BadDay(pub String);

impl FromStr for Day {
    type Err = BadDay;
    fn from_str(s: &str) -> Result<Self, BadDay> {
        s.trim()
            .parse::<Date>()
            .map(Day)
            .map_err(|_| BadDay(s.to_string()))
    }
}

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Reconcile for Day {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.to_string())
    }
}

impl Hydrate for Day {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        s.parse()
            .map_err(|e: BadDay| HydrateError::unexpected("a date", e.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_at_1970_still_gives_a_day() {
        assert_eq!(Timestamp(0).day().to_string(), "1970-01-01");
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T08:00:00+08:00");
    }

    #[test]
    fn days_parse_and_count() {
        let a: Day = "2026-11-26".parse().unwrap();
        assert_eq!(a.plus_days(14).to_string(), "2026-12-10");
        assert_eq!(a.days_until(a.plus_days(14)), 14);
        assert_eq!(a.month(), "2026-11");
        assert!("26/11/2026".parse::<Day>().is_err());
    }
}
