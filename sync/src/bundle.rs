//! Bundles: a network's data in one file, for places with no network at all (a USB stick
//! carried from a grid office to the community office).
//!
//! A bundle is a plain header — [`MAGIC`], the format version (u16, little-endian), the
//! network id (u16 length + UTF-8) — then an [age](https://age-encryption.org) file whose
//! plaintext is the postcard encoding of [`Contents`]: the network id again, who made it and
//! when, and each document as Automerge bytes (a whole save, or only the changes the device a
//! bundle is `for` does not have yet, from the heads this device last shared with it).
//!
//! Decisions:
//! - Encrypted to the devices of the network when it is made (every device the directory
//!   lists, this one included), or to the one device it is made for: a lost stick gives a
//!   finder nothing, and a store that is not a recipient refuses it with a clear message.
//! - Each device's age key is its ed25519 device key in X25519 form (the same conversion
//!   age's `ssh-ed25519` recipients use), so there is no second key to keep or hand out
//!   (`crate::seal`, which encrypted exports use too).
//! - Refused whole: the header's network must be this device's and must equal the one inside
//!   the encryption (a changed header is tampering); age's STREAM authenticates every chunk and
//!   marks the last one, so a changed byte or a cut-short file fails to decrypt; everything is
//!   decrypted and checked before anything is merged, and the merge is one store transaction.
//! - Importing merges Automerge changes, so importing twice, or an older bundle, changes
//!   nothing.

use automerge::{Automerge, ChangeHash, ReadDoc};
use gridbook_model::{DocId, Gridbook};
use serde::{Deserialize, Serialize};

use crate::seal::{self, SealError};

/// The first bytes of every bundle.
pub const MAGIC: &[u8; 16] = b"GRIDBOOK-BUNDLE\n";

/// The format this build writes and reads. Format 2: its documents' changes are signed (a
/// format-1 bundle's unsigned changes would be ignored, so it is refused).
pub const FORMAT: u16 = 2;

/// The largest bundle header's network id (a network id is 32 hex digits).
const MAX_NETWORK_ID: usize = 256;

/// What is inside the encryption.
#[derive(Debug, Serialize, Deserialize)]
struct Contents {
    network: String,
    made_by: String,
    made_at: i64,
    docs: Vec<(String, Vec<u8>)>,
    /// The maker's heads of every document it holds: what the importer then knows it has.
    heads: Vec<(String, Vec<[u8; 32]>)>,
}

/// Why a bundle could not be made or read. Nothing was imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// This device belongs to no network yet.
    #[error("this device belongs to no network yet: join one first")]
    NoNetwork,
    /// `--for` names a device the directory does not list.
    #[error("{0} is not a device of this network: `gridbook peers` lists them")]
    UnknownDevice(String),
    /// A listed device's key is not a valid ed25519 public key.
    #[error("the directory lists device {0} with a key that is not a valid public key")]
    BadDeviceKey(String),
    /// Not a bundle.
    #[error("this file is not a Gridbook bundle")]
    NotABundle,
    /// Written by a newer Gridbook.
    #[error(
        "this bundle has format {0}, newer than this Gridbook reads ({FORMAT}): update Gridbook"
    )]
    NewerFormat(u16),
    /// Written by an earlier Gridbook, whose changes are unsigned.
    #[error(
        "this bundle has format {0}, written by an earlier Gridbook whose changes are unsigned and would be ignored: make it again on a device with this version"
    )]
    OlderFormat(u16),
    /// Another network's bundle.
    #[error("this bundle is from network {theirs}; this device belongs to network {ours}")]
    OtherNetwork {
        /// The bundle's network.
        theirs: String,
        /// This device's.
        ours: String,
    },
    /// Encrypted to other devices.
    #[error(
        "this bundle was not made for this device: it was encrypted to the network's devices when it was made (or to one device with --for); make a new one on a device that knows this one"
    )]
    NotForThisDevice,
    /// Changed or cut short.
    #[error("this bundle is damaged or cut short ({0}); nothing was imported")]
    Damaged(String),
    /// The changes need others this device does not have.
    #[error(
        "document {0} in this bundle builds on changes this device does not have; import a full bundle (made without --for) first"
    )]
    MissingBase(String),
    /// Encryption failed.
    #[error("cannot encrypt the bundle: {0}")]
    Encrypt(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] gridbook_model::Error),
}

/// A bundle made.
#[derive(Debug)]
pub struct Made {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Documents in it.
    pub documents: usize,
    /// Bytes of Automerge data in it (before encryption).
    pub data_bytes: usize,
    /// Devices that can read it.
    pub recipients: usize,
}

/// A bundle imported.
#[derive(Debug)]
pub struct Imported {
    /// The device that made it.
    pub made_by: String,
    /// When (ms since the epoch, the maker's clock).
    pub made_at: i64,
    /// Documents in it.
    pub documents: usize,
    /// Changes this device did not have.
    pub new_changes: usize,
}

/// Makes a bundle of everything, or (`for_device`) of what that device lacks as far as this
/// one knows, encrypted to the network's devices or to that one.
pub fn export(book: &mut Gridbook, for_device: Option<&str>) -> Result<Made, BundleError> {
    let network = book.network()?.ok_or(BundleError::NoNetwork)?;
    let devices = book.devices()?;
    let recipients: Vec<String> = match for_device {
        Some(d) => {
            let d = d.trim().to_ascii_lowercase();
            if !devices.contains_key(&d) {
                return Err(BundleError::UnknownDevice(d));
            }
            vec![d]
        }
        None => devices.keys().cloned().collect(),
    };
    let mut docs = Vec::new();
    let mut heads = Vec::new();
    for id in book.doc_ids()? {
        let known = match &recipients[..] {
            [d] if for_device.is_some() => known_heads(book, d, &id)?,
            _ => Vec::new(),
        };
        // Every change held, ignored ones included, as sync sends them.
        let Some(doc) = book.full_doc(&id)? else {
            continue;
        };
        let mine = doc.get_heads();
        heads.push((id.to_string(), mine.iter().map(|h| h.0).collect()));
        // Only what this device holds can be built on.
        let known: Vec<ChangeHash> = known
            .into_iter()
            .filter(|h| doc.get_change_by_hash(h).is_some())
            .collect();
        if !known.is_empty() && mine.iter().all(|h| known.contains(h)) {
            continue;
        }
        let bytes = if known.is_empty() {
            doc.save()
        } else {
            doc.save_after(&known)
        };
        docs.push((id.to_string(), bytes));
    }
    let contents = Contents {
        network: network.id.clone(),
        made_by: book.device().id_hex(),
        made_at: book.now().0,
        docs,
        heads,
    };
    let documents = contents.docs.len();
    let data_bytes = contents.docs.iter().map(|(_, b)| b.len()).sum();
    let plain = postcard::to_stdvec(&contents).map_err(|e| BundleError::Encrypt(e.to_string()))?;
    let keys = recipients
        .iter()
        .map(|d| seal::device_recipient(d))
        .collect::<Result<Vec<_>, _>>()?;
    let mut bytes = header(&network.id);
    seal::seal_into(&mut bytes, &plain, &keys)?;
    Ok(Made {
        bytes,
        documents,
        data_bytes,
        recipients: recipients.len(),
    })
}

/// What this device knows `device` holds of `doc`: the heads they last shared in a sync, and
/// the heads its last bundle carried. Both are sets it has (a device never loses changes).
fn known_heads(book: &Gridbook, device: &str, doc: &DocId) -> Result<Vec<ChangeHash>, BundleError> {
    let mut heads = book.sync_state(device, doc)?.shared_heads;
    for hash in book.bundle_heads(device, doc)? {
        if !heads.contains(&hash) {
            heads.push(hash);
        }
    }
    Ok(heads)
}

/// The plain header for `network`.
fn header(network: &str) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(network.len() as u16).to_le_bytes());
    out.extend_from_slice(network.as_bytes());
    out
}

/// The network a bundle says it is from, and where its encrypted part starts.
pub fn read_header(bytes: &[u8]) -> Result<(String, usize), BundleError> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or(BundleError::NotABundle)?;
    let [f0, f1, l0, l1, rest @ ..] = rest else {
        return Err(BundleError::Damaged("the header is cut short".into()));
    };
    let format = u16::from_le_bytes([*f0, *f1]);
    if format < FORMAT {
        return Err(BundleError::OlderFormat(format));
    }
    if format > FORMAT {
        return Err(BundleError::NewerFormat(format));
    }
    let len = usize::from(u16::from_le_bytes([*l0, *l1]));
    if len > MAX_NETWORK_ID || rest.len() < len {
        return Err(BundleError::Damaged("the header is cut short".into()));
    }
    let network = std::str::from_utf8(&rest[..len])
        .map_err(|_| BundleError::Damaged("the header's network is not text".into()))?;
    Ok((network.to_string(), MAGIC.len() + 4 + len))
}

/// Checks, decrypts and merges a bundle: all of it in one transaction, or nothing. A device
/// with no network yet joins the bundle's, when the bundle was encrypted to it.
pub fn import(book: &mut Gridbook, bytes: &[u8]) -> Result<Imported, BundleError> {
    let (network, plain) = open(book, bytes)?;
    import_decrypted(book, &network, &plain)
}

/// Checks a bundle's header against this device's network and decrypts it with this device's
/// key: its network and its plaintext, merged by nothing yet.
pub fn open(book: &mut Gridbook, bytes: &[u8]) -> Result<(String, Vec<u8>), BundleError> {
    let (network, start) = read_header(bytes)?;
    // A device with no network yet takes the bundle's, if the bundle was made for it (an
    // admin listed it, then made the bundle): joining by USB stick.
    if let Some(ours) = book.network()?.map(|n| n.id)
        && network != ours
    {
        return Err(BundleError::OtherNetwork {
            theirs: network,
            ours,
        });
    }
    let plain = decrypt(book, &bytes[start..])?;
    Ok((network, plain))
}

/// The part of [`import`] after decryption: decodes the contents, checks them against the
/// header's `network`, and merges them. Public for fuzzing: it is what a key holder's
/// crafted bundle reaches.
pub fn import_decrypted(
    book: &mut Gridbook,
    network: &str,
    plain: &[u8],
) -> Result<Imported, BundleError> {
    let contents: Contents =
        postcard::from_bytes(plain).map_err(|e| BundleError::Damaged(e.to_string()))?;
    if contents.network != network {
        return Err(BundleError::Damaged(
            "its header was changed: the network inside differs".into(),
        ));
    }
    let mut parsed = Vec::with_capacity(contents.docs.len());
    for (id, data) in &contents.docs {
        let id: DocId = id.parse().map_err(|_| {
            BundleError::Damaged(format!("a document id that does not parse: {id}"))
        })?;
        parsed.push((id, data));
    }
    let documents = parsed.len();
    // The document that builds on changes this device lacks, if one does (the batch then
    // writes nothing).
    let mut missing_base = None;
    let new_changes = book.batch(|b| {
        let mut new = 0;
        for (id, data) in &parsed {
            let mut other = match b.full_doc(id)? {
                Some(d) => d.fork(),
                None => Automerge::new(),
            };
            other
                .load_incremental(data)
                .map_err(|e| gridbook_model::Error::Malformed {
                    doc: format!("{id} in the bundle"),
                    detail: e.to_string(),
                })?;
            if !other.get_missing_deps(&[]).is_empty() {
                missing_base = Some(id.to_string());
                // Answered as BundleError::MissingBase below.
                return Err(gridbook_model::Error::Malformed {
                    doc: id.to_string(),
                    detail: "it builds on changes this device lacks".into(),
                });
            }
            new += b.merge_doc(id, &mut other)?;
        }
        Ok(new)
    });
    let new_changes = new_changes.map_err(|e| match missing_base.take() {
        Some(id) => BundleError::MissingBase(id),
        None => BundleError::Store(e),
    })?;
    // Remember what the maker holds, so that a bundle made `--for` it carries only the rest.
    book.record_bundle_heads(&contents.made_by, &contents.heads)?;
    Ok(Imported {
        made_by: contents.made_by,
        made_at: contents.made_at,
        documents,
        new_changes,
    })
}

fn decrypt(book: &Gridbook, encrypted: &[u8]) -> Result<Vec<u8>, BundleError> {
    Ok(seal::open(book.device().secret_bytes(), encrypted)?)
}

impl From<SealError> for BundleError {
    fn from(e: SealError) -> BundleError {
        match e {
            SealError::BadDeviceKey(d) | SealError::BadRecipient(d) => BundleError::BadDeviceKey(d),
            SealError::NotForThisDevice => BundleError::NotForThisDevice,
            SealError::Damaged(e) => BundleError::Damaged(e),
            SealError::Encrypt(e) => BundleError::Encrypt(e),
        }
    }
}

/// The words of [`BundleError`], for the app and the command line.
mod words {
    use gridbook_model::words::Words;

    use super::{BundleError, FORMAT};

    gridbook_model::worded!(BundleError {
        BundleError::NoNetwork => Words::new("error.sync.bundle.no_network"), example: BundleError::NoNetwork;
        BundleError::UnknownDevice(device) =>
            Words::new("error.sync.bundle.unknown_device").arg("device", device),
            example: BundleError::UnknownDevice("ab12".into());
        BundleError::BadDeviceKey(device) =>
            Words::new("error.sync.bundle.bad_device_key").arg("device", device),
            example: BundleError::BadDeviceKey("ab12".into());
        BundleError::NotABundle => Words::new("error.sync.bundle.not_a_bundle"),
            example: BundleError::NotABundle;
        BundleError::NewerFormat(found) => Words::new("error.sync.bundle.newer_format")
                .arg("found", found)
                .arg("supported", FORMAT),
            example: BundleError::NewerFormat(9);
        BundleError::OlderFormat(found) => Words::new("error.sync.bundle.older_format").arg("found", found),
            example: BundleError::OlderFormat(1);
        BundleError::OtherNetwork { theirs, ours } => Words::new("error.sync.bundle.other_network")
                .arg("theirs", theirs)
                .arg("ours", ours),
            example: BundleError::OtherNetwork { theirs: "w3x9aa".into(), ours: "k7q2zd".into() };
        BundleError::NotForThisDevice => Words::new("error.sync.bundle.not_for_this_device"),
            example: BundleError::NotForThisDevice;
        BundleError::Damaged(detail) => Words::new("error.sync.bundle.damaged").arg("detail", detail),
            example: BundleError::Damaged("unexpected end of file".into());
        BundleError::MissingBase(doc) => Words::new("error.sync.bundle.missing_base").arg("doc", doc),
            example: BundleError::MissingBase("directory".into());
        BundleError::Encrypt(detail) => Words::new("error.sync.bundle.encrypt").arg("detail", detail),
            example: BundleError::Encrypt("no recipients".into());
        BundleError::Store(e) => e.words(),
            example: BundleError::Store(gridbook_model::Error::NoNetwork);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_that_is_not_a_bundle_or_is_newer_or_older_is_refused() {
        assert!(matches!(
            read_header(b"PK\x03\x04 a zip file"),
            Err(BundleError::NotABundle)
        ));
        let mut h = header("abc");
        h[16] = 9;
        assert!(matches!(read_header(&h), Err(BundleError::NewerFormat(9))));
        h[16] = 1;
        let older = read_header(&h).unwrap_err();
        assert!(matches!(older, BundleError::OlderFormat(1)), "{older}");
        assert!(older.to_string().contains("unsigned"), "{older}");
        let h = header("abc");
        assert!(matches!(
            read_header(&h[..h.len() - 1]),
            Err(BundleError::Damaged(_))
        ));
        assert_eq!(read_header(&h).unwrap(), ("abc".to_string(), h.len()));
    }
}
