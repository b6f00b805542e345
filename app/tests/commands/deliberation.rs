//! Deliberation and the time bank from the command line: a grid council's meeting, motion,
//! ballots and tally; volunteer hours earned and redeemed.

use crate::common;
use common::device::Device;
use serde_json::Value;

#[test]
fn a_grid_council_votes_and_the_tally_decides() {
    let d = Device::founded();
    let resident = |name: &str| {
        d.ok(&["resident", "add", "--name", name, "--building", "zt-g3-b12"])
            .trim()
            .to_string()
    };
    let (liu, sun) = (resident("刘秀英"), resident("孙德胜"));
    let m = d.ok(&[
        "meeting",
        "create",
        "--title",
        "院内停车位",
        "--level",
        "网格议事会",
        "--community",
        "zt",
        "--grid",
        "zt-g3",
        "--place",
        "议事点",
        "--day",
        "2026-11-28",
        "--facilitator",
        "陈静",
        "--quorum",
        "3",
    ]);
    let m = m.trim();
    let motion = d.ok(&["meeting", "motion", m, "--text", "划14个编号车位"]);
    let motion = motion.trim();
    let vote = |resident: &str, choice: &str| {
        d.ok(&[
            "meeting",
            "vote",
            m,
            "--motion",
            motion,
            "--resident",
            resident,
            "--choice",
            choice,
        ])
    };
    let first = vote(&liu, "赞成");
    assert!(first.contains("no quorum"), "{first}");
    // Recording the same resident again replaces, never adds.
    vote(&liu, "for");
    vote(&sun, "against");
    let last = d.ok(&[
        "meeting", "count", m, "--motion", motion, "--choice", "for", "--count", "4",
    ]);
    assert!(
        last.contains("for 5 · against 1") && last.contains("passed"),
        "{last}"
    );
    let view: Value = serde_json::from_str(&d.ok(&["meeting", "show", m, "--json"])).unwrap();
    assert_eq!(view["motions"][motion]["outcome"], "passed");
    assert_eq!(view["attendees"].as_array().unwrap().len(), 2);
    let (code, err) = d.fails(&[
        "meeting",
        "vote",
        m,
        "--motion",
        motion,
        "--resident",
        "R-AAAAAA-99",
        "--choice",
        "for",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no resident"), "{err}");
}

#[test]
fn volunteer_hours_earned_and_redeemed_give_the_balance() {
    let d = Device::founded();
    let team = d.ok(&["volunteer", "team", "--community", "zt", "--name", "帮帮团"]);
    let v = d.ok(&[
        "volunteer",
        "add",
        "--community",
        "中台社区",
        "--name",
        "孙师傅",
        "--team",
        team.trim(),
    ]);
    let a = d.ok(&[
        "volunteer",
        "activity",
        "--community",
        "zt",
        "--title",
        "周六家电义修",
        "--day",
        "2026-11-21",
    ]);
    d.ok(&[
        "volunteer",
        "attend",
        "--activity",
        a.trim(),
        "--volunteer",
        v.trim(),
        "--hours",
        "2",
        "--points",
        "2",
    ]);
    d.ok(&[
        "volunteer",
        "redeem",
        v.trim(),
        "--hours",
        "0.5",
        "--note",
        "理发",
    ]);
    let b: Value =
        serde_json::from_str(&d.ok(&["volunteer", "balance", v.trim(), "--json"])).unwrap();
    assert_eq!(
        (b["minutes"].as_i64(), b["points"].as_i64()),
        (Some(90), Some(2))
    );
    let (_, err) = d.fails(&["volunteer", "redeem", v.trim(), "--note", "nothing"]);
    assert!(err.contains("positive"), "{err}");
}
