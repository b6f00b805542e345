//! Live sync over real iroh on loopback: once two devices have synced over a connection they
//! keep, an edit on either side reaches the other within seconds, with no new dial; and a peer
//! that goes away is noticed.

mod common;

use std::time::{Duration, Instant};

use gridbook_model::vocab::Category;
use gridbook_model::{Gridbook, NeedEdit, NewNeed};
use gridbook_sync::node::{EndpointAddr, IDLE_TIMEOUT, Node, NodeEvent};
use gridbook_sync::{Book, manifest, manifest_digest};

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
    let mut office_node = Node::spawn(office.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut tablet_node = Node::spawn(tablet.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
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
