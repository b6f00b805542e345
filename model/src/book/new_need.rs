//! How a new need is first written: whole, in one batch, without the optional fields it does
//! not have yet. Updates never come through here: they write single fields (see `needs.rs`).

use autosurgeon::reconcile::{LoadKey, MapReconciler, NoKey};
use autosurgeon::{Reconcile, Reconciler};

use crate::need::Need;

/// New needs to add to the `needs` map, each at a key that holds nothing yet, written as
/// `reconcile_prop(tx, ROOT, "needs", NewNeeds(..))`. Other entries of the map are left alone.
///
/// autosurgeon writes each need as one batch (`batch_create_object`: two op-set splices)
/// instead of one put per field: in automerge 0.12 every single put splices the columnar op
/// set, so field-by-field creation of a need (~40 ops) cost ~1.3 ms and bulk imports crawled.
pub(super) struct NewNeeds<'a>(pub(super) &'a [(String, Need)]);

impl Reconcile for NewNeeds<'_> {
    type Key<'k> = NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut map = reconciler.map()?;
        for (key, need) in self.0 {
            map.put(key, Created(need))?;
        }
        Ok(())
    }
}

/// A need as it is first written: every field it has, and no key at all for an optional field
/// it does not have yet (hydrating reads a missing optional field as `None`), so a new need is
/// about 22 ops instead of 38 and its document loads that much faster. Its key matches nothing
/// stored, which makes autosurgeon create it whole, in one batch.
///
/// Every field of [`Need`] must be written here when present; the tests compare this with the
/// derived `Reconcile` on a need whose every field is set.
pub(super) struct Created<'a>(pub(super) &'a Need);

impl Reconcile for Created<'_> {
    type Key<'k> = ();
    fn key(&self) -> LoadKey<()> {
        LoadKey::Found(())
    }
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let n = self.0;
        let mut m = reconciler.map()?;
        macro_rules! put_some {
            ($($field:ident),*) => {$(
                if let Some(v) = &n.$field {
                    m.put(stringify!($field), v)?;
                }
            )*};
        }
        m.put("id", &n.id)?;
        m.put("ledger_no", &n.ledger_no)?;
        m.put("title", &n.title)?;
        m.put("description", &n.description)?;
        m.put("category", n.category)?;
        m.put("source", n.source)?;
        m.put("community", &n.community)?;
        m.put("grid", &n.grid)?;
        put_some!(building, resident, resident_name, phone, reporter, assignee);
        m.put("created_at", n.created_at)?;
        put_some!(due);
        m.put("level", n.level)?;
        m.put("stage", n.stage)?;
        put_some!(
            reasonable,
            difficulty,
            duplicate_of,
            route,
            project_kind,
            plan
        );
        put_some!(claimant, claimant_name);
        // Always there, even empty: progress notes are added into this map.
        m.put("progress", &n.progress)?;
        put_some!(
            satisfaction,
            evaluation,
            feedback_given,
            close_reason,
            close_note
        );
        m.put("stage_times", &n.stage_times)?;
        Ok(())
    }
}
