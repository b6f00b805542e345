//! A resident need (民需) and its five-step closed loop.
//!
//! A need is one map in its month's `needs/…` document, with every field flat at the top level:
//! each step writes only its own fields, so two devices that change different fields offline
//! merge without a conflict, and two that change the same field show both values.

use std::collections::BTreeMap;

use automerge::ScalarValue;
use autosurgeon::{Hydrate, Reconcile, Text};

use crate::ids::{MemberId, NeedId, ResidentId};
use crate::time::{Day, Timestamp};
use crate::vocab::{
    Category, Claimant, CloseReason, Difficulty, Level, ProjectKind, Route, Source, Stage,
};

/// A resident need, as stored.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Need {
    /// Unique id (`N-<device>-<seq>`).
    pub id: NeedId,
    /// The ledger number (台账编号) people write down: `ZT-2611-K7Q2ZD-0012`.
    pub ledger_no: String,
    /// One line that says what is needed.
    pub title: String,
    /// Free prose, merged as text when two devices edit it.
    pub description: Text,
    /// What kind of need.
    pub category: Category,
    /// Which channel it came in through.
    pub source: Source,
    /// Community code.
    pub community: String,
    /// Grid id.
    pub grid: String,
    /// Building id, when known.
    #[autosurgeon(missing = "Default::default")]
    pub building: Option<String>,
    /// The resident in the register, when known.
    #[autosurgeon(missing = "Default::default")]
    pub resident: Option<ResidentId>,
    /// The resident's name as recorded (sensitive).
    #[autosurgeon(missing = "Default::default")]
    pub resident_name: Option<String>,
    /// The resident's phone (sensitive; masked in lists).
    #[autosurgeon(missing = "Default::default")]
    pub phone: Option<String>,
    /// Who recorded it.
    #[autosurgeon(missing = "Default::default")]
    pub reporter: Option<MemberId>,
    /// Who is responsible now.
    #[autosurgeon(missing = "Default::default")]
    pub assignee: Option<MemberId>,
    /// When it was recorded, by the recording device's clock.
    pub created_at: Timestamp,
    /// When it should be done (督办 when past).
    #[autosurgeon(missing = "Default::default")]
    pub due: Option<Day>,
    /// Where it is settled: grid, community or joint.
    pub level: Level,
    /// Where it is in the loop.
    pub stage: Stage,

    /// Step 2: judged reasonable or not.
    #[autosurgeon(missing = "Default::default")]
    pub reasonable: Option<bool>,
    /// Step 2: how hard.
    #[autosurgeon(missing = "Default::default")]
    pub difficulty: Option<Difficulty>,
    /// Step 2: the need this one repeats.
    #[autosurgeon(missing = "Default::default")]
    pub duplicate_of: Option<NeedId>,
    /// Step 3: direct or project.
    #[autosurgeon(missing = "Default::default")]
    pub route: Option<Route>,
    /// Step 3: the project's kind, for the project route.
    #[autosurgeon(missing = "Default::default")]
    pub project_kind: Option<ProjectKind>,
    /// Step 3: what will be done.
    #[autosurgeon(missing = "Default::default")]
    pub plan: Option<String>,
    /// Step 4: who carries it out.
    #[autosurgeon(missing = "Default::default")]
    pub claimant: Option<Claimant>,
    /// Step 4: the claimant's name (a party member, a doctor, a company).
    #[autosurgeon(missing = "Default::default")]
    pub claimant_name: Option<String>,
    /// Step 4: progress notes, keyed by note id so two devices' notes both stay.
    #[autosurgeon(missing = "Default::default")]
    pub progress: BTreeMap<String, ProgressNote>,
    /// Step 5: the resident's satisfaction, 1 to 5.
    #[autosurgeon(missing = "Default::default")]
    pub satisfaction: Option<u8>,
    /// Step 5: the community's evaluation.
    #[autosurgeon(missing = "Default::default")]
    pub evaluation: Option<String>,
    /// Step 5: whether the result was fed back to the resident.
    #[autosurgeon(missing = "Default::default")]
    pub feedback_given: Option<bool>,
    /// Why it was closed.
    #[autosurgeon(missing = "Default::default")]
    pub close_reason: Option<CloseReason>,
    /// A note on the closing.
    #[autosurgeon(missing = "Default::default")]
    pub close_note: Option<String>,
    /// When each stage was reached, keyed by stage token, by the device clock.
    #[autosurgeon(missing = "Default::default")]
    pub stage_times: BTreeMap<String, Timestamp>,
}

/// A dated progress note on a need being carried out.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct ProgressNote {
    /// When, by the device clock.
    pub at: Timestamp,
    /// Who wrote it.
    #[autosurgeon(missing = "Default::default")]
    pub by: Option<MemberId>,
    /// What happened.
    pub text: String,
}

impl Need {
    /// A need just discovered, with the fields every need has; the caller sets the rest.
    pub fn discovered(
        id: NeedId,
        ledger_no: String,
        title: String,
        category: Category,
        community: String,
        grid: String,
        created_at: Timestamp,
    ) -> Need {
        Need {
            id,
            ledger_no,
            title,
            description: Text::with_value(""),
            category,
            source: Source::DoorToDoor,
            community,
            grid,
            building: None,
            resident: None,
            resident_name: None,
            phone: None,
            reporter: None,
            assignee: None,
            created_at,
            due: None,
            level: Level::Grid,
            stage: Stage::Discovered,
            reasonable: None,
            difficulty: None,
            duplicate_of: None,
            route: None,
            project_kind: None,
            plan: None,
            claimant: None,
            claimant_name: None,
            progress: BTreeMap::new(),
            satisfaction: None,
            evaluation: None,
            feedback_given: None,
            close_reason: None,
            close_note: None,
            stage_times: [(Stage::Discovered.token().to_string(), created_at)]
                .into_iter()
                .collect(),
        }
    }

    /// Whether the need is past its due date and still open on `today`.
    pub fn is_overdue(&self, today: Day) -> bool {
        self.stage != Stage::Closed && self.due.is_some_and(|d| d < today)
    }
}

/// A step in the loop, with exactly the fields that step asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// Discovered → Classified.
    Classify {
        /// A corrected category, if it changes.
        category: Option<Category>,
        /// Reasonable or not.
        reasonable: bool,
        /// How hard.
        difficulty: Difficulty,
        /// The need this one repeats.
        duplicate_of: Option<NeedId>,
    },
    /// Classified → Designed.
    Design {
        /// Direct or project.
        route: Route,
        /// Required for the project route, refused for the direct one.
        project_kind: Option<ProjectKind>,
        /// What will be done.
        plan: Option<String>,
    },
    /// Designed → Implementing.
    Claim {
        /// Who carries it out.
        claimant: Claimant,
        /// The claimant's name.
        claimant_name: String,
    },
    /// Implementing → Evaluated.
    Evaluate {
        /// The resident's satisfaction, 1 to 5.
        satisfaction: u8,
        /// The community's evaluation.
        evaluation: String,
        /// Whether the result was fed back to the resident.
        feedback_given: bool,
    },
    /// Evaluated → Closed (completed), Classified → Closed (unreasonable, duplicate,
    /// withdrawn), or Discovered → Closed (withdrawn).
    Close {
        /// Why.
        reason: CloseReason,
        /// A note.
        note: Option<String>,
    },
}

impl Transition {
    /// The stage this step moves a need to.
    pub fn target(&self) -> Stage {
        match self {
            Transition::Classify { .. } => Stage::Classified,
            Transition::Design { .. } => Stage::Designed,
            Transition::Claim { .. } => Stage::Implementing,
            Transition::Evaluate { .. } => Stage::Evaluated,
            Transition::Close { .. } => Stage::Closed,
        }
    }
}

/// One field a step writes, as an Automerge scalar.
pub type FieldWrite = (&'static str, ScalarValue);

/// Checks a step against a need and returns the fields it writes (stage included), or the
/// reason it is refused. Nothing is written here: the caller writes these fields, and only
/// these, in one transaction.
pub fn plan_transition(need: &Need, step: &Transition) -> Result<Vec<FieldWrite>, TransitionError> {
    let to = step.target();
    let wrong = || TransitionError::WrongStage {
        need: need.id.clone(),
        from: need.stage,
        to,
    };
    let allowed_from: &[Stage] = match step {
        Transition::Classify { .. } => &[Stage::Discovered],
        Transition::Design { .. } => &[Stage::Classified],
        Transition::Claim { .. } => &[Stage::Designed],
        Transition::Evaluate { .. } => &[Stage::Implementing],
        Transition::Close {
            reason: CloseReason::Completed,
            ..
        } => &[Stage::Evaluated],
        // A resident can withdraw a need at the door, before anyone classifies it.
        Transition::Close {
            reason: CloseReason::Withdrawn,
            ..
        } => &[Stage::Discovered, Stage::Classified],
        Transition::Close { .. } => &[Stage::Classified],
    };
    if !allowed_from.contains(&need.stage) {
        if let Transition::Close { reason, .. } = step
            && (need.stage == Stage::Evaluated || need.stage == Stage::Classified)
        {
            return Err(TransitionError::CloseReason {
                stage: need.stage,
                reason: *reason,
            });
        }
        return Err(wrong());
    }
    let mut writes: Vec<FieldWrite> = Vec::new();
    match step {
        Transition::Classify {
            category,
            reasonable,
            difficulty,
            duplicate_of,
        } => {
            if let Some(c) = category {
                writes.push(("category", c.token().into()));
            }
            if duplicate_of.as_ref() == Some(&need.id) {
                return Err(TransitionError::DuplicatesItself(need.id.clone()));
            }
            writes.push(("reasonable", (*reasonable).into()));
            writes.push(("difficulty", difficulty.token().into()));
            if let Some(d) = duplicate_of {
                writes.push(("duplicate_of", d.as_str().into()));
            }
        }
        Transition::Design {
            route,
            project_kind,
            plan,
        } => {
            if need.duplicate_of.is_some() {
                return Err(TransitionError::DesignDuplicate(need.id.clone()));
            }
            if need.reasonable == Some(false) {
                return Err(TransitionError::DesignUnreasonable(need.id.clone()));
            }
            match (route, project_kind) {
                (Route::Project, None) => {
                    return Err(TransitionError::Missing {
                        stage: to,
                        field: NeedField::ProjectKind,
                    });
                }
                (Route::Direct, Some(_)) => {
                    return Err(TransitionError::DirectWithKind);
                }
                _ => {}
            }
            writes.push(("route", route.token().into()));
            if let Some(k) = project_kind {
                writes.push(("project_kind", k.token().into()));
            }
            if let Some(p) = plan {
                writes.push(("plan", p.as_str().into()));
            }
        }
        Transition::Claim {
            claimant,
            claimant_name,
        } => {
            if !claimant.may_claim(need.project_kind) {
                return Err(TransitionError::WrongClaimant {
                    kind: need.project_kind,
                    claimant: *claimant,
                });
            }
            if claimant_name.trim().is_empty() {
                return Err(TransitionError::Missing {
                    stage: to,
                    field: NeedField::ClaimantName,
                });
            }
            writes.push(("claimant", claimant.token().into()));
            writes.push(("claimant_name", claimant_name.trim().into()));
        }
        Transition::Evaluate {
            satisfaction,
            evaluation,
            feedback_given,
        } => {
            if !(1..=5).contains(satisfaction) {
                return Err(TransitionError::Satisfaction(*satisfaction));
            }
            if evaluation.trim().is_empty() {
                return Err(TransitionError::Missing {
                    stage: to,
                    field: NeedField::Evaluation,
                });
            }
            writes.push(("satisfaction", ScalarValue::Uint(u64::from(*satisfaction))));
            writes.push(("evaluation", evaluation.trim().into()));
            writes.push(("feedback_given", (*feedback_given).into()));
        }
        Transition::Close { reason, note } => {
            if *reason == CloseReason::Duplicate && need.duplicate_of.is_none() {
                return Err(TransitionError::Missing {
                    stage: to,
                    field: NeedField::DuplicateOf,
                });
            }
            writes.push(("close_reason", reason.token().into()));
            if let Some(n) = note {
                writes.push(("close_note", n.as_str().into()));
            }
        }
    }
    writes.push(("stage", to.token().into()));
    Ok(writes)
}

/// A phone number as stored: digits (and a leading +), spaces and dashes dropped; anything else
/// is refused.
pub fn normalize_phone(phone: &str) -> crate::Result<String> {
    let p: String = phone
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let digits = p.strip_prefix('+').unwrap_or(&p);
    if digits.len() < 5 || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(crate::Error::BadPhone(phone.to_string()));
    }
    Ok(p)
}

/// Masks a phone number for lists: `13812341234` → `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[path = "need_refusal.rs"]
mod refusal;
pub use refusal::{NeedField, TransitionError};

#[cfg(test)]
#[path = "need_tests.rs"]
mod tests;
