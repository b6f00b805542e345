//! A file chooser for a tablet, drawn inside the app: it lists a folder's folders and files
//! with their sizes, goes up and down by taps, filters files by extension, and offers the home
//! folder, the app's exports folder and mounted removable media as shortcuts. It picks a file
//! (to open) or a folder with a new file's name (to save into); there is no path box to type.
//!
//! Our own rather than a crate's: egui-file-dialog 0.15 is built on egui 0.36 (the workspace
//! has 0.37), and egui_file 0.29, which is on 0.37, edits the path in a text box, reads the
//! folder on every change, shows no sizes or removable media, and words itself in English.

use std::path::{Path, PathBuf};

use egui::Ui;

use crate::gui::widgets::{big_button, chip};
use crate::i18n::tr;

mod listing;

pub(crate) use listing::size_text;
use listing::{Entry, Unreadable};

/// What the chooser is for.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    /// A file to open, of these extensions (without dots) unless the person asks for all.
    Open { extensions: Vec<&'static str> },
    /// A folder to save into, and the new file's name.
    Save { name: String },
}

/// What the person chose.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Chosen {
    /// A file to open.
    File(PathBuf),
    /// A new file's path: the folder chosen and the name given.
    Save(PathBuf),
    /// Nothing: the chooser was closed.
    Cancelled,
}

/// The chooser's state: where it is and what it read there.
pub(crate) struct Chooser {
    mode: Mode,
    dir: PathBuf,
    listing: Result<Vec<Entry>, Unreadable>,
    all_files: bool,
    /// Shortcuts: the home folder, the exports folder, removable media (read once).
    places: Vec<(String, PathBuf)>,
    /// Why the name cannot be saved under.
    bad_name: bool,
}

impl Chooser {
    /// A chooser of a file ending in one of `extensions`, starting in `start`.
    pub(crate) fn open(start: &Path, exports: &Path, extensions: &[&'static str]) -> Chooser {
        let mode = Mode::Open {
            extensions: extensions.to_vec(),
        };
        Chooser::new(mode, start, exports)
    }

    /// A chooser of a folder to save `name` into (the name can be changed), starting in
    /// `start`.
    pub(crate) fn save(start: &Path, exports: &Path, name: &str) -> Chooser {
        let mode = Mode::Save { name: name.into() };
        Chooser::new(mode, start, exports)
    }

    fn new(mode: Mode, start: &Path, exports: &Path) -> Chooser {
        let mut places = Vec::new();
        if let Some(home) = listing::home() {
            places.push((tr!("chooser.home"), home));
        }
        places.push((tr!("chooser.exports"), exports.to_path_buf()));
        for media in listing::removable() {
            let name = media.file_name().map_or_else(
                || media.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            places.push((tr!("chooser.removable", name = name), media));
        }
        let mut chooser = Chooser {
            mode,
            dir: PathBuf::new(),
            listing: Ok(Vec::new()),
            all_files: false,
            places,
            bad_name: false,
        };
        chooser.go(start.to_path_buf());
        chooser
    }

    /// The folder shown.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Goes to `dir` and reads it.
    fn go(&mut self, dir: PathBuf) {
        self.listing = listing::list(&dir);
        self.dir = dir;
    }

    /// Draws the chooser; what the person chose, once they have.
    pub(crate) fn show(&mut self, ui: &mut Ui) -> Option<Chosen> {
        let mut chosen = None;
        let mut go = None;
        ui.group(|ui| {
            ui.horizontal_wrapped(|ui| {
                for (name, path) in &self.places {
                    if chip(ui, *path == self.dir, name).clicked() {
                        go = Some(path.clone());
                    }
                }
            });
            ui.horizontal_wrapped(|ui| {
                let parent = self.dir.parent().map(Path::to_path_buf);
                if ui
                    .add_enabled(
                        parent.is_some(),
                        egui::Button::new(tr!("chooser.up")).min_size(egui::vec2(64.0, 48.0)),
                    )
                    .clicked()
                {
                    go = parent;
                }
                ui.label(tr!("chooser.here", path = self.dir.display()));
            });
            if let Mode::Open { extensions } = &self.mode {
                let only = extensions
                    .iter()
                    .map(|e| format!(".{e}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                ui.horizontal_wrapped(|ui| {
                    if chip(ui, !self.all_files, tr!("chooser.only", extensions = only)).clicked() {
                        self.all_files = false;
                    }
                    if chip(ui, self.all_files, tr!("chooser.all_files")).clicked() {
                        self.all_files = true;
                    }
                });
            }
            match &self.listing {
                Err(why) => {
                    let why = match why {
                        Unreadable::Denied => tr!("chooser.denied"),
                        Unreadable::Gone => tr!("chooser.gone"),
                        Unreadable::Other(said) => tr!("chooser.unreadable", reason = said),
                    };
                    ui.colored_label(ui.visuals().error_fg_color, why);
                }
                Ok(entries) => {
                    if let Some(picked) = self.entries(ui, entries) {
                        if picked.folder {
                            go = Some(picked.path);
                        } else {
                            chosen = Some(Chosen::File(picked.path));
                        }
                    }
                }
            }
            if let Mode::Save { name } = &mut self.mode {
                let label = ui.label(tr!("chooser.file_name"));
                ui.add(egui::TextEdit::singleline(name).desired_width(320.0))
                    .labelled_by(label.id);
                if self.bad_name {
                    ui.colored_label(ui.visuals().error_fg_color, tr!("chooser.bad_name"));
                }
            }
            ui.horizontal(|ui| {
                if let Mode::Save { name } = &self.mode
                    && big_button(ui, tr!("chooser.save_here"))
                {
                    let name = name.trim();
                    self.bad_name = name.is_empty()
                        || name.contains(['/', '\\', ':'])
                        || name.starts_with('.')
                        || self.listing.is_err();
                    if !self.bad_name {
                        chosen = Some(Chosen::Save(self.dir.join(name)));
                    }
                }
                if big_button(ui, tr!("chooser.cancel")) {
                    chosen = Some(Chosen::Cancelled);
                }
            });
        });
        if let Some(dir) = go {
            self.go(dir);
        }
        chosen
    }

    /// The folder's entries: folders and the files the filter lets through, as buttons (files
    /// only when choosing a file); the one tapped.
    fn entries(&self, ui: &mut Ui, entries: &[Entry]) -> Option<Entry> {
        let shown: Vec<&Entry> = entries
            .iter()
            .filter(|e| match &self.mode {
                _ if e.folder => true,
                Mode::Open { extensions } => {
                    self.all_files || listing::has_extension(&e.name, extensions)
                }
                Mode::Save { .. } => true,
            })
            .collect();
        if shown.is_empty() {
            ui.label(tr!("chooser.empty"));
            return None;
        }
        let mut tapped = None;
        let row_height = 40.0;
        egui::ScrollArea::vertical()
            .max_height(360.0)
            .auto_shrink([false, true])
            .show_rows(ui, row_height, shown.len(), |ui, rows| {
                for entry in &shown[rows] {
                    ui.horizontal(|ui| {
                        let size = egui::vec2(420.0, row_height - 4.0);
                        let open = matches!(self.mode, Mode::Open { .. });
                        let button = egui::Button::new(&entry.name).min_size(size);
                        if ui.add_enabled(entry.folder || open, button).clicked() {
                            tapped = Some((*entry).clone());
                        }
                        ui.label(if entry.folder {
                            tr!("chooser.folder")
                        } else {
                            size_text(entry.size)
                        });
                    });
                }
            });
        tapped
    }
}
