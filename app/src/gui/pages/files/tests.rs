//! The files page as a person uses it: choosing files by tapping through folders, previews,
//! imports all or nothing, bundles written to a folder and merged back, and wrong files refused
//! in Chinese with nothing written.

use std::path::Path;

use egui_kittest::kittest::Queryable;

use crate::gui::testing::{Fixture, assert_speaks_chinese, settle, tap, tap_on_page, type_into};

/// A "USB stick": a folder holding `台账/` with the given files.
fn stick(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("台账")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join("台账").join(name), text).unwrap();
    }
    dir
}

fn harness_in(
    fx: &Fixture,
    dir: &Path,
) -> egui_kittest::Harness<'static, crate::gui::testing::TestApp> {
    let dir = dir.to_path_buf();
    let mut h = fx.harness_with(|s| s.files_dir = Some(dir));
    tap(&mut h, "文件");
    settle(&mut h);
    h
}

fn residents(fx: &Fixture) -> usize {
    fx.with_book(|b| b.residents()).len()
}

const REGISTER: &str = "姓名,电话,社区,网格,楼栋,单元,室\n张三,13811112222,中台社区,第3网格,12栋,1,101\n李四,,中台社区,第3网格,,,\n赵六,13933334444,中台社区,第3网格,12栋,3,502\n";

#[test]
fn the_office_imports_a_register_it_chose_by_tapping() {
    let fx = Fixture::new();
    let usb = stick(&[("居民名册.csv", REGISTER), ("说明.txt", "不是名册")]);
    let mut h = harness_in(&fx, usb.path());
    assert_speaks_chinese(&h);
    tap_on_page(&mut h, "居民名册");
    tap(&mut h, "选择文件");
    assert!(
        h.query_by_label("导出文件夹").is_some(),
        "a shortcut to the exports"
    );
    tap(&mut h, "台账");
    assert!(
        h.query_by_label("说明.txt").is_none(),
        "filtered by extension"
    );
    assert!(h.query_by_label_contains("B").is_some(), "sizes are shown");
    tap(&mut h, "显示全部文件");
    assert!(h.query_by_label("说明.txt").is_some());
    tap(&mut h, "居民名册.csv");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("共 3 行，其中 0 行有错")
            .is_some()
    );
    assert!(h.query_by_label("赵六").is_some(), "the rows are previewed");
    assert_speaks_chinese(&h);
    assert_eq!(
        h.state().data.residents.len(),
        2,
        "nothing written by the preview"
    );
    tap(&mut h, "全部导入（3 行）");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("已导入 3 条居民名册记录")
            .is_some()
    );
    assert_eq!(
        h.state().state.files_dir.as_deref(),
        Some(usb.path().join("台账").as_path()),
        "the next chooser starts where this one ended"
    );
    drop(h);
    let names: Vec<String> = fx
        .with_book(|b| b.residents())
        .values()
        .map(|r| r.name.clone())
        .collect();
    assert!(
        names.contains(&"赵六".to_string()) && names.len() == 5,
        "{names:?}"
    );
}

#[test]
fn a_file_with_a_wrong_row_is_previewed_and_cannot_be_imported() {
    let fx = Fixture::new();
    let bad = REGISTER.replace("李四,,中台社区,第3网格", "李四,,中台社区,第9网格");
    let usb = stick(&[("名册.csv", &bad)]);
    let mut h = harness_in(&fx, usb.path());
    tap_on_page(&mut h, "居民名册");
    tap(&mut h, "选择文件");
    tap(&mut h, "台账");
    tap(&mut h, "名册.csv");
    settle(&mut h);
    assert!(h.query_by_label_contains("1 行有错（第 3 行）").is_some());
    assert!(
        h.query_by_label("网格：中台社区没有名为「第9网格」的网格：请先在名录中添加")
            .is_some(),
        "the row's error, in Chinese"
    );
    assert_speaks_chinese(&h);
    assert!(
        h.query_by_label("全部导入（3 行）").is_none(),
        "no import button"
    );
    tap(&mut h, "只看有错的行");
    assert!(h.query_by_label("张三").is_none() && h.query_by_label("李四").is_some());
    drop(h);
    assert_eq!(residents(&fx), 2, "nothing written");
}

#[test]
fn a_file_that_is_not_a_ledger_is_refused_in_chinese() {
    let fx = Fixture::new();
    let usb = stick(&[
        ("照片.jpg", "\u{ff}\u{d8}"),
        ("购物清单.csv", "商品,数量\n苹果,3\n"),
    ]);
    let mut h = harness_in(&fx, usb.path());
    tap(&mut h, "需求台账");
    tap(&mut h, "选择文件");
    tap(&mut h, "台账");
    tap(&mut h, "显示全部文件");
    tap(&mut h, "照片.jpg");
    settle(&mut h);
    assert!(h.query_by_label_contains("照片.jpg 不是台账文件").is_some());
    assert_speaks_chinese(&h);
    tap(&mut h, "选择文件");
    tap(&mut h, "购物清单.csv");
    settle(&mut h);
    assert!(h.query_by_label_contains("第一行必须写明列名").is_some());
    assert_speaks_chinese(&h);
    drop(h);
    assert!(
        fx.with_book(|b| b.need_summaries()).is_empty(),
        "nothing written"
    );
}

#[test]
fn a_folder_that_cannot_be_read_says_so() {
    let fx = Fixture::new();
    let usb = stick(&[]);
    let mut h = harness_in(&fx, usb.path());
    tap(&mut h, "需求台账");
    tap(&mut h, "选择文件");
    std::fs::remove_dir(usb.path().join("台账")).unwrap();
    tap(&mut h, "台账");
    assert!(h.query_by_label_contains("这个文件夹已不存在").is_some());
    tap(&mut h, "上一级");
    assert!(h.query_by_label_contains("这里没有可选的文件").is_some());
}

/// 20,000 rows with one wrong: read and checked on the worker, then shown 50 at a time.
#[test]
fn a_register_of_twenty_thousand_rows_stays_responsive() {
    let fx = Fixture::new();
    let mut csv = String::from("姓名,社区,网格\n");
    for i in 0..20_000 {
        let grid = if i == 15_000 {
            "第9网格"
        } else {
            "第3网格"
        };
        csv.push_str(&format!("居民{i},中台社区,{grid}\n"));
    }
    let usb = stick(&[("大名册.csv", &csv)]);
    let mut h = harness_in(&fx, usb.path());
    tap_on_page(&mut h, "居民名册");
    tap(&mut h, "选择文件");
    tap(&mut h, "台账");
    tap(&mut h, "大名册.csv");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("共 20000 行，其中 1 行有错")
            .is_some()
    );
    assert!(h.query_by_label("第 1 / 400 页").is_some());
    assert!(h.query_by_label("居民49").is_some() && h.query_by_label("居民50").is_none());
    tap(&mut h, "下一页");
    assert!(h.query_by_label("居民50").is_some());
    tap(&mut h, "只看有错的行");
    assert!(h.query_by_label("居民15000").is_some());
    drop(h);
    assert_eq!(residents(&fx), 2, "nothing written");
}

#[test]
fn a_bundle_goes_to_a_chosen_folder_and_comes_back() {
    let fx = Fixture::new();
    let usb = stick(&[]);
    let mut h = harness_in(&fx, usb.path());
    tap(&mut h, "制作数据包");
    tap(&mut h, "台账");
    // A name with a slash is refused, and nothing is written.
    type_into(&mut h, "文件名", "/");
    tap(&mut h, "保存到这个文件夹");
    assert!(h.query_by_label_contains("请填写文件名").is_some());
    assert_eq!(
        std::fs::read_dir(usb.path().join("台账")).unwrap().count(),
        0
    );
    tap(&mut h, "取消");
    tap(&mut h, "制作数据包");
    tap(&mut h, "台账");
    tap(&mut h, "保存到这个文件夹");
    settle(&mut h);
    assert!(h.query_by_label_contains("已写入数据包").is_some());
    assert_speaks_chinese(&h);
    let written: Vec<_> = std::fs::read_dir(usb.path().join("台账"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let name = written[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.ends_with(".gridbook"), "the name offered: {name}");
    assert!(
        std::fs::read(&written[0])
            .unwrap()
            .starts_with(b"GRIDBOOK-BUNDLE")
    );
    // Merged back: it holds nothing new here.
    tap(&mut h, "导入数据包");
    tap(&mut h, "显示全部文件");
    tap(&mut h, &name);
    settle(&mut h);
    assert!(h.query_by_label_contains("0 处新改动").is_some());
    assert_speaks_chinese(&h);
}

#[test]
fn a_wrong_bundle_is_refused_in_chinese() {
    let fx = Fixture::new();
    let other = Fixture::new();
    let usb = stick(&[("假的.gridbook", "GRIDBOOK? no")]);
    let theirs = usb.path().join("台账").join("别的网络.gridbook");
    other.with_book(|b| {
        crate::office::bundle::write(b, &theirs, None, &mut |_| {}).unwrap();
        Ok(())
    });
    let mut h = harness_in(&fx, usb.path());
    tap(&mut h, "导入数据包");
    tap(&mut h, "台账");
    tap(&mut h, "假的.gridbook");
    settle(&mut h);
    assert!(h.query_by_label_contains("不是 Gridbook 数据包").is_some());
    assert_speaks_chinese(&h);
    tap(&mut h, "导入数据包");
    tap(&mut h, "别的网络.gridbook");
    settle(&mut h);
    assert!(h.query_by_label_contains("这个数据包来自网络").is_some());
    assert_speaks_chinese(&h);
}
