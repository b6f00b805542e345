//! Tests of the needs loop's rules.
use super::*;
use crate::ids::DeviceTag;

fn need(stage: Stage) -> Need {
    let tag = DeviceTag::of_key(&[1; 32]);
    let mut need = Need::discovered(
        NeedId::new(&tag, 1),
        "ZT-2611-00".into(),
        "送餐".into(),
        Category::ElderlyCare,
        "zt".into(),
        "zt-g3".into(),
        Timestamp(0),
    );
    need.stage = stage;
    need
}

#[test]
fn a_step_from_the_wrong_stage_says_what_comes_next() {
    let err = plan_transition(
        &need(Stage::Discovered),
        &Transition::Claim {
            claimant: Claimant::PartyMember,
            claimant_name: "老李".into(),
        },
    )
    .unwrap_err();
    assert!(matches!(err, TransitionError::WrongStage { .. }));
    assert!(
        err.to_string().contains("the next step is classified"),
        "{err}"
    );
}

#[test]
fn a_project_route_needs_a_kind() {
    let err = plan_transition(
        &need(Stage::Classified),
        &Transition::Design {
            route: Route::Project,
            project_kind: None,
            plan: None,
        },
    )
    .unwrap_err();
    assert!(matches!(
        err,
        TransitionError::Missing {
            field: NeedField::ProjectKind,
            ..
        }
    ));
}

#[test]
fn a_regular_project_is_claimed_by_a_party_member_only() {
    let mut n = need(Stage::Designed);
    n.route = Some(Route::Project);
    n.project_kind = Some(ProjectKind::Regular);
    let by_unit = Transition::Claim {
        claimant: Claimant::Unit,
        claimant_name: "某公司".into(),
    };
    assert!(plan_transition(&n, &by_unit).is_err());
    let by_member = Transition::Claim {
        claimant: Claimant::PartyMember,
        claimant_name: "老李".into(),
    };
    let writes = plan_transition(&n, &by_member).unwrap();
    assert!(writes.contains(&("stage", "implementing".into())));
}

#[test]
fn an_unreasonable_need_closes_from_classified_but_is_not_designed() {
    let mut n = need(Stage::Classified);
    n.reasonable = Some(false);
    let design = Transition::Design {
        route: Route::Direct,
        project_kind: None,
        plan: None,
    };
    assert!(matches!(
        plan_transition(&n, &design),
        Err(TransitionError::DesignUnreasonable(_))
    ));
    let close = Transition::Close {
        reason: CloseReason::Unreasonable,
        note: None,
    };
    assert!(plan_transition(&n, &close).is_ok());
    let completed = Transition::Close {
        reason: CloseReason::Completed,
        note: None,
    };
    assert!(plan_transition(&n, &completed).is_err());
}

#[test]
fn satisfaction_is_one_to_five() {
    let step = Transition::Evaluate {
        satisfaction: 6,
        evaluation: "好".into(),
        feedback_given: true,
    };
    assert!(plan_transition(&need(Stage::Implementing), &step).is_err());
}

#[test]
fn a_withdrawn_need_closes_straight_from_discovered() {
    let close = Transition::Close {
        reason: CloseReason::Withdrawn,
        note: None,
    };
    assert!(plan_transition(&need(Stage::Discovered), &close).is_ok());
    let unreasonable = Transition::Close {
        reason: CloseReason::Unreasonable,
        note: None,
    };
    assert!(plan_transition(&need(Stage::Discovered), &unreasonable).is_err());
}

#[test]
fn phones_are_normalised_or_refused() {
    assert_eq!(normalize_phone("138-1234 1234").unwrap(), "13812341234");
    assert_eq!(normalize_phone("+8613812341234").unwrap(), "+8613812341234");
    assert!(normalize_phone("call me").is_err());
    assert!(normalize_phone("1+2345678").is_err());
}

#[test]
fn phones_are_masked() {
    assert_eq!(mask_phone("13812341234"), "138****1234");
    assert_eq!(mask_phone("123"), "***");
}
