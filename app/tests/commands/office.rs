//! The office's exports end to end: read back with an independent reader (calamine, csv) and
//! compared with `need list --json`, and the plain Automerge export loaded by the `automerge`
//! crate alone. Imports of those exports are in `imports.rs`.

use crate::common;
use common::{demo, json, ok, scratch};

use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _};
use serde_json::Value;

/// Names of places by code or id, from `directory list --json`.
fn names(data: &Path) -> impl Fn(&str, &str) -> String {
    let dir = json(data, &["directory", "list", "--json"]);
    move |kind: &str, id: &str| {
        dir[kind][id]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("{kind} {id} has no name"))
            .to_string()
    }
}

fn s(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_default()
}

/// A day in UTC+8 from milliseconds since the epoch, computed here, apart from the model.
fn day_of(ms: &Value) -> String {
    let Some(ms) = ms.as_i64() else {
        return String::new();
    };
    let days = (ms + 8 * 3_600_000).div_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The Chinese name of a vocabulary token, as docs/design.md's vocabulary and the UI give them.
fn zh(token: &str) -> &'static str {
    match token {
        "discovered" => "发现",
        "classified" => "分类",
        "designed" => "设计",
        "implementing" => "实施",
        "evaluated" => "评估",
        "closed" => "办结",
        "hardship" => "困难帮扶",
        "home-elderly-care" => "居家养老",
        "rehabilitation" => "医疗康复",
        "elderly-care" => "老年关爱",
        "youth" => "青少年服务",
        "education" => "教育培训",
        "volunteering" => "志愿服务",
        "facilities" => "设施维修",
        "dispute" => "邻里纠纷",
        "parking" => "停车",
        "other" => "其他",
        "party-line" => "党组织线",
        "self-governance-line" => "自治组织线",
        "social-org-line" => "社会组织线",
        "butler-station" => "民需管家服务站",
        "door-to-door" => "入户走访",
        "meeting" => "议事会",
        "online" => "线上征集",
        "direct" => "直接办理",
        "project" => "项目",
        "regular" => "常规项目",
        "professional" => "专业项目",
        "key" => "重点项目",
        "community" => "社区",
        "party-member" => "党员",
        "unit" => "单位",
        "social-org" => "社会组织",
        other => panic!("no Chinese name for {other}"),
    }
}

/// The ledger row a `need list --json` row should export as, as text.
fn expected_row(n: &Value, name: &impl Fn(&str, &str) -> String) -> Vec<String> {
    let route = match (n["route"].as_str(), n["project_kind"].as_str()) {
        (None, _) => String::new(),
        (Some("project"), Some(kind)) => zh(kind).to_string(),
        (Some(r), _) => zh(r).to_string(),
    };
    let claimant = match (n["claimant"].as_str(), n["claimant_name"].as_str()) {
        (Some(c), Some(who)) => format!(
            "{}：{who}",
            if c == "professional" {
                "专业人士"
            } else {
                zh(c)
            }
        ),
        (Some(c), None) => zh(c).to_string(),
        (None, Some(who)) => who.to_string(),
        (None, None) => String::new(),
    };
    vec![
        s(&n["ledger_no"]),
        day_of(&n["created_at"]),
        name("communities", n["community"].as_str().unwrap()),
        name("grids", n["grid"].as_str().unwrap()),
        n["building"]
            .as_str()
            .map(|b| name("buildings", b))
            .unwrap_or_default(),
        s(&n["resident_name"]),
        zh(n["category"].as_str().unwrap()).to_string(),
        s(&n["title"]),
        zh(n["source"]
            .as_str()
            .expect("need list --json gives the source"))
        .to_string(),
        zh(n["stage"].as_str().unwrap()).to_string(),
        route,
        claimant,
        s(&n["due"]),
        n["satisfaction"]
            .as_u64()
            .map(|v| v.to_string())
            .unwrap_or_default(),
        day_of(&n["closed_at"]),
    ]
}

/// A sheet of an XLSX file as text, read with calamine (not the writer's crate).
pub(crate) fn xlsx_sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book = calamine::open_workbook_auto(path).expect("an XLSX workbook");
    let range = book.worksheet_range(name).expect("the sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::DateTime(d) => {
                        let (y, m, d, ..) = d.to_ymd_hms_milli();
                        format!("{y:04}-{m:02}-{d:02}")
                    }
                    other => panic!("unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

pub(crate) fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "a CSV for Excel starts with a UTF-8 BOM"
    );
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

const LEDGER_HEADERS: [&str; 15] = [
    "台账编号",
    "发现日期",
    "社区",
    "网格",
    "楼栋",
    "居民",
    "类别",
    "需求",
    "来源",
    "阶段",
    "办理方式",
    "认领方",
    "办结期限",
    "满意度",
    "办结日期",
];

#[test]
fn the_xlsx_ledger_has_the_rows_of_need_list_in_the_office_order() {
    let demo = demo();
    let data: &Path = &demo;
    let out = scratch();
    let file = out.path().join("台账.xlsx");
    let said = ok(
        data,
        &[
            "export",
            "--format",
            "xlsx",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let listed = json(data, &["need", "list", "--json"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1328, "the demo at scale 1 has 1,328 needs");
    assert!(said.contains("1328 需求台账"), "{said}");

    let sheet = xlsx_sheet(&file, "需求台账");
    assert_eq!(sheet[0], LEDGER_HEADERS);
    let name = names(data);
    let expected: Vec<Vec<String>> = listed.iter().map(|n| expected_row(n, &name)).collect();
    assert_eq!(sheet.len() - 1, expected.len());
    for (i, (got, want)) in sheet[1..].iter().zip(&expected).enumerate() {
        assert_eq!(
            got,
            want,
            "ledger row {} differs from need list --json",
            i + 2
        );
    }
    // The demo has needs in every stage, so every column is exercised.
    for (c, h) in LEDGER_HEADERS.iter().enumerate() {
        assert!(
            sheet[1..].iter().any(|r| !r[c].is_empty()),
            "column {h} is empty throughout"
        );
    }

    let mut book = calamine::open_workbook_auto(&file).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["需求台账", "议事会议", "志愿者", "志愿时长"],
        "one sheet per kind"
    );
    let meetings = book.worksheet_range("议事会议").unwrap();
    let listed_meetings = json(data, &["meeting", "list", "--json"]);
    assert_eq!(
        meetings.height() - 1,
        listed_meetings.as_array().unwrap().len()
    );
}

#[test]
fn the_csv_ledger_has_a_bom_and_the_same_cells_as_the_xlsx_one() {
    let demo = demo();
    let data: &Path = &demo;
    let out = scratch();
    let csv_file = out.path().join("zt.csv");
    let xlsx_file = out.path().join("zt.xlsx");
    for (format, file) in [("csv", &csv_file), ("xlsx", &xlsx_file)] {
        ok(
            data,
            &[
                "export",
                "--format",
                format,
                "--what",
                "needs",
                "--community",
                "中台社区",
                "--from",
                "2026-06-01",
                "--out",
                file.to_str().unwrap(),
            ],
        );
    }
    let rows = csv_rows(&csv_file);
    assert_eq!(rows, xlsx_sheet(&xlsx_file, "需求台账"));
    let listed = json(data, &["need", "list", "--json"]);
    let name = names(data);
    let in_scope: Vec<Vec<String>> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["community"] == "zt" && day_of(&n["created_at"]).as_str() >= "2026-06-01")
        .map(|n| expected_row(n, &name))
        .collect();
    assert!(!in_scope.is_empty());
    assert_eq!(rows[1..], in_scope[..]);
}

/// Where `gridbook export --format automerge` wrote, for the automerge tests.
fn exported_doc(data: &Path, doc: &str, dir: &Path) -> PathBuf {
    let file = dir.join("doc.automerge");
    ok(
        data,
        &[
            "export",
            "--format",
            "automerge",
            "--doc",
            doc,
            "--out",
            file.to_str().unwrap(),
        ],
    );
    file
}

#[test]
fn an_automerge_export_loads_from_bytes_alone_and_matches_dump() {
    use automerge::ReadDoc as _;
    let demo = demo();
    let data: &Path = &demo;
    let dump = json(data, &["dump"]);
    let out = scratch();
    for doc_id in [
        "directory",
        "needs/zt/",
        "roster/zt",
        "meeting/",
        "timebank/zt/",
    ] {
        let doc_id = dump
            .as_object()
            .unwrap()
            .keys()
            .find(|k| k.starts_with(doc_id))
            .unwrap_or_else(|| panic!("the demo has a {doc_id} document"));
        let bytes = std::fs::read(exported_doc(data, doc_id, out.path())).unwrap();
        let doc = automerge::Automerge::load(&bytes).expect("a plain Automerge document");
        assert!(doc.length(&automerge::ROOT) > 0);
        let mut plain = gridbook_model::dump::doc_json(&doc);
        let mut dumped = dump[doc_id.as_str()].clone();
        // The directory's export log grows with every export (this test's and others').
        for v in [&mut plain, &mut dumped] {
            if let Some(o) = v.as_object_mut() {
                o.remove("exports");
            }
        }
        assert_eq!(plain, dumped, "{doc_id} differs from its part of dump");
    }
}
