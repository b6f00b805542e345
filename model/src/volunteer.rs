//! Volunteers, teams and the time bank (志愿服务积分制度, 时间银行).
//!
//! `roster/<community>` holds volunteers and teams; `timebank/<community>/<yyyy>` holds that
//! year's activities and movements. Movements are append-only; balances are derived from them
//! and never stored, so a balance can always be recomputed, and one driven negative by two
//! offline redemptions shows as negative.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{ActivityId, TeamId, VolunteerId};
use crate::time::{Day, Timestamp};
use crate::vocab::MovementKind;

/// A volunteer.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Volunteer {
    /// Their name.
    pub name: String,
    /// Phone, if given (sensitive).
    #[autosurgeon(missing = "Default::default")]
    pub phone: Option<String>,
    /// Skills, as a set (a map to `true`, so two devices' additions both stay).
    #[autosurgeon(missing = "Default::default")]
    pub skills: BTreeMap<String, bool>,
    /// Their team or sub-team.
    #[autosurgeon(missing = "Default::default")]
    pub team: Option<TeamId>,
    /// When they joined.
    pub joined: Day,
}

/// A volunteer team or sub-team (like the "15178" corps' lend-a-hand team).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Team {
    /// Its name.
    pub name: String,
    /// The team it belongs to, for a sub-team.
    #[autosurgeon(missing = "Default::default")]
    pub parent: Option<TeamId>,
}

/// A volunteer activity, with who came.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Activity {
    /// What was done.
    pub title: String,
    /// The team that ran it.
    #[autosurgeon(missing = "Default::default")]
    pub team: Option<TeamId>,
    /// When.
    pub day: Day,
    /// Where.
    #[autosurgeon(missing = "Default::default")]
    pub place: Option<String>,
    /// Attendance: volunteer id → minutes served.
    #[autosurgeon(missing = "Default::default")]
    pub attendance: BTreeMap<String, u32>,
}

/// A time-bank movement: hours and points earned, redeemed or corrected.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Movement {
    /// Whose.
    pub volunteer: VolunteerId,
    /// Earned, redeemed or a correction.
    pub kind: MovementKind,
    /// Minutes; positive for earn and redeem, signed for a correction.
    pub minutes: i64,
    /// Points; positive for earn and redeem, signed for a correction.
    pub points: i64,
    /// The activity it was earned at, if any.
    #[autosurgeon(missing = "Default::default")]
    pub activity: Option<ActivityId>,
    /// Why.
    #[autosurgeon(missing = "Default::default")]
    pub note: Option<String>,
    /// When, by the device clock.
    pub at: Timestamp,
}

impl Movement {
    /// The signed effect on a balance: (minutes, points).
    pub fn effect(&self) -> (i64, i64) {
        match self.kind {
            MovementKind::Earn | MovementKind::Correct => (self.minutes, self.points),
            MovementKind::Redeem => (-self.minutes, -self.points),
        }
    }
}

/// A volunteer's derived balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Balance {
    /// Minutes of service earned, less redeemed, plus corrections.
    pub minutes: i64,
    /// Points, likewise.
    pub points: i64,
    /// Minutes earned by service alone.
    pub earned_minutes: i64,
}

impl Balance {
    /// Adds one movement.
    pub fn add(&mut self, m: &Movement) {
        let (min, pts) = m.effect();
        self.minutes += min;
        self.points += pts;
        if m.kind == MovementKind::Earn {
            self.earned_minutes += m.minutes;
        }
    }

    /// Hours, to one decimal.
    pub fn hours(&self) -> f64 {
        (self.minutes as f64 / 6.0).round() / 10.0
    }
}

/// The movement key for an attendance: the same volunteer at the same activity recorded on two
/// devices is one movement, not two.
pub fn attendance_key(activity: &ActivityId, volunteer: &VolunteerId) -> String {
    format!("{activity}/{volunteer}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_offline_redemptions_can_drive_a_balance_negative_and_it_shows() {
        let v: VolunteerId = "Y-AAAAAA-1".parse().unwrap();
        let mv = |kind, minutes| Movement {
            volunteer: v.clone(),
            kind,
            minutes,
            points: minutes / 60,
            activity: None,
            note: None,
            at: Timestamp(0),
        };
        let mut b = Balance::default();
        for m in [
            mv(MovementKind::Earn, 120),
            mv(MovementKind::Redeem, 120),
            mv(MovementKind::Redeem, 120),
        ] {
            b.add(&m);
        }
        assert_eq!(b.minutes, -120);
        assert_eq!(b.hours(), -2.0);
        assert_eq!(b.earned_minutes, 120);
    }
}
