//! Membership in the directory: signed grants and revocations written and read.
//!
//! Records are read from the directory's change history, not from its current state: a record
//! is a signed JSON string put into the `access` map by a change whose message starts with
//! `access `, and a later change that deletes or overwrites it (by anyone) cannot hide it. Only
//! the new changes are read when the directory grows, so this costs nothing in the common case.

use std::collections::BTreeMap;

use automerge::transaction::Transactable as _;
use automerge::{ChangeHash, ObjType, ROOT, ReadDoc};

use super::Gridbook;
use crate::Field;
use crate::access::{AccessRecord, Act, Membership, RecordBody, seen_key};
use crate::directory::Device;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{DeviceTag, MemberId};
use crate::vocab::Role;

/// The message prefix of changes that carry access records.
pub(super) const ACCESS_MESSAGE: &str = "access ";

/// Records read so far and the membership they give, for the directory at `heads`.
#[derive(Debug, Default)]
pub(super) struct AccessCache {
    heads: Vec<ChangeHash>,
    records: BTreeMap<String, AccessRecord>,
    pub(super) membership: Membership,
    /// `membership.digest()`, computed once per membership.
    pub(super) digest: [u8; 32],
    network: Option<(String, String)>,
}

impl Gridbook {
    /// Who is a member with which role, verified against the founding key; empty when this
    /// device belongs to no network.
    pub fn membership(&mut self) -> Result<&Membership> {
        self.refresh_access()?;
        Ok(&self.access.membership)
    }

    /// Whether `device` (hex) is an active member: verified, unrevoked. False when this device
    /// belongs to no network or cannot read its directory.
    pub fn is_active_member(&mut self, device: &str) -> bool {
        self.membership().is_ok_and(|m| m.is_active(device))
    }

    pub(super) fn refresh_access(&mut self) -> Result<()> {
        let Some(loaded) = self.docs.get(&DocId::Directory) else {
            if !self.load(&DocId::Directory)? {
                if self.access.network.is_some() || !self.access.heads.is_empty() {
                    self.access = AccessCache::default();
                }
                return Ok(());
            }
            return self.refresh_access();
        };
        let doc = &loaded.doc;
        let heads = doc.get_heads();
        if heads == self.access.heads {
            return Ok(());
        }
        let mut grew = false;
        if self
            .access
            .heads
            .iter()
            .any(|h| doc.get_change_meta_by_hash(h).is_none())
        {
            // The directory was reloaded without edits that failed: read it afresh.
            self.access.records.clear();
            self.access.heads.clear();
            grew = true;
        }
        for meta in doc.get_changes_meta(&self.access.heads) {
            if !meta
                .message
                .as_deref()
                .is_some_and(|m| m.starts_with(ACCESS_MESSAGE))
            {
                continue;
            }
            let Some(change) = doc.get_change_by_hash(&meta.hash) else {
                continue;
            };
            for op in change.decode().operations {
                if let automerge::legacy::OpType::Put(automerge::ScalarValue::Str(s)) = op.action
                    && let Some(r) = AccessRecord::from_json(&s)
                {
                    self.access.records.insert(r.id(), r);
                    grew = true;
                }
            }
        }
        self.access.heads = heads;
        let network = self
            .network_of_loaded()?
            .map(|n| (n.id.clone(), n.founding_key.clone()));
        if grew || network != self.access.network {
            self.access.network = network.clone();
            self.access.membership = match network {
                Some((id, root)) => {
                    Membership::verify(&id, &root, self.access.records.values().cloned().collect())
                }
                None => Membership::default(),
            };
            self.access.digest = self.access.membership.digest();
        }
        Ok(())
    }

    fn network_of_loaded(&self) -> Result<Option<crate::directory::Network>> {
        let Some(loaded) = self.docs.get(&DocId::Directory) else {
            return Ok(None);
        };
        match loaded.doc.get(ROOT, "network") {
            Ok(Some(_)) => Ok(Some(
                autosurgeon::hydrate_prop(&loaded.doc, ROOT, "network")
                    .map_err(|e| Error::malformed("directory", e))?,
            )),
            _ => Ok(None),
        }
    }

    /// Grants `device` (hex public key) to `member` with `role`, signed by this device, which
    /// must be an active admin. A device already granted changes role; nobody re-pairs.
    pub fn grant(&mut self, device: &str, member: &MemberId, role: Role) -> Result<()> {
        let device = parse_device(device)?;
        self.member_record(member)?;
        if let Some(r) = self
            .membership()?
            .device(&device)
            .and_then(|d| d.revoked.as_ref())
        {
            return Err(Error::RevokedForGood {
                device,
                reason: r.reason.clone(),
            });
        }
        self.write_record(
            &device,
            member.as_str(),
            Act::Grant {
                role: role.token().into(),
            },
        )
    }

    /// Revokes `device` for good, with a reason, signed by this device (an active admin). The
    /// revoked device keeps what it already holds; nothing new reaches it.
    pub fn revoke(&mut self, device: &str, reason: &str) -> Result<()> {
        let device = parse_device(device)?;
        if reason.trim().is_empty() {
            return Err(Error::Empty(Field::RevokeReason));
        }
        if device == self.key.id_hex() {
            return Err(Error::RevokeSelf);
        }
        let member = match self.membership()?.device(&device) {
            Some(d) if d.revoked.is_some() => {
                return Err(Error::AlreadyRevoked(device));
            }
            Some(d) => d.member.clone(),
            None => {
                return Err(Error::NotAMember(device));
            }
        };
        self.write_record(
            &device,
            &member,
            Act::Revoke {
                reason: reason.trim().into(),
            },
        )
    }

    fn write_record(&mut self, device: &str, member: &str, act: Act) -> Result<()> {
        let me = self.key.id_hex();
        let before = self.membership()?.clone();
        let membership = &before;
        if membership.role(&me) != Some(Role::Admin) {
            return Err(Error::NotAdmin);
        }
        let after = membership.heads();
        let known = membership.device(device).is_some();
        let network = self.network()?.ok_or(Error::NoNetwork)?;
        // A device that never held a grant has no changes that count; one that did has its
        // changes so far judged by the role it had (see crate::access).
        let seen = if known {
            self.seen_changes_of(device)?
        } else {
            BTreeMap::new()
        };
        // Unique per record (its place, target and act) yet reproducible, so demo data made
        // twice with a fixed clock is identical; unpredictable without the secret key.
        let at = self.now().0;
        let nonce = {
            use sha2::Digest as _;
            let mut h = sha2::Sha256::new();
            h.update(self.key.secret);
            h.update(format!("{after:?} {device} {act:?} {at}"));
            h.finalize()
        };
        let what = match &act {
            Act::Grant { role } => format!("grant {device} {role}"),
            Act::Revoke { .. } => format!("revoke {device}"),
        };
        let record = RecordBody {
            network: network.id,
            device: device.to_string(),
            member: member.to_string(),
            act,
            signer: me,
            after,
            seen,
            at,
            nonce: data_encoding::HEXLOWER.encode(&nonce[..16]),
        }
        .sign(&self.key.secret);
        let json = record.to_json();
        let id = record.id();
        self.op(|book| {
            book.edit(
                &DocId::Directory,
                &format!("{ACCESS_MESSAGE}{what}"),
                |tx, _| {
                    let access = match tx.get(ROOT, "access") {
                        Ok(Some((automerge::Value::Object(ObjType::Map), obj))) => obj,
                        _ => tx
                            .put_object(ROOT, "access", ObjType::Map)
                            .map_err(|e| Error::malformed("directory", e))?,
                    };
                    tx.put(&access, id.as_str(), json)
                        .map_err(|e| Error::malformed("directory", e))?;
                    Ok(((), Vec::new()))
                },
            )?;
            book.refresh_rows_since(&before)
        })
    }

    /// What a grant or revocation of `device` signed here now records as `seen`: for each
    /// document this device holds, the highest sequence number of `device`'s changes
    /// ([`crate::access::seen_key`]: one entry for its own actor, one for each of its derived
    /// actors). Read from the store's actor index and this operation's pending write, so no
    /// document is loaded: an urgent revocation (a lost tablet) costs the same on an office
    /// holding thousands of documents as on a new one.
    pub fn seen_changes_of(&self, device: &str) -> Result<BTreeMap<String, u64>> {
        let mut seen = BTreeMap::new();
        let mut note = |actor: &str, doc: &str, seq: u64| {
            if let Some(suffix) = actor.strip_prefix(device) {
                let n = seen.entry(seen_key(doc, suffix)).or_insert(0);
                *n = seq.max(*n);
            }
        };
        for (actor, doc, seq) in self.store.actor_seqs(device)? {
            note(&actor, &doc, seq);
        }
        for (actor, doc, seq) in &self.pending.actor_seqs {
            note(&actor.to_hex_string(), &doc.to_string(), *seq);
        }
        Ok(seen)
    }

    /// The documents this device holds changes of any of `devices` (public keys) in, by any
    /// of their actors: from the actor index and the pending write, loading no document.
    pub(super) fn docs_written_by(
        &self,
        devices: &std::collections::HashSet<Vec<u8>>,
    ) -> Result<std::collections::BTreeSet<DocId>> {
        let mut docs = std::collections::BTreeSet::new();
        for device in devices {
            for (_, doc, _) in self
                .store
                .actor_seqs(&data_encoding::HEXLOWER.encode(device))?
            {
                docs.insert(doc.parse::<DocId>().map_err(|_| {
                    crate::store::StoreError::BadDocument {
                        doc: doc.clone(),
                        detail: "unknown document id in the actor index".into(),
                    }
                })?);
            }
        }
        docs.extend(
            self.pending
                .actor_seqs
                .iter()
                .filter(|(actor, _, _)| {
                    let bytes = actor.to_bytes();
                    devices.contains(&bytes[..bytes.len().min(32)])
                })
                .map(|(_, doc, _)| doc.clone()),
        );
        Ok(docs)
    }

    /// The devices of the network with a verified grant (revoked ones included), keyed by
    /// public key (hex); empty when this device belongs to no network yet.
    pub fn devices(&mut self) -> Result<BTreeMap<String, Device>> {
        let founded_at = self.network()?.map(|n| n.founded_at).unwrap_or_default();
        let founder = self.founding_member()?;
        Ok(self
            .membership()?
            .devices()
            .iter()
            .filter_map(|(hex, d)| {
                let key: [u8; 32] = data_encoding::HEXLOWER
                    .decode(hex.as_bytes())
                    .ok()?
                    .try_into()
                    .ok()?;
                let member = if d.member.is_empty() {
                    founder.clone()?
                } else {
                    d.member.parse().ok()?
                };
                Some((
                    hex.clone(),
                    Device {
                        member,
                        tag: DeviceTag::of_key(&key).to_string(),
                        role: d.role.unwrap_or(Role::Admin),
                        added_at: founded_at,
                    },
                ))
            })
            .collect())
    }

    /// The founding device's member, from the unsigned `devices` map a network founded before
    /// signed grants kept.
    fn founding_member(&mut self) -> Result<Option<MemberId>> {
        let Some(network) = self.network()? else {
            return Ok(None);
        };
        let listed: BTreeMap<String, Device> =
            super::directory::hydrate_map(self.directory()?, "devices")?;
        Ok(listed.get(&network.founding_key).map(|d| d.member.clone()))
    }
}

fn parse_device(given: &str) -> Result<String> {
    let hex = given.trim().to_ascii_lowercase();
    let ok = data_encoding::HEXLOWER
        .decode(hex.as_bytes())
        .is_ok_and(|b| b.len() == 32);
    if ok {
        Ok(hex)
    } else {
        Err(Error::BadDeviceId(given.to_string()))
    }
}
