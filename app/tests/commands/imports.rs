//! The office's imports end to end: an exported ledger imported into a fresh network with the
//! same places reproduces it; a wrong row rejects the whole file, naming row and column; residents
//! and volunteers import from sheets.

use crate::common;
use common::Bounded as _;
use common::{demo, gridbook, json, ok, scratch};

use std::path::Path;

use serde_json::Value;

use crate::office::{csv_rows, xlsx_sheet};

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
