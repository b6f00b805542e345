//! Invites: how an admin device admits a new device, without a network in between.
//!
//! An admin device makes an invite for a member and a role: a random 16-byte secret, kept in
//! the store's device-local table with an expiry, so that whichever process holds the store
//! (`gridbook invite`, or a running `gridbook serve`) answers it. The new device gets an
//! [`InviteTicket`] (the admin device's [`EndpointTicket`] and the secret, as text or a QR code),
//! dials the pairing ALPN and sends a [`Proof`]: the invite's public id and a hash binding the
//! secret to both device keys, so the secret itself never travels and a proof made for one device
//! is useless to another. The admin device checks it ([`redeem`]), marks the invite used, lists the
//! new device in the directory, and answers with a [`Grant`]. The new device then syncs as a
//! member, and receives the directory that lists it.
//!
//! Everything here is transport-free; `net/pairing.rs` carries it over iroh.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use gridbook_model::Gridbook;
use gridbook_model::ids::MemberId;
use gridbook_model::vocab::Role;
use iroh_tickets::endpoint::EndpointTicket;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// How long an invite stays open unless told otherwise.
pub const DEFAULT_INVITE_TTL: Duration = Duration::from_secs(60 * 60);

/// Why an invite could not be made, or was refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InviteError {
    /// The inviting device belongs to no network.
    #[error("this device belongs to no network: found one with `gridbook init`, or join one")]
    NoNetwork,
    /// Only admin devices may invite.
    #[error(
        "only an admin's device may invite: this device is {} (an admin lists it with `gridbook device add`)",
        match .0 { Some(role) => format!("a {role}'s"), None => "not listed in the directory".into() }
    )]
    NotAdmin(Option<Role>),
    /// The ticket's text does not parse.
    #[error(
        "this is not an invite ticket ({0}): copy the whole line `gridbook invite` printed, or scan its QR code"
    )]
    BadTicket(String),
    /// No invite has that id.
    #[error(
        "the inviting device has no invite with this secret (the ticket was mistyped, or is for another device): ask the admin for a new invite"
    )]
    Unknown,
    /// The invite was used already.
    #[error("this invite has already been used: ask the admin for a new invite")]
    Used,
    /// The invite expired.
    #[error("this invite has expired: ask the admin for a new invite")]
    Expired,
    /// The proof does not match the invite's secret.
    #[error(
        "the invite's secret does not match: check the ticket was copied whole, or ask the admin for a new invite"
    )]
    WrongSecret,
    /// The store failed, or the grant could not be written.
    #[error("the inviting device could not admit this device: {0}")]
    Store(String),
}

impl From<gridbook_model::Error> for InviteError {
    fn from(e: gridbook_model::Error) -> Self {
        InviteError::Store(e.to_string())
    }
}

/// An invite as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredInvite {
    /// The secret (never leaves this device except inside the ticket).
    pub secret: [u8; 16],
    /// The member the new device will belong to (member id).
    pub member: String,
    /// The role the new device gets (canonical token).
    pub role: String,
    /// When it was made (ms since the epoch, device clock).
    pub created_at: i64,
    /// When it stops being accepted (ms since the epoch, device clock).
    pub expires_at: i64,
    /// The device that used it (hex), once used.
    pub used_by: Option<String>,
}

impl StoredInvite {
    /// Whether it may still be redeemed at `now`.
    pub fn is_open(&self, now: i64) -> bool {
        self.used_by.is_none() && now < self.expires_at
    }
}

/// What the new device proves: which invite, and that it knows its secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The invite's public id ([`invite_id`] of the secret).
    pub invite: [u8; 8],
    /// [`proof_hash`] of the secret and both device keys.
    pub hash: [u8; 32],
}

/// What the admin device grants the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The network's id (hex).
    pub network: String,
    /// The subdistrict's name.
    pub subdistrict: String,
    /// The member the device belongs to (member id).
    pub member: String,
    /// The device's role (canonical token).
    pub role: String,
}

/// The invite's public id: the first 8 bytes of the secret's SHA-256.
pub fn invite_id(secret: &[u8; 16]) -> [u8; 8] {
    let h: [u8; 32] = Sha256::digest(secret).into();
    let mut id = [0u8; 8];
    id.copy_from_slice(&h[..8]);
    id
}

/// The proof a joining device sends: binds the secret to the inviter's and the joiner's keys.
pub fn proof_hash(secret: &[u8; 16], inviter: &[u8; 32], joiner: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"gridbook pairing proof v1");
    h.update(secret);
    h.update(inviter);
    h.update(joiner);
    h.finalize().into()
}

/// The proof for `secret` from `joiner` to `inviter`.
pub fn proof(secret: &[u8; 16], inviter: &[u8; 32], joiner: &[u8; 32]) -> Proof {
    Proof {
        invite: invite_id(secret),
        hash: proof_hash(secret, inviter, joiner),
    }
}

/// What a new device needs to join: where the admin device is, and the invite's secret.
///
/// As text: the [`EndpointTicket`], a dot, and the secret in lowercase base32, all in one word
/// that survives copying through a chat message or a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteTicket {
    /// The admin device: its id and addresses.
    pub endpoint: EndpointTicket,
    /// The invite's secret.
    pub secret: [u8; 16],
}

impl fmt::Display for InviteTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            self.endpoint,
            data_encoding::BASE32_NOPAD
                .encode(&self.secret)
                .to_ascii_lowercase()
        )
    }
}

impl FromStr for InviteTicket {
    type Err = InviteError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (endpoint, secret) = s
            .rsplit_once('.')
            .ok_or_else(|| InviteError::BadTicket("no secret after the address".into()))?;
        let endpoint: EndpointTicket = endpoint
            .parse()
            .map_err(|e| InviteError::BadTicket(format!("the address part: {e}")))?;
        let secret = data_encoding::BASE32_NOPAD
            .decode(secret.to_ascii_uppercase().as_bytes())
            .ok()
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .ok_or_else(|| InviteError::BadTicket("the secret part is damaged".into()))?;
        Ok(InviteTicket { endpoint, secret })
    }
}

fn decode(bytes: &[u8]) -> Option<StoredInvite> {
    postcard::from_bytes(bytes).ok()
}

fn put(book: &Gridbook, id: &[u8; 8], invite: &StoredInvite) -> Result<(), InviteError> {
    let bytes = postcard::to_stdvec(invite).map_err(|e| InviteError::Store(e.to_string()))?;
    Ok(book.save_invite_record(&data_encoding::HEXLOWER.encode(id), bytes)?)
}

/// Makes an invite for `member` (id or name) with `role` (the member's own role when `None`),
/// open for `ttl`. Only a device the directory lists as an admin's may invite. Returns the
/// secret; [`InviteTicket`] pairs it with the device's address.
pub fn create_invite(
    book: &mut Gridbook,
    member: &str,
    role: Option<Role>,
    ttl: Duration,
) -> Result<([u8; 16], StoredInvite), InviteError> {
    if book.network()?.is_none() {
        return Err(InviteError::NoNetwork);
    }
    let me = book.device().id_hex();
    match book.devices()?.get(&me) {
        Some(d) if d.role == Role::Admin => {}
        Some(d) => return Err(InviteError::NotAdmin(Some(d.role))),
        None => return Err(InviteError::NotAdmin(None)),
    }
    let member = book.resolve_member(member)?;
    let role = match role {
        Some(r) => r,
        None => book.member_record(&member)?.role,
    };
    let mut secret = [0u8; 16];
    getrandom::fill(&mut secret)
        .map_err(|e| InviteError::Store(format!("this system has no randomness: {e}")))?;
    let now = book.now().0;
    let invite = StoredInvite {
        secret,
        member: member.to_string(),
        role: role.token().to_string(),
        created_at: now,
        expires_at: now.saturating_add(ttl.as_millis().min(i64::MAX as u128) as i64),
        used_by: None,
    };
    put(book, &invite_id(&secret), &invite)?;
    Ok((secret, invite))
}

/// The invites this device keeps, by id (hex), open or not.
pub fn invites(book: &Gridbook) -> Result<Vec<(String, StoredInvite)>, InviteError> {
    let rows = book.invite_records()?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, v)| decode(&v).map(|i| (k, i)))
        .collect())
}

/// Whether any invite is open now: the pairing ALPN answers only then.
pub fn any_open(book: &Gridbook) -> Result<bool, InviteError> {
    let now = book.now().0;
    Ok(invites(book)?.iter().any(|(_, i)| i.is_open(now)))
}

/// Whether the invite with this secret has been used (by which device).
pub fn used_by(book: &Gridbook, secret: &[u8; 16]) -> Result<Option<String>, InviteError> {
    let id = data_encoding::HEXLOWER.encode(&invite_id(secret));
    Ok(invites(book)?
        .into_iter()
        .find(|(k, _)| *k == id)
        .and_then(|(_, i)| i.used_by))
}

/// Checks `proof` from device `joiner`; when it holds, marks the invite used, lists the device
/// in the directory with the invite's member and role, and returns the grant.
///
/// The invite is marked used before the device is listed: a crash between the two leaves a used
/// invite and no new device (the admin makes another invite), never an invite that admits twice.
pub fn redeem(book: &mut Gridbook, proof: &Proof, joiner: &[u8; 32]) -> Result<Grant, InviteError> {
    let key = proof.invite;
    let id = data_encoding::HEXLOWER.encode(&key);
    let mut invite = book
        .invite_record(&id)?
        .and_then(|b| decode(&b))
        .ok_or(InviteError::Unknown)?;
    let inviter = *book.device().public_bytes();
    let expected = proof_hash(&invite.secret, &inviter, joiner);
    if !constant_time_eq(&expected, &proof.hash) {
        return Err(InviteError::WrongSecret);
    }
    if invite.used_by.is_some() {
        return Err(InviteError::Used);
    }
    if invite.expires_at <= book.now().0 {
        return Err(InviteError::Expired);
    }
    let joiner_hex = data_encoding::HEXLOWER.encode(joiner);
    invite.used_by = Some(joiner_hex.clone());
    put(book, &key, &invite)?;
    let member: MemberId = invite
        .member
        .parse()
        .map_err(|e| InviteError::Store(format!("the stored invite's member: {e}")))?;
    let role: Role = invite
        .role
        .parse()
        .map_err(|e| InviteError::Store(format!("the stored invite's role: {e}")))?;
    book.add_device(&joiner_hex, &member, role)?;
    let network = book.network()?.ok_or(InviteError::NoNetwork)?;
    Ok(Grant {
        network: network.id,
        subdistrict: network.subdistrict,
        member: invite.member,
        role: invite.role,
    })
}

/// Compares two digests without stopping at the first difference.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The words of [`InviteError`], for the app and the command line.
mod words {
    use gridbook_model::vocab::Role;
    use gridbook_model::words::Words;

    use super::InviteError;

    gridbook_model::worded!(InviteError {
        InviteError::NoNetwork => Words::new("error.sync.invite.no_network"), example: InviteError::NoNetwork;
        InviteError::NotAdmin(Some(role)) => Words::new("error.sync.invite.not_admin").vocab("role", *role),
            example: InviteError::NotAdmin(Some(Role::GridWorker));
        InviteError::NotAdmin(None) => Words::new("error.sync.invite.not_listed"),
            example: InviteError::NotAdmin(None);
        InviteError::BadTicket(detail) => Words::new("error.sync.invite.bad_ticket").arg("detail", detail),
            example: InviteError::BadTicket("bad base32".into());
        InviteError::Unknown => Words::new("error.sync.invite.unknown"), example: InviteError::Unknown;
        InviteError::Used => Words::new("error.sync.invite.used"), example: InviteError::Used;
        InviteError::Expired => Words::new("error.sync.invite.expired"), example: InviteError::Expired;
        InviteError::WrongSecret => Words::new("error.sync.invite.wrong_secret"),
            example: InviteError::WrongSecret;
        InviteError::Store(detail) => Words::new("error.sync.invite.store").arg("detail", detail),
            example: InviteError::Store("no member 'P-K7Q2ZD-1'".into());
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use iroh::{EndpointAddr, SecretKey};

    fn admin() -> Gridbook {
        let mut book = Gridbook::in_memory().unwrap();
        book.init_network("凤凰台街道", "赵敏").unwrap();
        book.add_member("李娜", Role::GridWorker).unwrap();
        book
    }

    #[test]
    fn a_ticket_round_trips_as_text() {
        let id = SecretKey::from_bytes(&[3; 32]).public();
        let addr = EndpointAddr::new(id).with_ip_addr("127.0.0.1:7777".parse().unwrap());
        let ticket = InviteTicket {
            endpoint: EndpointTicket::new(addr),
            secret: [7; 16],
        };
        let text = ticket.to_string();
        assert!(!text.contains(char::is_whitespace));
        assert_eq!(text.parse::<InviteTicket>().unwrap(), ticket);
        assert!(matches!(
            text[..text.len() - 3].parse::<InviteTicket>(),
            Err(InviteError::BadTicket(_))
        ));
    }

    #[test]
    fn an_invite_admits_one_device_once_with_its_role() {
        let mut book = admin();
        let (secret, _) = create_invite(&mut book, "李娜", None, DEFAULT_INVITE_TTL).unwrap();
        assert!(any_open(&book).unwrap());
        let inviter = *book.device().public_bytes();
        let joiner = [5u8; 32];
        let wrong = proof(&[0; 16], &inviter, &joiner);
        let wrong = Proof {
            invite: invite_id(&secret),
            ..wrong
        };
        assert_eq!(
            redeem(&mut book, &wrong, &joiner),
            Err(InviteError::WrongSecret)
        );
        // A proof made for another device is no good to this one.
        let other = proof(&secret, &inviter, &[6; 32]);
        assert_eq!(
            redeem(&mut book, &other, &joiner),
            Err(InviteError::WrongSecret)
        );

        let grant = redeem(&mut book, &proof(&secret, &inviter, &joiner), &joiner).unwrap();
        assert_eq!(grant.role, "grid-worker");
        assert_eq!(grant.subdistrict, "凤凰台街道");
        let listed = book.devices().unwrap();
        assert_eq!(
            listed[&data_encoding::HEXLOWER.encode(&joiner)].role,
            Role::GridWorker
        );
        assert!(!any_open(&book).unwrap());
        assert_eq!(
            redeem(&mut book, &proof(&secret, &inviter, &joiner), &joiner),
            Err(InviteError::Used)
        );
        assert_eq!(
            redeem(&mut book, &proof(&[1; 16], &inviter, &joiner), &joiner),
            Err(InviteError::Unknown)
        );
    }

    #[test]
    fn an_expired_invite_is_refused_and_only_admins_invite() {
        let mut book = admin();
        let (secret, _) = create_invite(
            &mut book,
            "李娜",
            Some(Role::Facilitator),
            Duration::from_secs(60),
        )
        .unwrap();
        let later = book.now().0 + 61_000;
        book.set_now(Some(gridbook_model::time::Timestamp(later)));
        assert!(!any_open(&book).unwrap());
        let inviter = *book.device().public_bytes();
        let joiner = [5u8; 32];
        assert_eq!(
            redeem(&mut book, &proof(&secret, &inviter, &joiner), &joiner),
            Err(InviteError::Expired)
        );
        let mut stranger = Gridbook::in_memory().unwrap();
        assert_eq!(
            create_invite(&mut stranger, "x", None, DEFAULT_INVITE_TTL).unwrap_err(),
            InviteError::NoNetwork
        );
    }
}
