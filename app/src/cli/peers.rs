//! `gridbook peers`: the network's devices and the peers this device has met, with when each
//! was last seen and last synced (this device's own records: no two devices show the same).

use anyhow::Result;
use gridbook_model::time::Timestamp;
use gridbook_sync::peers::peers;

use super::{Ctx, output};
use crate::i18n::tr;

pub(super) fn run(ctx: &Ctx, as_json: bool) -> Result<String> {
    let mut book = ctx.open_or_create()?;
    let list = peers(&mut book)?;
    if as_json {
        return output::json(&list);
    }
    let when = |t: Option<i64>| t.map(|t| Timestamp(t).to_rfc3339());
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            vec![
                format!(
                    "{}{}",
                    &p.device[..16.min(p.device.len())],
                    if p.this_device {
                        tr!("cli.peers.this")
                    } else {
                        String::new()
                    }
                ),
                match &p.revoked {
                    Some(why) => tr!("cli.peers.revoked", why = why),
                    None => output::or_dash(p.role.as_deref()),
                },
                output::or_dash(match (&p.member, &p.member_name) {
                    (Some(m), Some(n)) => Some(format!("{n} ({m})")),
                    (Some(m), None) => Some(m.clone()),
                    _ => None,
                }),
                output::or_dash(when(p.record.last_seen)),
                output::or_dash(when(p.record.last_synced)),
                output::or_dash(p.record.last_error.as_deref()),
            ]
        })
        .collect();
    Ok(output::table_of(
        &[
            "cli.col.device",
            "cli.col.role",
            "cli.col.member",
            "cli.col.last_seen",
            "cli.col.last_synced",
            "cli.col.last_error",
        ],
        &rows,
    ))
}
