//! What this device knows of each peer: when it last saw it, when they last converged, and
//! where it was reached. Kept in the store's device-local table (kind `peer`, keyed by device
//! id), never synced: each device has its own view.

use std::net::SocketAddr;

use gridbook_model::Gridbook;
use serde::{Deserialize, Serialize};

use crate::protocol::Report;

/// One peer as this device knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerRecord {
    /// When a session with it last started, ended or failed (ms since the epoch).
    pub last_seen: Option<i64>,
    /// When a session with it last ended with both holding the same data.
    pub last_synced: Option<i64>,
    /// The addresses it was last dialled at.
    pub addrs: Vec<SocketAddr>,
    /// Why the last session failed, if it did.
    pub last_error: Option<String>,
    /// Bytes sent and received in the last session.
    pub last_bytes: (u64, u64),
}

/// A device of the network, or a peer this device has met, for `gridbook peers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerView {
    /// Its device id (hex).
    pub device: String,
    /// This device itself.
    pub this_device: bool,
    /// The member using it (id), when the directory lists it.
    pub member: Option<String>,
    /// That member's name.
    pub member_name: Option<String>,
    /// Its role (token), when the directory lists it.
    pub role: Option<String>,
    /// Set when it was revoked: why (it is refused at every handshake).
    pub revoked: Option<String>,
    /// What this device recorded about it.
    #[serde(flatten)]
    pub record: PeerRecord,
}

/// The record of one peer, if any.
pub fn peer_record(book: &Gridbook, device: &str) -> gridbook_model::Result<Option<PeerRecord>> {
    Ok(book
        .peer_record(device)?
        .and_then(|b| postcard::from_bytes(&b).ok()))
}

/// Notes a session with `device`: seen now; synced now when it completed; `addrs` are where it
/// was dialled (empty when it dialled this device, which keeps the last known ones).
pub fn note_session(
    book: &mut Gridbook,
    device: &str,
    addrs: &[SocketAddr],
    outcome: Result<&Report, &String>,
) -> gridbook_model::Result<()> {
    let now = book.now().0;
    let mut record = peer_record(book, device)?.unwrap_or_default();
    record.last_seen = Some(now);
    if !addrs.is_empty() {
        record.addrs = addrs.to_vec();
    }
    match outcome {
        Ok(r) => {
            if r.complete {
                record.last_synced = Some(now);
            }
            record.last_error = None;
            record.last_bytes = (r.bytes_sent as u64, r.bytes_received as u64);
        }
        Err(e) => record.last_error = Some(e.chars().take(300).collect()),
    }
    let bytes = postcard::to_stdvec(&record).map_err(|e| {
        gridbook_model::Error::Internal(format!("cannot encode a peer record: {e}"))
    })?;
    book.save_peer_record(device, bytes)
}

/// Every device the directory lists and every peer this device has a record of, this device
/// first, then by member name.
pub fn peers(book: &mut Gridbook) -> gridbook_model::Result<Vec<PeerView>> {
    let me = book.device().id_hex();
    let mut records: std::collections::BTreeMap<String, PeerRecord> = book
        .peer_records()?
        .into_iter()
        .filter_map(|(k, v)| postcard::from_bytes(&v).ok().map(|r| (k, r)))
        .collect();
    let members = if book.network()?.is_some() {
        book.directory_view()?.members
    } else {
        Default::default()
    };
    let mut out = Vec::new();
    let revoked: std::collections::BTreeMap<String, String> = book
        .membership()?
        .devices()
        .iter()
        .filter_map(|(k, d)| Some((k.clone(), d.revoked.as_ref()?.reason.clone())))
        .collect();
    for (device, d) in book.devices()? {
        let record = records.remove(&device).unwrap_or_default();
        out.push(PeerView {
            revoked: revoked.get(&device).cloned(),
            this_device: device == me,
            member_name: members.get(d.member.as_str()).map(|m| m.name.clone()),
            member: Some(d.member.to_string()),
            role: Some(d.role.token().to_string()),
            device,
            record,
        });
    }
    for (device, record) in records {
        out.push(PeerView {
            this_device: device == me,
            device,
            member: None,
            member_name: None,
            role: None,
            revoked: None,
            record,
        });
    }
    out.sort_by(|a, b| {
        (!a.this_device, &a.member_name, &a.device).cmp(&(
            !b.this_device,
            &b.member_name,
            &b.device,
        ))
    });
    Ok(out)
}
