//! Walk-ins: someone comes to a meeting who is not in the register. The facilitator enters them
//! (a register entry marked `walk_in`) and signs them in, in one operation: one durable write,
//! so a crash never leaves an entry without its signature or a signature without its entry.
//! Facilitators may add such entries and nothing else in the register (`enforce.rs`).

use automerge::ROOT;
use autosurgeon::reconcile_prop;

use super::directory::hydrate_map;
use super::{Gridbook, map_at};
use crate::directory::{Building, Grid, Resident};
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{MeetingId, ResidentId};
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
