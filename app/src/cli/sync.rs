//! `gridbook serve`, `gridbook sync` and `gridbook device`: peer-to-peer sync over iroh.
//!
//! Decisions:
//! - `serve` listens on 0.0.0.0:7777 (UDP) unless `--bind` or `GRIDBOOK_BIND` says otherwise;
//!   `sync` dials from a random port (0.0.0.0:0), so it runs beside a `serve` on one machine.
//! - Nothing goes to the internet unless the network has a relay (`serve --relay URL` stores it
//!   in the directory for every device): no DNS, no address lookup. LAN discovery (mDNS, service
//!   `gridbook`) is on unless `--no-discovery` / `GRIDBOOK_DISCOVERY=off`; tests and scripts on
//!   shared machines pass those and bind 127.0.0.1.
//! - `sync` with no `--peer` dials every listed device at the address it was last dialled at,
//!   and every device announced on the local network within 3 s; it fails unless all converge.
//! - `serve` dials those same devices itself, at start and every 30 s
//!   (`GRIDBOOK_DIAL_EVERY_MS`), unless a live connection with one is open; a connection,
//!   whoever dialled it, stays open and each side pushes its new changes at once.
//! - A device may sync only if the network's directory lists it: an admin lists it with
//!   `gridbook device add ID --member PERSON`, where ID is what `gridbook device id` prints on
//!   that device. A device with no network yet may dial the device that listed it, and receives
//!   the network with everything else.

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Args, Subcommand};
use gridbook_model::Gridbook;
use gridbook_model::vocab::Role;
use gridbook_sync::node::{DEFAULT_BIND, EndpointAddr, EndpointId, EndpointTicket, RelayUrl};
use gridbook_sync::{Book, Report};
use gridbook_sync::{Node, NodeError, NodeEvent, NodeOptions};

use super::error::{CliError, Doing as _, PeerFailure, Step};
use super::{Ctx, run_lent, vocab};
use crate::i18n::tr;
use crate::owner;
use crate::peer::{self, Peer, runtime};

/// Where a command that opens an endpoint listens, and whether it looks for peers.
#[derive(Debug, Args)]
pub(crate) struct NetArgs {
    /// Address to listen on (UDP)
    #[arg(long, env = "GRIDBOOK_BIND", value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// Do not announce this device or look for peers on the local network (also
    /// GRIDBOOK_DISCOVERY=off)
    #[arg(long)]
    pub no_discovery: bool,
}

impl NetArgs {
    /// The node's options: the given address or `default_bind`, and discovery unless
    /// `--no-discovery` or `GRIDBOOK_DISCOVERY=off`.
    pub(crate) fn options(&self, default_bind: &str) -> Result<NodeOptions> {
        peer::options(self.bind, self.no_discovery, default_bind)
    }
}

/// `gridbook serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// A relay server for devices that are online but not on one local network; stored in the
    /// directory, so every device of the network uses it (`--relay none` clears it)
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,
}

/// `gridbook sync`.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// The peer: a ticket, or a device id (`gridbook device id` on it; `serve` prints it) [default:
    /// every known device at its last address, and every device found on the local network]
    #[arg(long, value_name = "TICKET_OR_ID")]
    pub peer: Option<String>,
    /// The peer's address, as `serve` prints it (with a device id)
    #[arg(long, value_name = "IP:PORT")]
    pub addr: Option<SocketAddr>,
    /// Sync once and exit (the only mode: `gridbook serve` keeps syncing)
    #[arg(long)]
    pub once: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

/// `gridbook device …`.
#[derive(Debug, Subcommand)]
pub(crate) enum DeviceCommand {
    /// Print this device's id (made on first use), to give to an admin
    Id,
    /// List a device so that it may sync with this network
    Add {
        /// The device's id, as `gridbook device id` prints it there
        #[arg(value_name = "DEVICE_ID")]
        id: String,
        /// The member who uses it (id or name)
        #[arg(long, value_name = "PERSON")]
        member: String,
        /// Its role [default: the member's role]
        #[arg(long, value_parser = vocab::<Role>())]
        role: Option<Role>,
    },
}

/// One session's report on one line: what moved, how, how long.
pub(super) fn summary(r: &Report) -> String {
    let path = match r.relayed {
        Some(true) => ", through the relay",
        Some(false) => ", direct",
        None => "",
    };
    format!(
        "{} documents, {} round trips, {} bytes sent, {} bytes received, {} new changes, {} ms{path}",
        r.documents.len(),
        r.round_trips(),
        r.bytes_sent,
        r.bytes_received,
        r.changes_received,
        r.elapsed.as_millis()
    )
}

/// The relay to use: set on the directory by `serve --relay`, read from it otherwise.
pub(super) fn relay(book: &mut Gridbook, given: Option<&str>) -> Result<Option<RelayUrl>> {
    if let Some(url) = given {
        let url = url.trim();
        let clear = url.is_empty() || url == "none";
        if !clear {
            url.parse::<RelayUrl>()
                .doing(Step::RelayUrl(url.to_string()))?;
        }
        book.set_relay((!clear).then_some(url))?;
    }
    let Some(url) = (if book.network()?.is_some() {
        book.relay()?
    } else {
        None
    }) else {
        return Ok(None);
    };
    match url.parse() {
        Ok(u) => Ok(Some(u)),
        Err(e) => {
            tracing::warn!("the directory's relay {url} is not a URL ({e}); going without");
            Ok(None)
        }
    }
}

/// The relay a ticket names, for a device whose directory names none yet: a device with no
/// network reaches the device that listed it through that device's relay.
pub(super) fn ticket_relay(addr: &EndpointAddr) -> Option<RelayUrl> {
    addr.relay_urls().next().cloned()
}

/// The relay `sync` uses: the directory's, or else the one the `--peer` ticket names.
fn sync_relay(book: &mut Gridbook, peer: Option<&str>) -> Result<Option<RelayUrl>> {
    if let Some(url) = relay(book, None)? {
        return Ok(Some(url));
    }
    Ok(peer
        .and_then(|p| p.parse::<EndpointTicket>().ok())
        .and_then(|t| ticket_relay(t.endpoint_addr())))
}

/// Runs the headless peer until interrupted; prints one line per session on stdout.
pub(crate) fn serve(ctx: &Ctx, args: ServeArgs) -> Result<String> {
    let mut book = ctx.open_owned()?;
    let relay = relay(&mut book, args.relay.as_deref())?;
    let options = args.net.options(DEFAULT_BIND)?.relay(relay);
    let (handle, thread) = Book::spawn(book);
    let rt = runtime()?;
    let result = rt.block_on(async {
        let mut peer = Peer::start(handle.clone(), options, peer::dial_every_from_env()).await?;
        // Commands on this data directory come here while serve runs (owner.rs).
        let commands = owner::OwnerSocket::bind(&ctx.data)
            .map_err(|e| tracing::warn!("{e:#}"))
            .ok();
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "device   {}", peer.node().id())?;
            for addr in peer.node().bound() {
                writeln!(out, "listening {addr}")?;
            }
            writeln!(out, "ticket   {}", peer.node().ticket())?;
            out.flush()?;
        }
        loop {
            tokio::select! {
                biased;
                _ = tokio::signal::ctrl_c() => break,
                event = peer.next_event() => match event {
                    Some(e) => print_event(&e)?,
                    None => break,
                },
                client = owner::next_client(commands.as_ref()) => match client {
                    Ok(client) => run_forwarded(client, &handle, peer.node(), &ctx.data).await?,
                    Err(e) => tracing::warn!("cannot accept a command: {e}"),
                },
            }
        }
        drop(commands);
        peer.shutdown().await;
        anyhow::Ok(())
    });
    drop(rt);
    drop(handle);
    let _ = thread.join();
    result.map(|()| String::new())
}

/// Prints what happened at a running node: one line on stdout per session or pairing, and
/// failures on stderr.
pub(super) fn print_event(event: &NodeEvent) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match event {
        NodeEvent::Paired(Ok(j)) => writeln!(out, "joined   {} as {}", j.device, j.grant.role)?,
        NodeEvent::Paired(Err(e)) => eprintln!("pairing refused: {e}"),
        NodeEvent::Session(Ok(r)) => writeln!(out, "synced   {} {}", &r.peer[..16], summary(r))?,
        NodeEvent::Session(Err(e)) => eprintln!("sync failed: {e}"),
        _ => {}
    }
    out.flush()?;
    Ok(())
}

/// Syncs once with the given peer, or with every known and discovered one; one line per peer;
/// fails unless every one of them converged.
pub(crate) fn sync(ctx: &Ctx, args: SyncArgs) -> Result<String> {
    let mut book = ctx.open_owned()?;
    let relay = sync_relay(&mut book, args.peer.as_deref())?;
    let options = args.net.options("0.0.0.0:0")?.relay(relay);
    let (handle, thread) = Book::spawn(book);
    let rt = runtime()?;
    let result = rt.block_on(async {
        let node = Node::start(handle.clone(), options).await?;
        let out = sync_via(&node, &handle, &args).await;
        node.shutdown().await;
        out
    });
    drop(rt);
    // The store's thread ends when its last handle goes.
    drop(handle);
    let _ = thread.join();
    result
}

/// One sync with a peer: its id, how it went, and how long it took with connecting.
type Dialled = (EndpointId, Result<Report, NodeError>, Duration);

/// Dials the peers `args` names (or the known and discovered ones) from `node`, one after the
/// other, and reports what moved: one line per peer, in this thread's language.
async fn sync_via(node: &Node, book: &Book, args: &SyncArgs) -> Result<String> {
    sync_report(dial_all(node, book, args).await?)
}

async fn dial_all(node: &Node, book: &Book, args: &SyncArgs) -> Result<Vec<Dialled>> {
    let mut dialled = Vec::new();
    for addr in peer::targets(node, book, args.peer.as_deref(), args.addr).await? {
        let started = Instant::now();
        let id = addr.id;
        let r = node.sync_addr(addr).await;
        dialled.push((id, r, started.elapsed()));
    }
    Ok(dialled)
}

/// One line per peer synced with, or why not every peer converged.
fn sync_report(dialled: Vec<Dialled>) -> Result<String> {
    if dialled.is_empty() {
        return Err(CliError::NoPeer.into());
    }
    let peers = dialled.len();
    let mut out = String::new();
    let mut failures = Vec::new();
    for (id, r, took) in dialled {
        match r {
            Ok(r) if r.complete => out.push_str(&tr!(
                "cli.sync.synced",
                peer = r.peer,
                summary = summary(&r),
                session = r.elapsed.as_millis(),
                total = took.as_millis()
            )),
            Ok(r) => failures.push(PeerFailure {
                peer: r.peer,
                why: None,
            }),
            Err(e) => failures.push(PeerFailure {
                peer: id.to_string(),
                why: Some(e),
            }),
        }
    }
    match (peers, failures.pop()) {
        (_, None) => Ok(out),
        (1, Some(PeerFailure { why: None, .. })) => Err(CliError::Incomplete.into()),
        (1, Some(PeerFailure { why: Some(e), .. })) => Err(e.into()),
        (_, Some(last)) => {
            failures.push(last);
            Err(CliError::NotConverged {
                converged: peers - failures.len(),
                peers,
                failures,
            }
            .into())
        }
    }
}

/// One forwarded command line: `sync` dials from serve's own node; every other command runs
/// on the store's thread, on the open store. Prints one line per command, like sessions.
async fn run_forwarded(
    mut client: owner::Client,
    book: &Book,
    node: &Node,
    data: &std::path::Path,
) -> Result<()> {
    let line = match client.request().await {
        Ok(line) => line,
        Err(e) => {
            tracing::warn!("a forwarded command did not arrive: {e:#}");
            return Ok(());
        }
    };
    let (args, language) = (line.args, line.language);
    let shown = args
        .iter()
        .skip(1)
        .take(2)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let result = match super::parse_forwarded(&args) {
        Err(e) => Err(e),
        Ok(super::Cli {
            command: Some(super::Command::Sync(sync)),
            ..
        }) => match dial_all(node, book, &sync).await {
            Ok(dialled) => crate::i18n::in_language(language, || sync_report(dialled)),
            Err(e) => Err(e),
        },
        Ok(cli) => {
            let data = data.to_path_buf();
            book.call(move |b| run_lent(b, data, cli, language))
                .await
                .unwrap_or_else(|e| Err(e.into()))
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let status = if result.is_ok() { "done" } else { "failed" };
        writeln!(out, "command  {shown} ({status}, forwarded)")?;
        out.flush()?;
    }
    client.answer(result).await;
    Ok(())
}

/// `gridbook device id` and `gridbook device add`.
pub(crate) fn device(ctx: &Ctx, cmd: DeviceCommand) -> Result<String> {
    match cmd {
        DeviceCommand::Id => {
            let book = ctx.open_or_create()?;
            Ok(format!("{}\n", book.device().id_hex()))
        }
        DeviceCommand::Add { id, member, role } => {
            let mut book = ctx.open()?;
            let member = book.resolve_member(&member)?;
            let role = match role {
                Some(r) => r,
                None => book.member_record(&member)?.role,
            };
            book.add_device(&id, &member, role)?;
            Ok(String::new())
        }
    }
}
