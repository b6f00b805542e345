//! Walk-ins: someone comes to a meeting who is not in the register. The facilitator enters them
//! (a register entry marked `walk_in`) and signs them in, in one operation: one durable write,
//! so a crash never leaves an entry without its signature or a signature without its entry.
//! Facilitators may add such entries and nothing else in the register (`enforce.rs`).

use std::collections::HashMap;

use automerge::{Automerge, ROOT};
use autosurgeon::reconcile_prop;

use super::directory::hydrate_map;
use super::enforce::{path_of, top_part};
use super::{Gridbook, map_at};
use crate::directory::{Building, Grid, Resident};
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{DeviceTag, MeetingId, ResidentId};
use crate::register_search::{address_parts, bare};
use crate::{Field, RecordKind};

/// Someone at a meeting who is not in the register.
#[derive(Debug, Clone, Default)]
pub struct WalkIn {
    /// Their name.
    pub name: String,
    /// Their phone, if they give it.
    pub phone: Option<String>,
    /// Where they live, as typed: `12 2 301`, `12栋2单元301室`, or a building's name.
    pub address: Option<String>,
}

impl Gridbook {
    /// Enters a walk-in in the register (in the meeting's community) and signs them in to
    /// `meeting`, in one write; returns their new id. A building in the address must be one of
    /// the community's.
    pub fn sign_in_walk_in(&mut self, meeting: &MeetingId, walk_in: WalkIn) -> Result<ResidentId> {
        let name = walk_in.name.trim();
        if name.is_empty() {
            return Err(Error::Empty(Field::ResidentName));
        }
        let info = self.meeting(meeting)?.meeting;
        let phone = match walk_in.phone.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => Some(crate::need::normalize_phone(p)?),
            _ => None,
        };
        let (building, unit, room) = match walk_in.address.as_deref().map(str::trim) {
            Some(a) if !a.is_empty() => split(a),
            _ => (None, None, None),
        };
        let (building, grid) = match building {
            Some(b) => {
                let (id, record) = self.building_in(&info.community, &b)?;
                (Some(id), Some(record.grid))
            }
            None => (None, info.grid.clone()),
        };
        let resident = Resident {
            name: name.to_string(),
            phone,
            community: info.community,
            grid,
            building,
            unit,
            room,
            merged_into: None,
            added_at: self.now(),
            walk_in: true,
        };
        self.op(|book| {
            let id = book.edit(&DocId::Directory, "add walk-in", |tx, ids| {
                let id = ids.next(ResidentId::new);
                let residents = map_at(tx, ROOT, "residents", "directory")?;
                reconcile_prop(tx, &residents, id.as_str(), &resident)
                    .map_err(|e| Error::malformed("directory", e))?;
                Ok((id, Vec::new()))
            })?;
            book.check_in(meeting, &id)?;
            Ok(id)
        })
    }

    /// The building of `community` that `given` names: its id, its name, or its number
    /// (`12` for 12号楼).
    fn building_in(&mut self, community: &str, given: &str) -> Result<(String, Building)> {
        let doc = self.directory()?;
        let grids: std::collections::BTreeMap<String, Grid> = hydrate_map(doc, "grids")?;
        let buildings: std::collections::BTreeMap<String, Building> =
            hydrate_map(doc, "buildings")?;
        let lower = given.to_lowercase();
        let wanted = bare(given);
        buildings
            .into_iter()
            .filter(|(_, b)| grids.get(&b.grid).is_some_and(|g| g.community == community))
            .find(|(id, b)| *id == lower || b.name == given || bare(&b.name) == wanted)
            .ok_or_else(|| Error::not_found(RecordKind::Building, given))
    }
}

/// An address as typed, in building, unit and room: three numbers are all three, two are a
/// building and a room, and text that is no address (东区) is a building's name.
fn split(address: &str) -> (Option<String>, Option<String>, Option<String>) {
    let parts = address_parts(&address.to_lowercase());
    match parts.as_slice() {
        [] => (Some(address.to_string()), None, None),
        [b] => (Some(b.clone()), None, None),
        [b, room] => (Some(b.clone()), None, Some(room.clone())),
        [b, unit, room, ..] => (Some(b.clone()), Some(unit.clone()), Some(room.clone())),
    }
}

// The read-time rule's part for walk-ins (called from `enforce.rs`).

/// Whether every op of `change` that touches the residents' register adds a new walk-in entry
/// (what a facilitator may write, at a meeting): each new entry is a map made at a key no entry
/// held, named with the author's own device tag (so it is an id the author made), holding
/// scalar fields written for the first time, `walk_in` true among them and no `merged_into`.
/// Nothing else in the register is written: no other entry, no field of an entry made earlier.
pub(super) fn walk_ins_only(
    doc: &Automerge,
    change: &automerge::Change,
    ops: &[automerge::legacy::Op],
) -> bool {
    use automerge::ScalarValue;
    use automerge::legacy::{Key, ObjectId, OpType};
    let actor = change.actor_id();
    let start = change.start_op().get();
    let bytes = actor.to_bytes();
    let Ok(key) = <[u8; 32]>::try_from(bytes.get(..32).unwrap_or_default()) else {
        return false;
    };
    let own_ids = format!("{}-{}-", ResidentId::PREFIX, DeviceTag::of_key(&key));
    // The entries this change makes (by op counter), and whether each is marked a walk-in.
    let mut made: HashMap<u64, bool> = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        let ObjectId::Id(obj) = &op.obj else {
            // At the root, only the register itself would be the register's part.
            if matches!(&op.key, Key::Map(k) if k == "residents") {
                return false;
            }
            continue;
        };
        let in_register = path_of(doc, &format!("{}@{}", obj.0, obj.1)) == ["residents"];
        if in_register {
            let new_entry = matches!(op.action, OpType::Make(automerge::ObjType::Map))
                && op.pred.is_empty()
                && !op.insert
                && matches!(&op.key, Key::Map(k) if k.starts_with(&own_ids)
                    && k.parse::<ResidentId>().is_ok());
            if !new_entry {
                return false;
            }
            made.insert(start + i as u64, false);
            continue;
        }
        let Some(walk_in) = (obj.1 == *actor).then(|| made.get_mut(&obj.0)).flatten() else {
            // Not an entry this change made: for a facilitator, part of another entry.
            if top_part(doc, &format!("{}@{}", obj.0, obj.1)) == "residents" {
                return false;
            }
            continue;
        };
        let (OpType::Put(value), Key::Map(field)) = (&op.action, &op.key) else {
            return false;
        };
        if !op.pred.is_empty() || op.insert {
            return false;
        }
        match (field.as_str(), value) {
            ("walk_in", ScalarValue::Boolean(true)) => *walk_in = true,
            ("walk_in", _) => return false,
            ("merged_into", ScalarValue::Null) => {}
            ("merged_into", _) => return false,
            _ => {}
        }
    }
    !made.is_empty() && made.values().all(|w| *w)
}
