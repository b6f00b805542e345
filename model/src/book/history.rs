//! Who changed a record, what, and when: read from the document's own change history.
//!
//! Entries come in causal order (Automerge applies a change only after its dependencies, so the
//! order changes are held in is a topological order of the change graph), never sorted by the
//! authors' clocks: a tablet whose clock says 1970 still shows its edit after the edits it saw.
//! Each entry carries its author's clock time for people to read, and the device and member
//! that made it.

use std::collections::BTreeMap;

use automerge::{Change, ObjId};

use super::Gridbook;
use super::directory::hydrate_map;
use super::needs::need_obj;
use crate::RecordKind;
use crate::directory::{Device, Member};
use crate::error::{Error, Result};
use crate::ids::NeedId;
use crate::time::Timestamp;

/// One change to a record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    /// When, by the author's clock (shown, never used to order).
    pub at: Timestamp,
    /// The device that made the change (its public key, hex).
    pub device: String,
    /// The name of the member using that device, if the directory knows the device.
    pub who: Option<String>,
    /// What was done, in the words the change was committed with.
    pub what: String,
    /// Whether this change created the record.
    pub created: bool,
}

impl Gridbook {
    /// Every change to one need, in causal order: the one that created it, then each that names
    /// it (every edit of a need is committed with its id in the message).
    pub fn need_history(&mut self, id: &NeedId) -> Result<Vec<HistoryEntry>> {
        let doc_id = self.need_doc(id)?;
        let names = self.device_names()?;
        let doc = self
            .doc(&doc_id)?
            .ok_or_else(|| Error::not_found(RecordKind::Document, &doc_id))?;
        let obj = need_obj(doc, id)?;
        Ok(doc
            .get_changes(&[])
            .iter()
            .filter_map(|change| {
                let created = creates(change, &obj);
                let named = change.message().is_some_and(|m| names_id(m, id.as_str()));
                (created || named).then(|| {
                    let device = super::device_of(change.actor_id());
                    HistoryEntry {
                        at: Timestamp(change.timestamp() * 1000),
                        who: names.get(&device).cloned(),
                        device,
                        what: change.message().unwrap_or_default().to_string(),
                        created,
                    }
                })
            })
            .collect())
    }

    /// Each listed device's member's name, by device id (hex).
    fn device_names(&mut self) -> Result<BTreeMap<String, String>> {
        if self.doc(&crate::DocId::Directory)?.is_none() {
            return Ok(BTreeMap::new());
        }
        let devices: BTreeMap<String, Device> = self.devices()?;
        let doc = self.directory()?;
        let members: BTreeMap<String, Member> = hydrate_map(doc, "members")?;
        Ok(devices
            .into_iter()
            .filter_map(|(hex, d)| Some((hex, members.get(d.member.as_str())?.name.clone())))
            .collect())
    }
}

/// Whether `change` made the object `obj` (its id is the op that made it).
fn creates(change: &Change, obj: &ObjId) -> bool {
    let ObjId::Id(counter, actor, _) = obj else {
        return false;
    };
    let start = change.start_op().get();
    change.actor_id() == actor && (start..start + change.len() as u64).contains(counter)
}

/// Whether `message` names the record `id` as a whole word (N-K7Q2ZD-1 is not N-K7Q2ZD-12).
fn names_id(message: &str, id: &str) -> bool {
    message.match_indices(id).any(|(at, _)| {
        let before = message[..at].chars().next_back();
        let after = message[at + id.len()..].chars().next();
        let part_of_word =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-');
        !part_of_word(before) && !part_of_word(after)
    })
}

#[cfg(test)]
mod tests {
    use super::names_id;
    use crate::book::{Gridbook, NeedEdit, NewNeed};
    use crate::time::Timestamp;
    use crate::vocab::{Category, Role};
    use crate::{DocId, PlaceKind};

    fn copy(from: &mut Gridbook, to: &mut Gridbook, doc: &DocId) {
        let mut d = from.full_doc(doc).unwrap().unwrap().clone();
        to.merge_doc(doc, &mut d).unwrap();
    }

    #[test]
    fn history_is_in_causal_order_whatever_the_clocks_say() {
        let mut a = Gridbook::in_memory().unwrap();
        a.set_now(Some(Timestamp(1_795_000_000_000))); // 2026-11
        a.init_network("凤凰台街道", "赵敏").unwrap();
        a.add_place(PlaceKind::Community, None, "zt", "中台社区")
            .unwrap();
        a.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
            .unwrap();
        let mut other = NewNeed::new("别的民需", Category::Other, "zt-g3");
        other.description = "不相干".into();
        let news = vec![
            NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"),
            other,
        ];
        let ids = a.add_needs(news).unwrap();
        let id = &ids[0];
        let doc = a.need_doc(id).unwrap();
        // A second device whose clock says 1970 edits the need after receiving it.
        let mut b = Gridbook::in_memory().unwrap();
        b.set_now(Some(Timestamp(0)));
        let worker = a.add_member("李娜", Role::GridWorker).unwrap();
        a.add_device(&b.device().id_hex(), &worker, Role::GridWorker)
            .unwrap();
        copy(&mut a, &mut b, &DocId::Directory);
        copy(&mut a, &mut b, &doc);
        let title = |t: &str| NeedEdit {
            title: Some(t.into()),
            ..Default::default()
        };
        b.edit_need_fields(id, &title("三楼楼道灯坏了")).unwrap();
        copy(&mut b, &mut a, &doc);
        a.edit_need_fields(id, &title("三楼和四楼楼道灯坏了"))
            .unwrap();
        a.edit_need_fields(&ids[1], &title("别的")).unwrap();

        let history = a.need_history(id).unwrap();
        let steps: Vec<(bool, Option<&str>, i64)> = history
            .iter()
            .map(|e| (e.created, e.who.as_deref(), e.at.0))
            .collect();
        assert_eq!(
            steps,
            vec![
                (true, Some("赵敏"), 1_795_000_000_000),
                (false, Some("李娜"), 0),
                (false, Some("赵敏"), 1_795_000_000_000),
            ],
            "{history:#?}"
        );
        assert_eq!(history[1].device, b.device().id_hex());
        assert!(history[2].what.contains(id.as_str()));
    }

    #[test]
    fn an_id_is_named_only_as_a_whole_word() {
        assert!(names_id("edit N-AB-1", "N-AB-1"));
        assert!(names_id("N-AB-1 → classified", "N-AB-1"));
        assert!(!names_id("edit N-AB-12", "N-AB-1"));
        assert!(!names_id("edit XN-AB-1", "N-AB-1"));
        assert!(names_id("edit N-AB-12 and N-AB-1", "N-AB-1"));
    }
}
