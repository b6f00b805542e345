//! The store's passphrase on the command line: a wrong one is one line and exit 1,
//! `gridbook passphrase` changes it and keeps every record, the test-only cost is named.

use crate::common;
use common::Bounded as _;
use common::{command, ok};

use std::path::Path;
use std::process::Output;

fn run_with(data: &Path, passphrase: &str, args: &[&str]) -> Output {
    command()
        .args(args)
        .env("GRIDBOOK_DATA", data)
        .env("GRIDBOOK_PASSPHRASE", passphrase)
        .env_remove("RUST_LOG")
        .bounded_output()
}

fn founded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::founded(dir.path());
    ok(
        dir.path(),
        &[
            "resident",
            "add",
            "--name",
            "王秀英",
            "--phone",
            "13812341234",
            "--grid",
            "zt-g3",
        ],
    );
    dir
}

#[test]
fn a_wrong_passphrase_is_one_line_and_exit_1() {
    let dir = founded();
    let out = run_with(dir.path(), "not the passphrase", &["resident", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: wrong passphrase"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_new_passphrase_keeps_the_data_and_the_old_one_stops_working() {
    let dir = founded();
    let before = ok(dir.path(), &["dump"]);
    let out = command()
        .args(["passphrase"])
        .env("GRIDBOOK_DATA", dir.path())
        .env("GRIDBOOK_NEW_PASSPHRASE", "新的密码 2027")
        .bounded_output();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old = run_with(dir.path(), common::PASSPHRASE, &["dump"]);
    assert_eq!(old.status.code(), Some(1));
    let new = run_with(dir.path(), "新的密码 2027", &["dump"]);
    assert!(new.status.success());
    assert_eq!(String::from_utf8(new.stdout).unwrap(), before);
    // A wrong current passphrase changes nothing.
    let refused = command()
        .args(["passphrase"])
        .env("GRIDBOOK_DATA", dir.path())
        .env("GRIDBOOK_PASSPHRASE", "wrong")
        .env("GRIDBOOK_NEW_PASSPHRASE", "x")
        .bounded_output();
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        run_with(dir.path(), "新的密码 2027", &["dump"])
            .status
            .success()
    );
}

#[test]
fn only_tests_may_ask_for_the_cheap_kdf_and_by_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = command()
        .args(["init", "--subdistrict", "凤凰台街道", "--name", "赵敏"])
        .env("GRIDBOOK_DATA", dir.path())
        .env("GRIDBOOK_KDF", "cheap")
        .bounded_output();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("GRIDBOOK_KDF=cheap is not understood"),
        "{err}"
    );
    assert!(
        !dir.path().join("gridbook.redb").exists(),
        "nothing was made"
    );
}
