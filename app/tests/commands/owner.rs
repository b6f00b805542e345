//! One owner per store, with real processes: while `gridbook serve` holds a data directory,
//! commands on it are run by serve and answer exactly as they would on their own; a killed
//! serve leaves a socket file that the next command sees through; a stuck owner never hangs a
//! command.
#![cfg(unix)]

use crate::common;
use common::Bounded as _;
use common::{founded, gridbook, ok};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `gridbook serve` on loopback whose stdout lines arrive on a channel.
struct Serve {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Serve {
    fn start(data: &Path) -> Serve {
        let mut child = common::command()
            .args(["serve", "--bind", "127.0.0.1:0", "--no-discovery"])
            .env("GRIDBOOK_DATA", data)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start gridbook serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let serve = Serve { child, lines };
        serve.wait_for("listening");
        serve
    }

    /// The next stdout line starting with `prefix` (other lines are skipped), within 30 s.
    fn wait_for(&self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => {}
                Err(e) => panic!("serve never printed {prefix:?}: {e}"),
            }
        }
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ADD: &[&str] = &[
    "need",
    "add",
    "--title",
    "独居老人需要送餐",
    "--category",
    "elderly-care",
    "--grid",
    "zt-g3",
];
const BAD: &[&str] = &[
    "need",
    "add",
    "--title",
    "修灯",
    "--category",
    "facilities",
    "--grid",
    "no-such-grid",
];

#[test]
fn commands_go_through_a_running_serve_and_answer_as_they_would_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    founded(data);
    let serve = Serve::start(data);
    assert!(data.join("gridbook.sock").exists());

    // A write and a read, both run by serve on its open store.
    let id = ok(data, ADD).trim().to_string();
    assert!(id.starts_with("N-"), "{id}");
    assert_eq!(
        serve.wait_for("command"),
        "command  need add (done, forwarded)"
    );
    let listed = ok(data, &["need", "list", "--json"]);
    assert!(listed.contains(&id), "{listed}");
    assert_eq!(
        serve.wait_for("command"),
        "command  need list (done, forwarded)"
    );
    let refused = gridbook(data, BAD);
    assert_eq!(
        serve.wait_for("command"),
        "command  need add (failed, forwarded)"
    );
    // Serve speaks English here; a caller in a Chinese locale is answered in Chinese.
    let in_chinese = common::in_locale(&mut common::command(), "zh_CN.UTF-8")
        .args(BAD)
        .env("GRIDBOOK_DATA", data)
        .env_remove("RUST_LOG")
        .bounded_output();
    assert_eq!(
        String::from_utf8_lossy(&in_chinese.stderr),
        "error: 没有网格「no-such-grid」：`gridbook directory list` 可查看网格\n"
    );
    assert_eq!(
        serve.wait_for("command"),
        "command  need add (failed, forwarded)"
    );
    // A command line that does not parse never reaches serve: exit status 2, as always.
    assert_eq!(gridbook(data, &["need", "add"]).status.code(), Some(2));
    // A second serve on the same directory is refused at once, by the first.
    let t = Instant::now();
    let second = gridbook(data, &["serve", "--bind", "127.0.0.1:0", "--no-discovery"]);
    assert_eq!(second.status.code(), Some(1));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("serve already runs"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());

    // Killed: the socket file stays behind, and the next command sees through it.
    serve.kill();
    assert!(data.join("gridbook.sock").exists());
    let alone = gridbook(data, &["need", "list", "--json"]);
    assert!(
        !data.join("gridbook.sock").exists(),
        "the stale socket is removed"
    );
    // Same bytes, same error, same exit status as through serve.
    assert_eq!(String::from_utf8(alone.stdout).unwrap(), listed);
    let refused_alone = gridbook(data, BAD);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(refused_alone.status.code(), refused.status.code());
    assert_eq!(refused_alone.stderr, refused.stderr);
    assert!(refused.stdout.is_empty() && refused_alone.stdout.is_empty());

    // And a new serve takes the directory over again.
    let serve = Serve::start(data);
    let again = ok(data, &["need", "list", "--json"]);
    assert_eq!(again, listed);
    serve.wait_for("command  need list");
}

#[test]
fn an_owner_that_never_answers_does_not_hang_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    founded(data);
    // Something listens on the socket but never answers.
    let listener = std::os::unix::net::UnixListener::bind(data.join("gridbook.sock")).unwrap();
    let hold = std::thread::spawn(move || {
        let conn = listener.accept().map(|(s, _)| s);
        std::thread::sleep(Duration::from_secs(3));
        drop(conn);
    });
    let t = Instant::now();
    let out = common::command()
        .args(["need", "list"])
        .env("GRIDBOOK_DATA", data)
        .env("GRIDBOOK_OWNER_TIMEOUT_MS", "500")
        .env_remove("RUST_LOG")
        .bounded_output();
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("did not answer"),
        "{err}"
    );
    hold.join().unwrap();
}
