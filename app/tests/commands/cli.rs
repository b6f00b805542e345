//! End-to-end tests of the `gridbook` command line: each command is a process on a temporary
//! data directory, as a person or a script would run it.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::common;
use common::Bounded as _;
use common::device::Device;

#[test]
fn a_need_goes_round_the_whole_loop() {
    let d = Device::founded();
    let init = d.json(&["status", "--json"]);
    assert_eq!(init["network"]["subdistrict"], "凤凰台街道");
    let id = d.add_need();
    let id = id.as_str();

    let steps: &[&[&str]] = &[
        &[
            "--to",
            "classified",
            "--reasonable",
            "yes",
            "--difficulty",
            "medium",
        ],
        &[
            "--to",
            "designed",
            "--route",
            "project",
            "--kind",
            "regular",
            "--plan",
            "党员送餐",
        ],
        &[
            "--to",
            "implementing",
            "--claimant",
            "party-member",
            "--claimant-name",
            "老李",
        ],
        &[
            "--to",
            "evaluated",
            "--satisfaction",
            "5",
            "--evaluation",
            "很好",
            "--feedback",
            "yes",
        ],
        &["--to", "closed"],
    ];
    for (i, step) in steps.iter().enumerate() {
        let mut args = vec!["need", "advance", id];
        args.extend_from_slice(step);
        d.ok(&args);
        if i == 2 {
            d.ok(&["need", "progress", id, "--note", "第一周送餐5次"]);
        }
    }

    let list = d.json(&["need", "list", "--json"]);
    let rows = list.as_array().expect("an array");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], id);
    assert_eq!(rows[0]["stage"], "closed");
    assert_eq!(rows[0]["category"], "elderly-care");
    assert_eq!(rows[0]["phone"], "13812341234");
    assert!(rows[0]["closed_at"].is_i64());

    let need = d.json(&["need", "show", id, "--json"]);
    assert_eq!(need["stage"], "closed");
    assert_eq!(need["close_reason"], "completed");
    assert_eq!(need["claimant"], "party-member");
    assert_eq!(need["satisfaction"], 5);
    assert_eq!(need["building"], "zt-g3-b12");
    assert_eq!(need["stage_times"].as_object().map(|m| m.len()), Some(6));
    assert_eq!(need["progress"].as_object().map(|m| m.len()), Some(1));
    assert_eq!(need["conflicts"], Value::Array(Vec::new()));

    // Filters accept Chinese names; text lists mask the phone.
    let closed = d.ok(&["need", "list", "--stage", "办结"]);
    assert!(closed.contains(id), "{closed}");
    assert!(closed.contains("138****1234"), "{closed}");
    assert!(!closed.contains("13812341234"), "{closed}");
    assert_eq!(
        d.ok(&["need", "list", "--stage", "discovered"]),
        "no needs match\n"
    );

    let status = d.json(&["status", "--json"]);
    assert_eq!(status["needs"]["total"], 1);
    assert_eq!(status["needs"]["by_stage"]["closed"], 1);
    assert_eq!(status["needs"]["by_stage"]["discovered"], 0);
    assert_eq!(status["summary_rows"], 1);
}

#[test]
fn a_bad_category_names_the_accepted_tokens_and_writes_nothing() {
    let d = Device::founded();
    let before = d.ok(&["dump"]);
    let (code, err) = d.fails(&[
        "need",
        "add",
        "--title",
        "送餐",
        "--category",
        "meals",
        "--grid",
        "zt-g3",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown category 'meals'"), "{err}");
    assert!(err.contains("home-elderly-care"), "{err}");
    assert!(err.contains("parking"), "{err}");
    assert_eq!(d.ok(&["dump"]), before);
}

#[test]
fn a_chinese_locale_words_errors_in_chinese_and_leaves_json_and_dump_alone() {
    let d = Device::founded();
    let id = d.add_need();
    let zh = |args: &[&str]| d.run_in("zh_CN.UTF-8", args);
    let stderr = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).to_string();

    // A step the command line refuses, and one the model refuses.
    let out = zh(&["need", "advance", &id, "--to", "classified"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: 进入「分类」阶段需要 --reasonable yes|no 和 --difficulty\n"
    );
    let out = zh(&[
        "need",
        "add",
        "--title",
        "修灯",
        "--category",
        "facilities",
        "--grid",
        "zt-g9",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: 没有网格「zt-g9」：`gridbook directory list` 可查看网格\n"
    );
    let out = zh(&[
        "need", "advance", &id, "--to", "designed", "--route", "direct",
    ]);
    assert!(
        stderr(&out).starts_with(&format!("error: 民需 {id} 处于「发现」阶段")),
        "{}",
        stderr(&out)
    );

    // GRIDBOOK_LANGUAGE wins over the locale, both ways.
    for (language, locale, said) in [
        ("en", "zh_CN.UTF-8", "error: no need 'N-ABCDEF-99'"),
        ("zh-CN", "C.UTF-8", "error: 没有民需「N-ABCDEF-99」"),
    ] {
        let mut command = common::command();
        let out = common::in_locale(&mut command, locale)
            .args(["need", "show", "N-ABCDEF-99"])
            .env("GRIDBOOK_DATA", d.data())
            .env("GRIDBOOK_LANGUAGE", language)
            .bounded_output();
        assert!(stderr(&out).starts_with(said), "{}", stderr(&out));
    }

    // Tables speak it too: headers and vocabulary in Chinese; in English as before.
    let out = zh(&["need", "list"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.starts_with("编号") && table.contains("台账编号"),
        "{table}"
    );
    assert!(
        table.contains("发现") && !table.contains("discovered"),
        "{table}"
    );
    let table = d.ok(&["need", "list"]);
    assert!(
        table.starts_with("ID") && table.contains("discovered"),
        "{table}"
    );
    let out = zh(&["directory", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("地点") && listed.contains("社区"),
        "{listed}"
    );

    // What scripts read is the same in every language.
    for args in [
        &["need", "list", "--json"][..],
        &["status", "--json"],
        &["directory", "list", "--json"],
        &["dump"],
    ] {
        let out = zh(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), d.ok(args), "{args:?}");
    }
}

#[test]
fn refused_inputs_say_why_and_write_nothing() {
    let d = Device::founded();
    let id = d.add_need();
    let before = d.ok(&["dump"]);

    let (code, err) = d.fails(&["need", "advance", &id, "--to", "classified"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("moving to classified needs --reasonable") && err.contains("--difficulty"),
        "{err}"
    );
    let (_, err) = d.fails(&[
        "need", "advance", &id, "--to", "designed", "--route", "direct",
    ]);
    assert!(err.contains("cannot move to designed"), "{err}");
    let (_, err) = d.fails(&[
        "need",
        "add",
        "--title",
        "x",
        "--category",
        "other",
        "--grid",
        "zt-g9",
    ]);
    assert!(err.contains("no grid 'zt-g9'"), "{err}");
    let (_, err) = d.fails(&["need", "show", "N-ABCDEF-99"]);
    assert!(err.contains("no need 'N-ABCDEF-99'"), "{err}");
    let (_, err) = d.fails(&["need", "edit", &id, "--due", "2026/12/01"]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let (_, err) = d.fails(&[
        "need",
        "add",
        "--title",
        "x",
        "--category",
        "other",
        "--grid",
        "zt-g3",
        "--phone",
        "call me",
    ]);
    assert!(err.contains("not a phone number"), "{err}");
    let (_, err) = d.fails(&["need", "assign", &id, "--to", "无名氏"]);
    assert!(err.contains("no member '无名氏'"), "{err}");
    let (_, err) = d.fails(&["init", "--subdistrict", "别的街道", "--name", "某人"]);
    assert!(err.contains("already belongs to a network"), "{err}");

    assert_eq!(d.ok(&["dump"]), before);
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_alone() {
    let d = Device::new();
    let store = d.data().join("gridbook.redb");
    let junk = b"these are the minutes of a meeting, not a database".repeat(100);
    std::fs::write(&store, &junk).unwrap();
    for args in [
        &["status"][..],
        &["init", "--subdistrict", "凤凰台街道", "--name", "赵敏"],
    ] {
        let (code, err) = d.fails(args);
        assert_eq!(code, 1);
        assert!(err.contains("is not a Gridbook store"), "{err}");
    }
    assert_eq!(std::fs::read(&store).unwrap(), junk);
}

#[test]
fn a_missing_store_says_how_to_make_one() {
    let d = Device::new();
    let (code, err) = d.fails(&["need", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("gridbook init"), "{err}");
    assert!(!d.data().join("gridbook.redb").exists());
}

#[test]
fn dump_prints_the_same_bytes_twice() {
    let d = Device::founded();
    d.add_need();
    let first = d.run(&["dump"]);
    let second = d.run(&["dump"]);
    assert!(first.status.success());
    assert_eq!(first.stdout, second.stdout);
    let text = String::from_utf8(first.stdout).unwrap();
    assert!(text.ends_with("}\n"));
    let dump: Value = serde_json::from_str(&text).unwrap();
    let docs: Vec<&String> = dump.as_object().unwrap().keys().collect();
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert_eq!(docs[0], "directory");
    assert!(docs[1].starts_with("needs/zt/"), "{docs:?}");
}

#[test]
fn no_subcommand_opens_the_app_or_says_in_one_line_why_it_cannot() {
    let d = Device::new();
    // No display: the window cannot open, and the app says so instead of panicking.
    let out = common::command()
        .env("GRIDBOOK_DATA", d.data())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .bounded_output();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: cannot open the app window"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn demo_uses_its_own_directory_never_the_real_data() {
    let real = Device::founded();
    let demo = Device::new();
    // A store already in the demo directory is used as it is (making one takes seconds).
    let founded = common::command()
        .args(["init", "--subdistrict", "演示街道", "--name", "演示"])
        .env("GRIDBOOK_DATA", demo.data())
        .bounded_output();
    assert!(founded.status.success());
    let run = |args: &[&str]| {
        common::command()
            .args(args)
            .env("GRIDBOOK_DATA", real.data())
            .env("GRIDBOOK_DEMO_DATA", demo.data())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .bounded_output()
    };
    let status = run(&["--demo", "status", "--json"]);
    assert!(status.status.success());
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert!(status.to_string().contains("演示街道"), "{status}");
    let app = run(&["--demo"]);
    assert_eq!(app.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&app.stderr).contains("cannot open the app window"));
    let real_status = real.ok(&["status", "--json"]);
    assert!(
        !real_status.contains("演示街道"),
        "the real data was not touched"
    );
}

#[test]
fn members_residents_and_assignment() {
    let d = Device::founded();
    let lina = d.ok(&["member", "add", "--name", "李娜", "--role", "网格员"]);
    let lina = lina.trim();
    d.ok(&["member", "use", "李娜"]);
    let status = d.json(&["status", "--json"]);
    assert_eq!(status["member"], lina);

    let r1 = d.ok(&[
        "resident",
        "add",
        "--name",
        "张大爷",
        "--phone",
        "13812341234",
        "--building",
        "12号楼",
        "--room",
        "301",
    ]);
    let r2 = d.ok(&["resident", "add", "--name", "张大爷", "--grid", "zt-g3"]);
    d.ok(&["resident", "merge", r2.trim(), "--into", r1.trim()]);
    let residents = d.json(&["resident", "list", "--json"]);
    let rows = residents.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["phone"], "13812341234");
    assert_eq!(rows[1]["merged_into"], r1.trim());
    let text = d.ok(&["resident", "list"]);
    assert!(
        text.contains("138****1234") && !text.contains("13812341234"),
        "{text}"
    );

    let id = d.add_need();
    d.ok(&["need", "assign", &id, "--to", "赵敏"]);
    d.ok(&[
        "need",
        "edit",
        &id,
        "--title",
        "每天送午餐",
        "--due",
        "2000-01-01",
        "--level",
        "社区",
    ]);
    let need = d.json(&["need", "show", &id, "--json"]);
    assert_eq!(need["title"], "每天送午餐");
    assert_eq!(need["level"], "community");
    assert_eq!(need["due"], "2000-01-01");
    assert_eq!(need["reporter"], lina);
    assert_ne!(need["assignee"], lina);
    let overdue = d.json(&["need", "overdue", "--json"]);
    assert_eq!(overdue.as_array().map(|a| a.len()), Some(1));
}

#[test]
fn commands_run_at_once_take_turns() {
    let d = Device::founded();
    let children: Vec<_> = (0..4)
        .map(|i| {
            common::command()
                .args([
                    "need",
                    "add",
                    "--title",
                    &format!("需求{i}"),
                    "--category",
                    "other",
                ])
                .args(["--grid", "zt-g3"])
                .env("GRIDBOOK_DATA", d.data())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start gridbook")
        })
        .collect();
    for child in children {
        let out = common::finish(child, "need add");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list = d.json(&["need", "list", "--json"]);
    assert_eq!(list.as_array().map(|a| a.len()), Some(4));
}

/// Merges every document of the store in `from` into the store in `to`, as a finished sync
/// would (the CLI has no sync yet).
fn copy_docs(from: &Path, to: &Path) {
    let mut from = gridbook_model::Gridbook::open(
        from,
        &gridbook_model::Passphrase::tests_only(common::PASSPHRASE),
    )
    .expect("open source store");
    let mut to = gridbook_model::Gridbook::open_or_create(
        to,
        &gridbook_model::Passphrase::tests_only(common::PASSPHRASE),
    )
    .expect("open target store");
    for id in from.doc_ids().unwrap() {
        let mut doc = from
            .full_doc(&id)
            .unwrap()
            .expect("listed document")
            .clone();
        to.merge_doc(&id, &mut doc).unwrap();
    }
}

#[test]
fn concurrent_edits_show_as_conflicts_and_converged_devices_dump_alike() {
    let office = Device::founded();
    let id = office.add_need();
    // The tablet's changes count once an admin grants it a role.
    let (tablet, _) = office.grant_tablet();
    copy_docs(office.data(), tablet.data());

    office.ok(&["need", "edit", &id, "--title", "每天送午饭"]);
    tablet.ok(&["need", "edit", &id, "--title", "每天送晚饭"]);
    copy_docs(office.data(), tablet.data());
    copy_docs(tablet.data(), office.data());

    let show = office.ok(&["need", "show", &id]);
    let line = show
        .lines()
        .find(|l| l.starts_with("⚠ conflict on title: "))
        .unwrap_or_else(|| panic!("no conflict line in {show}"));
    assert!(line.contains("每天送午饭") && line.contains("每天送晚饭") && line.contains(" | "));
    let need = tablet.json(&["need", "show", &id, "--json"]);
    assert_eq!(need["conflicts"][0]["field"], "title");
    assert_eq!(
        need["conflicts"][0]["values"].as_array().map(|v| v.len()),
        Some(2)
    );
    let list = office.ok(&["need", "list"]);
    assert!(list.contains("⚠"), "{list}");

    assert_eq!(office.ok(&["dump"]), tablet.ok(&["dump"]));

    // Writing the field again settles it.
    office.ok(&["need", "edit", &id, "--title", "每天送午饭和晚饭"]);
    let need = office.json(&["need", "show", &id, "--json"]);
    assert_eq!(need["conflicts"], Value::Array(Vec::new()));
}

#[test]
fn an_admin_changes_a_role_revokes_a_device_and_peers_ignored_and_audit_say_so() {
    let office = Device::founded();
    let (_tablet, tablet_id) = office.grant_tablet();
    // A new role without a new invite.
    office.ok(&["grant", &tablet_id, "--role", "facilitator"]);
    let peers = office.json(&["peers", "--json"]);
    let listed = peers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["device"] == tablet_id.as_str())
        .expect("the tablet is listed");
    assert_eq!(listed["role"], "facilitator");

    office.ok(&["revoke", &tablet_id, "--reason", "tablet lost"]);
    let peers = office.ok(&["peers"]);
    assert!(peers.contains("REVOKED (tablet lost)"), "{peers}");
    let (_, err) = office.fails(&["revoke", &tablet_id, "--reason", "again"]);
    assert!(err.contains("already revoked"), "{err}");
    let (_, err) = office.fails(&["grant", &tablet_id, "--role", "admin"]);
    assert!(err.contains("cannot be admitted again"), "{err}");
    let (_, err) = office.fails(&["revoke", "not-a-key", "--reason", "x"]);
    assert!(err.contains("64 hex digits"), "{err}");
    assert!(office.ok(&["ignored"]).contains("no change is ignored"));

    let resident = office.ok(&["resident", "add", "--name", "张大爷", "--grid", "zt-g3"]);
    let trail = office.json(&["audit", "--resident", resident.trim(), "--json"]);
    let trail = trail.as_array().unwrap();
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(trail[0]["who"], "赵敏");
    assert_eq!(trail[0]["kind"], "resident");
    assert_eq!(trail[0]["counts"], true);
}
