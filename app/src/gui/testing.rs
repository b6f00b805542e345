//! What the UI tests share: a small community on disk and a harness that runs the whole app
//! on it at tablet size, waiting for the worker as a person would wait for the screen.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use gridbook_model::vocab::{MeetingLevel, Role};
use gridbook_model::{Gridbook, NewMeeting, NewResident, NewVolunteer, PlaceKind};

use super::{GridbookApp, State};

/// A store holding 中台社区 with grid 3, building 12 and two residents, a meeting with one
/// motion, and a team with one volunteer (周志强) and one activity (楼道清扫).
pub(crate) struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut book =
            Gridbook::open_or_create(dir.path(), &test_passphrase()).expect("a new store");
        book.init_network("凤凰台街道", "王芳").unwrap();
        book.add_place(PlaceKind::Community, None, "zt", "中台社区")
            .unwrap();
        let grid = book
            .add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
            .unwrap();
        let building = book
            .add_place(PlaceKind::Building, Some(&grid), "b12", "12栋")
            .unwrap();
        for (name, phone, room) in [
            ("王秀英", "13812341234", "301"),
            ("李建国", "13900001111", "302"),
        ] {
            book.add_resident(NewResident {
                name: name.into(),
                phone: Some(phone.into()),
                building: Some(building.clone()),
                grid: Some(grid.clone()),
                unit: Some("2".into()),
                room: Some(room.into()),
            })
            .unwrap();
        }
        let meeting = book
            .create_meeting(NewMeeting {
                title: "阳光17停车议事".into(),
                level: MeetingLevel::Grid,
                community: "zt".into(),
                grid: Some(grid.clone()),
                place: "12栋楼下".into(),
                day: "2026-11-20".parse().unwrap(),
                facilitator: "陈静".into(),
                quorum: 2,
            })
            .unwrap();
        book.add_motion(&meeting, "画14个编号车位，抽签分配", None, false)
            .unwrap();
        let team = book.add_team("zt", "环境卫士", None).unwrap();
        book.add_volunteer(NewVolunteer {
            community: "zt".into(),
            name: "周志强".into(),
            phone: None,
            skills: vec!["清扫".into()],
            team: Some(team.clone()),
            joined: "2026-03-01".parse().unwrap(),
        })
        .unwrap();
        let day = "2026-11-21".parse().unwrap();
        book.add_activity("zt", "楼道清扫", Some(&team), day, None)
            .unwrap();
        Fixture { dir }
    }

    /// A second device of this fixture's network, used by a new member `name` with `role`
    /// (granted by the fixture's admin device), holding every document the fixture holds.
    pub(crate) fn joined(&self, name: &str, role: Role) -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let hex = Gridbook::open_or_create(dir.path(), &test_passphrase())
            .expect("a new store")
            .device()
            .id_hex();
        let member = self.with_book(|book| {
            let member = book.add_member(name, role)?;
            book.grant(&hex, &member, role)?;
            Ok(member)
        });
        let joined = Fixture { dir };
        self.exchange(&joined);
        joined.with_book(|book| book.set_member(&member));
        joined
    }

    /// Brings this device's documents and `other`'s together both ways, as a completed sync
    /// would (both stores closed).
    pub(crate) fn exchange(&self, other: &Fixture) {
        let open = |f: &Fixture| {
            Gridbook::open(f.dir.path(), &test_passphrase()).expect("the store opens")
        };
        let (mut a, mut b) = (open(self), open(other));
        copy_into(&mut a, &mut b);
        copy_into(&mut b, &mut a);
    }

    pub(crate) fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Opens the store (the app must be closed), runs `f`, closes it.
    pub(crate) fn with_book<T>(
        &self,
        f: impl FnOnce(&mut Gridbook) -> gridbook_model::Result<T>,
    ) -> T {
        let mut book =
            Gridbook::open(self.dir.path(), &test_passphrase()).expect("the store opens");
        f(&mut book).expect("the store answers")
    }

    /// The app on this store, in Chinese, on the Needs page, waited for.
    pub(crate) fn harness(&self) -> Harness<'static, TestApp> {
        self.harness_with(|_| {})
    }

    /// The app on this store with its remembered state changed by `f`, waited for.
    pub(crate) fn harness_with(&self, f: impl FnOnce(&mut State)) -> Harness<'static, TestApp> {
        let mut state = State::default();
        f(&mut state);
        harness_at(self.path(), state)
    }
}

/// Merges every document of `from` into `to`.
fn copy_into(from: &mut Gridbook, to: &mut Gridbook) {
    for id in from.doc_ids().expect("the documents") {
        let Some(doc) = from.full_doc(&id).expect("a document") else {
            continue;
        };
        let mut copy = doc.clone();
        to.merge_doc(&id, &mut copy).expect("the merge");
    }
}

/// The app on a store with no network yet (the first run), in Chinese, waited for.
pub(crate) fn empty_harness(dir: &std::path::Path) -> Harness<'static, TestApp> {
    harness_at(dir.to_path_buf(), State::default())
}

fn harness_at(dir: PathBuf, state: State) -> Harness<'static, TestApp> {
    // 1024 wide like a tablet; taller than 768 because clicks land at a widget's on-screen
    // centre and the detail panel's form can reach below the fold at 768 (scroll_to_me
    // did not bring it up inside a nested panel's ScrollArea).
    let mut h = Harness::builder()
        .with_size(SCREEN.size())
        .with_max_steps(20)
        .build_ui_state(
            |ui, t: &mut TestApp| {
                let (dir, state) = (t.dir.clone(), t.initial.clone());
                t.app
                    .get_or_insert_with(|| {
                        GridbookApp::new(ui.ctx(), dir, test_passphrase(), state)
                    })
                    .show(ui);
            },
            TestApp {
                app: None,
                dir,
                initial: state,
                interactions: 0,
            },
        );
    settle(&mut h);
    h
}

/// The app under test, made on the harness's first frame (it needs the harness's context).
pub(crate) struct TestApp {
    app: Option<GridbookApp>,
    dir: PathBuf,
    initial: State,
    /// Taps so far, a text field's counted once (what a person does, not what they type).
    interactions: u32,
}

/// How many times the test has tapped since the harness was made: each [`tap`] is one, and
/// each [`type_into`] is one (the tap into the field; typing is not counted). The flows of
/// `cargo bench -p gridbook-tests` report it.
pub(crate) fn interactions(h: &Harness<'_, TestApp>) -> u32 {
    h.state().interactions
}

impl Deref for TestApp {
    type Target = GridbookApp;
    fn deref(&self) -> &GridbookApp {
        self.app
            .as_ref()
            .expect("the app is made on the first frame")
    }
}

impl DerefMut for TestApp {
    fn deref_mut(&mut self) -> &mut GridbookApp {
        self.app
            .as_mut()
            .expect("the app is made on the first frame")
    }
}

/// Runs frames until the worker has answered every command and the screen shows it.
pub(crate) fn settle(h: &mut Harness<'_, TestApp>) {
    // The first frame after a click records the command; later ones take the answers in.
    h.step();
    for _ in 0..2000 {
        h.step();
        if !h.state().busy() {
            h.run_steps(3);
            if !h.state().busy() {
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the worker did not answer within 10 s");
}

/// Clicks the one widget labelled `label` and runs the frames that take the click in (a person
/// taps one thing at a time; two clicks queued in one frame would be one).
pub(crate) fn tap(h: &mut Harness<'_, TestApp>, label: &str) {
    tap_where(h, label, Which::Only);
}

/// Clicks the widget labelled `label` on the page, where the navigation bar holds a page of
/// that name too (the Files page's 居民名册 beside the 居民名册 page).
pub(crate) fn tap_on_page(h: &mut Harness<'_, TestApp>, label: &str) {
    tap_where(h, label, Which::OnPage);
}

/// Clicks the `n`-th widget labelled `label` (a row of ballots repeats its choices).
pub(crate) fn tap_nth(h: &mut Harness<'_, TestApp>, label: &str, n: usize) {
    tap_where(h, label, Which::Nth(n));
}

/// Which of the widgets labelled alike a tap means.
#[derive(Clone, Copy)]
enum Which {
    /// The only one.
    Only,
    /// The one right of the navigation bar.
    OnPage,
    /// The `n`-th, counting from 0.
    Nth(usize),
}

fn tap_where(h: &mut Harness<'_, TestApp>, label: &str, which: Which) {
    h.state_mut().interactions += 1;
    // A finger scrolls to what it taps: a click lands where the widget is on screen.
    node(h, label, which).scroll_to_me();
    // A scroll animates over several frames: wait until the widget stands still, or the click
    // lands on whatever has scrolled under its old place.
    h.run_steps(2);
    let mut last = None;
    for _ in 0..120 {
        h.run_steps(1);
        let rect = node(h, label, which).rect();
        if last == Some(rect) {
            break;
        }
        last = Some(rect);
    }
    // A finger over a widget can move what is under it (a scroll area settles): hover first.
    node(h, label, which).hover();
    h.run_steps(2);
    let node = node(h, label, which);
    if SCREEN.contains(node.rect().center()) {
        node.click();
    } else {
        // scroll_to_me does not reach into a scroll area nested in a panel's scroll area;
        // a person would scroll by hand, the test asks the widget through accessibility.
        node.click_accesskit();
    }
    h.run_steps(2);
}

/// The widget labelled `label` that `which` means.
fn node<'h>(h: &'h Harness<'_, TestApp>, label: &'h str, which: Which) -> egui_kittest::Node<'h> {
    match which {
        Which::Only => h.get_by_label(label),
        Which::OnPage => h
            .get_all_by_label(label)
            .find(|n| n.rect().min.x >= NAV_WIDTH)
            .unwrap_or_else(|| panic!("no {label:?} on the page")),
        Which::Nth(n) => h
            .get_all_by_label(label)
            .nth(n)
            .unwrap_or_else(|| panic!("no {n}-th {label:?} on screen")),
    }
}

/// The navigation bar's width (`GridbookApp::show`).
const NAV_WIDTH: f32 = 150.0;

/// The harness's screen.
const SCREEN: egui::Rect =
    egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1024.0, 1024.0));

/// Taps the text field labelled `label` and types `text` into it.
pub(crate) fn type_into(h: &mut Harness<'_, TestApp>, label: &str, text: &str) {
    tap(h, label);
    if !h.get_by_label(label).is_focused() {
        // An accessibility click does not focus a text field; a finger's tap does.
        h.get_by_label(label).focus();
        h.run_steps(1);
    }
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

/// The passphrase of the stores UI tests make (cheap Argon2id: tests make many).
pub(crate) fn test_passphrase() -> gridbook_model::Passphrase {
    gridbook_model::Passphrase::tests_only("test passphrase")
}

/// Every text on screen: each widget's label and value, as a screen reader reads them.
pub(crate) fn texts_on_screen(h: &Harness<'_, TestApp>) -> Vec<String> {
    let all = egui_kittest::kittest::By::new()
        .predicate(|_| true)
        .include_labels();
    h.query_all(all)
        .flat_map(|node| [node.accesskit_node().label(), node.value()])
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// The runs of three or more English words in `text`, which a Chinese screen must not show:
/// what a wording left untranslated, or an error passed through in the model's English. Ids,
/// ledger numbers and URLs are not words (they hold digits, hyphens or `://`).
pub(crate) fn english_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let words = text.split(|c: char| c.is_whitespace() || "，。：；、（）()“”\"'".contains(c));
    for token in words.chain([""]) {
        let word = token.trim_matches(|c: char| ",.:;!?".contains(c));
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic()) {
            run.push(word);
            continue;
        }
        if run.len() >= 3 {
            runs.push(run.join(" "));
        }
        run.clear();
    }
    runs
}

#[test]
fn english_runs_find_three_words_and_spare_ids_and_urls() {
    assert_eq!(
        english_runs("已拒绝：no such need 'N-K7Q2ZD-12'"),
        ["no such need"]
    );
    assert!(english_runs("台账号 ZT-2611-K7Q2ZD-0012，中继 https://relay.example.cn").is_empty());
    assert!(english_runs("Needs 民需 two words").is_empty());
}

/// Fails when the screen shows a run of three English words: what a Chinese screen must not.
pub(crate) fn assert_speaks_chinese(h: &Harness<'_, TestApp>) {
    let english: Vec<String> = texts_on_screen(h)
        .iter()
        .flat_map(|t| english_runs(t))
        .collect();
    assert!(
        english.is_empty(),
        "English on a Chinese screen: {english:?}"
    );
}
