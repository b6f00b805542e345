//! The office's tools end to end: exports read back with an independent reader (calamine, csv)
//! and compared with `need list --json`; imports of those exports into a fresh network; the
//! plain Automerge export loaded by the `automerge` crate alone.

use crate::common;
use common::Bounded as _;
use common::{demo, gridbook, json, ok, scratch};

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
fn xlsx_sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
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

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
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

/// A fresh network with the same places as the demo network (no needs, no residents).
fn fresh_network_like(data: &Path) -> tempfile::TempDir {
    let fresh = scratch();
    let f = fresh.path();
    ok(
        f,
        &["init", "--subdistrict", "凤凰台街道", "--name", "钱芳"],
    );
    let dir = json(data, &["directory", "list", "--json"]);
    let code = |id: &str| id.rsplit('-').next().unwrap().to_string();
    let add = |kind: &str, parent: Option<&str>, id: &str, place: &Value| {
        let mut args = vec!["directory", "add", kind];
        let c = code(id);
        if let Some(p) = parent {
            args.extend(["--in", p]);
        }
        args.extend(["--code", &c, "--name", place["name"].as_str().unwrap()]);
        ok(f, &args);
    };
    for (id, c) in dir["communities"].as_object().unwrap() {
        add("community", None, id, c);
    }
    for kind in ["courtyards", "grids", "buildings"] {
        for (id, p) in dir[kind].as_object().unwrap() {
            add(
                kind.trim_end_matches('s'),
                Some(p["parent"].as_str().unwrap()),
                id,
                p,
            );
        }
    }
    fresh
}

#[test]
fn importing_an_exported_ledger_into_a_fresh_network_reproduces_it() {
    let demo = demo();
    let data: &Path = &demo;
    let out = scratch();
    let exported = out.path().join("ledger.xlsx");
    let path = exported.to_str().unwrap();
    ok(
        data,
        &[
            "export", "--format", "xlsx", "--what", "needs", "--out", path,
        ],
    );
    let fresh = fresh_network_like(data);
    let f = fresh.path();

    let preview = ok(
        f,
        &[
            "import",
            "--format",
            "xlsx",
            "--what",
            "needs",
            "--dry-run",
            path,
        ],
    );
    assert!(preview.contains("will create 1328 needs"), "{preview}");
    assert!(preview.contains("nothing was written"), "{preview}");
    assert_eq!(json(f, &["need", "list", "--json"]), Value::Array(vec![]));

    let said = ok(f, &["import", "--format", "xlsx", "--what", "needs", path]);
    assert!(said.contains("imported 1328 needs"), "{said}");
    let again = out.path().join("again.xlsx");
    ok(
        f,
        &[
            "export",
            "--format",
            "xlsx",
            "--what",
            "needs",
            "--out",
            again.to_str().unwrap(),
        ],
    );
    let mut before = xlsx_sheet(&exported, "需求台账");
    let mut after = xlsx_sheet(&again, "需求台账");
    // The fresh device numbers its records anew, so rows come out in another order.
    before.sort();
    after.sort();
    assert_eq!(
        before, after,
        "the re-exported ledger equals the imported one"
    );

    // Importing the same ledger again is refused whole: its numbers are taken.
    let twice = gridbook(f, &["import", "--format", "xlsx", "--what", "needs", path]);
    assert!(!twice.status.success());
    let err = String::from_utf8_lossy(&twice.stderr);
    assert!(err.contains("台账编号"), "{err}");
    assert!(
        err.lines().last().unwrap().contains("nothing was written"),
        "{err}"
    );
    assert_eq!(
        json(f, &["need", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1328
    );
}

#[test]
fn a_wrong_row_rejects_the_whole_file_naming_row_and_column() {
    // A network of its own: the demo store's dump changes whenever another test exports from
    // it (each export is logged in its directory).
    let own = scratch();
    let data = own.path();
    common::founded(data);
    let out = scratch();
    let file = out.path().join("bad.csv");
    let mut text = String::from("\u{feff}社区,网格,类别,需求,阶段,满意度\n");
    text.push_str("中台社区,第3网格,老年关爱,独居老人需要送餐,发现,\n");
    text.push_str("中台社区,第3网格,餐饮,路灯不亮,发现,\n");
    text.push_str("中台社区,第3网格,设施维修,单元门禁损坏,分类,4\n");
    text.push_str("中台社区,第9网格,停车,乱停车堵塞消防通道,发现,\n");
    std::fs::write(&file, text).unwrap();
    let before = ok(data, &["dump"]);
    let out = gridbook(
        data,
        &[
            "import",
            "--format",
            "csv",
            "--what",
            "needs",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("row 3, 类别: '餐饮' is not one of"),
        "{err}"
    );
    assert_eq!(
        lines[1], "row 4, 满意度: is set but the need is only 分类",
        "{err}"
    );
    assert!(
        lines[2].starts_with("row 5, 网格: no grid in community zt is called '第9网格'"),
        "{err}"
    );
    assert!(
        lines[3].ends_with("rejected: 3 cells are wrong in 3 rows; nothing was written"),
        "{err}"
    );
    // In a Chinese locale, each row error is in Chinese.
    let in_chinese = common::in_locale(&mut common::command(), "zh_CN.UTF-8")
        .args(["import", "--format", "csv", "--what", "needs"])
        .arg(&file)
        .env("GRIDBOOK_DATA", data)
        .env("GRIDBOOK_DISCOVERY", "off")
        .env_remove("RUST_LOG")
        .bounded_output();
    assert_eq!(in_chinese.status.code(), Some(1));
    let err = String::from_utf8(in_chinese.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("第 3 行，类别：「餐饮」不是可选的值：可选 "),
        "{err}"
    );
    assert_eq!(
        lines[1], "第 4 行，满意度：已填写，但该需求才到「分类」阶段",
        "{err}"
    );
    assert_eq!(
        lines[2], "第 5 行，网格：中台社区没有名为「第9网格」的网格：请先在名录中添加",
        "{err}"
    );
    assert_eq!(ok(data, &["dump"]), before, "nothing was written");
}

#[test]
fn residents_and_volunteers_import_from_sheets() {
    let demo = demo();
    let data: &Path = &demo;
    let fresh = fresh_network_like(data);
    let f = fresh.path();
    let out = scratch();
    let residents = out.path().join("居民.csv");
    std::fs::write(
        &residents,
        "姓名,电话,社区,网格,楼栋,单元,室\n王秀英,13800138000,中台社区,第1网格,11号楼,2,301\n李建国,,zt,第2网格,,,\n",
    )
    .unwrap();
    let said = ok(
        f,
        &[
            "import",
            "--format",
            "csv",
            "--what",
            "residents",
            residents.to_str().unwrap(),
        ],
    );
    assert!(said.contains("will create 2 residents"), "{said}");
    assert!(
        said.contains("138****8000"),
        "the preview masks phones: {said}"
    );
    let listed = json(f, &["resident", "list", "--json"]);
    let text = listed.to_string();
    assert!(
        text.contains("王秀英") && text.contains("zt-g1-b11"),
        "{text}"
    );

    let volunteers = out.path().join("志愿者.csv");
    std::fs::write(
        &volunteers,
        "姓名,社区,技能,电话\n赵敏,中台社区,理发、维修,\n孙丽,东台社区,,13900139000\n",
    )
    .unwrap();
    ok(
        f,
        &[
            "import",
            "--format",
            "csv",
            "--what",
            "volunteers",
            volunteers.to_str().unwrap(),
        ],
    );
    let roster = out.path().join("roster.csv");
    ok(
        f,
        &[
            "export",
            "--format",
            "csv",
            "--what",
            "volunteers",
            "--out",
            roster.to_str().unwrap(),
        ],
    );
    let rows = csv_rows(&roster);
    assert_eq!(rows[0], ["志愿者编号", "姓名", "社区", "队伍", "技能"]);
    let names: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        names,
        [("赵敏", "中台社区", "理发、维修"), ("孙丽", "东台社区", "")]
    );
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
