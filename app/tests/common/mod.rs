//! What the process-level tests share: the binary under test and running it on a data
//! directory, isolated from the caller's environment (no discovery, no bind, no log filter).
// Each test binary uses its own part of this module.
#![allow(dead_code)]

pub(crate) mod device;
pub(crate) mod netns;

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test. `GRIDBOOK_TEST_BIN` overrides it: with a target directory shared by
/// several worktrees, another build can replace `target/debug/gridbook` while tests run.
pub(crate) fn bin() -> String {
    std::env::var("GRIDBOOK_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_gridbook").into())
}

/// The passphrase of every store these tests make.
pub(crate) const PASSPHRASE: &str = "test passphrase 测试";

/// The binary under test, given the tests' passphrase and the cheap Argon2id cost that only
/// tests may ask for (`GRIDBOOK_KDF=tests-only`), so a store opens in microseconds. It speaks
/// English whatever the machine's locale ([`in_locale`] gives it another).
pub(crate) fn command() -> Command {
    let mut command = Command::new(bin());
    command
        .env("GRIDBOOK_PASSPHRASE", PASSPHRASE)
        .env("GRIDBOOK_KDF", "tests-only");
    in_locale(&mut command, "C.UTF-8");
    command
}

/// Runs `command` in the locale `locale` (`LC_ALL`), with no other language setting: the
/// command line speaks the locale's language.
pub(crate) fn in_locale<'c>(command: &'c mut Command, locale: &str) -> &'c mut Command {
    command
        .env("LC_ALL", locale)
        .env_remove("GRIDBOOK_LANGUAGE")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
}

/// Runs `gridbook ARGS` on `data` and returns what it did.
pub(crate) fn gridbook(data: &Path, args: &[&str]) -> Output {
    command()
        .args(args)
        .env("GRIDBOOK_DATA", data)
        .env("GRIDBOOK_DISCOVERY", "off")
        .env_remove("GRIDBOOK_BIND")
        .env_remove("RUST_LOG")
        .bounded_output()
}

/// How long one command may run in these tests. One that runs longer is killed and fails its
/// test with what it printed, instead of stalling the whole run until CI's limit.
pub(crate) const DEADLINE: Duration = Duration::from_secs(180);

/// What [`Command::output`] does, bounded by [`DEADLINE`].
pub(crate) trait Bounded {
    fn bounded_output(&mut self) -> Output;
}

impl Bounded for Command {
    fn bounded_output(&mut self) -> Output {
        let what = format!("{:?}", self.get_args().collect::<Vec<_>>());
        let child = self
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start gridbook {what}: {e}"));
        finish(child, &what)
    }
}

/// Waits for `child` like [`Child::wait_with_output`] (its piped output read meanwhile); at
/// [`DEADLINE`] it kills it and panics with what it printed.
pub(crate) fn finish(mut child: Child, what: &str) -> Output {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_or_kill(&mut child);
    let output = Output {
        status: status.unwrap_or_else(|| child.wait().expect("reap gridbook")),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    };
    if status.is_none() {
        panic!(
            "gridbook {what} ran for over {DEADLINE:?} and was killed; it printed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

/// Waits for `child` to exit; at [`DEADLINE`] kills it and panics.
pub(crate) fn wait_bounded(child: &mut Child, what: &str) -> ExitStatus {
    wait_or_kill(child)
        .unwrap_or_else(|| panic!("gridbook {what} ran for over {DEADLINE:?} and was killed"))
}

/// Waits for `child` to exit, or kills it at [`DEADLINE`] (and says `None`).
fn wait_or_kill(child: &mut Child) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for gridbook") {
            return Some(status);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A child process killed when dropped, so a failing test leaves nothing running.
pub(crate) struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `gridbook ARGS` on `data`, which must succeed, and returns its stdout.
pub(crate) fn ok(data: &Path, args: &[&str]) -> String {
    let out = gridbook(data, args);
    assert!(
        out.status.success(),
        "gridbook {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Founds a network on `data` with community 中台社区 (zt) and its grid 第3网格 (zt-g3).
pub(crate) fn founded(data: &Path) {
    ok(
        data,
        &["init", "--subdistrict", "凤凰台街道", "--name", "赵敏"],
    );
    let community = [
        "directory",
        "add",
        "community",
        "--code",
        "zt",
        "--name",
        "中台社区",
    ];
    assert_eq!(ok(data, &community), "zt\n");
    let grid = [
        "directory",
        "add",
        "grid",
        "--in",
        "zt",
        "--code",
        "g3",
        "--name",
        "第3网格",
    ];
    assert_eq!(ok(data, &grid), "zt-g3\n");
}

/// `args` run on `data`, their standard output read as JSON.
pub(crate) fn json(data: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(data, args)).expect("valid JSON")
}

/// The demo network at scale 1, made once per test binary; tests only read it (and log
/// their exports in its directory, so no test compares its dump across others' work). One
/// test at a time holds it: the suites that share it run in one binary, and each of their
/// commands would otherwise wait on the others' for the store's lock.
pub(crate) fn demo() -> Demo {
    static DEMO: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let dir = DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        ok(dir.path(), &["demo", "--scale", "1"]);
        dir
    });
    Demo {
        path: dir.path(),
        _turn: turn,
    }
}

/// The shared demo network's directory, held by one test until it is dropped.
pub(crate) struct Demo {
    path: &'static Path,
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl std::ops::Deref for Demo {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.path
    }
}

/// A new empty directory.
pub(crate) fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}
