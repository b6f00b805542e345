//! Exports of personal data: encrypted with age to a person (`age1…`) or to a device of the
//! network, never in the clear on disk; and each one logged where `gridbook audit` shows it.

use crate::common;
use common::{founded, gridbook, ok};

use std::io::Read as _;
use std::path::Path;

/// A network with one resident and a need recorded for them; returns the resident's id.
fn office(data: &Path) -> String {
    founded(data);
    let resident = ok(
        data,
        &[
            "resident",
            "add",
            "--name",
            "刘秀英",
            "--phone",
            "13912345678",
            "--grid",
            "zt-g3",
        ],
    )
    .trim()
    .to_string();
    ok(
        data,
        &[
            "need",
            "add",
            "--title",
            "独居老人需要送餐",
            "--category",
            "elderly-care",
            "--grid",
            "zt-g3",
            "--resident",
            &resident,
            "--name",
            "刘秀英",
        ],
    );
    resident
}

fn decrypt(identity: &age::x25519::Identity, sealed: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new(sealed).expect("an age file");
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .expect("encrypted to this identity");
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain).unwrap();
    plain
}

/// Every sheet's name and cells, as text.
fn cells(xlsx: &[u8]) -> String {
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).expect("an XLSX file");
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        out.push_str(&format!("{name}: {:?}\n", range.rows().collect::<Vec<_>>()));
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn an_encrypted_export_holds_no_name_and_decrypts_to_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let resident = office(&data);
    let person = age::x25519::Identity::generate();
    let recipient = person.to_public().to_string();
    let device = ok(&data, &["device", "id"]).trim().to_string();
    for (format, what) in [("csv", "needs"), ("xlsx", "needs,volunteers")] {
        let plain_path = dir.path().join(format!("plain.{format}"));
        let sealed_path = dir.path().join(format!("sealed.{format}.age"));
        let export = |out: &Path, extra: &[&str]| {
            let mut args = vec![
                "export",
                "--format",
                format,
                "--what",
                what,
                "--out",
                out.to_str().unwrap(),
            ];
            args.extend_from_slice(extra);
            ok(&data, &args)
        };
        export(&plain_path, &[]);
        let said = export(
            &sealed_path,
            &["--encrypt-to", &recipient, "--encrypt-to", &device],
        );
        assert!(said.contains("encrypted to 2 recipients"), "{said}");
        let plain = std::fs::read(&plain_path).unwrap();
        let sealed = std::fs::read(&sealed_path).unwrap();
        if format == "csv" {
            assert!(
                contains(&plain, "刘秀英"),
                "the plain export holds the name"
            );
        }
        for secret in ["刘秀英", "13912345678", "独居老人需要送餐", "PK\u{3}\u{4}"] {
            assert!(
                !contains(&sealed, secret),
                "{secret} in the encrypted {format}"
            );
        }
        // XLSX has a timestamp inside: compare what the sheets hold, and CSV byte for byte.
        let opened = decrypt(&person, &sealed);
        if format == "csv" {
            assert_eq!(opened, plain);
        } else {
            assert_eq!(cells(&opened), cells(&plain));
            assert!(cells(&plain).contains("刘秀英"));
        }
        // The device it was encrypted to opens it with its own key.
        let opened_path = dir.path().join(format!("opened.{format}"));
        ok(
            &data,
            &[
                "decrypt",
                "--in",
                sealed_path.to_str().unwrap(),
                "--out",
                opened_path.to_str().unwrap(),
            ],
        );
        assert_eq!(std::fs::read(&opened_path).unwrap(), opened);
        eprintln!(
            "{format} export: {} bytes plain, {} bytes encrypted to 2 recipients",
            plain.len(),
            sealed.len()
        );
    }
    // The Automerge export too.
    let sealed_path = dir.path().join("directory.automerge.age");
    ok(
        &data,
        &[
            "export",
            "--format",
            "automerge",
            "--doc",
            "directory",
            "--out",
            sealed_path.to_str().unwrap(),
            "--encrypt-to",
            &recipient,
        ],
    );
    let sealed = std::fs::read(&sealed_path).unwrap();
    let doc = automerge::Automerge::load(&decrypt(&person, &sealed)).expect("an Automerge file");
    assert!(!doc.get_heads().is_empty());

    // Every export is in the audit, for the resident whose record it held.
    let trail: serde_json::Value =
        serde_json::from_str(&ok(&data, &["audit", "--resident", &resident, "--json"])).unwrap();
    let exports: Vec<&serde_json::Value> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "export")
        .collect();
    assert_eq!(exports.len(), 5, "{trail:#}");
    assert_eq!(exports[0]["who"], "赵敏");
    assert_eq!(exports[0]["device"], device.as_str());
    let what = |i: usize| exports[i]["what"].as_str().unwrap().to_string();
    assert!(
        what(0).contains("exported needs (csv, 1 rows, everything; not encrypted)"),
        "{}",
        what(0)
    );
    assert!(
        what(1).contains(&format!("encrypted to {recipient}, {device}")),
        "{}",
        what(1)
    );
    assert!(what(4).contains("document directory"), "{}", what(4));
    let text = ok(&data, &["audit"]);
    assert!(text.contains("export needs,volunteers"), "{text}");
}

#[test]
fn a_bad_recipient_is_one_clear_message_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    office(&data);
    let out = dir.path().join("needs.csv");
    let run = gridbook(
        &data,
        &[
            "export",
            "--format",
            "csv",
            "--what",
            "needs",
            "--out",
            out.to_str().unwrap(),
            "--encrypt-to",
            "age1notakey",
        ],
    );
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("age1notakey is not a recipient"), "{err}");
    assert!(!out.exists());
    let trail = ok(&data, &["audit", "--json"]);
    assert!(
        !trail.contains("\"export\""),
        "a failed export is not logged"
    );
}
