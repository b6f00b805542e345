//! A device for the process-level tests: a data directory and the binary run on it.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::Bounded as _;

/// A data directory and the binary to run on it.
pub(crate) struct Device {
    /// Its data directory.
    pub dir: tempfile::TempDir,
}

impl Device {
    pub(crate) fn new() -> Self {
        Device {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub(crate) fn data(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.run_in("C.UTF-8", args)
    }

    /// [`run`](Self::run) in the locale `locale` (`LC_ALL`).
    pub(crate) fn run_in(&self, locale: &str, args: &[&str]) -> Output {
        let mut command = super::command();
        super::in_locale(&mut command, locale)
            .args(args)
            .env("GRIDBOOK_DATA", self.data())
            .env_remove("RUST_LOG")
            .bounded_output()
    }

    /// Runs a command that must succeed; returns its stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "gridbook {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// Runs a command that must fail; returns its exit code and stderr, after checking that it
    /// printed nothing on stdout and exactly one line on stderr.
    pub(crate) fn fails(&self, args: &[&str]) -> (i32, String) {
        let out = self.run(args);
        assert!(!out.status.success(), "gridbook {args:?} succeeded");
        assert!(
            out.stdout.is_empty(),
            "gridbook {args:?} printed on stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let err = String::from_utf8(out.stderr).expect("UTF-8 errors");
        assert_eq!(err.lines().count(), 1, "not one line: {err}");
        assert!(err.starts_with("error: "), "{err}");
        (out.status.code().unwrap_or(-1), err)
    }

    pub(crate) fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }

    /// A network with community zt, grid zt-g3 and building zt-g3-b12.
    pub(crate) fn founded() -> Self {
        let d = Device::new();
        super::founded(d.data());
        assert_eq!(
            d.ok(&[
                "directory",
                "add",
                "building",
                "--in",
                "第3网格",
                "--code",
                "b12",
                "--name",
                "12号楼"
            ]),
            "zt-g3-b12\n"
        );
        d
    }

    /// A new device this one (an admin) grants the grid-worker role for a new member 李娜;
    /// with its device id.
    pub(crate) fn grant_tablet(&self) -> (Device, String) {
        let tablet = Device::new();
        let tablet_id = tablet.ok(&["device", "id"]).trim().to_string();
        let worker = self.ok(&["member", "add", "--name", "李娜", "--role", "grid-worker"]);
        self.ok(&[
            "grant",
            &tablet_id,
            "--role",
            "grid-worker",
            "--member",
            worker.trim(),
        ]);
        (tablet, tablet_id)
    }

    pub(crate) fn add_need(&self) -> String {
        let out = self.ok(&[
            "need",
            "add",
            "--title",
            "独居老人需要送餐",
            "--category",
            "老年关爱",
            "--grid",
            "zt-g3",
            "--building",
            "b12",
            "--name",
            "张大爷",
            "--phone",
            "13812341234",
        ]);
        let id = out.trim_end_matches('\n');
        assert!(
            id.starts_with("N-") && !id.contains(char::is_whitespace),
            "{out:?}"
        );
        id.to_string()
    }
}
