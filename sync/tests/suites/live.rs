//! Live sync over real iroh on loopback: once two devices have synced over a connection they
//! keep, an edit on either side reaches the other within seconds, with no new dial; and a peer
//! that goes away is noticed. A one-off sync closes without cutting off its last frame.

use crate::common;

use std::time::{Duration, Instant};

use gridbook_model::vocab::Category;
use gridbook_model::{Gridbook, NeedEdit, NewNeed};
use gridbook_sync::node::{EndpointAddr, IDLE_TIMEOUT};
use gridbook_sync::{Book, Node, NodeEvent, manifest, manifest_digest};

/// An office with a community and a tablet listed, and that tablet (fresh).
fn office_and_tablet() -> (Gridbook, Gridbook) {
    common::office_and_tablet(
        Gridbook::in_memory().unwrap(),
        Gridbook::in_memory().unwrap(),
    )
}

async fn digest(book: &Book) -> [u8; 32] {
    book.call(|b| manifest_digest(&manifest(b).unwrap()))
        .await
        .unwrap()
}

/// Waits until both books hold the same data (at most `limit`); returns how long it took.
async fn converged(a: &Book, b: &Book, limit: Duration) -> Duration {
    let started = Instant::now();
    while digest(a).await != digest(b).await {
        assert!(
            started.elapsed() < limit,
            "not converged after {limit:?}: the edit was not pushed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

/// A node for `book` on loopback.
async fn node(book: &Book) -> Node {
    Node::spawn(book.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// Sessions the node reported so far (all of them must have succeeded).
async fn sessions(node: &mut Node) -> usize {
    let mut n = 0;
    while let Ok(Some(event)) =
        tokio::time::timeout(Duration::from_millis(10), node.next_event()).await
    {
        match event {
            NodeEvent::Session(Ok(r)) => assert!(r.complete, "{r:?}"),
            other => panic!("unexpected {other:?}"),
        }
        n += 1;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_on_either_side_are_pushed_while_connected() {
    let (office, tablet) = office_and_tablet();
    let (office, _t1) = Book::spawn(office);
    let (tablet, _t2) = Book::spawn(tablet);
    let mut office_node = node(&office).await;
    let mut tablet_node = node(&tablet).await;
    let addr = office_node.bound()[0];
    let first = tablet_node
        .sync_live(EndpointAddr::new(office_node.id()).with_ip_addr(addr))
        .await
        .unwrap();
    assert!(first.complete);
    assert!(tablet_node.is_live(office_node.id()));
    converged(&office, &tablet, Duration::from_secs(5)).await;

    // An edit at the office (the side that accepted) reaches the tablet.
    let id = office
        .call(|b| b.add_need(NewNeed::new("修灯", Category::Facilities, "zt-g3")))
        .await
        .unwrap()
        .unwrap();
    let took = converged(&office, &tablet, Duration::from_secs(5)).await;
    eprintln!("office → tablet pushed in {took:?}");
    let shown = id.clone();
    let title = tablet.call(move |b| b.need(&shown).map(|n| n.title)).await;
    assert_eq!(title.unwrap().unwrap(), "修灯");

    // An edit on the tablet (the side that dialled) reaches the office.
    let edit = NeedEdit {
        title: Some("修楼道灯".into()),
        ..Default::default()
    };
    let edited = id.clone();
    tablet
        .call(move |b| b.edit_need_fields(&edited, &edit))
        .await
        .unwrap()
        .unwrap();
    let took = converged(&office, &tablet, Duration::from_secs(5)).await;
    eprintln!("tablet → office pushed in {took:?}");
    let title = office.call(move |b| b.need(&id).map(|n| n.title)).await;
    assert_eq!(title.unwrap().unwrap(), "修楼道灯");

    // Both at once: each pushes while answering the other.
    let a = office.call(|b| b.add_need(NewNeed::new("停车", Category::Facilities, "zt-g3")));
    let b = tablet.call(|b| b.add_need(NewNeed::new("漏水", Category::Facilities, "zt-g3")));
    let (a, b) = tokio::join!(a, b);
    a.unwrap().unwrap();
    b.unwrap().unwrap();
    converged(&office, &tablet, Duration::from_secs(5)).await;
    // Let the last pushes report.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        sessions(&mut office_node).await >= 2,
        "the pushes ran as sessions"
    );
    assert!(sessions(&mut tablet_node).await >= 1);
    assert_eq!(
        office.call(|b| b.dump().unwrap()).await.unwrap(),
        tablet.call(|b| b.dump().unwrap()).await.unwrap()
    );

    // The office goes away: the tablet's live connection ends.
    let office_id = office_node.id();
    office_node.shutdown().await;
    let started = Instant::now();
    while tablet_node.is_live(office_id) {
        assert!(
            started.elapsed() < IDLE_TIMEOUT + Duration::from_secs(2),
            "the live connection outlived its peer"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tablet_node.shutdown().await;
}

/// A one-off sync (`gridbook sync`, `join`) closes its connection as soon as its session ends.
/// When the dialer's own flight ended it (`Done`), the close must wait until the acceptor has
/// that flight: a QUIC close drops what the peer has not acknowledged, and an acceptor that
/// never sees `Done` reports the session broken (`gridbook invite` then waited on for an hour).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_acceptor_sees_every_one_off_session_complete() {
    const SESSIONS: usize = 40;
    let (office, tablet) = office_and_tablet();
    let (office, _t1) = Book::spawn(office);
    let (tablet, _t2) = Book::spawn(tablet);
    let mut office_node = node(&office).await;
    let tablet_node = node(&tablet).await;
    let addr = EndpointAddr::new(office_node.id()).with_ip_addr(office_node.bound()[0]);
    // The first session brings the tablet its network.
    tablet_node.sync_addr(addr.clone()).await.unwrap();
    office_node.next_event().await.expect("the node runs");
    let mut dialer_done = 0;
    for i in 0..SESSIONS {
        // A new need at the office each time: the office's answer carries it, and the
        // tablet's `Done` is the session's last frame.
        office
            .call(move |b| b.add_need(NewNeed::new(format!("需求{i}"), Category::Other, "zt-g3")))
            .await
            .unwrap()
            .unwrap();
        let report = tablet_node.sync_addr(addr.clone()).await.unwrap();
        assert!(report.complete, "{report:?}");
        dialer_done += usize::from(report.flights_sent > report.flights_received);
        let event = tokio::time::timeout(Duration::from_secs(10), office_node.next_event())
            .await
            .expect("the office reports the session")
            .expect("the node runs");
        match event {
            NodeEvent::Session(Ok(r)) => assert!(r.complete, "session {i}: {r:?}"),
            other => panic!("session {i} at the office: {other:?}"),
        }
    }
    assert!(dialer_done > 0, "no session ended with the dialer's flight");
    eprintln!(
        "{SESSIONS} sessions, {dialer_done} ended by the dialer's Done: all complete at the office"
    );
    assert_eq!(digest(&office).await, digest(&tablet).await);
    tablet_node.shutdown().await;
    office_node.shutdown().await;
}
