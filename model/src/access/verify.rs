//! The verification of every record (see the parent module for the rules): signatures, the
//! causal order of `after`, admins in good standing, final revocations applied by seniority,
//! and each device's eras.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{AccessRecord, Act, DeviceStatus, Era, Membership, Revocation};
use crate::vocab::Role;

pub(super) struct Verifier {
    root: String,
    records: Vec<AccessRecord>,
    /// Topological order (indices into `records`).
    order: Vec<usize>,
    /// For each record, the set of records before it.
    past: Vec<BTreeSet<usize>>,
    refused: Vec<(String, String)>,
    heads: Vec<String>,
}

fn rank(role: Option<Role>) -> u8 {
    // Least privilege first: when concurrent records disagree, the least privilege holds.
    match role {
        None => 0,
        Some(Role::Admin) => 2,
        Some(_) => 1,
    }
}

impl Verifier {
    pub(super) fn new(network: &str, root: &str, mut records: Vec<AccessRecord>) -> Verifier {
        let mut refused = Vec::new();
        let mut by_id: BTreeMap<String, AccessRecord> = BTreeMap::new();
        for r in records.drain(..) {
            let id = r.id();
            if by_id.contains_key(&id) {
                continue;
            }
            if r.body.network != network {
                refused.push((id, "signed for another network".into()));
            } else if !r.signature_ok() {
                refused.push((
                    id,
                    "its signature does not verify (forged or damaged)".into(),
                ));
            } else {
                by_id.insert(id, r);
            }
        }
        // A record whose past is not all here cannot be placed: drop it (and what follows it).
        loop {
            let missing: Vec<String> = by_id
                .iter()
                .filter(|(_, r)| r.body.after.iter().any(|a| !by_id.contains_key(a)))
                .map(|(k, _)| k.clone())
                .collect();
            if missing.is_empty() {
                break;
            }
            for k in missing {
                by_id.remove(&k);
                refused.push((k, "names earlier records this device does not hold".into()));
            }
        }
        // The next record names the heads of what is placed: never a record that fails its
        // signature (a member could otherwise plant junk that every later grant names, and
        // that every device drops, taking the grant with it).
        let named: BTreeSet<&String> = by_id.values().flat_map(|r| &r.body.after).collect();
        let heads = by_id
            .keys()
            .filter(|k| !named.contains(k))
            .cloned()
            .collect();
        let ids: Vec<String> = by_id.keys().cloned().collect();
        let index: HashMap<&String, usize> = ids.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let records: Vec<AccessRecord> = by_id.into_values().collect();
        let deps: Vec<Vec<usize>> = records
            .iter()
            .map(|r| {
                r.body
                    .after
                    .iter()
                    .filter_map(|a| index.get(a).copied())
                    .collect()
            })
            .collect();
        // Kahn's algorithm, lowest id first among the ready: the same order everywhere.
        let mut indegree: Vec<usize> = deps.iter().map(Vec::len).collect();
        let mut children = vec![Vec::new(); records.len()];
        for (i, ds) in deps.iter().enumerate() {
            for &d in ds {
                children[d].push(i);
            }
        }
        let mut ready: BTreeSet<usize> = (0..records.len()).filter(|&i| indegree[i] == 0).collect();
        let mut order = Vec::new();
        let mut past = vec![BTreeSet::new(); records.len()];
        while let Some(i) = ready.pop_first() {
            order.push(i);
            let mut p = BTreeSet::new();
            for &d in &deps[i] {
                p.insert(d);
                p.extend(past[d].iter().copied());
            }
            past[i] = p;
            for &c in &children[i] {
                indegree[c] -= 1;
                if indegree[c] == 0 {
                    ready.insert(c);
                }
            }
        }
        // A cycle cannot be signed (ids are digests), but records left out would be refused.
        Verifier {
            root: root.to_string(),
            records,
            order,
            past,
            refused,
            heads,
        }
    }

    /// The role `signer` held just before record `at`: its latest valid records in `at`'s past.
    fn role_in_past(&self, signer: &str, at: usize, valid: &[bool]) -> Option<Role> {
        let mine: Vec<usize> = self.past[at]
            .iter()
            .copied()
            .filter(|&i| valid[i] && self.records[i].body.device == signer)
            .collect();
        let latest = mine
            .iter()
            .filter(|&&i| !mine.iter().any(|&j| self.past[j].contains(&i)));
        let root = (signer == self.root).then_some(Role::Admin);
        let mut roles = latest.map(|&i| self.records[i].role()).peekable();
        if roles.peek().is_none() {
            return root;
        }
        roles.min_by_key(|r| rank(*r)).flatten()
    }

    pub(super) fn run(mut self) -> Membership {
        let n = self.records.len();
        let mut void = vec![false; n];
        let mut valid = vec![false; n];
        loop {
            valid = vec![false; n];
            for &i in &self.order {
                if void[i] {
                    continue;
                }
                let signer = &self.records[i].body.signer;
                valid[i] = self.role_in_past(signer, i, &valid) == Some(Role::Admin);
            }
            // Seniority: the founding key, then by the place of the signer's first admin grant.
            let place: HashMap<usize, usize> = self
                .order
                .iter()
                .enumerate()
                .map(|(p, &i)| (i, p))
                .collect();
            let seniority = |signer: &str| -> usize {
                if signer == self.root {
                    return 0;
                }
                self.order
                    .iter()
                    .position(|&i| {
                        valid[i]
                            && self.records[i].body.device == signer
                            && self.records[i].role() == Some(Role::Admin)
                    })
                    .map_or(usize::MAX, |p| p + 1)
            };
            let mut revocations: Vec<usize> = (0..n)
                .filter(|&i| valid[i] && matches!(self.records[i].body.act, Act::Revoke { .. }))
                .collect();
            revocations.sort_by_key(|&i| (seniority(&self.records[i].body.signer), place[&i]));
            let mut changed = false;
            for v in revocations {
                if void[v] {
                    continue;
                }
                let target = self.records[v].body.device.clone();
                for (r, voided) in void.iter_mut().enumerate() {
                    let body = &self.records[r].body;
                    let by_or_for = body.signer == target
                        || (body.device == target && matches!(body.act, Act::Grant { .. }));
                    if r != v && by_or_for && !self.past[v].contains(&r) && !*voided {
                        *voided = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut devices: BTreeMap<String, DeviceStatus> = BTreeMap::new();
        let mut kept = BTreeSet::new();
        for &i in &self.order {
            let id = self.records[i].id();
            if !valid[i] {
                let why = if void[i] {
                    "made by or for a revoked device, not before its revocation"
                } else {
                    "its signer was not an admin in good standing when it signed"
                };
                self.refused.push((id, why.into()));
                continue;
            }
            kept.insert(id);
        }
        // Each device's eras: its valid records in causal order, ending at its revocation.
        let mut per_device: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in &self.order {
            if valid[i] {
                per_device
                    .entry(self.records[i].body.device.clone())
                    .or_default()
                    .push(i);
            }
        }
        for (device, mine) in per_device {
            let mut eras: Vec<Era> = Vec::new();
            let mut cut: BTreeMap<String, u64> = BTreeMap::new();
            let mut revoked = None;
            for &i in &mine {
                let r = &self.records[i];
                for (doc, seq) in &r.body.seen {
                    let c = cut.entry(doc.clone()).or_default();
                    *c = (*c).max(*seq);
                }
                eras.push(Era {
                    role: r.role(),
                    cut: cut.clone(),
                });
                if let Act::Revoke { reason } = &r.body.act {
                    revoked = Some(Revocation {
                        by: r.body.signer.clone(),
                        reason: reason.clone(),
                        at: r.body.at,
                    });
                    break;
                }
            }
            // The current role: the least privilege among the latest grants.
            let grants: Vec<usize> = mine
                .iter()
                .copied()
                .filter(|&i| self.records[i].role().is_some())
                .collect();
            let latest = grants
                .iter()
                .copied()
                .filter(|&i| !grants.iter().any(|&j| self.past[j].contains(&i)))
                .min_by_key(|&i| (rank(self.records[i].role()), place_of(&self.order, i)));
            let last = *mine.last().unwrap_or(&0);
            let from = latest.unwrap_or(last);
            devices.insert(
                device,
                DeviceStatus {
                    member: self.records[from].body.member.clone(),
                    role: latest.and_then(|i| self.records[i].role()),
                    granted_by: self.records[last].body.signer.clone(),
                    revoked,
                    eras,
                },
            );
        }
        if !devices.contains_key(&self.root) {
            // A network founded before signed grants: its founding device is admin all along.
            devices.insert(
                self.root.clone(),
                DeviceStatus {
                    member: String::new(),
                    role: Some(Role::Admin),
                    granted_by: self.root.clone(),
                    revoked: None,
                    eras: vec![Era {
                        role: Some(Role::Admin),
                        cut: BTreeMap::new(),
                    }],
                },
            );
        }
        Membership {
            devices,
            valid: kept,
            heads: self.heads,
            refused: self.refused,
        }
    }
}

fn place_of(order: &[usize], i: usize) -> usize {
    order.iter().position(|&j| j == i).unwrap_or(usize::MAX)
}
