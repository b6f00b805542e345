//! The one i18n layer: every string the GUI and the CLI show comes from `locales/` through
//! [`rust_i18n`], in the language the app's state names.
//!
//! rust-i18n keeps one global locale; the GUI instead passes the locale to every lookup from a
//! thread-local that the app sets at the start of each frame. UI tests run in parallel on their
//! own threads, each in its own language, without racing on the global. The command line sets
//! the locale's language for the whole process ([`Language::of_environment`]), and a command
//! forwarded to the app or `serve` runs in its caller's ([`in_language`]).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use gridbook_model::vocab::Vocabulary;
use serde::{Deserialize, Serialize};

/// A language the app is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) enum Language {
    /// 简体中文, the default.
    #[default]
    Chinese,
    /// English.
    English,
}

impl Language {
    /// Every language, in the order the settings list them.
    pub(crate) const ALL: [Language; 2] = [Language::Chinese, Language::English];

    /// The locale name in `app/locales/*.yml`.
    pub(crate) fn locale(self) -> &'static str {
        match self {
            Language::Chinese => "zh-CN",
            Language::English => "en",
        }
    }

    /// The language's name in itself, as a language picker shows it.
    pub(crate) fn endonym(self) -> &'static str {
        match self {
            Language::Chinese => "简体中文",
            Language::English => "English",
        }
    }
}

impl Language {
    /// The language the command line speaks: `GRIDBOOK_LANGUAGE` if set, else the locale's
    /// (the first non-empty of `LC_ALL`, `LC_MESSAGES` and `LANG`). Any `zh…` is Chinese;
    /// everything else, and no locale at all, is English.
    pub(crate) fn of_environment() -> Language {
        Self::of_locale(|name| std::env::var(name).ok())
    }

    fn of_locale(var: impl Fn(&str) -> Option<String>) -> Language {
        let named = ["GRIDBOOK_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(|name| var(name).filter(|v| !v.trim().is_empty()));
        match named {
            Some(v) if v.trim().to_ascii_lowercase().starts_with("zh") => Language::Chinese,
            _ => Language::English,
        }
    }
}

thread_local! {
    static CURRENT: Cell<Option<Language>> = const { Cell::new(None) };
}

/// Whether threads that set no language speak English: false (Chinese, the app's default)
/// unless the command line set the locale's language ([`set_process_language`]).
static PROCESS_ENGLISH: AtomicBool = AtomicBool::new(false);

/// Makes `language` the one this process's threads use when they set none: the command line
/// calls it once with the locale's language, so that its worker threads speak it too.
pub(crate) fn set_process_language(language: Language) {
    PROCESS_ENGLISH.store(language == Language::English, Ordering::Relaxed);
}

/// Makes `language` the one this thread's lookups use.
pub(crate) fn set_language(language: Language) {
    CURRENT.with(|c| c.set(Some(language)));
}

/// The language this thread's lookups use.
pub(crate) fn language() -> Language {
    CURRENT
        .with(Cell::get)
        .unwrap_or(if PROCESS_ENGLISH.load(Ordering::Relaxed) {
            Language::English
        } else {
            Language::Chinese
        })
}

/// Runs `f` with this thread's lookups in `language`, then gives the thread its language back:
/// a command forwarded to the app or `serve` answers in its caller's language.
pub(crate) fn in_language<R>(language: Language, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Language>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT.with(|c| c.replace(Some(language))));
    f()
}

/// Looks `key` up in the current language; `tr!("key", name = value)` fills `%{name}`.
macro_rules! tr {
    ($key:expr) => {
        rust_i18n::t!($key, locale = $crate::i18n::language().locale()).into_owned()
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        rust_i18n::t!(
            $key,
            locale = $crate::i18n::language().locale(),
            $($name = $value),+
        )
        .into_owned()
    };
}
pub(crate) use tr;

/// A vocabulary value's name in the current language: in Chinese the model's canonical name
/// (the one the CLI and the ledger use), in English its token made readable.
pub(crate) fn vocab<V: Vocabulary>(value: V) -> String {
    match language() {
        Language::Chinese => value.zh().to_string(),
        Language::English => {
            let words = value.token().replace('-', " ");
            let mut chars = words.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => words,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridbook_model::vocab::{Category, Stage};

    #[test]
    fn both_languages_translate_every_key() {
        let keys = |locale: &str| {
            let mut k: Vec<String> = crate::_rust_i18n_backend()
                .messages_for_locale(locale)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, _)| k.into_owned())
                .collect();
            k.sort();
            k
        };
        let (zh, en) = (keys("zh-CN"), keys("en"));
        assert!(zh.len() > 100, "the Chinese strings are loaded");
        assert_eq!(zh, en, "zh-CN and en hold the same keys");
    }

    #[test]
    fn the_locale_names_the_command_lines_language() {
        let lang = |vars: &[(&str, &str)]| {
            Language::of_locale(|name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            })
        };
        assert_eq!(lang(&[]), Language::English);
        assert_eq!(lang(&[("LANG", "zh_CN.UTF-8")]), Language::Chinese);
        assert_eq!(lang(&[("LANG", "zh_TW.UTF-8")]), Language::Chinese);
        assert_eq!(
            lang(&[("LC_ALL", "C.UTF-8"), ("LANG", "zh_CN.UTF-8")]),
            Language::English
        );
        assert_eq!(
            lang(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_CN"), ("LANG", "en_US")]),
            Language::Chinese
        );
        assert_eq!(
            lang(&[("GRIDBOOK_LANGUAGE", "zh-CN"), ("LC_ALL", "C")]),
            Language::Chinese
        );
        assert_eq!(
            lang(&[("GRIDBOOK_LANGUAGE", "en"), ("LANG", "zh_CN.UTF-8")]),
            Language::English
        );
    }

    #[test]
    fn a_forwarded_command_speaks_its_callers_language_and_gives_the_thread_back() {
        set_language(Language::Chinese);
        let inside = in_language(Language::English, || tr!("nav.needs"));
        assert_eq!(inside, "Needs");
        assert_eq!(tr!("nav.needs"), "民需");
    }

    #[test]
    fn lookups_follow_this_threads_language() {
        set_language(Language::English);
        assert_eq!(tr!("nav.needs"), "Needs");
        assert_eq!(vocab(Category::HomeElderlyCare), "Home elderly care");
        set_language(Language::Chinese);
        assert_eq!(tr!("nav.needs"), "民需");
        assert_eq!(vocab(Stage::Discovered), "发现");
        assert_eq!(
            tr!("new.saved", ledger = "ZT-1"),
            "已保存：ZT-1（已写入本机）"
        );
    }
}
