//! Why a step round the loop was refused ([`TransitionError`]), the fields a step may lack
//! ([`NeedField`]), and their words.

use crate::ids::NeedId;
use crate::vocab::{Claimant, CloseReason, ProjectKind, Stage};
use crate::words::Words;

/// Why a step was refused. Each says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransitionError {
    /// The need is not at the stage this step starts from.
    #[error(
        "need {need} is {from}; it cannot move to {to} from there (the next step is {})",
        next_steps_en(*from)
    )]
    WrongStage {
        /// Which need.
        need: NeedId,
        /// Where it is.
        from: Stage,
        /// Where it was asked to go.
        to: Stage,
    },
    /// A field the step requires is missing.
    #[error("moving to {stage} needs {field}")]
    Missing {
        /// The step.
        stage: Stage,
        /// The missing field.
        field: NeedField,
    },
    /// Closing with a reason the need's stage does not allow.
    #[error(
        "a need that is {stage} closes with reason {}, not {reason}",
        if *stage == Stage::Evaluated { "completed" } else { "unreasonable, duplicate or withdrawn" }
    )]
    CloseReason {
        /// Where the need is.
        stage: Stage,
        /// The reason given.
        reason: CloseReason,
    },
    /// A need classified as a duplicate of itself.
    #[error("need {0} cannot duplicate itself")]
    DuplicatesItself(NeedId),
    /// Designing a need judged unreasonable.
    #[error("need {0} was judged unreasonable: close it with a reason instead of designing it")]
    DesignUnreasonable(NeedId),
    /// Designing a need judged a duplicate.
    #[error("need {0} was judged a duplicate: close it with a reason instead of designing it")]
    DesignDuplicate(NeedId),
    /// A project kind given for the direct route.
    #[error("the direct route has no project kind: drop --kind or use --route project")]
    DirectWithKind,
    /// A claimant the need's project kind does not take.
    #[error("{} is claimed by {}, not {claimant}", project_en(*kind), claimant_en(*kind))]
    WrongClaimant {
        /// The need's project kind (none for the direct route).
        kind: Option<ProjectKind>,
        /// Who tried to claim it.
        claimant: Claimant,
    },
    /// A satisfaction out of 1 to 5.
    #[error("satisfaction is rated 1 to 5, not {0}")]
    Satisfaction(u8),
}

/// A field a step of the loop needs. The command line names it by its flag, the app by its
/// form's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NeedField {
    /// The project's kind, for the project route.
    #[error("--kind (regular, professional or key)")]
    ProjectKind,
    /// The claimant's name.
    #[error("--claimant-name")]
    ClaimantName,
    /// The community's evaluation.
    #[error("--evaluation")]
    Evaluation,
    /// The need a duplicate repeats (set when it is classified).
    #[error("--duplicate-of (classify it as a duplicate first)")]
    DuplicateOf,
}

impl NeedField {
    /// The command-line flag that gives it.
    pub fn flag(self) -> &'static str {
        match self {
            NeedField::ProjectKind => "--kind",
            NeedField::ClaimantName => "--claimant-name",
            NeedField::Evaluation => "--evaluation",
            NeedField::DuplicateOf => "--duplicate-of",
        }
    }
}

/// What a need at `stage` can do next, in English.
fn next_steps_en(stage: Stage) -> String {
    match stage {
        Stage::Classified => "designed, or closed with a reason".into(),
        Stage::Evaluated => "closed".into(),
        Stage::Closed => "none: it is closed".into(),
        s => s.next().map(|n| n.token().to_string()).unwrap_or_default(),
    }
}

/// [`next_steps_en`] as words.
fn next_steps(stage: Stage) -> Words {
    match stage {
        Stage::Classified => Words::new("error.need.next.designed_or_closed"),
        Stage::Evaluated => Words::new("error.need.next.closed"),
        Stage::Closed => Words::new("error.need.next.none"),
        s => match s.next() {
            Some(next) => Words::new("error.need.next.stage").vocab("stage", next),
            None => Words::new("error.need.next.none"),
        },
    }
}

fn project_en(kind: Option<ProjectKind>) -> String {
    kind.map_or("a direct-route need".to_string(), |k| {
        format!("a {k} project")
    })
}

fn claimant_en(kind: Option<ProjectKind>) -> &'static str {
    match kind {
        None => "the community itself (claimant community)",
        Some(ProjectKind::Regular) => "a party member (claimant party-member)",
        Some(ProjectKind::Professional) => "a professional (claimant professional)",
        Some(ProjectKind::Key) => "a unit or a social organisation (claimant unit or social-org)",
    }
}

fn need(id: &str) -> NeedId {
    id.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn wrong_stage(from: Stage) -> TransitionError {
    TransitionError::WrongStage {
        need: need("N-K7Q2ZD-9"),
        from,
        to: Stage::Evaluated,
    }
}

fn wrong_claimant(kind: Option<ProjectKind>) -> TransitionError {
    TransitionError::WrongClaimant {
        kind,
        claimant: Claimant::Unit,
    }
}

crate::worded!(TransitionError {
    TransitionError::WrongStage { need, from, to } => Words::new("error.need.wrong_stage")
            .arg("need", need)
            .vocab("from", *from)
            .vocab("to", *to)
            .words("next", next_steps(*from)),
        example: wrong_stage(Stage::Discovered), wrong_stage(Stage::Classified),
            wrong_stage(Stage::Evaluated), wrong_stage(Stage::Closed);
    TransitionError::Missing { stage, field } => Words::new("error.need.missing")
            .vocab("stage", *stage)
            .words("field", field.words()),
        example: TransitionError::Missing {
            stage: Stage::Evaluated,
            field: NeedField::Evaluation,
        };
    TransitionError::CloseReason { stage, reason } => Words::new(if *stage == Stage::Evaluated {
            "error.need.close_reason.evaluated"
        } else {
            "error.need.close_reason.classified"
        })
            .vocab("stage", *stage)
            .vocab("reason", *reason),
        example: TransitionError::CloseReason {
                stage: Stage::Evaluated,
                reason: CloseReason::Withdrawn,
            },
            TransitionError::CloseReason {
                stage: Stage::Classified,
                reason: CloseReason::Completed,
            };
    TransitionError::DuplicatesItself(id) =>
        Words::new("error.need.duplicates_itself").arg("need", id),
        example: TransitionError::DuplicatesItself(need("N-K7Q2ZD-9"));
    TransitionError::DesignUnreasonable(id) =>
        Words::new("error.need.design_unreasonable").arg("need", id),
        example: TransitionError::DesignUnreasonable(need("N-K7Q2ZD-9"));
    TransitionError::DesignDuplicate(id) =>
        Words::new("error.need.design_duplicate").arg("need", id),
        example: TransitionError::DesignDuplicate(need("N-K7Q2ZD-9"));
    TransitionError::DirectWithKind => Words::new("error.need.direct_with_kind"),
        example: TransitionError::DirectWithKind;
    TransitionError::WrongClaimant { kind, claimant } => {
        let words = match kind {
            None => Words::new("error.need.wrong_claimant.direct"),
            Some(k) => Words::new("error.need.wrong_claimant.project").vocab("kind", *k),
        };
        let who = match kind {
            None => Words::new("error.need.claimed_by.community"),
            Some(ProjectKind::Regular) => Words::new("error.need.claimed_by.party_member"),
            Some(ProjectKind::Professional) => Words::new("error.need.claimed_by.professional"),
            Some(ProjectKind::Key) => Words::new("error.need.claimed_by.unit"),
        };
        words.words("who", who).vocab("claimant", *claimant)
    },
        example: wrong_claimant(None), wrong_claimant(Some(ProjectKind::Regular)),
            wrong_claimant(Some(ProjectKind::Professional)), wrong_claimant(Some(ProjectKind::Key));
    TransitionError::Satisfaction(given) =>
        Words::new("error.need.satisfaction").arg("given", given),
        example: TransitionError::Satisfaction(7);
});

crate::worded!(NeedField {
    NeedField::ProjectKind => Words::new("error.need_field.project_kind"),
        example: NeedField::ProjectKind;
    NeedField::ClaimantName => Words::new("error.need_field.claimant_name"),
        example: NeedField::ClaimantName;
    NeedField::Evaluation => Words::new("error.need_field.evaluation"), example: NeedField::Evaluation;
    NeedField::DuplicateOf => Words::new("error.need_field.duplicate_of"),
        example: NeedField::DuplicateOf;
});
