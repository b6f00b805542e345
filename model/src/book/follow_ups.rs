//! A decision's follow-up actions: adding one, and marking one done (who, when).

use automerge::ROOT;
use automerge::ReadDoc;
use automerge::transaction::Transactable;
use autosurgeon::{hydrate_prop, reconcile_prop};

use super::meetings::{am, entry_at};
use super::{Gridbook, map_at};
use crate::error::{Error, Result};
use crate::ids::{DecisionId, MeetingId, NoteId};
use crate::meeting::FollowUp;
use crate::time::Day;
use crate::{Field, RecordKind};

impl Gridbook {
    /// Adds a follow-up action to a decision.
    pub fn add_follow_up(
        &mut self,
        meeting: &MeetingId,
        decision: &DecisionId,
        text: &str,
        owner: Option<&str>,
        due: Option<Day>,
    ) -> Result<NoteId> {
        if text.trim().is_empty() {
            return Err(Error::Empty(Field::FollowUpText));
        }
        let action = FollowUp {
            text: text.trim().to_string(),
            owner: owner.map(str::to_string),
            due,
            done: false,
            done_by: None,
            done_at: None,
        };
        self.edit_meeting(meeting, "add follow-up".into(), |tx, ids| {
            let obj = entry_at(tx, "decisions", decision.as_str(), RecordKind::Decision)?;
            let actions = map_at(tx, obj, "actions", "meeting")?;
            let id = ids.next(NoteId::new);
            reconcile_prop(tx, &actions, id.as_str(), &action).map_err(am)?;
            Ok(id)
        })
    }

    /// Marks a follow-up action done, by the member using this device, now. Refused for an
    /// action already done (it keeps who did it and when) and for one the meeting lacks.
    pub fn complete_follow_up(&mut self, meeting: &MeetingId, action: &NoteId) -> Result<()> {
        let by = self.done_by()?;
        let at = self.now();
        self.edit_meeting(meeting, format!("{action} done"), |tx, _| {
            let decisions = map_at(tx, ROOT, "decisions", "meeting")?;
            let found = tx.keys(&decisions).find_map(|d| {
                let (_, decision) = tx.get(&decisions, d.as_str()).ok().flatten()?;
                let (_, actions) = tx.get(&decision, "actions").ok().flatten()?;
                tx.get(&actions, action.as_str()).ok().flatten()?;
                Some(actions)
            });
            let actions = found.ok_or_else(|| Error::not_found(RecordKind::FollowUp, action))?;
            let current: FollowUp = hydrate_prop(tx, &actions, action.as_str()).map_err(am)?;
            if current.done {
                return Err(Error::FollowUpDone {
                    action: action.clone(),
                    by: current.done_by.unwrap_or_default(),
                });
            }
            let obj = entry_at_actions(tx, &actions, action)?;
            tx.put(&obj, "done", true).map_err(am)?;
            tx.put(&obj, "done_by", by.as_str()).map_err(am)?;
            tx.put(&obj, "done_at", automerge::ScalarValue::Timestamp(at.0))
                .map_err(am)?;
            Ok(())
        })
    }

    /// Who this device records as having done something: its member's name, or, on a device
    /// nobody has said they use, its device tag.
    fn done_by(&mut self) -> Result<String> {
        match self.member()? {
            Some(id) => Ok(self.member_record(&id)?.name),
            None => Ok(self.device().tag().to_string()),
        }
    }
}

/// The follow-up action `action`'s map in `actions`.
fn entry_at_actions<D: ReadDoc>(
    doc: &D,
    actions: &automerge::ObjId,
    action: &NoteId,
) -> Result<automerge::ObjId> {
    match doc.get(actions, action.as_str()).map_err(am)? {
        Some((automerge::Value::Object(_), id)) => Ok(id),
        _ => Err(Error::not_found(RecordKind::FollowUp, action)),
    }
}
