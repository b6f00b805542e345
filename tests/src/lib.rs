//! Helpers shared by Gridbook's multi-device tests and benchmarks.

use gridbook_model::{Gridbook, PlaceKind, Result};

/// Brings two devices' documents together both ways, as a completed sync would: afterwards both
/// hold every change either had. Returns how many changes moved.
pub fn exchange(a: &mut Gridbook, b: &mut Gridbook) -> Result<usize> {
    Ok(copy_into(a, b)? + copy_into(b, a)?)
}

/// Merges every document of `from` into `to`; returns how many changes were new to `to`.
pub fn copy_into(from: &mut Gridbook, to: &mut Gridbook) -> Result<usize> {
    let mut moved = 0;
    for id in from.doc_ids()? {
        let Some(doc) = from.doc(&id)? else { continue };
        let mut copy = doc.clone();
        moved += to.merge_doc(&id, &mut copy)?;
    }
    Ok(moved)
}

/// A founded network with one community (`zt`, 中台社区), grid `zt-g3` and building
/// `zt-g3-b12`, and a second device that has received its directory.
pub fn two_devices() -> Result<(Gridbook, Gridbook)> {
    let mut office = Gridbook::in_memory()?;
    office.init_network("凤凰台街道", "赵敏")?;
    office.add_place(PlaceKind::Community, None, "zt", "中台社区")?;
    office.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")?;
    office.add_place(PlaceKind::Building, Some("zt-g3"), "b12", "12号楼")?;
    let mut tablet = Gridbook::in_memory()?;
    exchange(&mut office, &mut tablet)?;
    Ok((office, tablet))
}
