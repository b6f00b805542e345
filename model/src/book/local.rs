//! Device-local records: what this device keeps for itself about its peers, its bundles and
//! its invites, in the store's device-local table, never synced (each device has its own view).
//!
//! The sync crate decides what a peer record or an invite holds (its bytes are opaque here);
//! this module names the records and keeps each in a durable write of its own, at once, even
//! inside an operation: they describe what already happened on the network, which an
//! operation dropped afterwards does not undo.

use automerge::ChangeHash;

use super::Gridbook;
use crate::doc_id::DocId;
use crate::error::Result;
use crate::store::WriteBatch;

/// A peer this device has agreed with (a session ended with both holding the same data),
/// keyed by the peer's device id; the value is when (ms since the epoch, big-endian).
const AGREED: &str = "sync-agreed";

/// What this device knows of a peer (the sync crate's format), keyed by its device id.
const PEER: &str = "peer";

/// The heads the last bundle from a device said it held, keyed by `device/document`: the
/// hashes concatenated.
const BUNDLE_HEADS: &str = "bundle-heads";

/// An invite this device made (the sync crate's format), keyed by the invite's id (hex).
const INVITE: &str = "invite";

impl Gridbook {
    /// Whether a sync session with `peer` ever ended with both devices holding the same data.
    pub fn agreed_with(&self, peer: &str) -> Result<bool> {
        Ok(self.store.local(AGREED, peer)?.is_some())
    }

    /// Records that a sync session with `peer` just ended with both devices holding the same
    /// data.
    pub fn record_agreement(&self, peer: &str) -> Result<()> {
        let now = self.now().0.to_be_bytes().to_vec();
        self.save_local(AGREED, peer.to_string(), now)
    }

    /// What this device recorded of the peer `device`, if anything.
    pub fn peer_record(&self, device: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.store.local(PEER, device)?)
    }

    /// Every peer record, by device id.
    pub fn peer_records(&self) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self.store.locals(PEER)?)
    }

    /// Replaces the record of the peer `device`.
    pub fn save_peer_record(&self, device: &str, record: Vec<u8>) -> Result<()> {
        self.save_local(PEER, device.to_string(), record)
    }

    /// The heads the last bundle made by `maker` said it held of `doc` (none when no bundle
    /// from it was imported).
    pub fn bundle_heads(&self, maker: &str, doc: &DocId) -> Result<Vec<ChangeHash>> {
        let stored = self.store.local(BUNDLE_HEADS, &format!("{maker}/{doc}"))?;
        Ok(stored
            .unwrap_or_default()
            .chunks_exact(32)
            .filter_map(|h| h.try_into().ok().map(ChangeHash))
            .collect())
    }

    /// Records the heads a bundle made by `maker` says it holds of each document (by document
    /// id), in one write.
    pub fn record_bundle_heads(
        &self,
        maker: &str,
        heads: &[(String, Vec<[u8; 32]>)],
    ) -> Result<()> {
        let local = heads
            .iter()
            .map(|(doc, heads)| (BUNDLE_HEADS, format!("{maker}/{doc}"), Some(heads.concat())))
            .collect();
        Ok(self.store.write(WriteBatch {
            local,
            ..Default::default()
        })?)
    }

    /// The invite with this id (hex), if this device made it.
    pub fn invite_record(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.store.local(INVITE, id)?)
    }

    /// Every invite this device made, by id, open or not.
    pub fn invite_records(&self) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self.store.locals(INVITE)?)
    }

    /// Replaces the invite with this id.
    pub fn save_invite_record(&self, id: &str, record: Vec<u8>) -> Result<()> {
        self.save_local(INVITE, id.to_string(), record)
    }

    fn save_local(&self, kind: &'static str, key: String, value: Vec<u8>) -> Result<()> {
        Ok(self.store.write(WriteBatch {
            local: vec![(kind, key, Some(value))],
            ..Default::default()
        })?)
    }
}
