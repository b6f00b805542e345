//! What the office prints and counts, end to end on the demo network: the report against
//! `need list`, the public notice (no personal data) and the meeting sign-in sheet (logged in
//! the audit like an export).

use crate::common;
use common::{demo, json, ok, scratch};
use std::path::Path;

use serde_json::Value;

#[test]
fn the_report_counts_what_need_list_shows() {
    let demo = demo();
    let data: &Path = &demo;
    let listed = json(data, &["need", "list", "--json"]);
    let needs: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["community"] == "zt")
        .collect();
    let report = json(data, &["report", "--json", "--community", "中台社区"]);
    let r = &report["needs"];
    let count = |f: &dyn Fn(&Value) -> bool| needs.iter().filter(|n| f(n)).count();
    assert_eq!(r["found"], needs.len());
    assert_eq!(r["classified"], count(&|n| n["stage"] != "discovered"));
    assert_eq!(r["closed"], count(&|n| n["stage"] == "closed"));
    let completed = count(&|n| n["stage"] == "closed" && n["satisfaction"].is_u64());
    assert_eq!(r["completed"], completed);
    assert_eq!(r["claimed"], count(&|n| n["claimant"].is_string()));
    assert_eq!(r["projects"]["key"], count(&|n| n["project_kind"] == "key"));
    let rate = r["closed_loop_rate"].as_f64().unwrap();
    assert!((rate - completed as f64 / needs.len() as f64).abs() < 1e-9);
    let months: u64 = report["by_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["needs"]["found"].as_u64().unwrap())
        .sum();
    assert_eq!(months as usize, needs.len(), "the months add up");
    assert!(
        report["by_place"][0]["key"]
            .as_str()
            .unwrap()
            .starts_with("zt-g"),
        "one community is broken down by grid"
    );
    let settled: u64 = report["topics"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| t["settled"].as_u64().unwrap())
        .sum();
    assert!(settled > 0, "the demo settles topics");
    assert!(report["hours"][0]["hours"].as_f64().unwrap() > 0.0);
    assert_eq!(
        json(
            data,
            &[
                "report",
                "--json",
                "--community",
                "中台社区",
                "--grid",
                "第1网格"
            ]
        ),
        json(data, &["report", "--json", "--grid", "zt-g1"]),
        "a grid is named within its community"
    );
    let text = ok(data, &["report", "--grid", "zt-g1"]);
    assert!(text.contains("Report for 第1网格"), "{text}");
}

#[test]
fn the_public_notice_names_no_one_and_the_sign_in_sheet_lists_who_came() {
    let demo = demo();
    let data: &Path = &demo;
    let out = scratch();
    let notice = out.path().join("公示.html");
    ok(
        data,
        &[
            "print",
            "notice",
            "--community",
            "zt",
            "--out",
            notice.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(&notice).unwrap();
    assert!(html.contains("<meta charset=\"utf-8\">") && html.contains("@media print"));
    assert!(
        html.contains("中台社区民生需求办理情况公示"),
        "a Chinese title"
    );
    let listed = json(data, &["need", "list", "--json"]);
    let mut shown = 0;
    for n in listed.as_array().unwrap() {
        if n["community"] != "zt" {
            continue;
        }
        shown += 1;
        assert!(html.contains(n["ledger_no"].as_str().unwrap()));
        if let Some(name) = n["resident_name"].as_str() {
            assert!(
                !html.contains(&format!(">{name}<")),
                "{name} is on the notice"
            );
        }
        if let Some(phone) = n["phone"].as_str() {
            assert!(!html.contains(phone), "a phone is on the notice");
        }
    }
    assert!(shown > 100);

    let meetings = json(data, &["meeting", "list", "--json"]);
    let meeting = meetings
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["attendees"].as_u64().unwrap_or(0) > 0)
        .expect("a demo meeting with attendees");
    let id = meeting["id"].as_str().unwrap();
    let sheet = out.path().join("签到表.html");
    ok(
        data,
        &[
            "print",
            "sign-in",
            id,
            "--blank",
            "5",
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert!(html.contains(&format!("{} 签到表", meeting["title"].as_str().unwrap())));
    let shown = json(data, &["meeting", "show", id, "--json"]);
    let signed = html.matches("已签到").count();
    assert_eq!(signed, shown["attendees"].as_array().unwrap().len());
    assert_eq!(html.matches("<tr class=\"blank\">").count(), signed + 5);
    assert!(
        html.contains("号楼"),
        "those signed in show where they live"
    );
    // The sheet names residents: it is in the audit like any export, for each of them.
    let attendee = shown["attendees"][0].as_str().unwrap();
    let trail = json(data, &["audit", "--resident", attendee, "--json"]);
    let printed: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "export")
        .filter_map(|e| e["what"].as_str())
        .filter(|w| w.contains("sign-in sheet"))
        .collect();
    assert_eq!(printed.len(), 1, "{trail:#}");
    assert!(
        printed[0].contains(&format!("sign-in sheet {id} (html, {signed} rows")),
        "{}",
        printed[0]
    );
}

#[test]
fn meeting_print_writes_the_minutes_with_the_counts_and_no_phone() {
    let demo = demo();
    let data: &Path = &demo;
    let out = scratch();
    let meetings = json(data, &["meeting", "list", "--json"]);
    let meeting = meetings
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["attendees"].as_u64().unwrap_or(0) > 0 && m["motions"].as_u64().unwrap_or(0) > 0
        })
        .expect("a demo meeting with attendees and motions");
    let id = meeting["id"].as_str().unwrap();
    let file = out.path().join("纪要.html");
    let said = ok(
        data,
        &[
            "meeting",
            "print",
            id,
            "--minutes",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        said.starts_with("Saved to ") && said.contains("纪要.html"),
        "{said}"
    );
    let html = std::fs::read_to_string(&file).unwrap();
    let shown = json(data, &["meeting", "show", id, "--json"]);
    assert!(html.contains(&format!("{} 会议纪要", shown["title"].as_str().unwrap())));
    let attended = shown["attendees"].as_array().unwrap().len();
    assert!(html.contains(&format!(
        "实到 {attended} 人，法定人数 {} 人",
        shown["quorum"]
    )));
    for t in shown["topics"].as_object().unwrap().values() {
        assert!(html.contains(t["title"].as_str().unwrap()));
    }
    for m in shown["motions"].as_object().unwrap().values() {
        let t = &m["tally"];
        let counts = format!(
            r#"<td class="n">{}</td><td class="n">{}</td><td class="n">{}</td>"#,
            t["for_"], t["against"], t["abstain"]
        );
        assert!(html.contains(&counts), "{counts}");
    }
    let residents = json(data, &["resident", "list", "--json"]);
    for r in residents.as_array().unwrap() {
        if let Some(phone) = r["phone"].as_str() {
            assert!(!html.contains(phone), "a phone is in the minutes");
        }
    }
    // Without --out, into the data directory's exports folder.
    let said = ok(data, &["meeting", "print", id, "--minutes"]);
    let path = said
        .trim()
        .trim_start_matches("Saved to ")
        .split(": open")
        .next()
        .unwrap();
    assert!(Path::new(path).starts_with(data.join("exports")), "{said}");
}
