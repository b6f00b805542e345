//! Every change a device makes is signed with its device key, so a change's actor is proved.
//!
//! Automerge changes carry an actor but no signature: without one, a member running an altered
//! client could write changes with the founding device's key as their actor and every device
//! would judge them as the admin's. So right after each commit a device adds a **signature
//! change**: an empty change (no ops) whose only dependency is the change it signs and whose
//! message is [`PREFIX`] and the base64 ed25519 signature, by the device whose key begins the
//! signed change's actor, over [`DOMAIN`] and the signed change's hash. The signature travels
//! inside the document, so sync, bundles and Automerge exports carry it with no new protocol,
//! and it names its change by the change graph itself.
//!
//! [`Signatures::of`] reads a document's signature changes (metadata only, no ops) and verifies
//! each once; the rule in `enforce` then accepts a change only if a signature of it verifies —
//! the genesis change excepted, which must be the one every device writes alike. A signature
//! change is accepted when its dependency is: it changes nothing.

use std::collections::{HashMap, HashSet};

use automerge::{Automerge, ChangeHash};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};

/// What a signature change's message starts with.
pub const PREFIX: &str = "signed ";

/// What the signature covers, before the signed change's hash.
const DOMAIN: &[u8] = b"gridbook-change-v1\0";

const BASE64: data_encoding::Encoding = data_encoding::BASE64URL_NOPAD;

/// The message of the signature change that signs `hash` with `key`.
pub fn signature_message(key: &SigningKey, hash: &ChangeHash) -> String {
    let signature = key.sign(&signed_bytes(hash));
    format!("{PREFIX}{}", BASE64.encode(&signature.to_bytes()))
}

/// The message of the signature change that signs `hash` with the ed25519 secret key `secret`
/// (for tools and tests that act as a device).
pub fn sign_change(secret: &[u8; 32], hash: &ChangeHash) -> String {
    signature_message(&SigningKey::from_bytes(secret), hash)
}

/// Signs `change`, `doc`'s newest local change, by committing its signature change after it
/// with `key`; returns the signature change. (Public for tools and tests acting as a device.)
pub fn sign_after(
    doc: &mut Automerge,
    key: &super::DeviceKey,
    change: &automerge::Change,
    time: i64,
) -> Option<automerge::Change> {
    let message = key.sign_change(&change.hash());
    doc.empty_commit(
        automerge::transaction::CommitOptions::default()
            .with_message(message)
            .with_time(time),
    );
    doc.get_last_local_change()
}

fn signed_bytes(hash: &ChangeHash) -> Vec<u8> {
    let mut bytes = DOMAIN.to_vec();
    bytes.extend_from_slice(&hash.0);
    bytes
}

/// Whether the change with this metadata is shaped as a signature change: no ops, one
/// dependency, a signature message. (Whether it verifies is [`Signatures::of`]'s business.)
pub fn is_signature(meta: &automerge::ChangeMetadata<'_>) -> bool {
    parse(meta).is_some()
}

/// How many changes `doc` holds beyond `heads`, signature changes not counted: what a person
/// calls the edits received.
pub(super) fn edits_since(doc: &Automerge, heads: &[ChangeHash]) -> usize {
    doc.get_changes_meta(heads)
        .iter()
        .filter(|m| !is_signature(m))
        .count()
}

/// The change a signature change signs, and the signature.
fn parse(meta: &automerge::ChangeMetadata<'_>) -> Option<(ChangeHash, Signature)> {
    if meta.max_op >= meta.start_op || meta.deps.len() != 1 {
        return None;
    }
    let b64 = meta.message.as_deref()?.strip_prefix(PREFIX)?;
    let bytes: [u8; 64] = BASE64.decode(b64.as_bytes()).ok()?.try_into().ok()?;
    Some((meta.deps[0], Signature::from_bytes(&bytes)))
}

/// The verified signatures among some of a document's changes.
#[derive(Debug, Default)]
pub(super) struct Signatures {
    /// Changes a signature of which verifies.
    signed: HashSet<ChangeHash>,
    /// Signature changes that verify.
    valid: HashSet<ChangeHash>,
}

impl Signatures {
    /// Verifies every signature change among `metas` (changes of `doc`), once each. One by
    /// one on purpose: ed25519 batch verification is about twice as fast but cofactored, so
    /// for a crafted signature it can disagree with single verification, and which changes
    /// share a batch differs between devices — every device must reach the same verdict.
    pub(super) fn of(doc: &Automerge, metas: &[automerge::ChangeMetadata<'_>]) -> Self {
        let actors: HashMap<ChangeHash, &automerge::ActorId> =
            metas.iter().map(|m| (m.hash, m.actor.as_ref())).collect();
        let mut keys: HashMap<Vec<u8>, Option<VerifyingKey>> = HashMap::new();
        let mut out = Signatures::default();
        for meta in metas {
            let Some((target, signature)) = parse(meta) else {
                continue;
            };
            // The signed change is nearly always among `metas`; else the document has it.
            let bytes = match actors.get(&target) {
                Some(actor) => actor.to_bytes().to_vec(),
                None => match doc.get_change_meta_by_hash(&target) {
                    Some(m) => m.actor.to_bytes().to_vec(),
                    None => continue,
                },
            };
            let device = bytes[..bytes.len().min(32)].to_vec();
            let key = keys.entry(device).or_insert_with_key(|d| {
                <[u8; 32]>::try_from(d.as_slice())
                    .ok()
                    .and_then(|d| VerifyingKey::from_bytes(&d).ok())
            });
            let verifies = key
                .as_ref()
                .is_some_and(|k| k.verify(&signed_bytes(&target), &signature).is_ok());
            if verifies {
                out.signed.insert(target);
                out.valid.insert(meta.hash);
            }
        }
        out
    }

    /// Whether a signature of `change` verifies.
    pub(super) fn signs(&self, change: &ChangeHash) -> bool {
        self.signed.contains(change)
    }

    /// Whether `change` is a signature change that verifies.
    pub(super) fn is_valid_signature(&self, change: &ChangeHash) -> bool {
        self.valid.contains(change)
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::{CommitOptions, Transactable as _};
    use automerge::{ActorId, ROOT};

    use super::*;

    fn commit(doc: &mut Automerge, value: &str) -> ChangeHash {
        let mut tx = doc.transaction();
        tx.put(ROOT, "k", value).unwrap();
        tx.commit().0.unwrap()
    }

    fn sign(doc: &mut Automerge, secret: &[u8; 32], hash: &ChangeHash) -> ChangeHash {
        let message = sign_change(secret, hash);
        doc.empty_commit(CommitOptions::default().with_message(message))
    }

    fn actor(secret: &[u8; 32]) -> ActorId {
        ActorId::from(
            SigningKey::from_bytes(secret)
                .verifying_key()
                .to_bytes()
                .as_slice(),
        )
    }

    #[test]
    fn a_change_is_signed_only_by_the_key_its_actor_names() {
        let (mine, other) = ([1u8; 32], [2u8; 32]);
        let mut doc = Automerge::new().with_actor(actor(&mine));
        let a = commit(&mut doc, "a");
        let sig_a = sign(&mut doc, &mine, &a);
        // Written as `mine` but signed with another key: the signature does not count.
        let b = commit(&mut doc, "b");
        let sig_b = sign(&mut doc, &other, &b);
        // A copy of a's signature put on c: it signs a, not c.
        let c = commit(&mut doc, "c");
        let copied = doc
            .get_change_meta_by_hash(&sig_a)
            .unwrap()
            .message
            .unwrap();
        doc.empty_commit(CommitOptions::default().with_message(copied.to_string()));
        let metas = doc.get_changes_meta(&[]);
        let s = Signatures::of(&doc, &metas);
        assert!(s.signs(&a) && s.is_valid_signature(&sig_a));
        assert!(!s.signs(&b) && !s.is_valid_signature(&sig_b));
        assert!(!s.signs(&c));
        assert!(is_signature(&doc.get_change_meta_by_hash(&sig_b).unwrap()));
        assert!(!is_signature(&doc.get_change_meta_by_hash(&c).unwrap()));
    }

    #[test]
    fn a_change_with_ops_is_no_signature_whatever_its_message() {
        let secret = [3u8; 32];
        let mut doc = Automerge::new().with_actor(actor(&secret));
        let a = commit(&mut doc, "a");
        let mut tx = doc.transaction();
        tx.put(ROOT, "k", "smuggled").unwrap();
        let (with_ops, _) =
            tx.commit_with(CommitOptions::default().with_message(sign_change(&secret, &a)));
        let with_ops = with_ops.unwrap();
        let meta = doc.get_change_meta_by_hash(&with_ops).unwrap();
        assert!(!is_signature(&meta));
        let metas = doc.get_changes_meta(&[]);
        assert!(!Signatures::of(&doc, &metas).signs(&a));
    }
}
