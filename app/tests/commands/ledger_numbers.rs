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
    // advance, with --duplicate-of by ledger number too.
    d.ok(&[
        "need",
        "advance",
        &l2,
        "--to",
        "classified",
        "--reasonable",
        "yes",
        "--difficulty",
        "low",
        "--duplicate-of",
        &l1,
    ]);
    let shown = d.json(&["need", "show", &second, "--json"]);
    assert_eq!(shown["stage"], "classified");
    assert_eq!(shown["duplicate_of"], first.as_str());
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
