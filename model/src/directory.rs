//! The `directory` document: the network (one subdistrict), its places from communities down to
//! buildings, the residents' register, and the members and devices that use Gridbook.

use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{MemberId, ResidentId};
use crate::time::Timestamp;
use crate::vocab::Role;

/// The network: one subdistrict (街道), founded on one device.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Network {
    /// Random id that tells networks apart (hex).
    pub id: String,
    /// The subdistrict's name, like 凤凰台街道.
    pub subdistrict: String,
    /// The founding device's public key (hex).
    pub founding_key: String,
    /// When it was founded, by the founding device's clock.
    pub founded_at: Timestamp,
}

/// A community (社区), keyed by its code.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Community {
    /// Its code: `zt`.
    pub code: String,
    /// Its name: 中台社区.
    pub name: String,
}

/// A courtyard (院落) in a community, keyed by `<community>-<code>`.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Courtyard {
    /// The community's code.
    pub community: String,
    /// Its name.
    pub name: String,
}

/// A grid (网格), keyed by `<community>-<code>`.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Grid {
    /// The community's code.
    pub community: String,
    /// The courtyard it belongs to, if any.
    #[autosurgeon(missing = "Default::default")]
    pub courtyard: Option<String>,
    /// Its name: 第3网格.
    pub name: String,
}

/// A building (楼), keyed by `<grid>-<code>`.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Building {
    /// The grid's id.
    pub grid: String,
    /// Its name: 12号楼.
    pub name: String,
}

/// A resident in the register (sensitive).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Resident {
    /// The resident's name.
    pub name: String,
    /// Phone, if given.
    #[autosurgeon(missing = "Default::default")]
    pub phone: Option<String>,
    /// The community's code.
    pub community: String,
    /// The grid's id.
    #[autosurgeon(missing = "Default::default")]
    pub grid: Option<String>,
    /// The building's id.
    #[autosurgeon(missing = "Default::default")]
    pub building: Option<String>,
    /// Unit (单元).
    #[autosurgeon(missing = "Default::default")]
    pub unit: Option<String>,
    /// Room (室).
    #[autosurgeon(missing = "Default::default")]
    pub room: Option<String>,
    /// Set when this entry was found to be the same person as another (entered twice offline):
    /// everything recorded under this id counts for that one.
    #[autosurgeon(missing = "Default::default")]
    pub merged_into: Option<ResidentId>,
    /// When it was entered.
    pub added_at: Timestamp,
    /// Entered at a meeting for someone who came and was not in the register (a walk-in): the
    /// one kind of entry a facilitator may add (see `book/enforce.rs`).
    #[autosurgeon(missing = "Default::default")]
    pub walk_in: bool,
}

impl Resident {
    /// The household address: building, unit and room.
    pub fn address(&self) -> String {
        let parts: Vec<&str> = [
            self.building.as_deref(),
            self.unit.as_deref(),
            self.room.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(" ")
    }
}

/// A person who uses Gridbook.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Member {
    /// Their name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// When they were added.
    pub added_at: Timestamp,
}

/// A device of a member, keyed by its public key (hex).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Device {
    /// The member using it.
    pub member: MemberId,
    /// Its short tag.
    pub tag: String,
    /// Its role.
    pub role: Role,
    /// When it joined.
    pub added_at: Timestamp,
}
