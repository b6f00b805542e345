//! Pairing over real iroh on loopback: an admin's device invites, a new device joins with the
//! ticket and syncs; a wrong or reused secret is refused with a message a person can act on.

use std::time::Duration;

use gridbook_model::vocab::Role;
use gridbook_model::{Gridbook, PlaceKind};
use gridbook_sync::invite::{self, InviteTicket};
use gridbook_sync::{Book, Node, NodeError, manifest, manifest_digest};

fn office() -> Gridbook {
    let mut office = Gridbook::in_memory().unwrap();
    office.init_network("凤凰台街道", "赵敏").unwrap();
    office
        .add_place(PlaceKind::Community, None, "zt", "中台社区")
        .unwrap();
    office.add_member("李娜", Role::GridWorker).unwrap();
    office
}

async fn node(book: Book) -> Node {
    Node::spawn(book, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// Makes an invite on the office's store thread; returns its ticket.
async fn invite(office: &Book, node: &Node, role: Option<Role>) -> InviteTicket {
    let (secret, _) = office
        .call(move |b| invite::create_invite(b, "李娜", role, Duration::from_secs(600)))
        .await
        .unwrap()
        .unwrap();
    node.invite_ticket(secret)
}

async fn digest(book: &Book) -> [u8; 32] {
    book.call(|b| manifest_digest(&manifest(b).unwrap()))
        .await
        .unwrap()
}

fn pairing_error(e: NodeError) -> String {
    match e {
        NodeError::Pairing(why) => why,
        other => panic!("expected a pairing refusal, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_device_joins_with_an_invite_and_receives_the_network() {
    let (office, _t1) = Book::spawn(office());
    let (tablet, _t2) = Book::spawn(Gridbook::in_memory().unwrap());
    let office_node = node(office.clone()).await;
    let tablet_node = node(tablet.clone()).await;
    let ticket = invite(&office, &office_node, Some(Role::Facilitator)).await;
    // The ticket survives being printed and typed back.
    let ticket: InviteTicket = ticket.to_string().parse().unwrap();

    let grant = tablet_node.join(&ticket).await.unwrap();
    assert_eq!(grant.role, "facilitator");
    assert_eq!(grant.subdistrict, "凤凰台街道");
    let report = tablet_node
        .sync_addr(ticket.endpoint.endpoint_addr().clone())
        .await
        .unwrap();
    assert!(report.complete, "{report:?}");
    assert_eq!(digest(&office).await, digest(&tablet).await);
    let tablet_id = tablet_node.id().to_string();
    let listed = tablet
        .call(move |b| b.devices().unwrap().remove(&tablet_id))
        .await
        .unwrap()
        .expect("the tablet sees itself listed");
    assert_eq!(listed.role, Role::Facilitator);
    assert_eq!(listed.member.to_string(), grant.member);
    // Both recorded the session.
    let office_id = office_node.id().to_string();
    let seen = tablet
        .call(move |b| gridbook_sync::peers::peer_record(b, &office_id).unwrap())
        .await
        .unwrap()
        .expect("a record of the office");
    assert!(seen.last_synced.is_some() && !seen.addrs.is_empty());
    tablet_node.shutdown().await;
    office_node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_reused_secret_is_refused_and_lists_nobody() {
    let (office, _t1) = Book::spawn(office());
    let office_node = node(office.clone()).await;
    let ticket = invite(&office, &office_node, None).await;

    // A wrong secret: refused, nothing listed, the invite still open.
    let (stranger, _t2) = Book::spawn(Gridbook::in_memory().unwrap());
    let stranger_node = node(stranger).await;
    let mut wrong = ticket.clone();
    wrong.secret[0] ^= 1;
    let why = pairing_error(stranger_node.join(&wrong).await.unwrap_err());
    assert!(why.contains("ask the admin for a new invite"), "{why}");
    let devices = office.call(|b| b.devices().unwrap().len()).await.unwrap();
    assert_eq!(devices, 1, "only the office itself");

    // The right secret admits the first device...
    let (tablet, _t3) = Book::spawn(Gridbook::in_memory().unwrap());
    let tablet_node = node(tablet).await;
    tablet_node.join(&ticket).await.unwrap();

    // ...and nobody after it. With no invite open the pairing ALPN does not answer at all.
    let why = pairing_error(stranger_node.join(&ticket).await.unwrap_err());
    assert!(why.contains("no open invite"), "{why}");
    // With another invite open, the used one is refused as used.
    let _other = invite(&office, &office_node, None).await;
    let why = pairing_error(stranger_node.join(&ticket).await.unwrap_err());
    assert!(why.contains("already been used"), "{why}");
    let devices = office.call(|b| b.devices().unwrap().len()).await.unwrap();
    assert_eq!(devices, 2, "the office and the tablet");

    // The stranger still may not sync.
    let err = stranger_node
        .sync_addr(ticket.endpoint.endpoint_addr().clone())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not a device of this network"),
        "{err}"
    );
    for n in [stranger_node, tablet_node, office_node] {
        n.shutdown().await;
    }
}
