//! A deliberation meeting (阳光17议 and the four levels), one Automerge document each.
//!
//! Ballots are one entry per voter in a map keyed by resident id, so two facilitators recording
//! the same resident's vote merge to one ballot. Show-of-hands counts are one value per motion
//! and choice (last writer wins, never summed across devices). Tallies are derived, never stored.

use std::collections::{BTreeMap, HashMap};

use autosurgeon::{Hydrate, Reconcile, Text};

use crate::ids::{MeetingId, NeedId, ResidentId};
use crate::time::{Day, Timestamp};
use crate::vocab::{Choice, MeetingLevel};

/// The facts about a meeting, under the document's `meeting` key.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct MeetingInfo {
    /// Its id.
    pub id: MeetingId,
    /// What it is about.
    pub title: String,
    /// Which level.
    pub level: MeetingLevel,
    /// The community's code.
    pub community: String,
    /// The grid, for building and grid meetings.
    #[autosurgeon(missing = "Default::default")]
    pub grid: Option<String>,
    /// Where.
    pub place: String,
    /// The day it is held.
    pub day: Day,
    /// Who runs it.
    pub facilitator: String,
    /// How many votes must be cast for a motion to count.
    pub quorum: u32,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A resident signed in to a meeting.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Attendance {
    /// When they signed in.
    pub at: Timestamp,
}

/// A topic (议题) on the agenda.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Topic {
    /// What is to be discussed.
    pub title: String,
    /// The need it comes from, if any.
    #[autosurgeon(missing = "Default::default")]
    pub need: Option<NeedId>,
    /// Set when this level could not settle it and sent it up.
    #[autosurgeon(missing = "Default::default")]
    pub escalated_to: Option<MeetingLevel>,
    /// Settled at this meeting.
    #[autosurgeon(missing = "Default::default")]
    pub settled: bool,
}

/// A motion (动议) put to the vote.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Motion {
    /// What is proposed.
    pub text: String,
    /// The topic it belongs to, if any.
    #[autosurgeon(missing = "Default::default")]
    pub topic: Option<String>,
    /// Passing needs two thirds of the votes cast instead of more than half.
    #[autosurgeon(missing = "Default::default")]
    pub two_thirds: bool,
    /// One ballot per resident id.
    #[autosurgeon(missing = "Default::default")]
    pub ballots: BTreeMap<String, Choice>,
    /// Show-of-hands counts per choice token.
    #[autosurgeon(missing = "Default::default")]
    pub counts: BTreeMap<String, u32>,
}

/// A decision (决定) with its follow-up actions.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Decision {
    /// What was decided.
    pub text: String,
    /// The motion it came from, if any.
    #[autosurgeon(missing = "Default::default")]
    pub motion: Option<String>,
    /// Follow-up actions, keyed by id.
    #[autosurgeon(missing = "Default::default")]
    pub actions: BTreeMap<String, FollowUp>,
}

/// A follow-up action of a decision.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct FollowUp {
    /// What is to be done.
    pub text: String,
    /// Who does it.
    #[autosurgeon(missing = "Default::default")]
    pub owner: Option<String>,
    /// By when.
    #[autosurgeon(missing = "Default::default")]
    pub due: Option<Day>,
    /// Done.
    #[autosurgeon(missing = "Default::default")]
    pub done: bool,
    /// Who marked it done: the name of the member using the device that did.
    #[autosurgeon(missing = "Default::default")]
    pub done_by: Option<String>,
    /// When it was marked done, by that device's clock.
    #[autosurgeon(missing = "Default::default")]
    pub done_at: Option<Timestamp>,
}

/// A whole meeting document.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Meeting {
    /// The facts.
    pub meeting: MeetingInfo,
    /// Signed-in residents, keyed by resident id.
    #[autosurgeon(missing = "Default::default")]
    pub attendees: BTreeMap<String, Attendance>,
    /// Agenda topics, keyed by topic id.
    #[autosurgeon(missing = "Default::default")]
    pub topics: BTreeMap<String, Topic>,
    /// The minutes, merged as text.
    pub minutes: Text,
    /// Motions, keyed by motion id.
    #[autosurgeon(missing = "Default::default")]
    pub motions: BTreeMap<String, Motion>,
    /// Decisions, keyed by decision id.
    #[autosurgeon(missing = "Default::default")]
    pub decisions: BTreeMap<String, Decision>,
}

/// The derived count of a motion's votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Tally {
    /// Votes for (ballots + hands).
    pub for_: u32,
    /// Votes against.
    pub against: u32,
    /// Abstentions.
    pub abstain: u32,
}

/// What a motion's tally comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Fewer votes were cast than the quorum.
    NoQuorum,
    /// Quorum met and "for" has the majority the motion needs.
    Passed,
    /// Quorum met and "for" falls short.
    Failed,
}

impl Tally {
    /// All votes cast, abstentions included.
    pub fn cast(&self) -> u32 {
        self.for_ + self.against + self.abstain
    }

    /// The outcome under a quorum of votes cast and the motion's majority: more than half of
    /// the votes cast, or at least two thirds.
    pub fn outcome(&self, quorum: u32, two_thirds: bool) -> Outcome {
        let cast = u64::from(self.cast());
        let yes = u64::from(self.for_);
        if cast < u64::from(quorum) || cast == 0 {
            Outcome::NoQuorum
        } else if (two_thirds && 3 * yes >= 2 * cast) || (!two_thirds && 2 * yes > cast) {
            Outcome::Passed
        } else {
            Outcome::Failed
        }
    }
}

/// Follows `merged_into` links to the resident an id finally stands for.
pub fn canonical_resident(id: &str, merges: &HashMap<String, ResidentId>) -> String {
    let mut current = id.to_string();
    // A cycle (two offline merges pointing at each other) ends at the smallest id seen.
    let mut seen = vec![current.clone()];
    while let Some(next) = merges.get(&current) {
        let next = next.to_string();
        if seen.contains(&next) {
            return seen.into_iter().min().unwrap_or(current);
        }
        seen.push(next.clone());
        current = next;
    }
    current
}

impl Motion {
    /// Counts each resident once (after merges: the ballot under the surviving id wins, else
    /// the one under the smallest id), plus the show-of-hands counts.
    pub fn tally(&self, merges: &HashMap<String, ResidentId>) -> Tally {
        let mut per_person: BTreeMap<String, (bool, &str, Choice)> = BTreeMap::new();
        for (voter, choice) in &self.ballots {
            let person = canonical_resident(voter, merges);
            let is_canonical = &person == voter;
            let better = match per_person.get(&person) {
                None => true,
                Some((was_canonical, was_voter, _)) => {
                    (is_canonical && !was_canonical)
                        || (is_canonical == *was_canonical && voter.as_str() < *was_voter)
                }
            };
            if better {
                per_person.insert(person, (is_canonical, voter, *choice));
            }
        }
        let mut t = Tally::default();
        for (_, _, choice) in per_person.values() {
            match choice {
                Choice::For => t.for_ += 1,
                Choice::Against => t.against += 1,
                Choice::Abstain => t.abstain += 1,
            }
        }
        t.for_ += self.counts.get(Choice::For.token()).copied().unwrap_or(0);
        t.against += self
            .counts
            .get(Choice::Against.token())
            .copied()
            .unwrap_or(0);
        t.abstain += self
            .counts
            .get(Choice::Abstain.token())
            .copied()
            .unwrap_or(0);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn motion(ballots: &[(&str, Choice)], hands_for: u32) -> Motion {
        Motion {
            text: "划14个车位".into(),
            topic: None,
            two_thirds: false,
            ballots: ballots.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            counts: [("for".to_string(), hands_for)].into_iter().collect(),
        }
    }

    #[test]
    fn ballots_and_hands_add_up_and_decide() {
        let m = motion(
            &[("R-AAAAAA-1", Choice::For), ("R-AAAAAA-2", Choice::Against)],
            4,
        );
        let t = m.tally(&HashMap::new());
        assert_eq!((t.for_, t.against, t.abstain), (5, 1, 0));
        assert_eq!(t.outcome(6, false), Outcome::Passed);
        assert_eq!(t.outcome(7, false), Outcome::NoQuorum);
        assert_eq!(
            Tally {
                for_: 2,
                against: 1,
                abstain: 0
            }
            .outcome(3, true),
            Outcome::Passed
        );
        assert_eq!(
            Tally {
                for_: 3,
                against: 2,
                abstain: 0
            }
            .outcome(3, true),
            Outcome::Failed
        );
        assert_eq!(
            Tally {
                for_: 2,
                against: 2,
                abstain: 0
            }
            .outcome(1, false),
            Outcome::Failed
        );
    }

    #[test]
    fn a_resident_entered_twice_votes_once() {
        let m = motion(
            &[("R-AAAAAA-1", Choice::For), ("R-BBBBBB-7", Choice::Against)],
            0,
        );
        let merges: HashMap<String, ResidentId> =
            [("R-BBBBBB-7".to_string(), "R-AAAAAA-1".parse().unwrap())]
                .into_iter()
                .collect();
        let t = m.tally(&merges);
        assert_eq!(
            (t.for_, t.against),
            (1, 0),
            "the surviving id's ballot counts, once"
        );
    }
}
