//! A need named by its ledger number (`ZT-2612-3MXHY4-2106`, what the app and the exports
//! show) wherever a command takes a need's id.

use crate::common::device::Device;

#[test]
fn every_need_command_takes_a_ledger_number_and_refuses_an_unknown_one_in_words() {
    let d = Device::founded();
    let first = d.add_need();
    let second = d.add_need();
    let ledger = |id: &str| {
        d.json(&["need", "show", id, "--json"])["ledger_no"]
            .as_str()
            .expect("a ledger number")
            .to_string()
    };
    let (l1, l2) = (ledger(&first), ledger(&second));
    assert_ne!(l1, first);
    // show, by ledger number in any case.
    let shown = d.json(&["need", "show", &l1.to_lowercase(), "--json"]);
    assert_eq!(shown["id"], first.as_str());
    let classify = |need: &str, more: &[&str]| {
        let mut args = vec![
            "need",
            "advance",
            need,
            "--to",
            "classified",
            "--reasonable",
            "yes",
            "--difficulty",
            "low",
        ];
        args.extend_from_slice(more);
        d.ok(&args);
    };
    let repeats_first = |need: &str, stage: &str| {
        let shown = d.json(&["need", "show", need, "--json"]);
        assert_eq!(shown["stage"], stage);
        assert_eq!(shown["duplicate_of"], first.as_str());
    };
    // advance, with --duplicate-of by ledger number too.
    classify(&l2, &["--duplicate-of", &l1]);
    repeats_first(&second, "classified");
    // A third need closes as a repeat of the first, named by its ledger number.
    let third = d.add_need();
    classify(&third, &[]);
    let close = ["--to", "closed", "--reason", "duplicate", "--duplicate-of"];
    d.ok(&[&["need", "advance", &ledger(&third)], &close[..], &[&l1]].concat());
    repeats_first(&third, "closed");
    // history, edit, assign.
    assert!(!d.ok(&["need", "history", &l1]).is_empty());
    d.ok(&["need", "edit", &l1, "--title", "独居老人需要每日送餐"]);
    assert_eq!(
        d.json(&["need", "show", &first, "--json"])["title"],
        "独居老人需要每日送餐"
    );
    let me = d.json(&["status", "--json"]);
    let member = me["member"].as_str().expect("the founder").to_string();
    d.ok(&["need", "assign", &l1, "--to", &member]);
    assert_eq!(
        d.json(&["need", "show", &first, "--json"])["assignee"],
        member.as_str()
    );

    // A meeting's topic links the need by its ledger number.
    let create = "meeting create --title 送餐议事 --level grid --community zt --place 议事点 \
                  --day 2026-11-28 --facilitator 陈静 --quorum 3";
    let meeting = d.ok(&create.split_whitespace().collect::<Vec<_>>());
    let meeting = meeting.trim();
    d.ok(&[
        "meeting", "topic", meeting, "--title", "送餐", "--need", &l1,
    ]);
    let shown = d.ok(&["meeting", "show", meeting]);
    assert!(shown.contains(&format!("[need {first}]")), "{shown}");

    // An unknown ledger number is refused in the person's language, and nothing is written.
    let before = d.ok(&["dump"]);
    let out = d.run_in(
        "zh_CN.UTF-8",
        &["need", "edit", "ZT-2612-ZZZZZZ-0001", "--title", "x"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: 没有编号或台账编号为「ZT-2612-ZZZZZZ-0001」的民需：`gridbook need list` 可查看民需\n"
    );
    let (_, err) = d.fails(&["need", "show", "ZT-2612-ZZZZZZ-0001"]);
    assert!(
        err.contains("no need with the id or ledger number 'ZT-2612-ZZZZZZ-0001'"),
        "{err}"
    );
    assert_eq!(d.ok(&["dump"]), before);
}
