//! The lock around the app: the unlock page at start, and locking again after the idle time
//! set in Settings.
//!
//! The app starts locked unless it was given its passphrase (the demo, or
//! `GRIDBOOK_PASSPHRASE`). The passphrase is checked on a thread of its own (Argon2id takes
//! tens of milliseconds and must not freeze the screen); once it opens the store, the app
//! proper starts on it, its worker opening the store as always. Locking drops the app: its
//! worker closes the store, the key goes with it, and only this page is left.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::Ui;
use gridbook_model::store::{STORE_FILE, Store, StoreError};
use gridbook_model::{KdfCost, Passphrase};

use super::widgets::big_button;
use super::{GridbookApp, STATE_KEY, State};
use crate::fonts;
use crate::i18n::{self, tr};

/// What checking a passphrase found.
enum Checked {
    Opens(Passphrase),
    Wrong,
    Failed(String),
}

/// The unlock page's own state.
pub(super) struct UnlockView {
    data_dir: PathBuf,
    passphrase: String,
    repeat: String,
    message: Option<String>,
    checking: Option<Receiver<Checked>>,
    /// The demo network's passphrase is no secret: its page says it.
    demo: bool,
}

impl UnlockView {
    /// The page for the store in `data_dir`.
    pub(super) fn new(data_dir: PathBuf) -> Self {
        UnlockView {
            data_dir: data_dir.clone(),
            passphrase: String::new(),
            repeat: String::new(),
            message: None,
            checking: None,
            demo: crate::data::demo_dir().is_ok_and(|demo| demo == data_dir),
        }
    }

    /// Whether there is no store yet: the page then asks for a new passphrase, twice.
    fn creating(&self) -> bool {
        !self.data_dir.join(STORE_FILE).exists()
    }

    /// Draws the page; returns the passphrase once it opens the store.
    pub(super) fn show(&mut self, ui: &mut Ui) -> Option<Passphrase> {
        if let Some(opened) = self.take_checked() {
            return Some(opened);
        }
        let creating = self.creating();
        ui.heading(tr!("unlock.heading"));
        ui.label(if creating {
            tr!("unlock.intro_new")
        } else {
            tr!("unlock.intro")
        });
        if self.demo {
            ui.label(tr!(
                "unlock.demo",
                passphrase = crate::data::DEMO_PASSPHRASE
            ));
        }
        ui.add_space(12.0);
        let checking = self.checking.is_some();
        ui.add_enabled_ui(!checking, |ui| {
            ui.set_max_width(420.0);
            let mut submit = secret_field(ui, &tr!("unlock.passphrase"), &mut self.passphrase);
            if creating {
                submit |= secret_field(ui, &tr!("unlock.repeat"), &mut self.repeat);
            }
            if let Some(m) = &self.message {
                ui.colored_label(ui.visuals().error_fg_color, m);
            }
            let button = if creating {
                tr!("unlock.create")
            } else {
                tr!("unlock.button")
            };
            if big_button(ui, button) || submit {
                self.submit(ui.ctx(), creating);
            }
        });
        if checking {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr!("unlock.checking"));
            });
        }
        None
    }

    fn submit(&mut self, ctx: &egui::Context, creating: bool) {
        if self.passphrase.is_empty() {
            self.message = Some(tr!("unlock.empty"));
            return;
        }
        if creating && self.repeat != self.passphrase {
            self.message = Some(tr!("unlock.differ"));
            self.repeat.clear();
            return;
        }
        self.message = None;
        let cost = crate::data::kdf_cost().unwrap_or(KdfCost::OWASP);
        let passphrase = Passphrase::new(std::mem::take(&mut self.passphrase)).with_cost(cost);
        self.repeat.clear();
        let (tx, rx) = channel();
        let (dir, ctx) = (self.data_dir.clone(), ctx.clone());
        std::thread::spawn(move || {
            let checked = if creating {
                // The app's worker makes the store with it.
                Checked::Opens(passphrase)
            } else {
                match Store::open(&dir, false, &passphrase) {
                    Ok(_) => Checked::Opens(passphrase),
                    Err(StoreError::WrongPassphrase(_)) => Checked::Wrong,
                    Err(e) => Checked::Failed(e.to_string()),
                }
            };
            let _ = tx.send(checked);
            ctx.request_repaint();
        });
        self.checking = Some(rx);
    }

    fn take_checked(&mut self) -> Option<Passphrase> {
        let checked = match self.checking.as_ref()?.try_recv() {
            Ok(c) => c,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Checked::Failed(tr!("unlock.failed")),
        };
        self.checking = None;
        match checked {
            Checked::Opens(p) => return Some(p),
            Checked::Wrong => self.message = Some(tr!("unlock.wrong")),
            Checked::Failed(e) => self.message = Some(e),
        }
        None
    }

    /// Whether a passphrase is being checked (tests wait for it).
    #[cfg(test)]
    pub(crate) fn busy(&self) -> bool {
        self.checking.is_some()
    }
}

/// A one-line hidden text field under its label; returns whether Enter was pressed in it.
fn secret_field(ui: &mut Ui, label: &str, value: &mut String) -> bool {
    let label = ui.label(label);
    let field = ui
        .add(
            egui::TextEdit::singleline(value)
                .password(true)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// Makes the app on an unlocked store.
pub(super) type OpenApp = fn(&egui::Context, PathBuf, Passphrase, State) -> GridbookApp;

/// The app behind its lock.
pub(super) struct Lockable {
    open: OpenApp,
    data_dir: PathBuf,
    /// The remembered state while locked (the app holds it while unlocked).
    state: State,
    app: Option<GridbookApp>,
    unlock: UnlockView,
    /// When input last came, in egui's seconds.
    last_active: f64,
}

impl Lockable {
    /// The app on the store in `data_dir`: unlocked at once with `passphrase` if given, else on
    /// the unlock page.
    pub(super) fn new(
        ctx: &egui::Context,
        data_dir: PathBuf,
        passphrase: Option<Passphrase>,
        state: State,
        open: OpenApp,
    ) -> Self {
        fonts::install_bundled(ctx);
        fonts::tablet_style(ctx);
        let app = passphrase.map(|p| open(ctx, data_dir.clone(), p, state.clone()));
        Lockable {
            open,
            unlock: UnlockView::new(data_dir.clone()),
            data_dir,
            state,
            app,
            last_active: 0.0,
        }
    }

    /// Whether the app is unlocked.
    #[cfg(test)]
    pub(crate) fn unlocked(&self) -> bool {
        self.app.is_some()
    }

    /// The app, when unlocked.
    #[cfg(test)]
    pub(crate) fn app(&self) -> Option<&GridbookApp> {
        self.app.as_ref()
    }

    /// Whether anything is being worked on (tests wait for it).
    #[cfg(test)]
    pub(crate) fn busy(&self) -> bool {
        self.unlock.busy() || self.app.as_ref().is_some_and(GridbookApp::busy)
    }

    /// Locks now: the app and its worker go, the store closes.
    pub(super) fn lock(&mut self) {
        if let Some(app) = self.app.take() {
            self.state = app.state.clone();
        }
    }

    /// Draws the app or the unlock page, locking first if idle for too long.
    pub(super) fn show(&mut self, ui: &mut Ui) {
        let (now, active) = ui.input(|i| {
            let active = i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::PointerButton { .. }
                        | egui::Event::PointerMoved(_)
                        | egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::Touch { .. }
                        | egui::Event::MouseWheel { .. }
                )
            });
            (i.time, active)
        });
        if active || self.last_active == 0.0 {
            self.last_active = now;
        }
        if let Some(app) = &mut self.app {
            let minutes = app.state.lock_after.0;
            let after = f64::from(minutes) * 60.0;
            if minutes > 0 && now - self.last_active >= after {
                self.lock();
            } else {
                app.show(ui);
                if minutes > 0 {
                    let left = after - (now - self.last_active);
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_secs_f64(left.max(1.0)));
                }
                return;
            }
        }
        i18n::set_language(self.state.language);
        let opened = egui::CentralPanel::default_margins()
            .show(ui, |ui| self.unlock.show(ui))
            .inner;
        if let Some(passphrase) = opened {
            self.last_active = now;
            self.app = Some((self.open)(
                ui.ctx(),
                self.data_dir.clone(),
                passphrase,
                self.state.clone(),
            ));
        }
    }

    /// Makes the app idle for `seconds` more than it has been (tests of the idle lock).
    #[cfg(test)]
    pub(crate) fn age(&mut self, seconds: f64) {
        self.last_active -= seconds;
    }
}

impl eframe::App for Lockable {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let state = self.app.as_ref().map_or(&self.state, |a| &a.state);
        eframe::set_value(storage, STATE_KEY, state);
    }
}

#[cfg(test)]
#[path = "unlock_tests.rs"]
mod tests;
