//! UI tests of the needs view (kept apart from `needs.rs` for its length).
use crate::gui::testing::{Fixture, assert_speaks_chinese, settle, tap, type_into};
use egui_kittest::kittest::Queryable;
use gridbook_model::vocab::Stage;

#[test]
fn a_need_moves_through_all_five_steps_from_the_detail_panel() {
    let fx = Fixture::new();
    let id = fx.with_book(|book| {
        book.add_need(gridbook_model::NewNeed::new(
            "楼道灯不亮",
            gridbook_model::vocab::Category::Facilities,
            "zt-g3",
        ))
    });
    let mut h = fx.harness();
    tap(&mut h, "楼道灯不亮");
    settle(&mut h);

    // Classify: reasonable, medium difficulty.
    tap(&mut h, "下一步：分类");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("未保存").is_some(),
        "a step with a choice left unmade is refused in words"
    );
    assert_speaks_chinese(&h);
    tap(&mut h, "是");
    tap(&mut h, "中");
    tap(&mut h, "下一步：分类");
    settle(&mut h);
    assert_eq!(
        h.state().data.need.as_ref().unwrap().0.stage,
        Stage::Classified
    );

    // Design: the community solves it directly.
    tap(&mut h, "直接办理");
    tap(&mut h, "下一步：设计");
    settle(&mut h);
    assert_eq!(
        h.state().data.need.as_ref().unwrap().0.stage,
        Stage::Designed
    );

    // Claim: the community (the only claimant of a direct need); the model wants a name.
    tap(&mut h, "下一步：认领实施");
    settle(&mut h);
    assert!(
        h.query_by_label("未保存：这一步需要填写：认领方名称")
            .is_some()
    );
    assert_eq!(
        h.state().data.need.as_ref().unwrap().0.stage,
        Stage::Designed
    );
    type_into(&mut h, "认领方名称", "中台社区居委会");
    tap(&mut h, "下一步：认领实施");
    settle(&mut h);
    assert_eq!(
        h.state().data.need.as_ref().unwrap().0.stage,
        Stage::Implementing
    );

    // Evaluate: satisfaction 5 and the community's word.
    tap(&mut h, "5");
    type_into(&mut h, "社区评价", "已修好");
    tap(&mut h, "已向居民反馈");
    h.run();
    tap(&mut h, "下一步：评估");
    settle(&mut h);
    assert_eq!(
        h.state().data.need.as_ref().unwrap().0.stage,
        Stage::Evaluated
    );

    // Close: completed.
    tap(&mut h, "下一步：办结");
    settle(&mut h);
    // The history lists the recording and each of the five steps, in order.
    tap(&mut h, "修改记录（6）");
    let steps: Vec<String> = [
        "登记",
        "进入分类",
        "进入设计",
        "进入实施",
        "进入评估",
        "进入办结",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let shown: Vec<String> = h
        .query_all_by_label_contains(" · 王芳 · ")
        .filter_map(|n| n.value())
        .map(|l| l.rsplit(" · ").next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(shown, steps);
    drop(h);
    let need = fx.with_book(|book| book.need(&id));
    assert_eq!(need.stage, Stage::Closed);
    assert_eq!(need.satisfaction, Some(5));
    assert_eq!(need.claimant_name.as_deref(), Some("中台社区居委会"));
}

#[test]
fn a_tap_on_a_header_sorts_and_the_filters_narrow_the_list() {
    use egui_kittest::kittest::NodeT as _;
    let fx = Fixture::new();
    fx.with_book(|book| {
        for (title, due) in [
            ("需要甲", "2026-12-20"),
            ("需要乙", "2026-12-05"),
            ("需要丙", "2026-12-12"),
        ] {
            let mut new = gridbook_model::NewNeed::new(
                title,
                gridbook_model::vocab::Category::Facilities,
                "zt-g3",
            );
            new.due = Some(due.parse().unwrap());
            book.add_need(new)?;
        }
        Ok(())
    });
    let mut h = fx.harness();
    let titles = |h: &egui_kittest::Harness<'_, crate::gui::testing::TestApp>| {
        h.query_all_by_label_contains("需要")
            .filter_map(|n| n.accesskit_node().label())
            .collect::<Vec<_>>()
    };
    // Newest first by default.
    assert_eq!(titles(&h), ["需要丙", "需要乙", "需要甲"]);
    tap(&mut h, "期限");
    settle(&mut h);
    assert_eq!(titles(&h), ["需要乙", "需要丙", "需要甲"]);
    tap(&mut h, "期限 ▲");
    settle(&mut h);
    assert_eq!(titles(&h), ["需要甲", "需要丙", "需要乙"]);
    type_into(&mut h, "搜索", "丙");
    settle(&mut h);
    assert_eq!(titles(&h), ["需要丙"]);
    assert_eq!(h.state().state.filter.sort, crate::gui::rows::SortBy::Due);
}

#[test]
fn a_need_gets_an_assignee_and_a_due_day_from_its_panel() {
    let fx = Fixture::new();
    let (id, other) = fx.with_book(|book| {
        let other = book.add_member("陈静", gridbook_model::vocab::Role::GridWorker)?;
        let id = book.add_need(gridbook_model::NewNeed::new(
            "路灯不亮",
            gridbook_model::vocab::Category::Facilities,
            "zt-g3",
        ))?;
        Ok((id, other))
    });
    let mut h = fx.harness();
    tap(&mut h, "路灯不亮");
    settle(&mut h);
    type_into(&mut h, "到期日", "2026-12-31");
    tap(&mut h, "保存期限");
    settle(&mut h);
    // A day that is not one is refused in words; what was saved stays.
    type_into(&mut h, "到期日", "号");
    tap(&mut h, "保存期限");
    settle(&mut h);
    assert!(h.query_by_label_contains("不是日期").is_some());
    // The drop-down opens on a tap; its list shows from the next frames on.
    for _ in 0..5 {
        if h.query_by_label("陈静").is_some() {
            break;
        }
        tap(&mut h, "指派给");
        h.run_steps(5);
    }
    tap(&mut h, "陈静");
    settle(&mut h);
    drop(h);
    let need = fx.with_book(|book| book.need(&id));
    assert_eq!(
        need.due.map(|d| d.to_string()).as_deref(),
        Some("2026-12-31")
    );
    assert_eq!(need.assignee, Some(other));
}

/// Two devices classified a need offline with different difficulties: the panel shows both,
/// named in words, and a tap keeps one, on this device and, after a sync, on the other.
#[test]
fn a_difficulty_two_devices_wrote_offline_is_picked_from_the_panel() {
    use gridbook_model::need::Transition;
    use gridbook_model::vocab::{Difficulty, Role};
    let office = Fixture::new();
    let id = office.with_book(|book| {
        book.add_need(gridbook_model::NewNeed::new(
            "楼道积水",
            gridbook_model::vocab::Category::Facilities,
            "zt-g3",
        ))
    });
    let tablet = office.joined("李娜", Role::GridWorker);
    let classify = |difficulty| Transition::Classify {
        category: None,
        reasonable: true,
        difficulty,
        duplicate_of: None,
    };
    office.with_book(|book| book.advance_need(&id, &classify(Difficulty::Medium)));
    tablet.with_book(|book| book.advance_need(&id, &classify(Difficulty::High)));
    office.exchange(&tablet);
    let mut h = office.harness();
    tap(&mut h, "楼道积水");
    settle(&mut h);
    assert!(h.query_by_label("难度：").is_some(), "the field in words");
    assert!(h.query_by_label("选用「中」").is_some());
    tap(&mut h, "选用「高」");
    settle(&mut h);
    assert!(
        h.query_by_label("选用「中」").is_none(),
        "the conflict is gone"
    );
    assert_speaks_chinese(&h);
    drop(h);
    office.exchange(&tablet);
    for fx in [&office, &tablet] {
        assert!(fx.with_book(|b| b.need_conflicts(&id)).is_empty());
        assert_eq!(
            fx.with_book(|b| b.need(&id)).difficulty,
            Some(Difficulty::High)
        );
    }
}
