//! Words in a language: renders the libraries' [`Words`] (an error's message key and its
//! arguments) with the strings of `locales/`, for the app and the command line alike.

use gridbook_model::words::{Arg, Words};

use crate::i18n::Language;

/// `words` in this thread's language.
pub(crate) fn say(words: &Words) -> String {
    render(words, crate::i18n::language())
}

/// `words` in `language`, every placeholder filled.
pub(crate) fn render(words: &Words, language: Language) -> String {
    let template = crate::_rust_i18n_try_translate(language.locale(), words.key)
        // Never in a build that passed its tests (they word every example in every language).
        .unwrap_or_else(|| words.key.into());
    let names: Vec<&str> = words.args.iter().map(|(name, _)| *name).collect();
    let values: Vec<String> = words
        .args
        .iter()
        .map(|(_, value)| arg(value, language))
        .collect();
    rust_i18n::replace_patterns(&template, &names, &values)
}

fn arg(value: &Arg, language: Language) -> String {
    match value {
        Arg::Text(text) => text.clone(),
        Arg::Name { en, zh } => match language {
            Language::Chinese => (*zh).to_string(),
            Language::English => (*en).to_string(),
        },
        Arg::Words(inner) => render(inner, language),
        Arg::List(items) => {
            let items: Vec<String> = items.iter().map(|i| arg(i, language)).collect();
            let (comma, and) = match language {
                Language::Chinese => ("、", " 和 "),
                Language::English => (", ", " and "),
            };
            match items.as_slice() {
                [] => String::new(),
                [one] => one.clone(),
                [init @ .., last] => format!("{}{and}{last}", init.join(comma)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fmt::{Debug, Display};

    use gridbook_model::ledger::{PlaceProblem, RowError, RowProblem};
    use gridbook_model::need::{NeedField, TransitionError};
    use gridbook_model::store::StoreError;
    use gridbook_model::store::crypt::CryptError;
    use gridbook_model::{Error, Field, Part, WhyIgnored, ids::BadId, vocab::UnknownToken};
    use gridbook_sync::BookGone;
    use gridbook_sync::SessionError;
    use gridbook_sync::bundle::BundleError;
    use gridbook_sync::invite::InviteError;
    use gridbook_sync::node::NodeError;

    use crate::error::{CliError, PeerFailure, Secret, Step};
    use gridbook_sync::FrameError;
    use gridbook_sync::seal::SealError;

    use super::*;

    /// `T`'s examples, each of which must fit its own arm of `T::words()` alone: its `Debug`,
    /// its words and its English `Display`.
    fn all<T: Debug + Display>(
        examples: Vec<T>,
        words: fn(&T) -> Words,
        fit: Result<(), String>,
    ) -> Vec<(String, Words, String)> {
        assert_eq!(fit, Ok(()), "{}", std::any::type_name::<T>());
        examples
            .iter()
            .map(|e| (format!("{e:?}"), words(e), e.to_string()))
            .collect()
    }

    /// The examples of every type listed.
    macro_rules! examples_of {
        ($($t:ty),+ $(,)?) => {{
            let mut out = Vec::new();
            $( out.extend(all(<$t>::examples(), <$t>::words, <$t>::examples_fit_their_arms())); )+
            out
        }};
    }

    /// One example of every wording of every error a person reads.
    fn every_example() -> Vec<(String, Words, String)> {
        examples_of!(
            Error,
            Field,
            TransitionError,
            NeedField,
            StoreError,
            CryptError,
            BadId,
            UnknownToken,
            WhyIgnored,
            Part,
            SessionError,
            FrameError,
            NodeError,
            BookGone,
            BundleError,
            InviteError,
            SealError,
            CliError,
            Secret,
            PeerFailure,
            Step,
            RowError,
            RowProblem,
            PlaceProblem,
        )
    }

    /// Every key `words` looks up, its own and its arguments'.
    fn keys(words: &Words, out: &mut BTreeSet<&'static str>) {
        fn of_arg(arg: &Arg, out: &mut BTreeSet<&'static str>) {
            match arg {
                Arg::Words(inner) => keys(inner, out),
                Arg::List(items) => items.iter().for_each(|i| of_arg(i, out)),
                _ => {}
            }
        }
        out.insert(words.key);
        for (_, arg) in &words.args {
            of_arg(arg, out);
        }
    }

    #[test]
    fn every_error_is_worded_in_both_languages_and_english_says_what_display_says() {
        let mut problems = Vec::new();
        for (what, words, display) in every_example() {
            let mut used = BTreeSet::new();
            keys(&words, &mut used);
            for language in Language::ALL {
                for key in &used {
                    // No fallback here: a key missing in one language is a missing wording.
                    if crate::_rust_i18n_backend()
                        .translate(language.locale(), key)
                        .is_none()
                    {
                        problems.push(format!(
                            "{what}: no {} wording for {key}",
                            language.locale()
                        ));
                    }
                }
                let text = render(&words, language);
                if text.contains("%{") {
                    problems.push(format!("{what}: a placeholder is left in {text:?}"));
                }
                if language == Language::English && text != display {
                    problems.push(format!(
                        "{what}: en says {text:?}\n  but Display says {display:?}"
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn every_error_wording_in_the_locale_files_is_used() {
        let mut used = BTreeSet::new();
        for (_, words, _) in every_example() {
            keys(&words, &mut used);
        }
        for (_, cell, _) in row_errors_by_cell() {
            keys(&cell, &mut used);
        }
        let files = [
            include_str!("../locales/errors.yml"),
            include_str!("../locales/import.yml"),
        ];
        let unused: Vec<&str> = files
            .iter()
            .flat_map(|file| file.lines())
            .filter(|l| !l.starts_with([' ', '#', '_']) && l.ends_with(':'))
            .map(|l| l.trim_end_matches(':'))
            .filter(|k| !used.contains(k))
            .collect();
        assert!(unused.is_empty(), "no example is worded with {unused:?}");
    }

    /// A row error for every example of a row's problem (places too), as the command line
    /// words it whole and as the Files page words its cell: (the whole, the cell, the
    /// problem's English).
    fn row_errors_by_cell() -> Vec<(Words, Words, String)> {
        RowProblem::examples()
            .into_iter()
            .chain(PlaceProblem::examples().into_iter().map(RowProblem::from))
            .map(|problem| {
                let english = problem.to_string();
                let e = RowError {
                    row: 5,
                    column: "网格",
                    problem,
                };
                (e.words(), e.cell_words(), english)
            })
            .collect()
    }

    #[test]
    fn a_row_error_reads_in_chinese_with_no_english_and_in_english_as_the_cli_prints_it() {
        let mut problems = Vec::new();
        for (whole, cell, english) in row_errors_by_cell() {
            for words in [&whole, &cell] {
                let zh = render(words, Language::Chinese);
                let runs = crate::gui::testing::english_runs(&zh);
                if !runs.is_empty() || zh.contains("%{") {
                    problems.push(format!("{zh:?} has English {runs:?}"));
                }
            }
            let en = render(&whole, Language::English);
            if en != format!("row 5, 网格: {english}") {
                problems.push(format!("en says {en:?}, Display {english:?}"));
            }
            let en = render(&cell, Language::English);
            if en != format!("网格: {english}") {
                problems.push(format!("the cell in en says {en:?}"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        let e = RowError {
            row: 5,
            column: "网格",
            problem: PlaceProblem::NoGrid {
                given: "第9网格".into(),
                community: gridbook_model::ledger::Parent {
                    id: "zt".into(),
                    name: "中台社区".into(),
                },
            }
            .into(),
        };
        assert_eq!(
            render(&e.words(), Language::Chinese),
            "第 5 行，网格：中台社区没有名为「第9网格」的网格：请先在名录中添加"
        );
        assert_eq!(
            render(&e.cell_words(), Language::English),
            "网格: no grid in community zt is called '第9网格': add it to the directory first"
        );
    }

    #[test]
    fn chinese_names_the_record_and_the_stage_in_chinese() {
        let e = Error::Transition(TransitionError::Missing {
            stage: gridbook_model::vocab::Stage::Evaluated,
            field: NeedField::Evaluation,
        });
        assert_eq!(
            render(&e.words(), Language::Chinese),
            "进入「评估」阶段需要 --evaluation（评价）"
        );
        assert_eq!(
            render(&e.words(), Language::English),
            "moving to evaluated needs --evaluation"
        );
    }
}
