//! What the app remembers between runs (eframe's storage), apart from its runtime handles.

use serde::{Deserialize, Serialize};

use super::rows::NeedFilter;
use crate::i18n::Language;

/// What the app remembers between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct State {
    /// The language of the UI.
    pub language: Language,
    /// The page shown, by its id (`pages::Page::id`); empty or unknown: the first page.
    pub page: String,
    /// The needs view's filter.
    pub filter: NeedFilter,
    /// The grid the door-step form starts in (a grid worker works one grid).
    pub last_grid: Option<String>,
    /// The community whose volunteers are listed.
    pub volunteer_community: Option<String>,
    /// The folder a file was last chosen in (the files page's chooser starts there).
    pub files_dir: Option<std::path::PathBuf>,
    /// The idle time after which the app locks (see unlock.rs).
    pub lock_after: LockAfter,
    /// The view of the start page a script asked for (`GRIDBOOK_START_PAGE=<page>/<view>`);
    /// never remembered.
    #[serde(skip)]
    pub start_view: Option<String>,
}

/// The idle time after which the app locks, unless Settings say otherwise.
pub(super) const DEFAULT_LOCK_MINUTES: u32 = 10;

/// The idle time after which the app locks, in minutes (0: never), set in Settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct LockAfter(pub u32);

impl Default for LockAfter {
    fn default() -> Self {
        LockAfter(DEFAULT_LOCK_MINUTES)
    }
}
