//! The unlock page and the idle lock, driven as a person would.

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gridbook_model::{Gridbook, Passphrase};

use super::Lockable;
use crate::gui::GridbookApp;
use crate::gui::State;

/// The app behind its lock, made on the harness's first frame.
struct Locked {
    app: Option<Lockable>,
    dir: PathBuf,
}

fn harness(dir: &Path) -> Harness<'static, Locked> {
    Harness::builder()
        .with_size(egui::vec2(1024.0, 900.0))
        .with_max_steps(20)
        .build_ui_state(
            |ui, t: &mut Locked| {
                let dir = t.dir.clone();
                t.app
                    .get_or_insert_with(|| {
                        Lockable::new(ui.ctx(), dir, None, State::default(), GridbookApp::new)
                    })
                    .show(ui);
            },
            Locked {
                app: None,
                dir: dir.to_path_buf(),
            },
        )
}

fn lockable<'a>(h: &'a mut Harness<'static, Locked>) -> &'a mut Lockable {
    h.state_mut().app.as_mut().expect("made on the first frame")
}

/// Runs frames until the passphrase is checked and the app's worker has answered.
fn settle(h: &mut Harness<'static, Locked>) {
    h.run_steps(2);
    for _ in 0..2000 {
        h.step();
        if !lockable(h).busy() {
            h.run_steps(3);
            if !lockable(h).busy() {
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("nothing answered within 10 s");
}

fn type_into(h: &mut Harness<'static, Locked>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

fn tap(h: &mut Harness<'static, Locked>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
}

#[test]
fn a_wrong_passphrase_is_refused_the_right_one_opens_and_idling_locks_again() {
    let dir = tempfile::tempdir().unwrap();
    let right = Passphrase::tests_only("凤凰台 right");
    let mut book = Gridbook::open_or_create(dir.path(), &right).unwrap();
    book.init_network("凤凰台街道", "王芳").unwrap();
    drop(book);

    let mut h = harness(dir.path());
    h.run_steps(2);
    assert!(h.query_by_label("解锁民需台账").is_some());
    let demo_hint = "这是演示数据，密码为 gridbook-demo。";
    assert!(
        h.query_by_label(demo_hint).is_none(),
        "a real store's passphrase is never shown"
    );
    // The demo network's page (its data directory is the demo's) says its passphrase.
    lockable(&mut h).unlock.demo = true;
    h.run_steps(2);
    assert!(h.query_by_label(demo_hint).is_some());
    lockable(&mut h).unlock.demo = false;
    h.run_steps(2);
    type_into(&mut h, "密码", "wrong");
    tap(&mut h, "解锁");
    settle(&mut h);
    assert!(h.query_by_label("密码错误，请重试。").is_some());
    assert!(!lockable(&mut h).unlocked());

    type_into(&mut h, "密码", "凤凰台 right");
    tap(&mut h, "解锁");
    settle(&mut h);
    assert!(lockable(&mut h).unlocked());
    assert!(h.query_by_label("民需").is_some(), "the app proper shows");
    let opened = lockable(&mut h).app().and_then(|a| a.data.data_dir.clone());
    assert_eq!(opened.as_deref(), Some(dir.path()));

    // Ten idle minutes (the default): locked again, the store closed.
    lockable(&mut h).age(9.0 * 60.0);
    h.run_steps(2);
    assert!(lockable(&mut h).unlocked(), "not yet");
    lockable(&mut h).age(61.0);
    h.run_steps(2);
    assert!(!lockable(&mut h).unlocked());
    assert!(h.query_by_label("解锁民需台账").is_some());
    // Closed: another process may open the store now.
    drop(Gridbook::open(dir.path(), &right).expect("the locked app let the store go"));
}

#[test]
fn a_new_store_asks_the_passphrase_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.run_steps(2);
    type_into(&mut h, "密码", "新密码 2026");
    type_into(&mut h, "再次输入密码", "新密码 2025");
    tap(&mut h, "设置密码并打开");
    settle(&mut h);
    assert!(h.query_by_label("两次输入的密码不一致。").is_some());
    assert!(!dir.path().join(gridbook_model::store::STORE_FILE).exists());

    type_into(&mut h, "再次输入密码", "新密码 2026");
    tap(&mut h, "设置密码并打开");
    settle(&mut h);
    assert!(lockable(&mut h).unlocked());
    drop(h);
    let wrong = Gridbook::open(dir.path(), &Passphrase::new("新密码 2025")).unwrap_err();
    assert!(wrong.to_string().contains("wrong passphrase"), "{wrong}");
    Gridbook::open(dir.path(), &Passphrase::new("新密码 2026")).expect("opens with it");
}
