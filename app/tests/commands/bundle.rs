//! `gridbook bundle` between two data directories, as a USB stick would carry it: the tablet
//! joins the demo network from a bundle, a second import changes nothing, a cut-short bundle
//! is refused with nothing written, and no resident's name is readable in the file.

use crate::common;
use common::{gridbook, ok};

#[test]
fn a_tablet_joins_and_catches_up_from_bundles_alone() {
    let office = tempfile::tempdir().unwrap();
    let tablet = tempfile::tempdir().unwrap();
    let stick = tempfile::tempdir().unwrap();
    ok(office.path(), &["demo", "--scale", "1"]);
    let id = ok(tablet.path(), &["device", "id"]).trim().to_string();
    ok(office.path(), &["device", "add", &id, "--member", "王刚"]);
    let file = stick.path().join("凤凰台.gridbook");
    let file_arg = file.to_str().unwrap();
    let wrote = ok(office.path(), &["bundle", "export", "--out", file_arg]);
    assert!(wrote.contains("readable by"), "{wrote}");

    // No resident's name in the clear.
    let residents: serde_json::Value =
        serde_json::from_str(&ok(office.path(), &["resident", "list", "--json"])).unwrap();
    let names: Vec<String> = residents
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_string))
        .take(200)
        .collect();
    assert!(names.len() >= 100, "the demo has residents");
    let bytes = std::fs::read(&file).unwrap();
    for name in &names {
        assert!(
            !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} is readable in the bundle"
        );
    }

    // A cut-short bundle: refused, nothing written.
    let cut = stick.path().join("cut.gridbook");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let out = gridbook(tablet.path(), &["bundle", "import", cut.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("damaged or cut short"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    let imported = ok(tablet.path(), &["bundle", "import", file_arg]);
    assert!(!imported.contains(" 0 new changes"), "{imported}");
    assert_eq!(ok(tablet.path(), &["dump"]), ok(office.path(), &["dump"]));
    let again = ok(tablet.path(), &["bundle", "import", file_arg]);
    assert!(again.contains(" 0 new changes"), "{again}");
}
