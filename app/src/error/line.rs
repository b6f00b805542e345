//! How any error reads to a person: the words of the first error in its chain that has words
//! (the libraries' errors and the command line's own), in the reader's language.

use gridbook_model::words::{Arg, Words};

use super::CliError;
use crate::i18n::Language;

/// The words of `e`, when it is one of the errors that have words.
pub(crate) fn words_of(e: &(dyn std::error::Error + 'static)) -> Option<Words> {
    macro_rules! try_words {
        ($($t:ty),+) => {$(
            if let Some(e) = e.downcast_ref::<$t>() {
                return Some(e.words());
            }
        )+};
    }
    try_words!(
        CliError,
        gridbook_model::Error,
        gridbook_model::store::StoreError,
        gridbook_model::store::crypt::CryptError,
        gridbook_model::need::TransitionError,
        gridbook_model::ids::BadId,
        gridbook_model::vocab::UnknownToken,
        gridbook_sync::node::NodeError,
        gridbook_sync::SessionError,
        gridbook_sync::FrameError,
        gridbook_sync::bundle::BundleError,
        gridbook_sync::invite::InviteError,
        gridbook_sync::seal::SealError,
        gridbook_sync::BookGone
    );
    None
}

/// A cause as an argument: its words when it has some, else its own text.
pub(super) fn cause_arg(cause: &(dyn std::error::Error + 'static)) -> Arg {
    match words_of(cause) {
        Some(words) => Arg::Words(words),
        None => Arg::Text(cause.to_string()),
    }
}

/// The words of the first error in `e`'s chain that has words (they say its causes too).
pub(crate) fn words_of_chain(e: &anyhow::Error) -> Option<Words> {
    e.chain().find_map(words_of)
}

/// The error on one line in `language`: the words of the first error in its chain that has
/// words (they say its causes too), after whatever wraps it; a cause with no words in its own
/// text. What `main` prints after `error: `, and what an owner answers a forwarded command.
pub(crate) fn one_line(e: &anyhow::Error, language: Language) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let words = words_of(cause);
        let text = match &words {
            Some(words) => crate::words::render(words, language),
            None => cause.to_string(),
        };
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        if words.is_some() {
            break;
        }
    }
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::Step;
    use super::*;

    #[test]
    fn one_line_words_the_first_worded_error_and_its_causes() {
        let e = anyhow::Error::from(CliError::Failed {
            step: Step::Import("usb/gridbook.bundle".into()),
            cause: gridbook_sync::bundle::BundleError::NotABundle.into(),
        });
        assert_eq!(
            one_line(&e, Language::English),
            "usb/gridbook.bundle was not imported: this file is not a Gridbook bundle"
        );
        assert_eq!(
            one_line(&e, Language::Chinese),
            "usb/gridbook.bundle 未导入：这个文件不是 Gridbook 数据包"
        );
    }
}
