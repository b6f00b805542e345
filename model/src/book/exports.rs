//! The export log: every export of personal data (a ledger sheet, a document's Automerge file)
//! is recorded in the directory, so it syncs to the office like everything else and the audit
//! shows who exported which residents' records, when, and whether the file was encrypted.
//!
//! **Where it lives**: each export is one signed-by-its-author record — a JSON string put into
//! the directory's `exports` map by a change whose message starts with `export `. Like access
//! records, records are read from the directory's change history, so a later change that
//! overwrites or deletes one (or two devices creating the `exports` map at once) hides nothing.
//!
//! **Who may write what** (crate::book::enforce, the same deterministic rule on every device):
//! any member may append to the `exports` map, but only records naming its own device; any
//! other write there by a non-admin is ignored. Reading, a record counts only when its change
//! counts and its `device` is the change's author, so nobody can log an export in another
//! device's name.

use std::collections::{BTreeSet, HashSet};

use automerge::transaction::Transactable as _;
use automerge::{ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};

use super::Gridbook;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::NeedId;
use crate::time::Timestamp;

/// The message prefix of changes that log an export.
pub(super) const EXPORT_MESSAGE: &str = "export ";

/// The directory's top-level map that export records are put into.
pub(super) const EXPORTS: &str = "exports";

/// An export of personal data, as logged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// The device that exported (hex); set by [`Gridbook::log_export`].
    pub device: String,
    /// When, by that device's clock; set by [`Gridbook::log_export`].
    pub at: Timestamp,
    /// What was exported: `needs`, `needs,meetings`, `document needs/zt/2026-11`…
    pub what: String,
    /// The file format: `csv`, `xlsx`, `automerge`.
    pub format: String,
    /// The filters it was made with (period, community, grid), or `everything`.
    pub scope: String,
    /// How many records (rows) it holds.
    pub rows: usize,
    /// The residents (ids) whose records it holds, when the kind carries residents. Logged as
    /// runs of sequence numbers per device ([`id_runs`]): a full export names thousands.
    #[serde(default, with = "id_runs")]
    pub residents: Vec<String>,
    /// Whom the file was encrypted to (age recipients or device ids); empty: not encrypted.
    #[serde(default)]
    pub encrypted_to: Vec<String>,
}

impl ExportRecord {
    /// One line for the audit: what, how many, how, and for whom it was sealed.
    pub fn describe(&self) -> String {
        let sealed = if self.encrypted_to.is_empty() {
            "not encrypted".to_string()
        } else {
            format!("encrypted to {}", self.encrypted_to.join(", "))
        };
        format!(
            "exported {} ({}, {} rows, {}; {sealed})",
            self.what, self.format, self.rows, self.scope
        )
    }
}

impl Gridbook {
    /// Logs an export made on this device (its device and time are filled in), in the
    /// directory, so it reaches the office with the next sync. A device with no network yet
    /// has no directory to log in and logs nothing.
    pub fn log_export(&mut self, mut record: ExportRecord) -> Result<()> {
        if self.network()?.is_none() {
            return Ok(());
        }
        record.device = self.key.id_hex();
        record.at = self.now();
        let json = serde_json::to_string(&record).map_err(|e| Error::malformed("export", e))?;
        let id = {
            use sha2::Digest as _;
            let digest = sha2::Sha256::digest(json.as_bytes());
            format!(
                "{}-{}",
                record.at.0,
                data_encoding::HEXLOWER.encode(&digest[..6])
            )
        };
        self.op(|book| {
            book.edit(
                &DocId::Directory,
                &format!("{EXPORT_MESSAGE}{}", record.what),
                |tx, _| {
                    let exports = match tx.get(ROOT, EXPORTS) {
                        Ok(Some((automerge::Value::Object(ObjType::Map), obj))) => obj,
                        _ => tx
                            .put_object(ROOT, EXPORTS, ObjType::Map)
                            .map_err(|e| Error::malformed("directory", e))?,
                    };
                    tx.put(&exports, id.as_str(), json)
                        .map_err(|e| Error::malformed("directory", e))?;
                    Ok(((), Vec::new()))
                },
            )
        })
    }

    /// Every export logged in the directory that counts, in the directory's causal order.
    pub fn exports(&mut self) -> Result<Vec<ExportRecord>> {
        if !self.load(&DocId::Directory)? {
            return Ok(Vec::new());
        }
        self.check(&DocId::Directory)?;
        let Some(loaded) = self.docs.get(&DocId::Directory) else {
            return Ok(Vec::new());
        };
        let ignored: HashSet<&str> = loaded
            .checked
            .iter()
            .flat_map(|c| c.ignored.iter().map(|i| i.change.as_str()))
            .collect();
        let doc = &loaded.doc;
        let mut out = Vec::new();
        for meta in doc.get_changes_meta(&[]) {
            let logs = meta
                .message
                .as_deref()
                .is_some_and(|m| m.starts_with(EXPORT_MESSAGE));
            if !logs || ignored.contains(meta.hash.to_string().as_str()) {
                continue;
            }
            let author = super::device_of(&meta.actor);
            let Some(change) = doc.get_change_by_hash(&meta.hash) else {
                continue;
            };
            for op in change.decode().operations {
                if let automerge::legacy::OpType::Put(automerge::ScalarValue::Str(s)) = op.action
                    && let Ok(r) = serde_json::from_str::<ExportRecord>(&s)
                    && r.device == author
                {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    /// The residents (ids) the needs `ids` were recorded for, read from `doc`, a needs document.
    pub fn residents_of_needs(&mut self, doc: &DocId, ids: &[NeedId]) -> Result<BTreeSet<String>> {
        let Some(doc) = self.doc(doc)? else {
            return Ok(BTreeSet::new());
        };
        let Ok(Some((_, needs))) = doc.get(ROOT, "needs") else {
            return Ok(BTreeSet::new());
        };
        Ok(ids
            .iter()
            .filter_map(|id| {
                let (_, need) = doc.get(&needs, id.as_str()).ok().flatten()?;
                let (v, _) = doc.get(&need, "resident").ok().flatten()?;
                v.into_string().ok()
            })
            .collect())
    }
}

/// Whether a change by `author` (hex) may make this write in the directory's `exports` part:
/// creating the map, or putting a new record that names `author` as its device. Nothing is
/// overwritten (an op that supersedes another has predecessors) or deleted.
pub(super) fn own_export(op: &automerge::legacy::Op, author: &str) -> bool {
    use automerge::legacy::{ObjectId, OpType};
    if !op.pred.is_empty() {
        return false;
    }
    match (&op.obj, &op.action) {
        (ObjectId::Root, OpType::Make(ObjType::Map)) => true,
        (ObjectId::Id(_), OpType::Put(automerge::ScalarValue::Str(s))) => {
            serde_json::from_str::<ExportRecord>(s).is_ok_and(|r| r.device == author)
        }
        _ => false,
    }
}

/// Record ids (`<letter>-<device tag>-<sequence>`) written compactly, as runs of sequence numbers
/// per prefix: `R-3MXHY4:10-250,300;R-K7Q2ZD:1-12`. Ids a device makes in one go are
/// consecutive, so the 1,328 residents of a demo needs export take a few dozen bytes instead of
/// 16 KB, and the log in the synced directory grows by that much per export. An id of another
/// shape is kept whole; a plain list of ids is read too.
mod id_runs {
    use std::collections::{BTreeMap, BTreeSet};

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(ids: &[String], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode(ids))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Runs(String),
            List(Vec<String>),
        }
        Ok(match Either::deserialize(d)? {
            Either::Runs(runs) => decode(&runs),
            Either::List(ids) => ids,
        })
    }

    pub(super) fn encode(ids: &[String]) -> String {
        let mut runs: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
        let mut whole = Vec::new();
        for id in ids {
            match id.rsplit_once('-').map(|(p, n)| (p, n.parse::<u64>())) {
                Some((prefix, Ok(n))) if !prefix.contains([':', ';', ',']) => {
                    runs.entry(prefix).or_default().insert(n);
                }
                _ => whole.push(id.as_str()),
            }
        }
        let mut parts: Vec<String> = runs
            .into_iter()
            .map(|(prefix, numbers)| {
                let mut spans: Vec<(u64, u64)> = Vec::new();
                for n in numbers {
                    match spans.last_mut() {
                        Some((_, end)) if *end + 1 == n => *end = n,
                        _ => spans.push((n, n)),
                    }
                }
                let spans: Vec<String> = spans
                    .iter()
                    .map(|(a, b)| {
                        if a == b {
                            a.to_string()
                        } else {
                            format!("{a}-{b}")
                        }
                    })
                    .collect();
                format!("{prefix}:{}", spans.join(","))
            })
            .collect();
        parts.extend(whole.into_iter().map(str::to_string));
        parts.join(";")
    }

    pub(super) fn decode(runs: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for part in runs.split(';').filter(|p| !p.is_empty()) {
            let Some((prefix, spans)) = part.split_once(':') else {
                ids.push(part.to_string());
                continue;
            };
            for span in spans.split(',') {
                let (a, b) = span.split_once('-').unwrap_or((span, span));
                let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) else {
                    continue;
                };
                // A run is as long as the records it names: a damaged one is not expanded.
                if b < a || b - a > 1_000_000 {
                    continue;
                }
                ids.extend((a..=b).map(|n| format!("{prefix}-{n}")));
            }
        }
        ids
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn runs_of_ids_read_back_as_the_ids() {
            let ids: Vec<String> = [
                "R-AAA-3", "R-AAA-1", "R-AAA-2", "R-AAA-9", "R-BBB-10", "odd",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            let runs = encode(&ids);
            assert_eq!(runs, "R-AAA:1-3,9;R-BBB:10;odd");
            let mut back = decode(&runs);
            back.sort();
            let mut want = ids.clone();
            want.sort();
            assert_eq!(back, want);
            assert_eq!(decode(""), Vec::<String>::new());
            let many: Vec<String> = (1..=1328).map(|n| format!("R-3MXHY4-{n}")).collect();
            assert_eq!(encode(&many), "R-3MXHY4:1-1328");
        }
    }
}
