//! The directory: founding a network, places, the residents' register, members.

use std::collections::BTreeMap;

use automerge::{ROOT, ReadDoc};
use autosurgeon::{Hydrate, hydrate_prop, reconcile_prop};

use super::{Gridbook, map_at};
use crate::directory::{Building, Community, Courtyard, Device, Grid, Member, Network};
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{MemberId, check_code};
use crate::store::tables::meta;
use crate::vocab::Role;
use crate::{Field, RecordKind};

/// The four levels of places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// 社区
    Community,
    /// 院落, in a community.
    Courtyard,
    /// 网格, in a community (and optionally a courtyard).
    Grid,
    /// 楼, in a grid.
    Building,
}

impl PlaceKind {
    fn table(self) -> &'static str {
        match self {
            PlaceKind::Community => "communities",
            PlaceKind::Courtyard => "courtyards",
            PlaceKind::Grid => "grids",
            PlaceKind::Building => "buildings",
        }
    }

    fn word(self) -> &'static str {
        match self {
            PlaceKind::Community => "community",
            PlaceKind::Courtyard => "courtyard",
            PlaceKind::Grid => "grid",
            PlaceKind::Building => "building",
        }
    }
}

/// The directory without the residents' register: what `directory list` shows. Empty (the
/// default) on a device that belongs to no network yet.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DirectoryView {
    /// The network.
    pub network: Option<NetworkView>,
    /// Communities by code.
    pub communities: BTreeMap<String, PlaceView>,
    /// Courtyards by id.
    pub courtyards: BTreeMap<String, PlaceView>,
    /// Grids by id.
    pub grids: BTreeMap<String, PlaceView>,
    /// Buildings by id.
    pub buildings: BTreeMap<String, PlaceView>,
    /// Members by id.
    pub members: BTreeMap<String, MemberView>,
    /// Residents in the register.
    pub residents: usize,
}

/// The network, for display.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NetworkView {
    /// Network id.
    pub id: String,
    /// Subdistrict name.
    pub subdistrict: String,
}

/// A place, for display.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlaceView {
    /// Name.
    pub name: String,
    /// The place it is in (community code, grid id…), if any.
    pub parent: Option<String>,
}

/// A member, for display.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MemberView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
}

pub(super) fn hydrate_map<T: Hydrate>(
    doc: &automerge::Automerge,
    key: &str,
) -> Result<BTreeMap<String, T>> {
    hydrate_prop(doc, ROOT, key).map_err(|e| Error::malformed("directory", format!("{key}: {e}")))
}

impl Gridbook {
    pub(super) fn directory(&mut self) -> Result<&automerge::Automerge> {
        self.doc(&DocId::Directory)?.ok_or(Error::NoNetwork)
    }

    /// Founds a network on this device: it becomes the network's founding device, and `person`
    /// its first admin, using this device.
    pub fn init_network(&mut self, subdistrict: &str, person: &str) -> Result<MemberId> {
        if subdistrict.trim().is_empty() || person.trim().is_empty() {
            return Err(Error::Empty(Field::Founding));
        }
        if self.doc(&DocId::Directory)?.is_some() {
            return Err(Error::AlreadyInNetwork);
        }
        let now = self.now();
        let device_hex = self.key.id_hex();
        let tag = self.key.tag().to_string();
        // The founding key is random, so its first half tells networks apart.
        let network_id = self.key.public[..16].to_vec();
        let member_id = self.op(|book| {
            let member_id = book.edit(&DocId::Directory, "found network", |tx, ids| {
                let network = Network {
                    id: data_encoding::HEXLOWER.encode(&network_id),
                    subdistrict: subdistrict.trim().to_string(),
                    founding_key: device_hex.clone(),
                    founded_at: now,
                };
                reconcile_prop(tx, ROOT, "network", &network)
                    .map_err(|e| Error::malformed("directory", e))?;
                let member_id = ids.next(MemberId::new);
                let members = map_at(tx, ROOT, "members", "directory")?;
                let member = Member {
                    name: person.trim().to_string(),
                    role: Role::Admin,
                    added_at: now,
                };
                reconcile_prop(tx, &members, member_id.as_str(), &member)
                    .map_err(|e| Error::malformed("directory", e))?;
                let devices = map_at(tx, ROOT, "devices", "directory")?;
                let device = Device {
                    member: member_id.clone(),
                    tag,
                    role: Role::Admin,
                    added_at: now,
                };
                reconcile_prop(tx, &devices, device_hex.as_str(), &device)
                    .map_err(|e| Error::malformed("directory", e))?;
                Ok((member_id, Vec::new()))
            })?;
            book.pending
                .meta
                .push((meta::MEMBER, member_id.to_string().into_bytes()));
            // The founding device's own signed grant names its member for every device.
            book.grant(&device_hex, &member_id, Role::Admin)?;
            Ok(member_id)
        })?;
        Ok(member_id)
    }

    /// The network, if this device belongs to one.
    pub fn network(&mut self) -> Result<Option<Network>> {
        let Some(doc) = self.doc(&DocId::Directory)? else {
            return Ok(None);
        };
        match doc
            .get(ROOT, "network")
            .map_err(|e| Error::malformed("directory", e))?
        {
            None => Ok(None),
            Some(_) => Ok(Some(
                hydrate_prop(doc, ROOT, "network").map_err(|e| Error::malformed("directory", e))?,
            )),
        }
    }

    /// Adds a place. `parent` is the community code for a courtyard or grid (or a courtyard id
    /// for a grid), and the grid id for a building. Returns the place's id.
    pub fn add_place(
        &mut self,
        kind: PlaceKind,
        parent: Option<&str>,
        code: &str,
        name: &str,
    ) -> Result<String> {
        let code = check_code(code)?;
        if name.trim().is_empty() {
            return Err(Error::Empty(Field::PlaceName(kind)));
        }
        let name = name.trim().to_string();
        let (id, record) = match kind {
            PlaceKind::Community => (
                code.clone(),
                PlaceRecord::Community(Community {
                    code: code.clone(),
                    name,
                }),
            ),
            PlaceKind::Courtyard => {
                let community = self.resolve_community(parent.ok_or(Error::NoParent { kind })?)?;
                (
                    format!("{community}-{code}"),
                    PlaceRecord::Courtyard(Courtyard { community, name }),
                )
            }
            PlaceKind::Grid => {
                let parent = parent.ok_or(Error::NoParent { kind })?;
                let (community, courtyard) = match self.resolve_community(parent) {
                    Ok(c) => (c, None),
                    Err(_) => {
                        let (cid, cy) =
                            self.resolve_place::<Courtyard>(PlaceKind::Courtyard, parent)?;
                        (cy.community, Some(cid))
                    }
                };
                (
                    format!("{community}-{code}"),
                    PlaceRecord::Grid(Grid {
                        community,
                        courtyard,
                        name,
                    }),
                )
            }
            PlaceKind::Building => {
                let (grid, _) = self.resolve_grid(parent.ok_or(Error::NoParent { kind })?)?;
                (
                    format!("{grid}-{code}"),
                    PlaceRecord::Building(Building { grid, name }),
                )
            }
        };
        let table = kind.table();
        let key = id.clone();
        self.op(|book| {
            book.edit(
                &DocId::Directory,
                &format!("add {} {key}", kind.word()),
                |tx, _| {
                    let obj = map_at(tx, ROOT, table, "directory")?;
                    if tx
                        .get(&obj, key.as_str())
                        .map_err(|e| Error::malformed("directory", e))?
                        .is_some()
                    {
                        return Err(Error::PlaceExists {
                            kind,
                            id: key.clone(),
                        });
                    }
                    let k = key.as_str();
                    match &record {
                        PlaceRecord::Community(r) => reconcile_prop(tx, &obj, k, r),
                        PlaceRecord::Courtyard(r) => reconcile_prop(tx, &obj, k, r),
                        PlaceRecord::Grid(r) => reconcile_prop(tx, &obj, k, r),
                        PlaceRecord::Building(r) => reconcile_prop(tx, &obj, k, r),
                    }
                    .map_err(|e| Error::malformed("directory", e))?;
                    Ok(((), Vec::new()))
                },
            )
        })?;
        Ok(id)
    }

    pub(super) fn resolve_place<T: Hydrate>(
        &mut self,
        kind: PlaceKind,
        given: &str,
    ) -> Result<(String, T)> {
        let doc = self.directory()?;
        let table = map_at(doc, ROOT, kind.table(), "directory")?;
        let lower = given.trim().to_ascii_lowercase();
        if doc.get(&table, lower.as_str()).ok().flatten().is_some() {
            let v = hydrate_prop(doc, &table, lower.as_str())
                .map_err(|e| Error::malformed("directory", e))?;
            return Ok((lower, v));
        }
        let mut matches = Vec::new();
        for key in doc.keys(&table) {
            let name: Option<String> = doc
                .get(&table, key.as_str())
                .ok()
                .flatten()
                .and_then(|(_, obj)| doc.get(&obj, "name").ok().flatten())
                .and_then(|(v, _)| v.into_string().ok());
            if name.as_deref() == Some(given.trim()) {
                matches.push(key);
            }
        }
        match matches.len() {
            1 => {
                let v = hydrate_prop(doc, &table, matches[0].as_str())
                    .map_err(|e| Error::malformed("directory", e))?;
                Ok((matches.remove(0), v))
            }
            0 => Err(Error::not_found(kind.into(), given)),
            _ => Err(Error::Ambiguous {
                kind: kind.into(),
                given: given.to_string(),
                matches: matches.join(", "),
            }),
        }
    }

    fn place_exists(&mut self, kind: PlaceKind, id: &str) -> Result<bool> {
        let doc = self.directory()?;
        let table = map_at(doc, ROOT, kind.table(), "directory")?;
        Ok(doc
            .get(&table, id)
            .map_err(|e| Error::malformed("directory", e))?
            .is_some())
    }

    /// A community's code, from its code or name.
    pub fn resolve_community(&mut self, given: &str) -> Result<String> {
        Ok(self
            .resolve_place::<Community>(PlaceKind::Community, given)?
            .0)
    }

    /// A grid's id and record, from its id or name.
    pub fn resolve_grid(&mut self, given: &str) -> Result<(String, Grid)> {
        self.resolve_place(PlaceKind::Grid, given)
    }

    /// A building's id, from its id or name; names are looked up within `grid` when given.
    pub fn resolve_building(&mut self, given: &str, grid: Option<&str>) -> Result<String> {
        // A building's code within its grid ("b12" in grid zt-g3 is zt-g3-b12).
        if let Some(g) = grid {
            let scoped = format!("{g}-{}", given.trim().to_ascii_lowercase());
            if self.place_exists(PlaceKind::Building, &scoped)? {
                return Ok(scoped);
            }
        }
        let (id, b) = self.resolve_place::<Building>(PlaceKind::Building, given)?;
        if let Some(g) = grid
            && b.grid != g
        {
            return Err(Error::NotInGrid {
                building: id,
                grid: b.grid,
                given: g.to_string(),
            });
        }
        Ok(id)
    }

    /// Adds a member (a person who uses Gridbook) with a role.
    pub fn add_member(&mut self, name: &str, role: Role) -> Result<MemberId> {
        if name.trim().is_empty() {
            return Err(Error::Empty(Field::MemberName));
        }
        let member = Member {
            name: name.trim().to_string(),
            role,
            added_at: self.now(),
        };
        self.op(|book| {
            book.edit(&DocId::Directory, "add member", |tx, ids| {
                let id = ids.next(MemberId::new);
                let members = map_at(tx, ROOT, "members", "directory")?;
                reconcile_prop(tx, &members, id.as_str(), &member)
                    .map_err(|e| Error::malformed("directory", e))?;
                Ok((id, Vec::new()))
            })
        })
    }

    /// One member.
    pub fn member_record(&mut self, id: &MemberId) -> Result<Member> {
        let doc = self.directory()?;
        let members = map_at(doc, ROOT, "members", "directory")?;
        if doc.get(&members, id.as_str()).ok().flatten().is_none() {
            return Err(Error::not_found(RecordKind::Member, id));
        }
        hydrate_prop(doc, &members, id.as_str()).map_err(|e| Error::malformed("directory", e))
    }

    /// A member's id, from their id or name.
    pub fn resolve_member(&mut self, given: &str) -> Result<MemberId> {
        if let Ok(id) = given.parse::<MemberId>() {
            self.member_record(&id)?;
            return Ok(id);
        }
        let members: BTreeMap<String, Member> = hydrate_map(self.directory()?, "members")?;
        let matches: Vec<&String> = members
            .iter()
            .filter(|(_, m)| m.name == given.trim())
            .map(|(k, _)| k)
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.parse()?),
            [] => Err(Error::not_found(RecordKind::Member, given)),
            many => Err(Error::Ambiguous {
                kind: RecordKind::Member,
                given: given.to_string(),
                matches: many
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Admits a device (by its public key, 64 hex digits) as used by `member` with `role`: a
    /// grant signed by this device (an admin's), so that every device of the network accepts
    /// its connections and its changes. Admitting a device again changes its role.
    pub fn add_device(&mut self, public_hex: &str, member: &MemberId, role: Role) -> Result<()> {
        self.grant(public_hex, member, role)
    }

    /// The relay server the network's devices use to reach each other when they are online but
    /// not on one local network; `None` when the network works on local networks alone.
    pub fn relay(&mut self) -> Result<Option<String>> {
        let Some(doc) = self.doc(&DocId::Directory)? else {
            return Ok(None);
        };
        Ok(
            match doc
                .get(ROOT, "relay")
                .map_err(|e| Error::malformed("directory", e))?
            {
                Some((automerge::Value::Scalar(s), _)) => match s.as_ref() {
                    automerge::ScalarValue::Str(url) if !url.is_empty() => Some(url.to_string()),
                    _ => None,
                },
                _ => None,
            },
        )
    }

    /// Sets (or with `None` clears) the network's relay server, for every device of it.
    pub fn set_relay(&mut self, url: Option<&str>) -> Result<()> {
        self.directory()?;
        let url = url.map(str::trim).unwrap_or_default().to_string();
        self.op(|book| {
            book.edit(&DocId::Directory, "set relay", |tx, _| {
                use automerge::transaction::Transactable as _;
                tx.put(ROOT, "relay", url)
                    .map_err(|e| Error::malformed("directory", e))?;
                Ok(((), Vec::new()))
            })
        })
    }

    /// Makes `member` the person using this device.
    pub fn set_member(&mut self, member: &MemberId) -> Result<()> {
        self.member_record(member)?;
        self.write_meta(meta::MEMBER, member.to_string().into_bytes())
    }

    /// The directory without the register.
    pub fn directory_view(&mut self) -> Result<DirectoryView> {
        let network = self.network()?.map(|n| NetworkView {
            id: n.id,
            subdistrict: n.subdistrict,
        });
        let doc = self.directory()?;
        let communities: BTreeMap<String, Community> = hydrate_map(doc, "communities")?;
        let courtyards: BTreeMap<String, Courtyard> = hydrate_map(doc, "courtyards")?;
        let grids: BTreeMap<String, Grid> = hydrate_map(doc, "grids")?;
        let buildings: BTreeMap<String, Building> = hydrate_map(doc, "buildings")?;
        let members: BTreeMap<String, Member> = hydrate_map(doc, "members")?;
        let residents = map_at(doc, ROOT, "residents", "directory")
            .map(|r| doc.length(&r))
            .unwrap_or(0);
        Ok(DirectoryView {
            network,
            communities: communities
                .into_iter()
                .map(|(k, c)| {
                    (
                        k,
                        PlaceView {
                            name: c.name,
                            parent: None,
                        },
                    )
                })
                .collect(),
            courtyards: courtyards
                .into_iter()
                .map(|(k, c)| {
                    (
                        k,
                        PlaceView {
                            name: c.name,
                            parent: Some(c.community),
                        },
                    )
                })
                .collect(),
            grids: grids
                .into_iter()
                .map(|(k, g)| {
                    (
                        k,
                        PlaceView {
                            name: g.name,
                            parent: Some(g.courtyard.unwrap_or(g.community)),
                        },
                    )
                })
                .collect(),
            buildings: buildings
                .into_iter()
                .map(|(k, b)| {
                    (
                        k,
                        PlaceView {
                            name: b.name,
                            parent: Some(b.grid),
                        },
                    )
                })
                .collect(),
            members: members
                .into_iter()
                .map(|(k, m)| {
                    (
                        k,
                        MemberView {
                            name: m.name,
                            role: m.role,
                        },
                    )
                })
                .collect(),
            residents,
        })
    }
}

enum PlaceRecord {
    Community(Community),
    Courtyard(Courtyard),
    Grid(Grid),
    Building(Building),
}
