//! Roles enforced without dropping a change: every device keeps every change it receives and
//! reads each document at the heads of its *accepted* changes.
//!
//! **The rule**, computed alike on every device from the document's change graph and the
//! verified membership (crate::access): a change is accepted iff all its dependencies are
//! accepted and
//! - it is the document's genesis change (the one every device writes alike; another change by
//!   the genesis actor is not), or a signature change that verifies (signing.rs: it changes
//!   nothing); or
//! - a signature of it by the device its actor names verifies (signing.rs), and that device
//!   holds a grant whose role may change that kind of document (office admin: everything; grid
//!   worker: needs, and residents in the directory; facilitator: meetings, claims of needs, and
//!   walk-in entries added to the register;
//!   volunteer lead: roster and time bank; everyone: the directory's catalog of documents and
//!   its own entries in the export log), judged by the era the change falls in; a change a
//!   revoked device made after its revoker had its changes is never allowed.
//!
//! Ignored changes stay in history, travel in sync and are listed with why
//! ([`Gridbook::ignored_changes`]; signature changes are not listed).
//!
//! **Cheap when nothing is ignored**: a check reads each change's metadata (no ops) and
//! verifies each signature once, then only the changes that arrive later; directory changes by
//! non-admins are decoded to see which part they touch. A long document's clean check is kept
//! in the store (device-local, sealed like everything else), so the next process starts from
//! it: 10,000 edits took 1.26 s to check in full and 0.63 ms when remembered. Only a document
//! that has ignored changes is forked at its accepted heads, and this device writes its own
//! edits on that fork, so they never depend on an ignored change and are never ignored with it.

use std::collections::{HashMap, HashSet};

use automerge::{ActorId, Automerge, ChangeHash, ReadDoc};

use super::exports::{EXPORTS, own_export};
use super::signing::{Signatures, is_signature};
use super::walk_ins::walk_ins_only;
use super::{Gridbook, device_of, genesis_actor};
use crate::access::{Membership, Standing};
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::vocab::Role;

use super::why_ignored::{Part, WhyIgnored};

/// A change that is kept but ignored when reading.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ignored {
    /// The document.
    pub doc: String,
    /// The change's hash (hex).
    pub change: String,
    /// The device that made it (hex).
    pub device: String,
    /// When, by its author's clock.
    pub at: Timestamp,
    /// What was done, as committed.
    pub what: String,
    /// Why it is ignored.
    pub why: WhyIgnored,
}

/// The outcome of checking a document at some heads, under some membership.
#[derive(Debug)]
pub(super) struct Checked {
    heads: Vec<ChangeHash>,
    policy: [u8; 32],
    pub(super) ignored: Vec<Ignored>,
    /// The document at its accepted heads, when some change is ignored.
    pub(super) view: Option<Automerge>,
}

impl Checked {
    /// A check that ignored nothing.
    fn clean(heads: Vec<ChangeHash>, policy: [u8; 32]) -> Self {
        Checked {
            heads,
            policy,
            ignored: Vec::new(),
            view: None,
        }
    }
}

impl Gridbook {
    /// Brings a loaded document's check up to date (a no-op when nothing changed).
    pub(super) fn check(&mut self, doc_id: &DocId) -> Result<()> {
        self.refresh_access()?;
        let policy = self.access_policy();
        let me = ActorId::from(self.key.public.as_slice());
        let Some(loaded) = self.docs.get_mut(doc_id) else {
            return Ok(());
        };
        let heads = loaded.doc.get_heads();
        if loaded.checked.is_none() {
            loaded.checked = remembered(&self.store, doc_id, &loaded.doc, policy);
        }
        if let Some(c) = &loaded.checked
            && c.heads == heads
            && c.policy == policy
        {
            return Ok(());
        }
        let membership = &self.access.membership;
        // Only the new changes, when the last check ignored nothing under the same membership.
        if let Some(c) = &loaded.checked
            && c.policy == policy
            && c.ignored.is_empty()
        {
            let new = loaded.doc.get_changes_meta(&c.heads);
            let signatures = Signatures::of(&loaded.doc, &new);
            let all_fine = new
                .iter()
                .all(|m| why_ignored(&loaded.doc, doc_id, membership, &signatures, m).is_none());
            if all_fine {
                // Many changes checked since the remembered heads: remember the new ones.
                let remember = new.len() >= REMEMBER_AFTER_CHANGES;
                drop(new);
                self.keep_check(doc_id, Checked::clean(heads, policy), remember);
                return Ok(());
            }
        }
        #[cfg(test)]
        self.full_checks.push(doc_id.clone());
        let mut accepted: HashMap<ChangeHash, bool> = HashMap::new();
        let mut ignored = Vec::new();
        let metas = loaded.doc.get_changes_meta(&[]);
        let signatures = Signatures::of(&loaded.doc, &metas);
        let mut pending: Vec<usize> = (0..metas.len()).collect();
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|&i| {
                let m = &metas[i];
                if m.deps.iter().any(|d| !accepted.contains_key(d)) {
                    return true;
                }
                let why = if m.deps.iter().any(|d| accepted.get(d) == Some(&false)) {
                    Some(WhyIgnored::BuildsOnIgnored)
                } else {
                    why_ignored(&loaded.doc, doc_id, membership, &signatures, m)
                };
                accepted.insert(m.hash, why.is_none());
                // A signature change holds no ops: ignoring it hides nothing worth listing.
                if let Some(why) = why
                    && !is_signature(m)
                {
                    ignored.push(Ignored {
                        doc: doc_id.to_string(),
                        change: m.hash.to_string(),
                        device: device_of(&m.actor),
                        at: Timestamp(m.timestamp * 1000),
                        what: m.message.as_deref().unwrap_or_default().to_string(),
                        why,
                    });
                }
                false
            });
            if pending.len() == before {
                break; // a dependency this document lacks: cannot happen in a loaded document
            }
        }
        let view = if ignored.is_empty() {
            None
        } else {
            let depended: HashSet<ChangeHash> = metas
                .iter()
                .filter(|m| accepted.get(&m.hash) == Some(&true))
                .flat_map(|m| m.deps.iter().copied())
                .collect();
            let heads: Vec<ChangeHash> = metas
                .iter()
                .filter(|m| accepted.get(&m.hash) == Some(&true) && !depended.contains(&m.hash))
                .map(|m| m.hash)
                .collect();
            let mut view = loaded
                .doc
                .fork_at(&heads)
                .map_err(|e| Error::malformed(doc_id, e))?;
            // The view lacks this device's own ignored changes, so Automerge would number its
            // next change as one it already has: write as a derived actor, new for each view.
            let mine = device_of(&me);
            if ignored.iter().any(|i| i.device == mine) {
                use sha2::Digest as _;
                let mut h = sha2::Sha256::new();
                for head in &heads {
                    h.update(head.0);
                }
                let mut derived = me.to_bytes().to_vec();
                derived.extend_from_slice(&h.finalize()[..8]);
                view.set_actor(ActorId::from(derived));
            } else {
                view.set_actor(me);
            }
            Some(view)
        };
        let clean_and_long = ignored.is_empty() && metas.len() >= REMEMBER_AFTER_CHANGES;
        drop(metas);
        let checked = Checked {
            heads,
            policy,
            ignored,
            view,
        };
        self.keep_check(doc_id, checked, clean_and_long);
        Ok(())
    }

    /// Sets a loaded document's check; `remember` keeps it in the store too.
    fn keep_check(&mut self, doc_id: &DocId, checked: Checked, remember: bool) {
        if remember {
            self.remember_check(doc_id, checked.policy, &checked.heads);
        }
        if let Some(loaded) = self.docs.get_mut(doc_id) {
            loaded.checked = Some(checked);
        }
    }

    /// Keeps a clean check of a long document in the store (device-local), so the next process
    /// that opens it checks only the changes that arrived since. Inside an operation it goes
    /// with the operation's write; outside, in a write of its own. A failure only costs the
    /// next open a full check.
    fn remember_check(&mut self, doc_id: &DocId, policy: [u8; 32], heads: &[ChangeHash]) {
        let mut value = policy.to_vec();
        for h in heads {
            value.extend_from_slice(&h.0);
        }
        let record = (CHECKED_KIND, doc_id.to_string(), Some(value));
        if self.depth > 0 {
            self.pending.local.push(record);
        } else {
            let batch = crate::store::WriteBatch {
                local: vec![record],
                ..Default::default()
            };
            let _ = self.store.write(batch);
        }
    }

    fn access_policy(&self) -> [u8; 32] {
        self.access.digest
    }

    /// Judges this device's newest change in `doc_id` (just committed): `Some(why)` when its
    /// role does not allow it.
    pub(super) fn judge_own(
        &mut self,
        doc_id: &DocId,
        change: &automerge::Change,
    ) -> Option<WhyIgnored> {
        if self.refresh_access().is_err() {
            return Some(WhyIgnored::Unreadable);
        }
        let loaded = self.docs.get(doc_id)?;
        let doc = loaded
            .checked
            .as_ref()
            .and_then(|c| c.view.as_ref())
            .unwrap_or(&loaded.doc);
        judge(
            doc,
            doc_id,
            &self.access.membership,
            change.actor_id(),
            change.seq(),
            &change.hash(),
        )
    }

    /// Marks a document's check current after this device's own accepted edit.
    pub(super) fn checked_through(&mut self, doc_id: &DocId) {
        let policy = self.access_policy();
        if let Some(loaded) = self.docs.get_mut(doc_id)
            && let Some(c) = loaded.checked.as_mut()
            && c.policy == policy
        {
            c.heads = loaded.doc.get_heads();
        }
    }

    /// Every change this device keeps but ignores, in every document, with why: what `gridbook
    /// ignored` lists, so an author learns what did not count.
    pub fn ignored_changes(&mut self) -> Result<Vec<Ignored>> {
        let mut out = Vec::new();
        for id in self.doc_ids()? {
            if self.load(&id)? {
                self.check(&id)?;
                if let Some(c) = self.docs.get(&id).and_then(|l| l.checked.as_ref()) {
                    out.extend(c.ignored.iter().cloned());
                }
            }
        }
        Ok(out)
    }

    /// Recomputes the summary rows of every document holding changes by a device whose
    /// standing differs between `before` and now (a grant, role change or revocation arrived),
    /// so lists follow the same rule as documents.
    pub(super) fn refresh_rows_since(&mut self, before: &Membership) -> Result<()> {
        self.refresh_access()?;
        let now = &self.access.membership;
        if now.digest() == before.digest() {
            return Ok(());
        }
        // A device granted for the first time is skipped: strangers are refused at every
        // handshake, so it has written nothing anyone holds (pairing grants before the first
        // sync), and looking would load every document at each pairing.
        let mut changed: HashSet<Vec<u8>> = HashSet::new();
        for (k, d) in now.devices() {
            if before.device(k).is_some_and(|b| b != d) {
                changed.extend(data_encoding::HEXLOWER.decode(k.as_bytes()).ok());
            }
        }
        for k in before.devices().keys() {
            if now.device(k).is_none() {
                changed.extend(data_encoding::HEXLOWER.decode(k.as_bytes()).ok());
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        // The actor index says which documents hold their changes: no other is loaded.
        for id in self.docs_written_by(&changed)? {
            if id == DocId::Directory || !self.load(&id)? {
                continue;
            }
            for row in self.rows_of(&id)? {
                self.pending.summaries.push((row.kind, row.id, row.json));
            }
        }
        Ok(())
    }
}

/// The device-local record kind of a document's last clean check: the membership digest it was
/// made under, then the heads it covered.
pub(super) const CHECKED_KIND: &str = "checked";

/// Documents with at least this many changes have a clean check remembered: below it a full
/// check costs a few milliseconds (each change's metadata, each signature verified once:
/// 10,000 edits, 20,000 changes with their signatures, took 1.26 s in the benchmark).
const REMEMBER_AFTER_CHANGES: usize = 512;

/// The clean check this device remembers for `doc` under `policy`, if its heads are all in
/// `doc` (an operation that wrote it may have been dropped since). The store is sealed, so the
/// record is this device's own.
fn remembered(
    store: &crate::store::Store,
    doc_id: &DocId,
    doc: &Automerge,
    policy: [u8; 32],
) -> Option<Checked> {
    let value = store.local(CHECKED_KIND, &doc_id.to_string()).ok()??;
    let (kept, rest) = value.split_first_chunk::<32>()?;
    if *kept != policy || rest.len() % 32 != 0 {
        return None;
    }
    let heads: Vec<ChangeHash> = rest
        .chunks_exact(32)
        .map(|h| ChangeHash(h.try_into().unwrap_or_default()))
        .collect();
    heads
        .iter()
        .all(|h| doc.get_change_meta_by_hash(h).is_some())
        .then_some(Checked::clean(heads, policy))
}

/// Why the change `m` of `doc` does not count, its dependencies aside, or `None` when it does:
/// a signature change that verifies always counts (it changes nothing); any other change must
/// be signed by the device its actor names, and allowed ([`judge`]).
fn why_ignored(
    doc: &Automerge,
    doc_id: &DocId,
    membership: &Membership,
    signatures: &Signatures,
    m: &automerge::ChangeMetadata<'_>,
) -> Option<WhyIgnored> {
    if signatures.is_valid_signature(&m.hash) {
        return None;
    }
    if m.actor.as_ref() != &genesis_actor(doc_id) && !signatures.signs(&m.hash) {
        return Some(WhyIgnored::Unsigned);
    }
    judge(doc, doc_id, membership, &m.actor, m.seq, &m.hash)
}

/// Why the change (`actor`, `seq`) in `doc_id` does not count, or `None` when it does.
fn judge(
    doc: &Automerge,
    doc_id: &DocId,
    membership: &Membership,
    actor: &ActorId,
    seq: u64,
    hash: &ChangeHash,
) -> Option<WhyIgnored> {
    if *actor == genesis_actor(doc_id) {
        // Only the first change every device writes alike, not anything else with its actor.
        let genesis = super::genesis(doc_id).ok().map(|d| d.get_heads());
        return (genesis.as_deref() != Some(&[*hash][..])).then_some(WhyIgnored::FalseGenesis);
    }
    let device = device_of(actor);
    // A derived actor numbers its changes apart from the device's own: records count them
    // under their own key (a record without that key judges them by the latest standing).
    let bytes = actor.to_bytes();
    let suffix = data_encoding::HEXLOWER.encode(bytes.get(32..).unwrap_or_default());
    let key = crate::access::seen_key(&doc_id.to_string(), &suffix);
    match membership.standing(&device, &key, seq) {
        Standing::Stranger => Some(WhyIgnored::Stranger),
        Standing::Revoked => Some(WhyIgnored::Revoked),
        Standing::Role(Role::Admin) => None,
        Standing::Role(role) => allowed(doc, doc_id, role, hash)
            .err()
            .map(|part| WhyIgnored::RoleMayNot { role, part }),
    }
}

/// Whether `role` may make the change `hash`; `Err(part)` names what it may not change.
fn allowed(
    doc: &Automerge,
    doc_id: &DocId,
    role: Role,
    hash: &ChangeHash,
) -> std::result::Result<(), Part> {
    let ok = match (doc_id, role) {
        (DocId::Needs { .. }, Role::GridWorker) => true,
        (DocId::Needs { .. }, Role::Facilitator) => {
            // Claims are made at project-claiming meetings, which facilitators record.
            let message = doc.get_change_meta_by_hash(hash).and_then(|m| m.message);
            message.is_some_and(|m| m.ends_with("→ implementing")) && claim_only(doc, hash)
        }
        (DocId::Meeting(_), Role::Facilitator) => true,
        (DocId::Roster { .. } | DocId::Timebank { .. }, Role::VolunteerLead) => true,
        (DocId::Directory, _) => return directory_parts(doc, hash, role),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Part::Documents(doc_id.clone()))
    }
}

/// A non-admin may change the directory's catalog (every new document is listed there), log
/// its own exports (`super::exports`), a grid worker the residents' register, and a facilitator
/// add walk-in entries to it ([`walk_ins_only`]); every other part is the admin's.
fn directory_parts(
    doc: &Automerge,
    hash: &ChangeHash,
    role: Role,
) -> std::result::Result<(), Part> {
    let Some(change) = doc.get_change_by_hash(hash) else {
        return Err(Part::Directory);
    };
    let author = device_of(change.actor_id());
    let ops = change.decode().operations;
    // Judged once, for the whole change, the first time one of its ops touches the register.
    let mut walk_ins: Option<bool> = None;
    for op in &ops {
        let part = match &op.obj {
            automerge::legacy::ObjectId::Root => match &op.key {
                automerge::legacy::Key::Map(k) => k.to_string(),
                automerge::legacy::Key::Seq(_) => String::new(),
            },
            automerge::legacy::ObjectId::Id(id) => top_part(doc, &format!("{}@{}", id.0, id.1)),
        };
        let fine = part == "catalog"
            || (part == "residents" && role == Role::GridWorker)
            || (part == "residents"
                && role == Role::Facilitator
                && *walk_ins.get_or_insert_with(|| walk_ins_only(doc, &change, &ops)))
            || (part == EXPORTS && own_export(op, &author));
        if !fine {
            return Err(Part::DirectoryPart(part));
        }
    }
    Ok(())
}
/// What a claim writes: a need's stage (to implementing), its claimant and claimant's name, and
/// when it reached that stage. A change that writes anything else is no claim, whatever its
/// message says.
fn claim_only(doc: &Automerge, hash: &ChangeHash) -> bool {
    use automerge::legacy::{Key, ObjectId, OpType};
    let Some(change) = doc.get_change_by_hash(hash) else {
        return false;
    };
    change.decode().operations.iter().all(|op| {
        let (ObjectId::Id(id), Key::Map(key), OpType::Put(value)) = (&op.obj, &op.key, &op.action)
        else {
            return false;
        };
        let path = path_of(doc, &format!("{}@{}", id.0, id.1));
        match (path.as_slice(), key.as_str()) {
            ([needs, _], "stage") if needs == "needs" => {
                matches!(value, automerge::ScalarValue::Str(s) if s.as_str() == "implementing")
            }
            ([needs, _], "claimant" | "claimant_name") if needs == "needs" => true,
            ([needs, _, times], "implementing") => needs == "needs" && times == "stage_times",
            _ => false,
        }
    })
}

/// The map keys from the root down to the object `obj` (empty when it is not under maps).
pub(super) fn path_of(doc: &Automerge, obj: &str) -> Vec<String> {
    let Ok(obj) = doc.import_obj(obj) else {
        return Vec::new();
    };
    let Ok(parents) = doc.parents(&obj) else {
        return Vec::new();
    };
    let mut path: Vec<String> = Vec::new();
    for p in parents {
        match p.prop {
            automerge::Prop::Map(k) => path.push(k),
            automerge::Prop::Seq(_) => return Vec::new(),
        }
    }
    path.reverse();
    path
}

/// The top-level key of the directory that holds the object `obj`.
pub(super) fn top_part(doc: &Automerge, obj: &str) -> String {
    let Ok(obj) = doc.import_obj(obj) else {
        return String::new();
    };
    let Ok(parents) = doc.parents(&obj) else {
        return String::new();
    };
    match parents.last().map(|p| p.prop) {
        Some(automerge::Prop::Map(k)) => k,
        _ => String::new(),
    }
}
