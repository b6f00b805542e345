//! `gridbook serve`, `gridbook sync` and `gridbook device`: peer-to-peer sync over iroh.
//!
//! Decisions:
//! - `serve` listens on 0.0.0.0:7777 (UDP) unless `--bind` or `GRIDBOOK_BIND` says otherwise;
//!   `sync` dials from a random port (0.0.0.0:0), so it runs beside a `serve` on one machine.
//! - Nothing ever goes to the internet: no relay, no DNS, no address lookup. LAN discovery
//!   (mDNS) is not built yet, so `--no-discovery` / `GRIDBOOK_DISCOVERY=off` are accepted and
//!   change nothing today; scripts and tests should pass them already.
//! - A device may sync only if the network's directory lists it: an admin lists it with
//!   `gridbook device add ID --member PERSON`, where ID is what `gridbook device id` prints on
//!   that device. A device with no network yet may dial the device that listed it, and receives
//!   the network with everything else.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use gridbook_model::vocab::Role;
use gridbook_sync::node::{DEFAULT_BIND, EndpointId, Node};
use gridbook_sync::{Book, Report};

use super::{Ctx, owner, vocab};

/// `gridbook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (UDP) [default: 0.0.0.0:7777]
    #[arg(long, env = "GRIDBOOK_BIND", value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// Do not look for peers on the local network (also GRIDBOOK_DISCOVERY=off)
    #[arg(long)]
    pub no_discovery: bool,
}

/// `gridbook sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The peer's device id (`gridbook device id` on it; `serve` prints it too)
    #[arg(long, value_name = "ENDPOINT_ID")]
    pub peer: EndpointId,
    /// The peer's address, as `serve` prints it
    #[arg(long, value_name = "IP:PORT")]
    pub addr: SocketAddr,
    /// Local address to dial from [default: 0.0.0.0:0]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// Do not look for peers on the local network (also GRIDBOOK_DISCOVERY=off)
    #[arg(long)]
    pub no_discovery: bool,
}

/// `gridbook device …`.
#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
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

fn discovery_note(off: bool) {
    let env_off = std::env::var("GRIDBOOK_DISCOVERY").is_ok_and(|v| v == "off");
    if !(off || env_off) {
        tracing::info!("LAN discovery is not built yet: dial peers with --peer and --addr");
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn summary(r: &Report) -> String {
    format!(
        "{} documents, {} frames, {} bytes sent, {} bytes received, {} new changes, {} ms",
        r.documents.len(),
        r.frames_sent + r.frames_received,
        r.bytes_sent,
        r.bytes_received,
        r.changes_received,
        r.elapsed.as_millis()
    )
}

/// Runs the headless peer until interrupted; prints one line per session on stdout.
pub fn serve(ctx: &Ctx, args: ServeArgs) -> Result<String> {
    discovery_note(args.no_discovery);
    let book = ctx.open_owned()?;
    let bind = match args.bind {
        Some(b) => b,
        None => DEFAULT_BIND.parse()?,
    };
    let (handle, thread) = Book::spawn(book);
    let rt = runtime()?;
    let result = rt.block_on(async {
        let mut node = Node::spawn(handle.clone(), bind).await?;
        // Commands on this data directory come here while serve runs (owner.rs).
        let commands = owner::OwnerSocket::bind(&ctx.data)
            .map_err(|e| tracing::warn!("{e:#}"))
            .ok();
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "device   {}", node.id())?;
            for addr in node.bound() {
                writeln!(out, "listening {addr}")?;
            }
            out.flush()?;
        }
        loop {
            tokio::select! {
                biased;
                _ = tokio::signal::ctrl_c() => break,
                session = node.next_session() => match session {
                    Some(Ok(r)) => {
                        let mut out = std::io::stdout().lock();
                        writeln!(out, "synced   {} {}", &r.peer[..16], summary(&r))?;
                        out.flush()?;
                    }
                    Some(Err(e)) => eprintln!("sync failed: {e}"),
                    None => break,
                },
                client = owner::next_client(commands.as_ref()) => match client {
                    Ok(client) => run_forwarded(client, &handle, &node, &ctx.data).await?,
                    Err(e) => tracing::warn!("cannot accept a command: {e}"),
                },
            }
        }
        drop(commands);
        node.shutdown().await;
        anyhow::Ok(())
    });
    drop(rt);
    let _ = thread.join();
    result.map(|()| String::new())
}

/// Dials one peer, syncs every document, and reports what moved.
pub fn sync(ctx: &Ctx, args: SyncArgs) -> Result<String> {
    discovery_note(args.no_discovery);
    let book = ctx.open_owned()?;
    let bind = args
        .bind
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
    let (handle, thread) = Book::spawn(book);
    let rt = runtime()?;
    let result = rt.block_on(async {
        let node = Node::spawn(handle, bind).await?;
        let out = sync_via(&node, &args).await;
        node.shutdown().await;
        out
    });
    drop(rt);
    let _ = thread.join();
    result
}

/// One forwarded command line: `sync` dials from serve's own node; every other command runs
/// on the store's thread, on the open store. Prints one line per command, like sessions.
async fn run_forwarded(
    mut client: owner::Client,
    book: &Book,
    node: &Node,
    data: &std::path::Path,
) -> Result<()> {
    let args = match client.request().await {
        Ok(args) => args,
        Err(e) => {
            tracing::warn!("a forwarded command did not arrive: {e:#}");
            return Ok(());
        }
    };
    let shown = args
        .iter()
        .skip(1)
        .take(2)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let result = match <super::Cli as clap::Parser>::try_parse_from(&args) {
        Err(e) => Err(anyhow::anyhow!("{}", e.to_string().trim())),
        Ok(super::Cli {
            command: Some(super::Command::Sync(sync)),
            ..
        }) => sync_via(node, &sync).await,
        Ok(cli) => {
            let data = data.to_path_buf();
            book.call(move |b| owner::run_lent(b, data, cli))
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

/// Dials the peer `args` names from `node`, and reports what moved.
async fn sync_via(node: &Node, args: &SyncArgs) -> Result<String> {
    let started = Instant::now();
    let r = node.sync_with(args.peer, args.addr).await?;
    let mut out = format!(
        "synced with {}: {} (session {} ms, with connecting {} ms)\n",
        r.peer,
        summary(&r),
        r.elapsed.as_millis(),
        started.elapsed().as_millis()
    );
    for doc in &r.documents {
        out.push_str(&format!("  {doc}\n"));
    }
    Ok(out)
}

/// `gridbook device id` and `gridbook device add`.
pub fn device(ctx: &Ctx, cmd: DeviceCommand) -> Result<String> {
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
