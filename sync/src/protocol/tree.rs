//! Finding which documents differ without listing every document: a comparison tree.
//!
//! Each document sits in a bucket by the hex digits of SHA-256(its id); a bucket's digest
//! covers every document in it and the digest of its heads. The two sides take turns: each
//! flight's [`Turn`](super::wire::Turn) answers the peer's buckets with the sender's view
//! of the children that differ — their own child digests, or, once a side holds at most
//! [`LEAF`] documents there, the documents themselves with their heads digests, which the
//! receiver compares with its own and descends no further. Every turn goes one level down, so
//! with `n` documents and `k` changed ones a comparison costs about `log16(n / LEAF)` turns and
//! `k × log16(n)` buckets of 16 short digests, whatever `n` is. Devices in sync never get here
//! (their digests are equal), nor devices that agreed before: they send what changed since
//! unasked (`known.rs`), and walk the tree only when that record proves wrong.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest as _, Sha256};

use super::wire::{Bucket, BucketContent, Digest, FANOUT, Prefix, ShortDigest};

/// A bucket holding at most this many documents (on the sender's side) travels as its
/// documents rather than as child digests: 12 entries of ~35 bytes cost about what 16 child
/// digests do, and end the descent there.
pub const LEAF: usize = 12;

/// What one side knows of its documents for a comparison.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// (first 8 bytes of SHA-256(id), id) → short digest of the document's heads.
    docs: BTreeMap<(u64, String), ShortDigest>,
}

/// Why a peer's tree frame was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum TreeError {
    #[error("a bucket address out of range (depth {0})")]
    BadPrefix(u8),
    #[error("a bucket with {0} child digests, not {FANOUT}")]
    BadFanout(usize),
    #[error("document {0} listed in a bucket it does not belong to")]
    Misplaced(String),
}

fn key(id: &str) -> u64 {
    let h = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&h[..8]);
    u64::from_be_bytes(first)
}

fn short(d: &Digest) -> ShortDigest {
    let mut s = [0u8; 8];
    s.copy_from_slice(&d[..8]);
    s
}

impl Index {
    /// An index of `manifest` (document id → digest of its heads).
    pub(crate) fn new(manifest: &BTreeMap<String, Digest>) -> Index {
        Index {
            docs: manifest
                .iter()
                .map(|(id, d)| ((key(id), id.clone()), short(d)))
                .collect(),
        }
    }

    fn docs_in(&self, p: Prefix) -> impl Iterator<Item = (&str, &ShortDigest)> {
        self.docs
            .range((p.bits, String::new())..)
            .take_while(move |((k, _), _)| p.holds(*k))
            .map(|((_, id), d)| (id.as_str(), d))
    }

    fn digest(&self, p: Prefix) -> ShortDigest {
        let mut h = Sha256::new();
        let mut any = false;
        for (id, d) in self.docs_in(p) {
            any = true;
            h.update((id.len() as u32).to_be_bytes());
            h.update(id.as_bytes());
            h.update(d);
        }
        if !any {
            return [0; 8];
        }
        short(&h.finalize().into())
    }

    /// This side's view of bucket `p`: its documents when few, else its children's digests.
    pub(crate) fn view(&self, p: Prefix) -> Bucket {
        let small = p.depth >= Prefix::MAX_DEPTH || self.docs_in(p).nth(LEAF).is_none();
        let content = if small {
            BucketContent::Entries(
                self.docs_in(p)
                    .map(|(id, d)| (id.to_string(), *d))
                    .collect(),
            )
        } else {
            BucketContent::Children((0..FANOUT as u8).map(|i| self.digest(p.child(i))).collect())
        };
        Bucket { prefix: p, content }
    }

    /// Answers the peer's buckets: the buckets to send back (children that differ, one level
    /// down) and the documents found to differ in the peer's small buckets.
    pub(crate) fn answer(
        &self,
        theirs: &[Bucket],
    ) -> Result<(Vec<Bucket>, Vec<String>), TreeError> {
        let mut back = Vec::new();
        let mut differ = BTreeSet::new();
        for bucket in theirs {
            let p = bucket.prefix;
            if !p.is_valid() {
                return Err(TreeError::BadPrefix(p.depth));
            }
            match &bucket.content {
                BucketContent::Children(digests) => {
                    if digests.len() != FANOUT || p.depth >= Prefix::MAX_DEPTH {
                        return Err(TreeError::BadFanout(digests.len()));
                    }
                    for (i, theirs) in digests.iter().enumerate() {
                        let child = p.child(i as u8);
                        if self.digest(child) != *theirs {
                            back.push(self.view(child));
                        }
                    }
                }
                BucketContent::Entries(entries) => {
                    let mine: BTreeMap<&str, &ShortDigest> = self.docs_in(p).collect();
                    let mut seen = BTreeSet::new();
                    for (id, d) in entries {
                        if !p.holds(key(id)) {
                            return Err(TreeError::Misplaced(id.chars().take(80).collect()));
                        }
                        seen.insert(id.as_str());
                        if mine.get(id.as_str()) != Some(&d) {
                            differ.insert(id.clone());
                        }
                    }
                    for id in mine.keys() {
                        if !seen.contains(id) {
                            differ.insert(id.to_string());
                        }
                    }
                }
            }
        }
        Ok((back, differ.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(n: usize, salt: u8) -> BTreeMap<String, Digest> {
        (0..n)
            .map(|i| (format!("meeting/m{i:05}"), [salt; 32]))
            .collect()
    }

    /// Runs the comparison between two indexes as the session does; returns the documents
    /// found and the frames it took.
    fn compare(a: &Index, b: &Index) -> (BTreeSet<String>, usize) {
        let mut found = BTreeSet::new();
        let mut buckets = vec![a.view(Prefix::ROOT)];
        let mut frames = 1;
        let mut turn = [b, a].into_iter().cycle();
        while !buckets.is_empty() {
            let (next, differ) = turn.next().unwrap().answer(&buckets).unwrap();
            found.extend(differ);
            buckets = next;
            if !buckets.is_empty() {
                frames += 1;
            }
        }
        (found, frames)
    }

    #[test]
    fn the_documents_that_differ_are_found_and_only_them() {
        let a = manifest(2000, 1);
        let mut b = a.clone();
        b.insert("meeting/m00007".into(), [2; 32]);
        b.insert("needs/zt/2026-11".into(), [3; 32]);
        b.remove("meeting/m01234");
        let (found, frames) = compare(&Index::new(&a), &Index::new(&b));
        let want: BTreeSet<String> = ["meeting/m00007", "needs/zt/2026-11", "meeting/m01234"]
            .map(String::from)
            .into();
        assert_eq!(found, want);
        assert!(frames <= 4, "{frames} frames");
        // Equal sets find nothing after the root.
        let (found, _) = compare(&Index::new(&a), &Index::new(&a));
        assert!(found.is_empty());
    }

    #[test]
    fn an_empty_side_and_a_full_side_find_every_document() {
        let a = manifest(500, 1);
        let empty = BTreeMap::new();
        for (x, y) in [(&a, &empty), (&empty, &a)] {
            let (found, frames) = compare(&Index::new(x), &Index::new(y));
            assert_eq!(found.len(), 500);
            assert!(frames <= 2, "{frames}");
        }
    }

    #[test]
    fn prefixes_address_their_buckets() {
        let p = Prefix::ROOT.child(0xa).child(0x3);
        assert_eq!(p.bits, 0xa3 << 56);
        assert!(p.holds(0xa3ff_0000_0000_0001) && !p.holds(0xa400_0000_0000_0000));
        assert!(p.is_valid() && Prefix::ROOT.is_valid());
        assert!(!Prefix { depth: 1, bits: 1 }.is_valid());
        assert!(!Prefix { depth: 17, bits: 0 }.is_valid());
        let deepest = (0..16).fold(Prefix::ROOT, |p, _| p.child(0xf));
        assert!(deepest.is_valid() && deepest.holds(u64::MAX));
    }

    #[test]
    fn a_bad_bucket_is_refused() {
        let ix = Index::new(&manifest(3, 1));
        let bad = Bucket {
            prefix: Prefix::ROOT,
            content: BucketContent::Children(vec![[0; 8]; 3]),
        };
        assert_eq!(ix.answer(&[bad]), Err(TreeError::BadFanout(3)));
        let misplaced = Bucket {
            prefix: Prefix::ROOT.child(0).child(0).child(0).child(0),
            content: BucketContent::Entries(vec![("meeting/m00001".into(), [0; 8])]),
        };
        assert!(matches!(
            ix.answer(&[misplaced]),
            Err(TreeError::Misplaced(_))
        ));
    }
}
