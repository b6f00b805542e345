use super::*;

const NET: &str = "net";

struct Key {
    secret: [u8; 32],
    public: String,
}

fn key(n: u8) -> Key {
    let secret = [n; 32];
    let public = hex(SigningKey::from_bytes(&secret).verifying_key().as_bytes());
    Key { secret, public }
}

fn record(signer: &Key, device: &Key, act: Act, after: &[&AccessRecord]) -> AccessRecord {
    let mut after: Vec<String> = after.iter().map(|r| r.id()).collect();
    after.sort();
    RecordBody {
        network: NET.into(),
        device: device.public.clone(),
        member: format!("M-{}", &device.public[..4]),
        act,
        signer: signer.public.clone(),
        after,
        seen: BTreeMap::new(),
        at: 0,
        nonce: String::new(),
    }
    .sign(&signer.secret)
}

fn grant(role: Role) -> Act {
    Act::Grant {
        role: role.token().into(),
    }
}

fn revoke() -> Act {
    Act::Revoke {
        reason: "lost".into(),
    }
}

fn verify(root: &Key, records: &[&AccessRecord]) -> Membership {
    Membership::verify(
        NET,
        &root.public,
        records.iter().map(|r| (*r).clone()).collect(),
    )
}

#[test]
fn a_forged_or_non_admin_record_does_not_count() {
    let (root, worker, stranger) = (key(1), key(2), key(3));
    let g = record(&root, &worker, grant(Role::GridWorker), &[]);
    let mut forged = record(&root, &stranger, grant(Role::Admin), &[&g]);
    forged.body.role_swap();
    let by_worker = record(&worker, &stranger, grant(Role::Admin), &[&g]);
    let revoke_root = record(&worker, &root, revoke(), &[&g]);
    let m = verify(&root, &[&g, &forged, &by_worker, &revoke_root]);
    assert!(m.is_active(&worker.public));
    assert_eq!(m.role(&worker.public), Some(Role::GridWorker));
    assert!(!m.is_active(&stranger.public));
    assert!(
        m.is_active(&root.public),
        "a grid worker cannot revoke the founder"
    );
    assert_eq!(m.refused().len(), 3, "{:?}", m.refused());
}

impl RecordBody {
    fn role_swap(&mut self) {
        self.act = grant(Role::Facilitator);
    }
}

#[test]
fn a_grant_made_before_its_admins_revocation_stays_and_one_concurrent_loses() {
    let (root, admin, early, late) = (key(1), key(2), key(3), key(4));
    let g_admin = record(&root, &admin, grant(Role::Admin), &[]);
    let g_early = record(&admin, &early, grant(Role::GridWorker), &[&g_admin]);
    let r_admin = record(&root, &admin, revoke(), &[&g_early]);
    // The revoked admin signs on, never having seen its revocation.
    let g_late = record(&admin, &late, grant(Role::GridWorker), &[&g_early]);
    let m = verify(&root, &[&g_admin, &g_early, &r_admin, &g_late]);
    assert!(m.is_active(&early.public));
    assert!(!m.is_active(&late.public));
    assert!(!m.is_active(&admin.public));
    assert_eq!(
        m.device(&admin.public)
            .unwrap()
            .revoked
            .as_ref()
            .unwrap()
            .reason,
        "lost"
    );
}

#[test]
fn a_grant_concurrent_with_a_revocation_of_the_same_device_loses() {
    let (root, admin, tablet) = (key(1), key(2), key(3));
    let g_admin = record(&root, &admin, grant(Role::Admin), &[]);
    let g = record(&root, &tablet, grant(Role::GridWorker), &[&g_admin]);
    let revoked = record(&root, &tablet, revoke(), &[&g]);
    let regrant = record(&admin, &tablet, grant(Role::Facilitator), &[&g]);
    let m = verify(&root, &[&g_admin, &g, &revoked, &regrant]);
    assert!(!m.is_active(&tablet.public));
    assert!(m.device(&tablet.public).unwrap().revoked.is_some());
    assert_eq!(m.role(&tablet.public), None);
}

#[test]
fn admins_revoking_each_other_at_once_resolve_by_seniority_everywhere() {
    let (root, a, b) = (key(1), key(2), key(3));
    let ga = record(&root, &a, grant(Role::Admin), &[]);
    let gb = record(&root, &b, grant(Role::Admin), &[&ga]);
    let a_revokes_b = record(&a, &b, revoke(), &[&gb]);
    let b_revokes_a = record(&b, &a, revoke(), &[&gb]);
    let one = verify(&root, &[&ga, &gb, &a_revokes_b, &b_revokes_a]);
    let other = verify(&root, &[&b_revokes_a, &a_revokes_b, &gb, &ga]);
    assert_eq!(one, other);
    assert!(
        one.is_active(&a.public),
        "the admin granted first is senior"
    );
    assert!(!one.is_active(&b.public));
}

#[test]
fn a_revoked_devices_changes_count_only_as_far_as_its_revoker_had_them() {
    let (root, tablet) = (key(1), key(2));
    let g = record(&root, &tablet, grant(Role::GridWorker), &[]);
    let mut body = record(&root, &tablet, revoke(), &[&g]).body;
    body.seen.insert("needs/zt/2026-11".into(), 3);
    let r = body.sign(&root.secret);
    let m = verify(&root, &[&g, &r]);
    let at = |doc: &str, seq| m.standing(&tablet.public, doc, seq);
    assert_eq!(at("needs/zt/2026-11", 3), Standing::Role(Role::GridWorker));
    assert_eq!(at("needs/zt/2026-11", 4), Standing::Revoked);
    assert_eq!(at("needs/zt/2026-12", 1), Standing::Revoked);
    assert_eq!(
        m.standing(&key(9).public, "directory", 1),
        Standing::Stranger
    );
}

#[test]
fn a_role_change_keeps_the_old_role_for_changes_the_granting_admin_had_seen() {
    let (root, tablet) = (key(1), key(2));
    let g = record(&root, &tablet, grant(Role::GridWorker), &[]);
    let mut body = record(&root, &tablet, grant(Role::Facilitator), &[&g]).body;
    body.seen.insert("needs/zt/2026-11".into(), 2);
    let g2 = body.sign(&root.secret);
    let m = verify(&root, &[&g, &g2]);
    assert_eq!(m.role(&tablet.public), Some(Role::Facilitator));
    let at = |seq| m.standing(&tablet.public, "needs/zt/2026-11", seq);
    assert_eq!(at(2), Standing::Role(Role::GridWorker));
    assert_eq!(at(3), Standing::Role(Role::Facilitator));
}
