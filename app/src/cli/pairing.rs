//! `gridbook invite` and `gridbook join`: admitting a new device with a single-use invite.
//!
//! Decisions:
//! - `invite` runs on an admin's device; it keeps the invite in the store (open for an hour
//!   unless `--expires-in` says otherwise), prints the ticket as text and as a QR code, then
//!   listens (like `serve`, on 0.0.0.0:7777 unless `--bind`) until the new device has joined and
//!   synced once. A `gridbook serve` on the same data directory answers open invites as well.
//! - `join` refuses on a device that already belongs to a network; it proves the invite's
//!   secret, receives its grant, then syncs with the inviting device and takes the granted
//!   member as the person using it.

use std::io::Write as _;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::Role;
use gridbook_sync::Book;
use gridbook_sync::invite::{self, DEFAULT_INVITE_TTL, InviteTicket};
use gridbook_sync::node::DEFAULT_BIND;
use gridbook_sync::{Node, NodeEvent};

use super::error::{CliError, Doing as _, Step};
use super::sync::{NetArgs, print_event, summary};
use super::{Ctx, vocab};
use crate::peer::runtime;

/// `gridbook invite`.
#[derive(Debug, Args)]
pub(crate) struct InviteArgs {
    /// The member the new device belongs to (id or name)
    #[arg(long, value_name = "PERSON")]
    pub member: String,
    /// The new device's role [default: the member's role]
    #[arg(long, value_parser = vocab::<Role>())]
    pub role: Option<Role>,
    /// How long the invite stays open, in minutes
    #[arg(long, value_name = "MINUTES", default_value_t = DEFAULT_INVITE_TTL.as_secs() / 60)]
    pub expires_in: u64,
    /// Print the invite and exit, leaving `gridbook serve` to answer it
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

/// `gridbook join`.
#[derive(Debug, Args)]
pub(crate) struct JoinArgs {
    /// The invite ticket `gridbook invite` printed on the admin's device
    #[arg(value_name = "TICKET")]
    pub ticket: String,
    #[command(flatten)]
    pub net: NetArgs,
}

/// The ticket as a QR code of terminal characters (two rows a line), light on dark so that
/// phones read it from a dark terminal.
fn qr(text: &str) -> Result<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes()).doing(Step::Qr)?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// Makes an invite, prints it, and (unless `--no-wait`) admits the new device.
pub(super) fn invite(ctx: &Ctx, args: InviteArgs) -> Result<String> {
    let mut book = ctx.open_owned()?;
    let ttl = Duration::from_secs(args.expires_in.max(1) * 60);
    let (secret, stored) = invite::create_invite(&mut book, &args.member, args.role, ttl)?;
    let member_name = book
        .member_record(&stored.member.parse()?)
        .map(|m| m.name)
        .unwrap_or_else(|_| stored.member.clone());
    // The network's relay: the ticket names it, so a device elsewhere can join through it.
    let relay = super::sync::relay(&mut book, None)?;
    let options = args.net.options(DEFAULT_BIND)?.relay(relay);
    let (handle, thread) = Book::spawn(book);
    let rt = runtime()?;
    let result = rt.block_on(async {
        let mut node = Node::start(handle, options).await?;
        let ticket = node.invite_ticket(secret).to_string();
        {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "invite for {member_name} as {}, open until {}",
                stored.role,
                Timestamp(stored.expires_at).to_rfc3339()
            )?;
            writeln!(out, "{}", qr(&ticket)?)?;
            writeln!(out, "ticket   {ticket}")?;
            out.flush()?;
        }
        if args.no_wait {
            node.shutdown().await;
            return anyhow::Ok(());
        }
        eprintln!("waiting for the new device to run `gridbook join TICKET` (Ctrl-C to stop)");
        let deadline = tokio::time::sleep(ttl);
        tokio::pin!(deadline);
        let mut joined: Option<String> = None;
        loop {
            tokio::select! {
                biased;
                _ = tokio::signal::ctrl_c() => break,
                _ = &mut deadline, if joined.is_none() => {
                    return Err(CliError::InviteExpired.into());
                }
                event = node.next_event() => {
                    let Some(event) = event else { break };
                    print_event(&event)?;
                    match event {
                        NodeEvent::Paired(Ok(j)) => joined = Some(j.device),
                        NodeEvent::Session(Ok(r))
                            if r.complete && joined.as_deref() == Some(r.peer.as_str()) =>
                        {
                            break;
                        }
                        _ => {}
                    }
                }
            }
        }
        node.shutdown().await;
        anyhow::Ok(())
    });
    drop(rt);
    let _ = thread.join();
    result.map(|()| String::new())
}

/// Joins the network of the invite's device, and fetches its data.
pub(super) fn join(ctx: &Ctx, args: JoinArgs) -> Result<String> {
    let ticket: InviteTicket = args.ticket.parse()?;
    let mut book = match ctx.open_or_create()? {
        super::BookRef::Own(book) => *book,
        super::BookRef::Lent(_) => return Err(CliError::JoinServed.into()),
    };
    if let Some(network) = book.network()? {
        return Err(CliError::AlreadyJoined {
            subdistrict: network.subdistrict,
            network: network.id,
        }
        .into());
    }
    // The inviting device's relay, named in the ticket: the way to it from another network.
    let relay = super::sync::ticket_relay(ticket.endpoint.endpoint_addr());
    let options = args.net.options("0.0.0.0:0")?.relay(relay);
    let (handle, thread) = Book::spawn(book);
    let rt = runtime()?;
    let result = rt.block_on(async {
        let node = Node::start(handle.clone(), options).await?;
        let grant = node.join(&ticket).await;
        let grant = match grant {
            Ok(g) => g,
            Err(e) => {
                node.shutdown().await;
                return Err(e.into());
            }
        };
        let report = node
            .sync_addr(ticket.endpoint.endpoint_addr().clone())
            .await;
        node.shutdown().await;
        let report = report.doing(Step::FirstSync)?;
        let member = grant.member.clone();
        handle
            .call(move |b| -> gridbook_model::Result<()> { b.set_member(&member.parse()?) })
            .await??;
        anyhow::Ok((grant, report))
    });
    drop(rt);
    // The store's thread ends when its last handle goes.
    drop(handle);
    let _ = thread.join();
    let (grant, report) = result?;
    Ok(format!(
        "joined {} as {} (member {}); {}\n",
        grant.subdistrict,
        grant.role,
        grant.member,
        summary(&report)
    ))
}
