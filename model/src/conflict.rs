//! Concurrent values. When two devices set the same field offline, Automerge keeps both and
//! picks one to show; Gridbook shows every value so a person can choose (writing a value again
//! resolves the conflict). Equal values written concurrently are not a conflict to a person.

use automerge::{ObjId, ReadDoc};

/// One field with more than one current value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Conflict {
    /// The field's name.
    pub field: String,
    /// Every distinct current value, as JSON, the one Automerge shows first.
    pub values: Vec<serde_json::Value>,
}

/// The distinct current values of `obj[key]` as plain JSON, winner first.
pub fn values_at<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Vec<serde_json::Value> {
    let mut all: Vec<serde_json::Value> = doc
        .get_all(obj, key)
        .unwrap_or_default()
        .into_iter()
        .map(|(value, id)| crate::dump::value_json(doc, &value, &id))
        .collect();
    // get_all lists the winner last; people read it first.
    all.reverse();
    let mut distinct: Vec<serde_json::Value> = Vec::new();
    for v in all {
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    distinct
}

/// Every field of `obj` (one level deep) with more than one distinct current value.
pub fn conflicts<D: ReadDoc>(doc: &D, obj: &ObjId) -> Vec<Conflict> {
    doc.keys(obj)
        .filter_map(|key| {
            let values = values_at(doc, obj, &key);
            (values.len() > 1).then(|| Conflict {
                field: key.to_string(),
                values,
            })
        })
        .collect()
}

/// The names of the conflicted fields of `obj`, cheaply: only fields with several values are
/// converted to JSON.
pub fn conflicted_fields<D: ReadDoc>(doc: &D, obj: &ObjId) -> Vec<String> {
    doc.keys(obj)
        .filter(|key| {
            doc.get_all(obj, key.as_str())
                .map(|v| v.len() > 1)
                .unwrap_or(false)
        })
        .filter(|key| values_at(doc, obj, key).len() > 1)
        .collect()
}
