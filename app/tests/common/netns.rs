//! Network namespaces for the tests that run `gridbook` inside them (LAN discovery, the relay):
//! made with iproute2, deleted when dropped. Needs root; a test that cannot make them skips
//! with the reason printed.

use std::path::Path;
use std::process::Command;

/// Runs `ip ARGS`; what it said on failure.
pub(crate) fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A network namespace, deleted (with the veth ends in it) when dropped.
pub(crate) struct Netns(pub String);

impl Netns {
    /// Makes namespace `name` with its loopback up.
    pub(crate) fn add(name: &str) -> Result<Netns, String> {
        ip(&["netns", "add", name])?;
        let ns = Netns(name.to_string());
        ip(&["-n", name, "link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// Runs `ip ARGS` inside this namespace.
    pub(crate) fn ip(&self, args: &[&str]) -> Result<(), String> {
        let mut all = vec!["-n", self.0.as_str()];
        all.extend_from_slice(args);
        ip(&all)
    }

    /// `gridbook ARGS` on `data` inside this namespace, discovery on unless `args` turn it off.
    pub(crate) fn gridbook(&self, data: &Path, args: &[&str]) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.0, &super::bin()])
            .args(args)
            .env("GRIDBOOK_DATA", data)
            .env("GRIDBOOK_PASSPHRASE", super::PASSPHRASE)
            .env("GRIDBOOK_KDF", "tests-only")
            .env("LC_ALL", "C.UTF-8")
            .env_remove("GRIDBOOK_LANGUAGE")
            .env_remove("GRIDBOOK_DISCOVERY")
            .env_remove("GRIDBOOK_BIND")
            .env_remove("RUST_LOG");
        c
    }
}

/// An office with the demo network, and a fresh tablet's data directory whose device the
/// office lists (for the demo's first member), so that it may fetch the network.
pub(crate) fn office_and_listed_tablet() -> (tempfile::TempDir, tempfile::TempDir) {
    let office = tempfile::tempdir().unwrap();
    let tablet = tempfile::tempdir().unwrap();
    super::ok(office.path(), &["demo"]);
    let members = super::ok(office.path(), &["directory", "list", "--json"]);
    let members: serde_json::Value = serde_json::from_str(&members).unwrap();
    let member = members["members"]
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("the demo has members");
    let tablet_id = super::ok(tablet.path(), &["device", "id"])
        .trim()
        .to_string();
    super::ok(
        office.path(),
        &["device", "add", &tablet_id, "--member", &member],
    );
    (office, tablet)
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = ip(&["netns", "del", &self.0]);
    }
}
