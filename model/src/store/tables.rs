//! The redb tables of a Gridbook store. Every table name carries a version: a change of layout
//! is a new table filled by a numbered migration (see `migrations.rs`), never an in-place
//! reinterpretation of old bytes.
//!
//! Since schema 4 every value is sealed (see `sealing.rs`) except the meta table's format
//! marker, schema version and lock; keys are ids and stay in the clear.

use redb::TableDefinition;

/// Which actors wrote how much of which document: the highest sequence number of each actor's
/// changes in each document this device holds, keyed by (actor, document id); the value is
/// that number, u64 big-endian (sealed like every value). The actor is its whole id in hex: a
/// device's key (64 digits), a derived actor's key and suffix (`book/enforce.rs`), or a
/// genesis actor. A device's actors are the keys that begin with its id, so one range read
/// answers "what of this device does this store hold" — the `seen` of a grant or revocation
/// (`book/access.rs`) — without loading a document.
///
/// Kept with every write of changes, in the same transaction as the chunks or snapshot that
/// hold them, so a crash leaves the index and the documents alike (both before, or both
/// after). Only ever raised: documents never lose changes. Schema 5; stores older than that
/// are refused, so it never needs filling from existing documents.
pub const ACTOR_SEQS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("actor-seqs-v5");

/// Store-wide facts: format marker, schema version, this device's key, id sequence.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta-v1");

/// The last full save of each document, keyed by document id.
pub const SNAPSHOTS: TableDefinition<&str, &[u8]> = TableDefinition::new("doc-snapshots-v1");

/// Incremental saves since a document's snapshot, keyed by (document id, chunk number).
/// Loading a document applies its snapshot, then its chunks in order; compaction folds the
/// chunks into a new snapshot in one transaction.
pub const CHUNKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("doc-chunks-v1");

/// One small JSON row per need, meeting and volunteer, keyed by (kind, record id), so list views
/// never load documents. Always recomputable from the documents.
pub const SUMMARIES: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("summaries-v1");

/// The current heads of each document (its change hashes, sorted, concatenated), kept with every
/// write so a sync session can compare devices without loading every document. A document with
/// no row here (stores from before schema 2) has its heads computed on first use.
pub const HEADS: TableDefinition<&str, &[u8]> = TableDefinition::new("doc-heads-v2");

/// Per-peer, per-document Automerge sync state, keyed by (peer id, document id), so a peer that
/// comes back resumes instead of starting over.
pub const SYNC_STATES: TableDefinition<(&str, &str), &[u8]> =
    TableDefinition::new("sync-states-v1");

/// Device-local records that never sync, keyed by (kind, key): the invites this device has open
/// (`invite`, by invite id), what it knows of each peer (`peer`, by device id: last seen, last
/// synced), and the rest `book/local.rs` names, with the clean checks of long documents
/// (`book/enforce.rs`). The sync crate owns the peer and invite formats; the store only keeps
/// the bytes.
pub const LOCAL: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("device-local-v3");

/// Meta keys.
pub mod meta {
    /// Marks a redb file as a Gridbook store.
    pub const FORMAT: &str = "format";
    /// The value of [`FORMAT`].
    pub const FORMAT_VALUE: &[u8] = b"gridbook-store";
    /// The schema version the store has been migrated to (u32, big-endian).
    pub const SCHEMA: &str = "schema";
    /// This device's secret key (32 bytes).
    pub const DEVICE_SECRET: &str = "device-secret";
    /// The next record sequence number of this device (u64, big-endian).
    pub const NEXT_SEQ: &str = "next-seq";
    /// The member using this device (their member id).
    pub const MEMBER: &str = "member";
    /// The lock (schema 4): Argon2id's cost and salt and the sealed store key, in the clear.
    pub const LOCK: &str = "lock";
    /// Every meta key. A store holding any other is damaged (a flipped bit in a key would
    /// otherwise hide its row: a device key or id counter silently made anew); a new meta key
    /// must be listed here.
    pub const ALL: [&str; 6] = [FORMAT, SCHEMA, LOCK, DEVICE_SECRET, NEXT_SEQ, MEMBER];
}
