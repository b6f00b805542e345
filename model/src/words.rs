//! What a message says to a person, in no language yet: a key and its arguments, which the app
//! and the command line look up in the reader's language (`app/locales/`).
//!
//! Each error enum that reaches a person words itself with [`worded!`](crate::worded): one arm
//! per variant, each with its words and an example. So a variant added later does not compile
//! until it has both, and the app's test renders every example in every language.

use std::fmt;

/// A message for a person: a key in the app's locale files and the values of its `%{name}`
/// placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// The message's key, like `error.need.wrong_stage`.
    pub key: &'static str,
    /// The placeholders' values, by name.
    pub args: Vec<(&'static str, Arg)>,
}

/// The value of one placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// The same in every language: an id, a name someone typed, a number, a path, or a detail
    /// in a library's own words.
    Text(String),
    /// A name the model knows in both languages (a vocabulary value, a kind of record): the
    /// English one is the token the command line takes.
    Name {
        /// In English.
        en: &'static str,
        /// In Chinese.
        zh: &'static str,
    },
    /// Another message, worded in the same language: a cause, or a hint.
    Words(Words),
    /// Several values, joined as the language joins a list: "a, b and c", "a、b 和 c".
    List(Vec<Arg>),
}

impl Words {
    /// The message `key`, with no arguments yet.
    pub fn new(key: &'static str) -> Words {
        Words {
            key,
            args: Vec::new(),
        }
    }

    /// Fills `%{name}` with `value`, the same in every language.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Words {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Fills `%{name}` with a name known in both languages.
    pub fn name(mut self, name: &'static str, en: &'static str, zh: &'static str) -> Words {
        self.args.push((name, Arg::Name { en, zh }));
        self
    }

    /// Fills `%{name}` with a vocabulary value: its Chinese name, or its English token.
    pub fn vocab<V: crate::vocab::Vocabulary>(self, name: &'static str, value: V) -> Words {
        self.name(name, value.token(), value.zh())
    }

    /// Fills `%{name}` with another message.
    pub fn words(mut self, name: &'static str, words: Words) -> Words {
        self.args.push((name, Arg::Words(words)));
        self
    }

    /// Fills `%{name}` with a list of values, each the same in every language.
    pub fn list<T: fmt::Display>(
        mut self,
        name: &'static str,
        items: impl IntoIterator<Item = T>,
    ) -> Words {
        let items = items
            .into_iter()
            .map(|i| Arg::Text(i.to_string()))
            .collect();
        self.args.push((name, Arg::List(items)));
        self
    }

    /// Fills `%{name}` with a list of messages.
    pub fn list_of_words(mut self, name: &'static str, items: Vec<Words>) -> Words {
        self.args
            .push((name, Arg::List(items.into_iter().map(Arg::Words).collect())));
        self
    }
}

/// Gives an enum `words()`, which says what a value means to a person, and `examples()`, one
/// or more per arm, from one list of arms: `pattern => words, example: value, …;`.
///
/// The arms make `words()`'s match, which has no catch-all: a variant added later does not
/// compile until it has an arm, and an arm cannot be written without an example (give one
/// per message key the arm can choose, so that the tests see every key). The
/// generated `examples_fit_their_arms()` checks that each example matches its own arm and no
/// other, which also catches a catch-all arm; the app's test renders every example in every
/// language.
///
/// ```
/// use gridbook_model::words::Words;
///
/// #[derive(Debug)]
/// enum Fault {
///     Full { free: u64 },
///     Gone,
/// }
/// gridbook_model::worded!(Fault {
///     Fault::Full { free } => Words::new("error.fault.full").arg("free", free),
///         example: Fault::Full { free: 3 };
///     Fault::Gone => Words::new("error.fault.gone"), example: Fault::Gone;
/// });
///
/// assert_eq!(Fault::Gone.words().key, "error.fault.gone");
/// assert_eq!(Fault::examples().len(), 2);
/// assert_eq!(Fault::examples_fit_their_arms(), Ok(()));
/// ```
#[macro_export]
macro_rules! worded {
    ($ty:ty { $( $pat:pat => $words:expr, example: $($example:expr),+ ; )+ }) => {
        impl $ty {
            /// What this says to a person: a message key and its arguments, which the app and
            /// the command line look up in the reader's language.
            pub fn words(&self) -> $crate::words::Words {
                match self {
                    $( $pat => $words, )+
                }
            }

            /// The examples of every arm of [`words`](Self::words), in order: for the tests
            /// that word them all.
            #[doc(hidden)]
            pub fn examples() -> ::std::vec::Vec<Self> {
                ::std::vec![$($($example),+),+]
            }

            /// `Ok` when each example matches its own arm of [`words`](Self::words) and no
            /// other (so there is no catch-all arm); otherwise which one does not.
            #[doc(hidden)]
            #[allow(unused_variables, unused_assignments)]
            pub fn examples_fit_their_arms() -> ::std::result::Result<(), ::std::string::String> {
                let arms: &[fn(&Self) -> bool] = &[$( |value| ::std::matches!(value, $pat) ),+];
                let mut owners: ::std::vec::Vec<usize> = ::std::vec::Vec::new();
                let mut arm = 0usize;
                $(
                    $( let _ = ::std::stringify!($example); owners.push(arm); )+
                    arm += 1;
                )+
                for (example, owner) in Self::examples().iter().zip(owners) {
                    let fits: ::std::vec::Vec<usize> = arms
                        .iter()
                        .enumerate()
                        .filter(|(_, arm)| arm(example))
                        .map(|(j, _)| j)
                        .collect();
                    if fits != [owner] {
                        return Err(::std::format!(
                            "{example:?} fits the arms {fits:?}, not just its own ({owner})"
                        ));
                    }
                }
                Ok(())
            }
        }
    };
}
