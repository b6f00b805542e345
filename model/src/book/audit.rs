//! The audit trail: who (device and person) changed or exported which resident's or need's
//! record, and when, read from the documents' own change history and the export log
//! (`super::exports`).
//!
//! Every change to the residents' register and to the needs documents is decoded and each op
//! is traced to the record it touches (the resident or need whose map holds the changed
//! object), so an edit is found whatever message it was committed with. Changes that are kept
//! but ignored (crate::book::enforce) are listed too, marked as not counting: an audit shows
//! attempts as well as effects. Entries come in causal order per document, never sorted by the
//! authors' clocks.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use automerge::{Automerge, ChangeHash, ObjId, ROOT, ReadDoc};

use super::Gridbook;
use crate::doc_id::DocId;
use crate::error::Result;
use crate::time::Timestamp;

/// One change to one resident's or need's record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    /// When, by the author's clock (shown, never used to order).
    pub at: Timestamp,
    /// The device that made the change (hex).
    pub device: String,
    /// The member using that device, when the directory grants it.
    pub who: Option<String>,
    /// `resident`, `need`, or `export` (a file of personal data written).
    pub kind: &'static str,
    /// The record's id; for an export, the resident asked about, or what was exported.
    pub record: String,
    /// The document it is in.
    pub doc: String,
    /// What was done, as committed.
    pub what: String,
    /// Whether the change counts (false: kept but ignored, see `gridbook ignored`).
    pub counts: bool,
}

impl Gridbook {
    /// Every change to residents' and needs' records and every export of them, or, given
    /// `resident` (an id), the changes to that resident's record and to the needs recorded for
    /// that resident, and the exports that held any of them. Exports come last.
    pub fn audit(&mut self, resident: Option<&str>) -> Result<Vec<AuditEntry>> {
        let names = self.member_names_by_device()?;
        let ignored: HashSet<String> = self
            .ignored_changes()?
            .into_iter()
            .map(|i| i.change)
            .collect();
        let mut out = Vec::new();
        for id in self.doc_ids()? {
            let (kind, table) = match id {
                DocId::Directory => ("resident", "residents"),
                DocId::Needs { .. } => ("need", "needs"),
                _ => continue,
            };
            let Some(doc) = self.full_doc(&id)? else {
                continue;
            };
            let wanted: Option<BTreeSet<String>> = match (resident, kind) {
                (None, _) => None,
                (Some(r), "resident") => Some([r.to_string()].into()),
                (Some(r), _) => Some(needs_of_resident(doc, r)),
            };
            for (change, records) in touched(doc, table) {
                let Some(meta) = doc.get_change_meta_by_hash(&change) else {
                    continue;
                };
                let device = super::device_of(&meta.actor);
                for record in records {
                    if wanted.as_ref().is_some_and(|w| !w.contains(&record)) {
                        continue;
                    }
                    out.push(AuditEntry {
                        at: Timestamp(meta.timestamp * 1000),
                        who: names.get(&device).cloned(),
                        device: device.clone(),
                        kind,
                        record,
                        doc: id.to_string(),
                        what: meta.message.as_deref().unwrap_or_default().to_string(),
                        counts: !ignored.contains(&change.to_string()),
                    });
                }
            }
        }
        for e in self.exports()? {
            let record = match resident {
                None => e.what.clone(),
                Some(r) if e.residents.iter().any(|x| x == r) => r.to_string(),
                Some(_) => continue,
            };
            out.push(AuditEntry {
                at: e.at,
                who: names.get(&e.device).cloned(),
                device: e.device.clone(),
                kind: "export",
                record,
                doc: DocId::Directory.to_string(),
                what: e.describe(),
                counts: true,
            });
        }
        Ok(out)
    }

    fn member_names_by_device(&mut self) -> Result<BTreeMap<String, String>> {
        if self.network()?.is_none() {
            return Ok(BTreeMap::new());
        }
        let members = self.directory_view()?.members;
        Ok(self
            .devices()?
            .into_iter()
            .filter_map(|(hex, d)| Some((hex, members.get(d.member.as_str())?.name.clone())))
            .collect())
    }
}

/// For each change (in the document's causal order), the records of `table` its ops touch.
fn touched(doc: &Automerge, table: &str) -> Vec<(ChangeHash, BTreeSet<String>)> {
    let tables: Vec<ObjId> = doc
        .get_all(ROOT, table)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let mut out = Vec::new();
    for change in doc.get_changes(&[]) {
        let mut records = BTreeSet::new();
        for op in change.decode().operations {
            let record = match &op.obj {
                automerge::legacy::ObjectId::Root => None,
                automerge::legacy::ObjectId::Id(id) => {
                    record_of(doc, &tables, &format!("{}@{}", id.0, id.1), &op.key)
                }
            };
            records.extend(record);
        }
        if !records.is_empty() {
            out.push((change.hash(), records));
        }
    }
    out
}

/// The key in one of `tables` under which the object `obj` lies (or which the op at `key` in
/// the table itself writes).
fn record_of(
    doc: &Automerge,
    tables: &[ObjId],
    obj: &str,
    key: &automerge::legacy::Key,
) -> Option<String> {
    let obj = doc.import_obj(obj).ok()?;
    if tables.contains(&obj) {
        return match key {
            automerge::legacy::Key::Map(k) => Some(k.to_string()),
            automerge::legacy::Key::Seq(_) => None,
        };
    }
    let mut parents = doc.parents(&obj).ok()?;
    parents
        .find(|p| tables.contains(&p.obj))
        .and_then(|p| match p.prop {
            automerge::Prop::Map(k) => Some(k),
            automerge::Prop::Seq(_) => None,
        })
}

/// The needs in a needs document recorded for `resident`.
fn needs_of_resident(doc: &Automerge, resident: &str) -> BTreeSet<String> {
    let Ok(Some((_, needs))) = doc.get(ROOT, "needs") else {
        return BTreeSet::new();
    };
    doc.keys(&needs)
        .filter(|k| {
            doc.get(&needs, k.as_str())
                .ok()
                .flatten()
                .and_then(|(_, need)| doc.get(&need, "resident").ok().flatten())
                .and_then(|(v, _)| v.into_string().ok())
                .is_some_and(|r| r == resident)
        })
        .collect()
}
