//! Only active members sync: strangers are refused at the handshake (real iroh on loopback,
//! discovery off), and a revoked device is refused on a new connection, cut off in the middle
//! of a live session, and its idle live connection closed, receiving no change made after its
//! revocation.
//!
//! `GRIDBOOK_STRANGERS` sets how many random keys dial (default 1,000: about 4 s here).

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use gridbook_model::vocab::{Category, Role};
use gridbook_model::{Gridbook, NewNeed};
use gridbook_sync::node::ALPN;
use gridbook_sync::{
    Book, Node, NodeError, NodeEvent, Session, SessionError, manifest, manifest_digest,
};
use iroh::endpoint::{NetReportConfig, PortmapperConfig, presets};
use iroh::{Endpoint, EndpointAddr, RelayMode, SecretKey};
use sha2::{Digest as _, Sha256};

fn office() -> Gridbook {
    let mut office = Gridbook::in_memory().unwrap();
    common::found(&mut office);
    office
}

/// The office and a tablet it granted the grid-worker role; the tablet has synced once.
fn office_and_tablet() -> (Gridbook, Gridbook) {
    let mut office = office();
    let mut tablet = Gridbook::in_memory().unwrap();
    let member = office.add_member("王强", Role::GridWorker).unwrap();
    office
        .add_device(&tablet.device().id_hex(), &member, Role::GridWorker)
        .unwrap();
    run(&mut tablet, &mut office).unwrap();
    (office, tablet)
}

/// Runs a whole session, `a` dialling `b`, in memory.
fn run(a: &mut Gridbook, b: &mut Gridbook) -> Result<(), SessionError> {
    let (mut dialer, first) = Session::dial(a, *b.device().public_bytes())?;
    let mut acceptor = Session::accept(b, *a.device().public_bytes())?;
    let mut next = Some(first);
    let mut to_b = true;
    while let Some(bytes) = next.take() {
        let step = if to_b {
            acceptor.receive(b, &bytes)?
        } else {
            dialer.receive(a, &bytes)?
        };
        next = step.send;
        to_b = !to_b;
    }
    Ok(())
}

fn digest(book: &mut Gridbook) -> [u8; 32] {
    manifest_digest(&manifest(book).unwrap())
}

async fn node(book: Book) -> Node {
    Node::spawn(book, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn loopback(node: &Node) -> SocketAddr {
    node.bound()
        .into_iter()
        .find(|a| a.is_ipv4())
        .expect("bound on 127.0.0.1")
}

/// A bare iroh endpoint with `secret`, offline and on loopback, as docs/design.md's recipe says.
async fn stranger(secret: [u8; 32]) -> Endpoint {
    Endpoint::builder(presets::Minimal)
        .relay_mode(RelayMode::Disabled)
        .clear_address_lookup()
        .portmapper_config(PortmapperConfig::Disabled)
        .net_report_config(NetReportConfig::minimal())
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .unwrap()
        .secret_key(SecretKey::from_bytes(&secret))
        .bind()
        .await
        .unwrap()
}

/// Dials with a random key and tries to read anything at all: returns the bytes it got.
async fn dial_as_stranger(i: u64, office: EndpointAddr) -> usize {
    let secret: [u8; 32] = Sha256::digest(format!("stranger {i}")).into();
    let ep = stranger(secret).await;
    let mut got = 0;
    if let Ok(conn) = ep.connect(office, ALPN).await
        && let Ok((mut send, mut recv)) = conn.open_bi().await
    {
        let _ = send.write_all(b"\0\0\0\x05hello").await;
        let mut buf = [0u8; 64];
        if let Ok(Some(n)) = recv.read(&mut buf).await {
            got = n;
        }
    }
    ep.close().await;
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_keys_are_refused_before_any_application_data() {
    let count: u64 = std::env::var("GRIDBOOK_STRANGERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let (office, _thread) = Book::spawn(office());
    let mut office_node = node(office.clone()).await;
    let addr = EndpointAddr::new(office_node.id()).with_ip_addr(loopback(&office_node));
    let before = office.call(digest).await.unwrap();
    let started = Instant::now();
    let mut received = 0;
    // Eight at a time, as strangers in a café would.
    for batch in (0..count).collect::<Vec<_>>().chunks(8) {
        let dials: Vec<_> = batch
            .iter()
            .map(|&i| tokio::spawn(dial_as_stranger(i, addr.clone())))
            .collect();
        for d in dials {
            received += d.await.unwrap();
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(received, 0, "a stranger received application data");
    // No session started, nothing stored, no peer recorded.
    let session =
        tokio::time::timeout(Duration::from_millis(300), office_node.next_session()).await;
    assert!(
        session.is_err(),
        "a stranger reached the sync protocol: {session:?}"
    );
    let (after, peers) = office
        .call(|b| (digest(b), gridbook_sync::peers::peers(b).unwrap().len()))
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(peers, 1, "only the office itself is listed");
    eprintln!(
        "{count} random keys dialled a member device: all refused before any data, in {elapsed:?} ({:?} each)",
        elapsed / count as u32
    );
    office_node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_on_a_new_connection_both_ways() {
    let (mut office, mut tablet) = office_and_tablet();
    let tablet_hex = tablet.device().id_hex();
    office.revoke(&tablet_hex, "tablet lost").unwrap();
    office
        .add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"))
        .unwrap();
    let before = digest(&mut tablet);
    let (office, _t1) = Book::spawn(office);
    let (tablet, _t2) = Book::spawn(tablet);
    let office_node = node(office.clone()).await;
    let tablet_node = node(tablet.clone()).await;
    let dialled = tablet_node
        .sync_with(office_node.id(), loopback(&office_node))
        .await;
    assert!(
        matches!(&dialled, Err(NodeError::Connect { detail, .. }) if detail.contains("not a device of this network")),
        "{dialled:?}"
    );
    // The office does not dial it either, though the tablet would accept.
    let dialling = office_node
        .sync_with(tablet_node.id(), loopback(&tablet_node))
        .await;
    assert!(dialling.is_err(), "{dialling:?}");
    assert_eq!(tablet.call(digest).await.unwrap(), before);
    let revoked = office
        .call(move |b| {
            gridbook_sync::peers::peers(b)
                .unwrap()
                .into_iter()
                .find(|p| p.device == tablet_hex)
                .and_then(|p| p.revoked)
        })
        .await
        .unwrap();
    assert_eq!(
        revoked.as_deref(),
        Some("tablet lost"),
        "peers shows it revoked"
    );
}

#[test]
fn a_live_session_stops_at_the_next_frame_after_the_revocation() {
    let (mut office, mut tablet) = office_and_tablet();
    let tablet_hex = tablet.device().id_hex();
    office
        .add_need(NewNeed::new(
            "独居老人需要送餐",
            Category::ElderlyCare,
            "zt-g3",
        ))
        .unwrap();
    // The tablet dials; the office answers its hello.
    let (mut dialer, hello) = Session::dial(&mut tablet, *office.device().public_bytes()).unwrap();
    let mut acceptor = Session::accept(&mut office, *tablet.device().public_bytes()).unwrap();
    let answer = acceptor.receive(&mut office, &hello).unwrap().send.unwrap();
    // Mid-session, the admin revokes the tablet and records a need.
    office.revoke(&tablet_hex, "left the office").unwrap();
    let after = office
        .add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"))
        .unwrap();
    let step = dialer.receive(&mut tablet, &answer).unwrap();
    // Whatever the tablet says next is refused, and the office has nothing more to send it.
    if let Some(next) = step.send {
        let refused = acceptor.receive(&mut office, &next).unwrap_err();
        assert!(matches!(refused, SessionError::NotAMember(_)), "{refused}");
        if let Some(abort) = refused.abort_frame() {
            let _ = dialer.receive(&mut tablet, &abort);
        }
    }
    assert!(!matches!(acceptor.pull(&mut office), Ok(Some(_))));
    assert!(
        tablet.need(&after).is_err(),
        "the need made after the revocation never reached the tablet"
    );
}

#[test]
fn an_ignored_change_still_travels_so_every_replica_holds_the_same_history() {
    let (mut office, mut tablet) = office_and_tablet();
    // The grid worker's tampered client renames a grid: the directory's places are the admin's.
    let mut copy = tablet
        .full_doc(&gridbook_model::DocId::Directory)
        .unwrap()
        .unwrap()
        .clone();
    copy.transact::<_, _, automerge::AutomergeError>(|tx| {
        use automerge::ReadDoc as _;
        use automerge::transaction::Transactable as _;
        let (_, grids) = tx.get(automerge::ROOT, "grids")?.expect("grids");
        let (_, grid) = tx.get(&grids, "zt-g3")?.expect("the grid");
        tx.put(&grid, "name", "篡改网格")?;
        Ok(())
    })
    .unwrap();
    let change = copy.get_last_local_change().unwrap();
    gridbook_model::signing::sign_after(&mut copy, tablet.device(), &change, 0);
    tablet
        .merge_doc(&gridbook_model::DocId::Directory, &mut copy)
        .unwrap();
    assert_eq!(tablet.ignored_changes().unwrap().len(), 1);
    run(&mut tablet, &mut office).unwrap();
    let heads = |b: &mut Gridbook| {
        b.full_doc(&gridbook_model::DocId::Directory)
            .unwrap()
            .unwrap()
            .get_heads()
    };
    assert_eq!(
        heads(&mut office),
        heads(&mut tablet),
        "the change travelled"
    );
    assert_eq!(office.ignored_changes().unwrap().len(), 1);
    assert_eq!(office.resolve_grid("zt-g3").unwrap().1.name, "第3网格");
    assert_eq!(digest(&mut office), digest(&mut tablet));
}

/// Waits until neither side keeps a live connection with the other; returns how long it took.
async fn cut_off(a: &Node, b: &Node, limit: Duration) -> Duration {
    let started = Instant::now();
    while a.is_live(b.id()) || b.is_live(a.id()) {
        assert!(
            started.elapsed() < limit,
            "the live connection outlived the revocation by {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    started.elapsed()
}

/// Waits for the revoked device's node to report why it was cut off.
async fn told_why(node: &mut Node) -> String {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(5), node.next_event())
            .await
            .expect("the revoked device was told why")
            .expect("the node runs");
        // The close's reason ("revoked: <reason>"); a session the office refused mid-way may
        // report its own error first.
        if let NodeEvent::Session(Err(e)) = event
            && e.contains("revoked: ")
        {
            return e;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_connection_to_a_device_is_closed_when_it_is_revoked_here() {
    let (office, tablet) = office_and_tablet();
    let tablet_hex = tablet.device().id_hex();
    let (office, _t1) = Book::spawn(office);
    let (tablet, _t2) = Book::spawn(tablet);
    let office_node = node(office.clone()).await;
    let mut tablet_node = node(tablet.clone()).await;
    let office_addr = EndpointAddr::new(office_node.id()).with_ip_addr(loopback(&office_node));
    tablet_node.sync_live(office_addr.clone()).await.unwrap();
    assert!(office_node.is_live(tablet_node.id()) || tablet_node.is_live(office_node.id()));
    let before = tablet.call(digest).await.unwrap();

    office
        .call(move |b| b.revoke(&tablet_hex, "tablet lost"))
        .await
        .unwrap()
        .unwrap();
    let took = cut_off(&office_node, &tablet_node, Duration::from_secs(3)).await;
    eprintln!(
        "a live connection to a device revoked on the office closed {took:?} after the revocation"
    );
    let why = told_why(&mut tablet_node).await;
    assert!(why.contains("revoked: tablet lost"), "{why}");

    // Nothing made after the revocation (nor the revocation itself) reaches it.
    office
        .call(|b| b.add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3")))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(tablet.call(digest).await.unwrap(), before);
    // And a new connection is refused at the handshake.
    let again = tablet_node.sync_live(office_addr).await;
    assert!(
        matches!(&again, Err(NodeError::Connect { detail, .. }) if detail.contains("not a device of this network")),
        "{again:?}"
    );
    assert_eq!(tablet.call(digest).await.unwrap(), before);
    tablet_node.shutdown().await;
    office_node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_arriving_by_sync_closes_a_third_devices_live_connection_to_it() {
    let (mut office, mut tablet) = office_and_tablet();
    let tablet_hex = tablet.device().id_hex();
    let mut phone = Gridbook::in_memory().unwrap();
    let member = office.add_member("陈静", Role::GridWorker).unwrap();
    office
        .add_device(&phone.device().id_hex(), &member, Role::GridWorker)
        .unwrap();
    run(&mut phone, &mut office).unwrap();
    run(&mut tablet, &mut office).unwrap();
    assert_eq!(digest(&mut tablet), digest(&mut phone));
    let before = digest(&mut tablet);
    let (office, _t1) = Book::spawn(office);
    let (phone, _t2) = Book::spawn(phone);
    let (tablet, _t3) = Book::spawn(tablet);
    let office_node = node(office.clone()).await;
    let phone_node = node(phone.clone()).await;
    let mut tablet_node = node(tablet.clone()).await;
    let phone_addr = EndpointAddr::new(phone_node.id()).with_ip_addr(loopback(&phone_node));
    tablet_node.sync_live(phone_addr).await.unwrap();

    // The office, not connected to the tablet, revokes it and syncs with the phone.
    office
        .call(move |b| b.revoke(&tablet_hex, "left the office"))
        .await
        .unwrap()
        .unwrap();
    let started = Instant::now();
    office_node
        .sync_with(phone_node.id(), loopback(&phone_node))
        .await
        .unwrap();
    let synced = started.elapsed();
    let after_sync = cut_off(&phone_node, &tablet_node, Duration::from_secs(3)).await;
    eprintln!(
        "a revocation arriving by sync closed a live connection {:?} after the sync started (the sync took {synced:?}; still open after it: {after_sync:?})",
        started.elapsed()
    );
    let why = told_why(&mut tablet_node).await;
    assert!(why.contains("revoked: left the office"), "{why}");

    // The phone goes on syncing with the office; none of it reaches the tablet.
    office
        .call(|b| b.add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3")))
        .await
        .unwrap()
        .unwrap();
    office_node
        .sync_with(phone_node.id(), loopback(&phone_node))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(tablet.call(digest).await.unwrap(), before);
    for n in [tablet_node, phone_node, office_node] {
        n.shutdown().await;
    }
}
