//! UI tests of naming one need from another: closing a repeat with its original picked, and
//! finding a need by its ledger number.
use egui_kittest::kittest::{NodeT as _, Queryable};
use gridbook_model::ids::NeedId;
use gridbook_model::need::Transition;
use gridbook_model::vocab::{Category, CloseReason, Difficulty, Stage};

use crate::gui::testing::{Fixture, assert_speaks_chinese, settle, tap, type_into};

/// Two classified needs, the second a repeat of the first: (original, repeat, original's
/// ledger number).
fn a_need_and_its_repeat(fx: &Fixture) -> (NeedId, NeedId, String) {
    fx.with_book(|book| {
        let mut ids = Vec::new();
        for title in ["独居老人需要送餐", "送餐（又登记了一次）"] {
            let id = book.add_need(gridbook_model::NewNeed::new(
                title,
                Category::ElderlyCare,
                "zt-g3",
            ))?;
            book.advance_need(
                &id,
                &Transition::Classify {
                    category: None,
                    reasonable: true,
                    difficulty: Difficulty::Low,
                    duplicate_of: None,
                },
            )?;
            ids.push(id);
        }
        let ledger = book.need(&ids[0])?.ledger_no;
        Ok((ids[0].clone(), ids[1].clone(), ledger))
    })
}

#[test]
fn a_repeat_closes_as_a_duplicate_of_the_original_picked_by_its_ledger_number() {
    let fx = Fixture::new();
    let (original, repeat, ledger) = a_need_and_its_repeat(&fx);
    let mut h = fx.harness();
    tap(&mut h, "送餐（又登记了一次）");
    settle(&mut h);
    tap(&mut h, "提前办结");
    tap(&mut h, "重复");
    h.run();
    // Without the original it is refused in words, and nothing is sent.
    tap(&mut h, "下一步：办结");
    settle(&mut h);
    assert!(
        h.query_by_label("未保存：这一步需要填写：重复的民需")
            .is_some()
    );
    assert_speaks_chinese(&h);
    type_into(&mut h, "原民需（标题或台账编号）", &ledger.to_lowercase());
    h.run();
    tap(&mut h, &format!("{ledger} 独居老人需要送餐"));
    tap(&mut h, "下一步：办结");
    settle(&mut h);
    assert_eq!(h.state().data.need.as_ref().unwrap().0.stage, Stage::Closed);
    drop(h);
    let need = fx.with_book(|book| book.need(&repeat));
    assert_eq!(need.stage, Stage::Closed);
    assert_eq!(need.close_reason, Some(CloseReason::Duplicate));
    assert_eq!(need.duplicate_of, Some(original.clone()));
    assert_eq!(
        fx.with_book(|book| book.need(&original)).stage,
        Stage::Classified
    );
}

#[test]
fn the_needs_search_finds_a_need_by_its_ledger_number_or_id_in_any_case() {
    let fx = Fixture::new();
    let (original, _, ledger) = a_need_and_its_repeat(&fx);
    let mut h = fx.harness();
    let titles = |h: &egui_kittest::Harness<'_, crate::gui::testing::TestApp>| {
        h.query_all_by_label_contains("送餐")
            .filter_map(|n| n.accesskit_node().label())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&h).len(), 2);
    type_into(&mut h, "搜索", &ledger.to_lowercase());
    settle(&mut h);
    assert_eq!(titles(&h), ["独居老人需要送餐"]);
    h.get_by_label("搜索").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("搜索").type_text(original.as_str());
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(titles(&h), ["独居老人需要送餐"]);
}
