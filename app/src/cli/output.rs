//! Text output helpers: aligned columns that count Chinese characters as two cells, and JSON.

use anyhow::Result;
use serde::Serialize;

use crate::i18n::tr;
use crate::text::char_width;
pub(crate) use crate::text::width;

/// `s` cut to at most `max` cells, ending in … when cut.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` followed by spaces up to `cells` terminal cells (at least two).
pub(crate) fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(width(s)).max(2)))
}

/// A vocabulary value as a person reads it: its Chinese name in Chinese, in English its token
/// (what the command line takes).
pub(crate) fn term<V: gridbook_model::vocab::Vocabulary>(value: V) -> String {
    match crate::i18n::language() {
        crate::i18n::Language::Chinese => value.zh().to_string(),
        crate::i18n::Language::English => value.token().to_string(),
    }
}

/// [`table`] under headers looked up in this thread's language, one key per column (an empty
/// key: no header).
pub(crate) fn table_of(header_keys: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = header_keys
        .iter()
        .map(|key| {
            if key.is_empty() {
                String::new()
            } else {
                tr!(*key)
            }
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(&header, rows)
}

/// Rows under a header, each column padded to its widest cell; the last column is not padded.
/// Newlines and tabs inside cells become spaces so that one record stays one line.
pub(super) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    let mut all: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    all.extend(
        rows.iter()
            .map(|r| r.iter().map(|c| clean(c)).collect::<Vec<_>>()),
    );
    let columns = header.len();
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            all.iter()
                .map(|r| r.get(i).map_or(0, |c| width(c)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &all {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < columns {
                line.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `value` as pretty JSON with a trailing newline.
pub(super) fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

pub(crate) use crate::office::id_order;

/// An optional value for a text cell: the value, or `-`.
pub(super) fn or_dash(v: Option<impl ToString>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double_and_columns_align() {
        assert_eq!(width("中台a"), 5);
        let t = table(
            &["ID", "NAME"],
            &[
                vec!["zt".into(), "中台社区".into()],
                vec!["x".into(), "y".into()],
            ],
        );
        assert_eq!(t, "ID  NAME\nzt  中台社区\nx   y\n");
        assert_eq!(truncate("独居老人需要送餐", 9), "独居老人…");
        let mut ids = vec!["N-K7Q2ZD-10", "N-K7Q2ZD-9", "N-AAAAAA-11"];
        ids.sort_by_key(|id| id_order(id));
        assert_eq!(ids, ["N-AAAAAA-11", "N-K7Q2ZD-9", "N-K7Q2ZD-10"]);
    }
}
