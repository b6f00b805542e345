//! Signed membership: grants and revocations, and who is a member with which role.
//!
//! An [`AccessRecord`] is signed with an admin device's ed25519 key and kept in the directory
//! document. [`Membership::verify`] is a pure function of the network's founding key and the
//! set of records every device holds, so every device that holds the same records computes the
//! same members.
//!
//! **Order.** Each record names, signed, the records the signer's directory held when it signed
//! (`after`): the Automerge causal order of the directory, restricted to the records and frozen
//! into the signature. (Automerge's own change graph is not signed: a relaying device could
//! write a copy of a record at another place in history, but cannot change `after`.) Record A
//! is *before* B when A is reachable from B through `after`; otherwise, unless B is before A,
//! they are *concurrent*.
//!
//! **Validity.** A record counts when its signature verifies, its network is this network, its
//! whole past is known, and its signer was an admin in good standing in its past: the founding
//! key (unless revoked in that past), or a device whose latest records in that past are all
//! admin grants. A revocation is final: every record its target signed, and every grant to its
//! target, that is not before the revocation is void — so a grant an admin made before being
//! revoked stays valid, and a grant concurrent with a revocation of the same device loses.
//! Revocations are applied in order of their signers' seniority (the founding key first, then
//! by the place of the signer's first admin grant), so two admins revoking each other at the
//! same time resolve the same way everywhere; voiding repeats until nothing more changes.
//!
//! **Eras.** Each record also carries `seen`: for each document, the highest sequence number of
//! the target device's changes the signer held. A change by that device is judged by the record
//! whose era it falls in: the last record that had not seen it. A revoked device's changes count
//! only as far as its revoker had them; everything else it writes is ignored. A derived actor
//! of the device (its key and a suffix) numbers its changes apart, so `seen` counts each under
//! its own key ([`seen_key`]).

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::vocab::Role;

/// What a record does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Act {
    /// Admits the device, used by `member`, with a role (or changes its role).
    Grant {
        /// The role granted (its token).
        role: String,
    },
    /// Revokes the device for good.
    Revoke {
        /// Why, in the admin's words.
        reason: String,
    },
}

/// The signed part of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordBody {
    /// The network's id.
    pub network: String,
    /// The device granted or revoked (public key, hex).
    pub device: String,
    /// The member using it.
    pub member: String,
    /// Grant or revoke.
    pub act: Act,
    /// The signing device (public key, hex).
    pub signer: String,
    /// The ids of the records the signer held when it signed (sorted).
    pub after: Vec<String>,
    /// Per document id: the highest sequence number of `device`'s changes the signer held;
    /// and per document and derived actor of the device, the same for that actor's changes
    /// (keyed as [`seen_key`] says).
    pub seen: BTreeMap<String, u64>,
    /// When, by the signer's clock (shown, never used to order).
    pub at: i64,
    /// Random, so two otherwise equal records differ.
    pub nonce: String,
}

/// A grant or revocation with its signature, as stored in the directory (as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRecord {
    /// What is signed.
    pub body: RecordBody,
    /// The ed25519 signature over [`RecordBody::signed_bytes`] (hex).
    pub signature: String,
}

const DOMAIN: &[u8] = b"gridbook-access-v1\0";

impl RecordBody {
    /// The bytes the signature covers.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = DOMAIN.to_vec();
        bytes.extend(serde_json::to_vec(self).unwrap_or_default());
        bytes
    }

    /// Signs the body with `secret` (an ed25519 secret key).
    pub fn sign(self, secret: &[u8; 32]) -> AccessRecord {
        let signature = SigningKey::from_bytes(secret).sign(&self.signed_bytes());
        AccessRecord {
            body: self,
            signature: hex(&signature.to_bytes()),
        }
    }
}

impl AccessRecord {
    /// The record's id: a digest of body and signature.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.body.signed_bytes());
        h.update(self.signature.as_bytes());
        hex(&h.finalize()[..16])
    }

    /// Whether the signature is the signer's.
    pub fn signature_ok(&self) -> bool {
        let Some(key) = key_of(&self.body.signer) else {
            return false;
        };
        let Some(sig) = unhex(&self.signature).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        key.verify(&self.body.signed_bytes(), &Signature::from_bytes(&sig))
            .is_ok()
    }

    /// The record as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored record, if it parses.
    pub fn from_json(s: &str) -> Option<AccessRecord> {
        serde_json::from_str(s).ok()
    }

    fn role(&self) -> Option<Role> {
        match &self.body.act {
            Act::Grant { role } => role.parse().ok(),
            Act::Revoke { .. } => None,
        }
    }
}

fn hex(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    data_encoding::HEXLOWER.decode(s.as_bytes()).ok()
}

fn key_of(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = unhex(hex_key)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// The key of a record's `seen` entry for a device's actor in document `doc`: the document id
/// for the device's own actor (its key), `<doc>#<suffix>` for a derived actor (its key
/// followed by `suffix`, lowercase hex; see `book/enforce.rs`). Derived actors number their
/// changes apart from the device's own, so each needs its own count. Records made before
/// derived actors had entries have none: their changes are then judged as made after every
/// record, by the device's latest standing.
pub fn seen_key(doc: &str, suffix: &str) -> String {
    if suffix.is_empty() {
        doc.to_string()
    } else {
        format!("{doc}#{suffix}")
    }
}

/// One device's standing, from the valid records about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceStatus {
    /// The member using it (from its latest grant).
    pub member: String,
    /// Its role (its last one, when revoked).
    pub role: Option<Role>,
    /// The device that signed its latest grant (or revocation).
    pub granted_by: String,
    /// Set once revoked: by whom and why.
    pub revoked: Option<Revocation>,
    /// Its valid records in causal order, for judging its changes (see the module docs).
    eras: Vec<Era>,
}

/// A device's revocation, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revocation {
    /// The admin device that revoked it.
    pub by: String,
    /// Why.
    pub reason: String,
    /// When, by the revoker's clock.
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Era {
    /// The role in this era; `None` for a revocation.
    role: Option<Role>,
    /// Cumulative `seen` of this record and all before it.
    cut: BTreeMap<String, u64>,
}

/// Who may do what: the verified outcome of every record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Membership {
    devices: BTreeMap<String, DeviceStatus>,
    /// Ids of the records that count.
    valid: BTreeSet<String>,
    /// Ids of every record held (valid or not): the heads for the next record's `after`.
    heads: Vec<String>,
    /// Records held that do not count, with why.
    refused: Vec<(String, String)>,
}

/// How a device's change is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Made under this role.
    Role(Role),
    /// Made after (or unseen by) the device's revocation.
    Revoked,
    /// The device holds no valid grant.
    Stranger,
}

impl Membership {
    /// Verifies `records` against the network's founding key.
    pub fn verify(network: &str, founding_key: &str, records: Vec<AccessRecord>) -> Membership {
        verify::Verifier::new(network, founding_key, records).run()
    }

    /// Every device with a valid grant, revoked ones included.
    pub fn devices(&self) -> &BTreeMap<String, DeviceStatus> {
        &self.devices
    }

    /// A device's status, if it ever held a valid grant.
    pub fn device(&self, device: &str) -> Option<&DeviceStatus> {
        self.devices.get(device)
    }

    /// Whether `device` is an active (granted, unrevoked) member.
    pub fn is_active(&self, device: &str) -> bool {
        self.devices
            .get(device)
            .is_some_and(|d| d.revoked.is_none() && d.role.is_some())
    }

    /// `device`'s current role, if active.
    pub fn role(&self, device: &str) -> Option<Role> {
        self.devices
            .get(device)
            .filter(|d| d.revoked.is_none())
            .and_then(|d| d.role)
    }

    /// Whether the record `id` counts.
    pub fn counts(&self, id: &str) -> bool {
        self.valid.contains(id)
    }

    /// The records that do not count, with why (for `gridbook doctor`).
    pub fn refused(&self) -> &[(String, String)] {
        &self.refused
    }

    /// The ids a new record's `after` names: the records held that no other names.
    pub fn heads(&self) -> Vec<String> {
        self.heads.clone()
    }

    /// A digest of everything that decides how changes are judged.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for (k, d) in &self.devices {
            h.update(k.as_bytes());
            h.update(serde_json::to_vec(d).unwrap_or_default());
        }
        h.finalize().into()
    }

    /// How the change number `seq` of `device` is judged, in document `doc` for its own actor
    /// or under `doc`'s [`seen_key`] for a derived one.
    pub fn standing(&self, device: &str, doc: &str, seq: u64) -> Standing {
        let Some(status) = self.devices.get(device) else {
            return Standing::Stranger;
        };
        let eras = &status.eras;
        let governing = (0..eras.len())
            .find(|&i| i + 1 == eras.len() || seq <= eras[i + 1].cut.get(doc).copied().unwrap_or(0))
            .map(|i| &eras[i]);
        match governing {
            Some(Era { role: Some(r), .. }) => Standing::Role(*r),
            Some(Era { role: None, .. }) => Standing::Revoked,
            None => Standing::Stranger,
        }
    }
}

mod verify;

#[cfg(test)]
mod tests;
