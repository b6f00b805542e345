//! A relay set while a node runs (real iroh and iroh's own relay server, both on loopback): a
//! device that started with none (a new tablet joining through an invite that names one, or a
//! network whose directory gained one) reaches a peer known by its key alone once the relay is
//! set, with no restart.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use gridbook_model::vocab::Category;
use gridbook_model::{Gridbook, NewNeed};
use gridbook_sync::node::{EndpointAddr, RelayUrl};
use gridbook_sync::{Book, Node, NodeOptions, manifest, manifest_digest};
use iroh_relay::server::{RelayConfig, Server, ServerConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_set_while_running_reaches_a_peer_known_by_its_key_alone() {
    let mut config = ServerConfig::default();
    config.relay = Some(RelayConfig::new(SocketAddr::from(([127, 0, 0, 1], 0))));
    let server = Server::spawn(config).await.expect("start the relay");
    let url: RelayUrl = format!("http://{}", server.http_addr().expect("plain HTTP"))
        .parse()
        .unwrap();

    let (office, tablet) = common::office_and_tablet(
        Gridbook::in_memory().unwrap(),
        Gridbook::in_memory().unwrap(),
    );
    let (office, _t1) = Book::spawn(office);
    let (tablet, _t2) = Book::spawn(tablet);
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let with_relay = || NodeOptions::new(loopback).relay(Some(url.clone()));
    let office_node = Node::start(office.clone(), with_relay()).await.unwrap();
    let tablet_node = Node::start(
        tablet.clone(),
        NodeOptions::new(loopback).relay_can_change(),
    )
    .await
    .unwrap();
    assert_eq!(tablet_node.relay(), None);

    // The tablet fetches its network from the office at its address.
    let at = EndpointAddr::new(office_node.id()).with_ip_addr(office_node.bound()[0]);
    tablet_node.sync_addr(at).await.unwrap();
    // The office restarts (it remembers no address of the tablet) and records a need.
    office_node.shutdown().await;
    let office_node = Node::start(office.clone(), with_relay()).await.unwrap();
    office
        .call(|b| b.add_need(NewNeed::new("修灯", Category::Facilities, "zt-g3")))
        .await
        .unwrap()
        .unwrap();
    // The tablet by its key alone, through the office's relay: the tablet has no relay, so
    // the relay does not know it.
    let by_key = || office_node.sync_addr(EndpointAddr::new(tablet_node.id()));
    match tokio::time::timeout(Duration::from_secs(5), by_key()).await {
        Ok(Ok(report)) => panic!("reached a tablet with no relay: {report:?}"),
        Ok(Err(e)) => eprintln!("the tablet with no relay: {e}"),
        Err(_) => eprintln!("the tablet with no relay: nothing in 5 s"),
    }

    // Set while it runs: the relay becomes the tablet's home, and the office reaches it.
    tablet_node.set_relay(Some(url.clone())).await.unwrap();
    assert_eq!(tablet_node.relay(), Some(url.clone()));
    let started = Instant::now();
    let report = loop {
        match office_node
            .sync_addr(EndpointAddr::new(tablet_node.id()))
            .await
        {
            Ok(report) => break report,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                eprintln!("not yet: {e}");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("the tablet was not reached through the relay in 30 s: {e}"),
        }
    };
    eprintln!(
        "the tablet reached through the relay after {:?}: {} documents, relayed {:?}",
        started.elapsed(),
        report.documents.len(),
        report.relayed
    );
    assert!(report.complete, "{report:?}");
    let digest = |book: Book| async move {
        book.call(|b| manifest_digest(&manifest(b).unwrap()))
            .await
            .unwrap()
    };
    assert_eq!(digest(office.clone()).await, digest(tablet.clone()).await);

    tablet_node.set_relay(None).await.unwrap();
    assert_eq!(tablet_node.relay(), None);
    tablet_node.shutdown().await;
    office_node.shutdown().await;
    server.shutdown().await.unwrap();
}
