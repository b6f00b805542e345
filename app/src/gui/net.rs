//! The app's peer: while the app is open it is a device on the network like `gridbook serve`,
//! answering other devices' syncs and invites, and syncing on demand ("sync now").
//!
//! Decisions:
//! - The store has one owner, the worker thread (`worker.rs`). The node reaches it through a
//!   [`Book`] made by [`Book::channel`]: its jobs are forwarded to the worker as
//!   [`Command::Store`] and run between the UI's own commands. Nothing here touches the disk.
//! - The node runs on its own thread with a small async runtime; the UI sends it
//!   [`NetCommand`]s and takes [`NetEvent`]s without waiting, like the worker's.
//! - It listens where `gridbook serve` would (0.0.0.0:7777, `GRIDBOOK_BIND`, discovery unless
//!   `GRIDBOOK_DISCOVERY=off`); when that port is taken (a `serve` on another data directory),
//!   it takes any free port rather than not syncing at all.
//! - It uses the relay server the directory names (Settings), as `serve` does, and follows it
//!   when it changes (set in Settings or synced from another device) with no restart. Joining
//!   uses the relay the invite ticket names until the directory arrives.
//! - "Sync now" keeps each connection open afterwards (`Node::sync_live`), as accepted ones
//!   are: while two devices stay in reach, each pushes its new edits to the other at once. The
//!   worker tells the node after each of its own commands (`Notifier`).
//! - After anything that may have changed the store (a session that brought changes, a device
//!   that paired or joined), the UI asks the worker to reload what the views show.

use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use gridbook_model::time::Timestamp;
use gridbook_model::vocab::Role;
use gridbook_sync::invite::{self, DEFAULT_INVITE_TTL, InviteTicket};
use gridbook_sync::node::{Node, NodeEvent, NodeOptions};
use gridbook_sync::{Book, Report};
use tokio::sync::{mpsc, oneshot};

use super::messages::{Command, Refusal, StoreJob};
use crate::error::CliError;
use crate::peer::{self, Peer, runtime};

/// What the UI asks of the node.
#[derive(Debug)]
pub(crate) enum NetCommand {
    /// Sync with every known device and every device found on the local network.
    SyncNow,
    /// Open an invite for a new device of `member` (id or name).
    Invite {
        /// The member the new device belongs to.
        member: String,
        /// Its role, if not the member's.
        role: Option<Role>,
    },
    /// Join the network of an invite ticket (a device with no network yet).
    Join(String),
    /// Use this relay server from now on, or none (the directory's relay changed).
    UseRelay(Option<String>),
}

/// One peer's part of a "sync now".
#[derive(Debug, Clone)]
pub(crate) struct PeerOutcome {
    /// The peer's device id.
    pub device: String,
    /// What moved, or why it failed.
    pub result: Result<Report, Refusal>,
}

/// What the node tells the UI.
#[derive(Debug, Clone)]
pub(crate) enum NetEvent {
    /// Listening: this device's id and addresses.
    Started {
        /// The device id (the endpoint's public key).
        id: String,
        /// Where it listens.
        addrs: Vec<SocketAddr>,
    },
    /// The node could not start: syncing is off until the app restarts.
    StartFailed(Refusal),
    /// A "sync now" is under way: `done` of `peers` peers finished.
    Syncing {
        /// The peers being dialled.
        peers: usize,
        /// How many have finished.
        done: usize,
    },
    /// A "sync now" finished.
    Synced(Vec<PeerOutcome>),
    /// Another device ran a session with this one.
    Session(Result<Report, String>),
    /// An invite is open.
    Invited {
        /// The ticket, as text.
        ticket: String,
        /// The role it grants.
        role: String,
        /// Until when it is open.
        expires_at: Timestamp,
    },
    /// A device paired through an invite (its id), or why a pairing failed.
    Paired(Result<String, String>),
    /// This device joined a network (its subdistrict), or why it could not.
    Joined(Result<String, Refusal>),
    /// A command failed before it reached the network.
    Failed(Refusal),
}

/// The UI's handle on the node's thread.
pub(crate) struct Net {
    commands: mpsc::UnboundedSender<NetCommand>,
    events: Receiver<NetEvent>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Net {
    /// Starts the node; its store jobs go to the worker through `worker`, and `repaint` is
    /// called after every event.
    pub(super) fn start(
        options: NodeOptions,
        dial_every: Duration,
        worker: Sender<Command>,
        repaint: impl Fn() + Send + 'static,
    ) -> Net {
        let (commands, inbox) = mpsc::unbounded_channel();
        let (outbox, events) = channel();
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("gridbook-net".into())
            .spawn(move || {
                let send = move |event: NetEvent| {
                    let _ = outbox.send(event);
                    repaint();
                };
                run(options, dial_every, worker, inbox, stopped, &send);
            })
            .ok();
        Net {
            commands,
            events,
            stop: Some(stop),
            thread,
        }
    }

    /// Queues a command.
    pub(super) fn send(&self, command: NetCommand) {
        let _ = self.commands.send(command);
    }

    /// The events that have arrived, without waiting.
    pub(super) fn poll(&mut self) -> Vec<NetEvent> {
        let mut out = Vec::new();
        while let Ok(e) = self.events.try_recv() {
            out.push(e);
        }
        out
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    options: NodeOptions,
    dial_every: Duration,
    worker: Sender<Command>,
    mut inbox: mpsc::UnboundedReceiver<NetCommand>,
    mut stopped: oneshot::Receiver<()>,
    send: &dyn Fn(NetEvent),
) {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return send(NetEvent::StartFailed(Refusal::from(&e))),
    };
    let (book, mut jobs) = Book::channel();
    let _ = worker.send(Command::WatchedBy(jobs.notifier()));
    let to_worker = worker;
    // The node's store work runs on the worker, the store's one owner; this thread ends when
    // the node's handles are gone.
    let forward = std::thread::Builder::new()
        .name("gridbook-net-jobs".into())
        .spawn(move || {
            while let Some(job) = jobs.blocking_next() {
                if to_worker.send(Command::Store(StoreJob(job))).is_err() {
                    break;
                }
            }
        });
    rt.block_on(async {
        // The network's relay, as `serve` uses it: kept in the directory (Settings sets it).
        let relay = book
            .call(|b| b.network().ok().flatten().and(b.relay().ok().flatten()))
            .await
            .ok()
            .flatten()
            .and_then(|url| url.parse().ok());
        let options = if options.relay.is_none() {
            options.relay(relay)
        } else {
            options
        }
        .relay_can_change();
        let mut peer = match Peer::start(book.clone(), options, dial_every).await {
            Ok(peer) => peer,
            Err(e) => return send(NetEvent::StartFailed(Refusal::from(&e))),
        };
        send(NetEvent::Started {
            id: hex(peer.node().id().as_bytes()),
            addrs: peer.node().bound(),
        });
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                command = inbox.recv() => {
                    let Some(command) = command else { break };
                    tokio::select! {
                        _ = &mut stopped => break,
                        () = obey(peer.node(), &book, command, send) => {}
                    }
                }
                event = peer.next_event() => {
                    let Some(event) = event else { break };
                    match event {
                        NodeEvent::Session(r) => send(NetEvent::Session(r)),
                        NodeEvent::Paired(r) => send(NetEvent::Paired(r.map(|j| j.device))),
                        _ => {}
                    }
                }
            }
        }
        peer.shutdown().await;
    });
    drop(book);
    drop(rt);
    if let Ok(f) = forward {
        let _ = f.join();
    }
}

/// Carries out one command from the UI.
async fn obey(node: &Node, book: &Book, command: NetCommand, send: &dyn Fn(NetEvent)) {
    match command {
        NetCommand::SyncNow => {
            let outcomes = sync_now(node, book, send).await;
            match outcomes {
                Ok(outcomes) => send(NetEvent::Synced(outcomes)),
                Err(e) => send(NetEvent::Failed(Refusal::from(&e))),
            }
        }
        NetCommand::Invite { member, role } => {
            let made = book
                .call(move |b| invite::create_invite(b, &member, role, DEFAULT_INVITE_TTL))
                .await;
            match made {
                Ok(Ok((secret, stored))) => send(NetEvent::Invited {
                    ticket: node.invite_ticket(secret).to_string(),
                    role: stored.role,
                    expires_at: Timestamp(stored.expires_at),
                }),
                Ok(Err(e)) => send(NetEvent::Failed(Refusal::Said(e.words()))),
                Err(e) => send(NetEvent::Failed(Refusal::Said(e.words()))),
            }
        }
        NetCommand::Join(ticket) => {
            let joined = join(node, book, ticket.trim()).await;
            send(NetEvent::Joined(joined.map_err(|e| Refusal::from(&e))));
        }
        NetCommand::UseRelay(relay) => match relay.map(|url| url.parse()).transpose() {
            Ok(relay) => {
                if let Err(e) = node.set_relay(relay).await {
                    tracing::warn!("{e}");
                }
            }
            Err(e) => tracing::warn!("the directory's relay is not a URL: {e}"),
        },
    }
}

/// Dials every known and discovered device, one after the other, telling the UI how far it
/// got.
async fn sync_now(
    node: &Node,
    book: &Book,
    send: &dyn Fn(NetEvent),
) -> anyhow::Result<Vec<PeerOutcome>> {
    let peers = peer::targets(node, book, None, None).await?;
    let mut outcomes = Vec::new();
    send(NetEvent::Syncing {
        peers: peers.len(),
        done: 0,
    });
    for addr in &peers {
        let started = Instant::now();
        let device = hex(addr.id.as_bytes());
        let result = node
            // Kept open afterwards: from then on each side pushes its edits at once.
            .sync_live(addr.clone())
            .await
            .map_err(|e| Refusal::Said(e.words()));
        tracing::info!(peer = %device, ms = started.elapsed().as_millis() as u64, ok = result.is_ok(), "sync now");
        outcomes.push(PeerOutcome { device, result });
        send(NetEvent::Syncing {
            peers: peers.len(),
            done: outcomes.len(),
        });
    }
    Ok(outcomes)
}

/// Pairs with the inviting device, fetches the network from it, and takes the granted member
/// as the person using this device.
async fn join(node: &Node, book: &Book, ticket: &str) -> anyhow::Result<String> {
    let ticket: InviteTicket = ticket.parse()?;
    // The inviting device may be on another network: its ticket names the relay that reaches
    // it (the directory's relay, arriving with the first sync, takes over afterwards).
    if node.relay().is_none()
        && let Some(relay) = ticket.endpoint.endpoint_addr().relay_urls().next()
    {
        node.set_relay(Some(relay.clone())).await?;
    }
    let grant = node.join(&ticket).await?;
    let report = node
        .sync_addr(ticket.endpoint.endpoint_addr().clone())
        .await?;
    if !report.complete {
        return Err(CliError::JoinedUnsynced.into());
    }
    let member = grant.member.clone();
    book.call(move |b| -> gridbook_model::Result<()> { b.set_member(&member.parse()?) })
        .await??;
    Ok(grant.subdistrict)
}

/// A device id as the directory and `gridbook device id` write it.
fn hex(key: &[u8; 32]) -> String {
    data_encoding::HEXLOWER.encode(key)
}
