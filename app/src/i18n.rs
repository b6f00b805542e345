//! The one i18n layer: every string the GUI and the CLI show comes from `locales/` through
//! [`rust_i18n`], in the language the app's state names.
//!
//! rust-i18n keeps one global locale; the GUI instead passes the locale to every lookup from a
//! thread-local that the app sets at the start of each frame. UI tests run in parallel on their
//! own threads, each in its own language, without racing on the global.

use std::cell::Cell;

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

thread_local! {
    static CURRENT: Cell<Language> = const { Cell::new(Language::Chinese) };
}

/// Makes `language` the one this thread's lookups use.
pub(crate) fn set_language(language: Language) {
    CURRENT.with(|c| c.set(language));
}

/// The language this thread's lookups use.
pub(crate) fn language() -> Language {
    CURRENT.with(Cell::get)
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
