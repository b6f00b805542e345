//! What the process-level tests share: the binary under test and running it on a data
//! directory, isolated from the caller's environment (no discovery, no bind, no log filter).
// Each test binary uses its own part of this module.
#![allow(dead_code)]

pub mod device;
pub mod netns;

use std::path::Path;
use std::process::{Command, Output};

/// The binary under test. `GRIDBOOK_TEST_BIN` overrides it: with a target directory shared by
/// several worktrees, another build can replace `target/debug/gridbook` while tests run.
pub fn bin() -> String {
    std::env::var("GRIDBOOK_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_gridbook").into())
}

/// The passphrase of every store these tests make.
pub const PASSPHRASE: &str = "test passphrase 测试";

/// The binary under test, given the tests' passphrase and the cheap Argon2id cost that only
/// tests may ask for (`GRIDBOOK_KDF=tests-only`), so a store opens in microseconds.
pub fn command() -> Command {
    let mut command = Command::new(bin());
    command
        .env("GRIDBOOK_PASSPHRASE", PASSPHRASE)
        .env("GRIDBOOK_KDF", "tests-only");
    command
}

/// Runs `gridbook ARGS` on `data` and returns what it did.
pub fn gridbook(data: &Path, args: &[&str]) -> Output {
    command()
        .args(args)
        .env("GRIDBOOK_DATA", data)
        .env("GRIDBOOK_DISCOVERY", "off")
        .env_remove("GRIDBOOK_BIND")
        .env_remove("RUST_LOG")
        .output()
        .expect("run gridbook")
}

/// Runs `gridbook ARGS` on `data`, which must succeed, and returns its stdout.
pub fn ok(data: &Path, args: &[&str]) -> String {
    let out = gridbook(data, args);
    assert!(
        out.status.success(),
        "gridbook {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Founds a network on `data` with community 中台社区 (zt) and its grid 第3网格 (zt-g3).
pub fn founded(data: &Path) {
    ok(
        data,
        &["init", "--subdistrict", "凤凰台街道", "--name", "赵敏"],
    );
    ok(
        data,
        &[
            "directory",
            "add",
            "community",
            "--code",
            "zt",
            "--name",
            "中台社区",
        ],
    );
    ok(
        data,
        &[
            "directory",
            "add",
            "grid",
            "--in",
            "zt",
            "--code",
            "g3",
            "--name",
            "第3网格",
        ],
    );
}

/// `args` run on `data`, their standard output read as JSON.
pub fn json(data: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(data, args)).expect("valid JSON")
}

/// The demo network at scale 1, made once per test binary; tests only read it (and log
/// their exports in its directory, so no test compares its dump across others' work).
pub fn demo() -> &'static Path {
    static DEMO: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        ok(dir.path(), &["demo", "--scale", "1"]);
        dir
    })
    .path()
}

/// A new empty directory.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}
