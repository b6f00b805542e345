//! Parsers of argument values: the vocabulary (tokens or Chinese names) and yes/no.

use std::ffi::OsStr;
use std::marker::PhantomData;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use gridbook_model::vocab::Vocabulary;

/// Parses a vocabulary value with the model's `FromStr` (tokens or Chinese names), reports the
/// model's message, and lists the tokens in `--help`.
#[derive(Debug)]
pub(crate) struct VocabParser<T>(PhantomData<T>);

impl<T> Clone for VocabParser<T> {
    fn clone(&self) -> Self {
        VocabParser(PhantomData)
    }
}

/// The value parser of a vocabulary enum.
pub(crate) fn vocab<T: Vocabulary>() -> VocabParser<T> {
    VocabParser(PhantomData)
}

impl<T: Vocabulary> TypedValueParser for VocabParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let flag = arg
            .and_then(|a| a.get_long().map(|l| format!("--{l}")))
            .unwrap_or_else(|| "value".into());
        let text = value.to_str().ok_or_else(|| {
            clap::Error::raw(ErrorKind::InvalidUtf8, format!("{flag}: not valid UTF-8\n"))
                .with_cmd(cmd)
        })?;
        text.parse::<T>().map_err(|e| {
            clap::Error::raw(ErrorKind::InvalidValue, format!("{flag}: {e}\n")).with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            T::all()
                .iter()
                .map(|v| PossibleValue::new(v.token()).help(v.zh())),
        ))
    }
}

/// `yes`/`no` (also `y`/`n`, `true`/`false`, 是/否).
pub(super) fn yes_no(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "是" => Ok(true),
        "no" | "n" | "false" | "否" => Ok(false),
        _ => Err("answer yes or no".into()),
    }
}

/// A need as named on the command line: its id or its ledger number, resolved against the
/// store by [`gridbook_model::Gridbook::resolve_need`] once it is open.
#[derive(Debug, Clone)]
pub(crate) struct NeedRef(pub String);

impl std::str::FromStr for NeedRef {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(NeedRef(s.to_string()))
    }
}

impl NeedRef {
    /// The need's id.
    pub(crate) fn resolve(
        &self,
        book: &gridbook_model::Gridbook,
    ) -> gridbook_model::Result<gridbook_model::ids::NeedId> {
        book.resolve_need(&self.0)
    }
}
