//! The canonical JSON of docs/design.md: each document's content as plain JSON, maps with keys
//! sorted, Text as a string, a field with concurrent distinct values as
//! `{"$conflict": [values, sorted]}`. Nothing derived and nothing device-local, so two converged
//! devices print identical bytes.

use automerge::{ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use serde_json::{Map, Value as Json};

/// A scalar as JSON. Timestamps are milliseconds, bytes are lower-case hex.
pub fn scalar_json(s: &ScalarValue) -> Json {
    match s {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) => Json::from(*i),
        ScalarValue::Uint(u) => Json::from(*u),
        ScalarValue::F64(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        ScalarValue::Counter(c) => Json::from(i64::from(c)),
        ScalarValue::Timestamp(t) => Json::from(*t),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Bytes(b) => Json::String(data_encoding::HEXLOWER.encode(b)),
        ScalarValue::Null => Json::Null,
        ScalarValue::Unknown { bytes, .. } => Json::String(data_encoding::HEXLOWER.encode(bytes)),
    }
}

/// A value (scalar or object) as canonical JSON.
pub fn value_json<D: ReadDoc>(doc: &D, value: &Value<'_>, id: &ObjId) -> Json {
    match value {
        Value::Scalar(s) => scalar_json(s),
        Value::Object(ObjType::Text) => Json::String(doc.text(id).unwrap_or_default()),
        Value::Object(ObjType::Map | ObjType::Table) => object_json(doc, id),
        Value::Object(ObjType::List) => {
            let len = doc.length(id);
            Json::Array(
                (0..len)
                    .map(|i| slot_json(doc, id, automerge::Prop::Seq(i)))
                    .collect(),
            )
        }
    }
}

fn slot_json<D: ReadDoc>(doc: &D, obj: &ObjId, prop: automerge::Prop) -> Json {
    let mut values: Vec<Json> = doc
        .get_all(obj, prop)
        .unwrap_or_default()
        .into_iter()
        .map(|(v, id)| value_json(doc, &v, &id))
        .collect();
    values.sort_by_cached_key(|v| v.to_string());
    values.dedup();
    if values.len() == 1 {
        values.remove(0)
    } else {
        let mut m = Map::new();
        m.insert("$conflict".into(), Json::Array(values));
        Json::Object(m)
    }
}

fn object_json<D: ReadDoc>(doc: &D, obj: &ObjId) -> Json {
    // serde_json's Map is a BTreeMap here (no preserve_order feature): keys come out sorted.
    let mut m = Map::new();
    for key in doc.keys(obj) {
        let v = slot_json(doc, obj, automerge::Prop::Map(key.clone()));
        m.insert(key, v);
    }
    Json::Object(m)
}

/// A whole document as canonical JSON.
pub fn doc_json<D: ReadDoc>(doc: &D) -> Json {
    object_json(doc, &ROOT)
}
