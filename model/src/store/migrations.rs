//! Numbered migrations. `SCHEMA` in the meta table records how far a store has come; opening a
//! store runs every migration after that, each in the transaction that records it.

use redb::WriteTransaction;

use super::StoreError;
use super::tables::{
    ACTOR_SEQS, CHUNKS, HEADS, LOCAL, META, SNAPSHOTS, SUMMARIES, SYNC_STATES, meta,
};

/// The schema version this build writes.
pub(crate) const CURRENT: u32 = 5;

/// The first schema whose values are sealed; older stores are refused (see `Store::open`).
pub(crate) const SEALED: u32 = 4;

/// The first schema whose documents' changes are all signed (`book/signing.rs`); older stores
/// are refused: every device ignores their unsigned changes.
pub(crate) const SIGNED: u32 = 5;

type Migration = fn(&WriteTransaction) -> Result<(), StoreError>;

/// Migration `n` takes a store from version `n` to `n + 1`.
const MIGRATIONS: [Migration; CURRENT as usize] = [
    create_tables_v1,
    create_heads_v2,
    create_local_v3,
    sealed_v4,
    signed_v5,
];

fn create_tables_v1(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(SNAPSHOTS)?;
    tx.open_table(CHUNKS)?;
    tx.open_table(SUMMARIES)?;
    tx.open_table(SYNC_STATES)?;
    Ok(())
}

/// Schema 2: the heads table. It starts empty; heads are filled in as documents are written or
/// first compared.
fn create_heads_v2(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(HEADS)?;
    Ok(())
}

/// Schema 3: the device-local table (open invites, what this device knows of its peers).
fn create_local_v3(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(LOCAL)?;
    Ok(())
}

/// Schema 4: every value sealed (encryption at rest). The tables keep their layout; only new
/// stores reach this step, because a plain store is refused before migrating (sealing its
/// values in place would leave the plain ones in redb's free pages).
fn sealed_v4(_tx: &WriteTransaction) -> Result<(), StoreError> {
    Ok(())
}

/// Schema 5: every change signed by its device, and the actor index (`ACTOR_SEQS`). Only new
/// stores reach this step (an older store's changes are unsigned, so it is refused): the index
/// starts empty along with the documents, and needs no filling from existing ones.
fn signed_v5(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(ACTOR_SEQS)?;
    Ok(())
}

/// Brings the store from `from` up to [`CURRENT`].
pub(crate) fn run(tx: &WriteTransaction, from: u32) -> Result<(), StoreError> {
    if from > CURRENT {
        return Err(StoreError::NewerFormat {
            found: from,
            supported: CURRENT,
        });
    }
    for migration in &MIGRATIONS[from as usize..] {
        migration(tx)?;
    }
    let mut meta_table = tx.open_table(META)?;
    meta_table.insert(meta::SCHEMA, CURRENT.to_be_bytes().as_slice())?;
    Ok(())
}
