//! The residents' register: entering residents, reading them, and merging a resident entered
//! twice offline (everything under the duplicate then counts for the surviving entry).

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{ROOT, ReadDoc};
use autosurgeon::{hydrate_prop, reconcile_prop};

use super::directory::{PlaceKind, hydrate_map};
use super::{Gridbook, map_at};
use crate::directory::{Building, Resident};
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::ResidentId;
use crate::{Field, RecordKind};

/// A resident to enter in the register.
#[derive(Debug, Clone, Default)]
pub struct NewResident {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Building id or name (gives the grid and community).
    pub building: Option<String>,
    /// Grid id or name, when the building is not known.
    pub grid: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Room.
    pub room: Option<String>,
}

/// A change to a resident's name or phone: each field given is written, the rest left alone.
/// The address is not edited here: a move belongs to the household.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResidentEdit {
    /// New name (not empty).
    pub name: Option<String>,
    /// New phone; empty clears it.
    pub phone: Option<String>,
}

impl Gridbook {
    /// Follows a resident's `merged_into` links to the entry that stands for them now. Two
    /// offline merges that point at each other end at the smaller id, on every device alike.
    pub fn canonical_resident(&mut self, id: &ResidentId) -> Result<ResidentId> {
        self.resident(id)?;
        let doc = self.directory()?;
        let residents = map_at(doc, ROOT, "residents", "directory")?;
        let merged_into = |key: &str| -> Option<String> {
            let (_, obj) = doc.get(&residents, key).ok().flatten()?;
            let (v, _) = doc.get(&obj, "merged_into").ok().flatten()?;
            v.into_string().ok()
        };
        let mut seen = vec![id.to_string()];
        while let Some(next) = merged_into(seen.last().map(String::as_str).unwrap_or_default()) {
            if seen.contains(&next) {
                let smallest = seen.iter().min().cloned().unwrap_or_default();
                return Ok(smallest.parse()?);
            }
            seen.push(next);
        }
        Ok(seen.pop().unwrap_or_default().parse()?)
    }

    /// Enters a resident in the register.
    pub fn add_resident(&mut self, new: NewResident) -> Result<ResidentId> {
        if new.name.trim().is_empty() {
            return Err(Error::Empty(Field::ResidentName));
        }
        let (grid, building) = match (&new.building, &new.grid) {
            (Some(b), g) => {
                let grid = match g {
                    Some(g) => Some(self.resolve_grid(g)?.0),
                    None => None,
                };
                let b = self.resolve_building(b, grid.as_deref())?;
                let (_, rec) = self.resolve_place::<Building>(PlaceKind::Building, &b)?;
                (rec.grid, Some(b))
            }
            (None, Some(g)) => (self.resolve_grid(g)?.0, None),
            (None, None) => {
                return Err(Error::ResidentNowhere);
            }
        };
        let (_, grid_rec) = self.resolve_grid(&grid)?;
        let now = self.now();
        let resident = Resident {
            name: new.name.trim().to_string(),
            phone: match new
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                Some(p) => Some(crate::need::normalize_phone(p)?),
                None => None,
            },
            community: grid_rec.community,
            grid: Some(grid),
            building,
            unit: new.unit,
            room: new.room,
            merged_into: None,
            added_at: now,
            walk_in: false,
        };
        self.op(|book| {
            book.edit(&DocId::Directory, "add resident", |tx, ids| {
                let id = ids.next(ResidentId::new);
                let residents = map_at(tx, ROOT, "residents", "directory")?;
                reconcile_prop(tx, &residents, id.as_str(), &resident)
                    .map_err(|e| Error::malformed("directory", e))?;
                Ok((id, Vec::new()))
            })
        })
    }

    /// One resident.
    pub fn resident(&mut self, id: &ResidentId) -> Result<Resident> {
        let doc = self.directory()?;
        let residents = map_at(doc, ROOT, "residents", "directory")?;
        if doc.get(&residents, id.as_str()).ok().flatten().is_none() {
            return Err(Error::not_found(RecordKind::Resident, id));
        }
        hydrate_prop(doc, &residents, id.as_str()).map_err(|e| Error::malformed("directory", e))
    }

    /// Changes a resident's name or phone. An empty name or a phone that is not one is refused
    /// and nothing is written.
    pub fn edit_resident(&mut self, id: &ResidentId, edit: &ResidentEdit) -> Result<()> {
        let name = match edit.name.as_deref().map(str::trim) {
            Some("") => return Err(Error::Empty(Field::ResidentName)),
            other => other,
        };
        // Some(None): clear the phone.
        let phone = match edit.phone.as_deref().map(str::trim) {
            Some("") => Some(None),
            Some(p) => Some(Some(crate::need::normalize_phone(p)?)),
            None => None,
        };
        self.resident(id)?;
        if name.is_none() && phone.is_none() {
            return Ok(());
        }
        self.op(|book| {
            book.edit(&DocId::Directory, &format!("edit {id}"), |tx, _| {
                let residents = map_at(tx, ROOT, "residents", "directory")?;
                let obj = map_at(tx, residents, id.as_str(), "directory")?;
                let bad = |e| Error::malformed("directory", e);
                if let Some(n) = name {
                    tx.put(&obj, "name", n).map_err(bad)?;
                }
                match phone {
                    Some(Some(p)) => tx.put(&obj, "phone", p).map_err(bad)?,
                    Some(None) => tx.delete(&obj, "phone").map_err(bad)?,
                    None => {}
                }
                Ok(((), Vec::new()))
            })
        })
    }

    /// The buildings by id (for [`crate::register_search::RegisterIndex`]).
    pub fn buildings(&mut self) -> Result<BTreeMap<String, Building>> {
        hydrate_map(self.directory()?, "buildings")
    }

    /// The whole register, by id.
    pub fn residents(&mut self) -> Result<BTreeMap<String, Resident>> {
        hydrate_map(self.directory()?, "residents")
    }

    /// Records that `duplicate` is the same person as `into` (entered twice offline): from now
    /// on everything under `duplicate` counts for `into`, on every device.
    pub fn merge_resident(&mut self, duplicate: &ResidentId, into: &ResidentId) -> Result<()> {
        if duplicate == into {
            return Err(Error::MergeIntoItself);
        }
        self.resident(duplicate)?;
        // Merge into whoever `into` stands for now, so merges never form chains or cycles.
        let into = &self.canonical_resident(into)?;
        if into == duplicate {
            return Err(Error::AlreadyMerged {
                duplicate: duplicate.clone(),
                into: into.clone(),
            });
        }
        self.op(|book| {
            book.edit(
                &DocId::Directory,
                &format!("merge {duplicate} into {into}"),
                |tx, _| {
                    let residents = map_at(tx, ROOT, "residents", "directory")?;
                    let obj = map_at(tx, residents, duplicate.as_str(), "directory")?;
                    tx.put(&obj, "merged_into", into.as_str())
                        .map_err(|e| Error::malformed("directory", e))?;
                    Ok(((), Vec::new()))
                },
            )
        })
    }

    /// Resident merges: duplicate id → the id it was merged into.
    pub fn resident_merges(&mut self) -> Result<std::collections::HashMap<String, ResidentId>> {
        let doc = self.directory()?;
        let residents = map_at(doc, ROOT, "residents", "directory")?;
        let mut out = std::collections::HashMap::new();
        for key in doc.keys(&residents) {
            let Some((_, obj)) = doc.get(&residents, key.as_str()).ok().flatten() else {
                continue;
            };
            if let Some((v, _)) = doc.get(&obj, "merged_into").ok().flatten()
                && let Ok(s) = v.into_string()
                && let Ok(id) = s.parse()
            {
                out.insert(key, id);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Passphrase, PlaceKind};

    #[test]
    fn a_resident_s_name_and_phone_are_edited_and_bad_ones_refused_with_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut book =
            Gridbook::open_or_create(dir.path(), &Passphrase::tests_only("test")).unwrap();
        book.init_network("凤凰台街道", "赵敏").unwrap();
        book.add_place(PlaceKind::Community, None, "zt", "中台社区")
            .unwrap();
        book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
            .unwrap();
        let id = book
            .add_resident(NewResident {
                name: "王秀英".into(),
                phone: Some("13812341234".into()),
                grid: Some("zt-g3".into()),
                ..NewResident::default()
            })
            .unwrap();
        let before = book.resident(&id).unwrap();
        let empty = ResidentEdit {
            name: Some("  ".into()),
            phone: Some("13900001111".into()),
        };
        assert!(matches!(
            book.edit_resident(&id, &empty),
            Err(Error::Empty(Field::ResidentName))
        ));
        let bad = ResidentEdit {
            name: Some("王秀兰".into()),
            phone: Some("138-x".into()),
        };
        assert!(matches!(
            book.edit_resident(&id, &bad),
            Err(Error::BadPhone(_))
        ));
        assert_eq!(book.resident(&id).unwrap(), before, "nothing written");
        let good = ResidentEdit {
            name: Some(" 王秀兰 ".into()),
            phone: Some("139 0000 1111".into()),
        };
        book.edit_resident(&id, &good).unwrap();
        let after = book.resident(&id).unwrap();
        assert_eq!(after.name, "王秀兰");
        assert_eq!(after.phone.as_deref(), Some("13900001111"));
        assert_eq!(after.unit, before.unit);
        let clear = ResidentEdit {
            name: None,
            phone: Some(String::new()),
        };
        book.edit_resident(&id, &clear).unwrap();
        assert_eq!(book.resident(&id).unwrap().phone, None);
    }
}
