//! age encryption to devices and to people: what bundles and encrypted exports share.
//!
//! - Each device's age key is its ed25519 device key in X25519 form (the same conversion
//!   age's `ssh-ed25519` recipients use), so there is no second key to keep or hand out: a
//!   device id names an age recipient, and the device's secret key opens what was sealed to it.
//! - An export may also be sealed to an ordinary age recipient (`age1…`), for someone who
//!   opens it with `age` or `rage` rather than with Gridbook.

use std::io::{Read, Write};

use bech32::{ToBase32, Variant};

/// An age recipient (X25519).
pub type Recipient = age::x25519::Recipient;

/// Why something could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// Neither an age recipient nor a device id.
    #[error(
        "{0} is not a recipient: give an age public key (age1…, from `age-keygen`) or a device id (64 hex digits, `gridbook peers` lists them)"
    )]
    BadRecipient(String),
    /// A device id that is not a valid ed25519 public key.
    #[error("{0} is not a valid device key")]
    BadDeviceKey(String),
    /// Sealed to others.
    #[error("this file was not encrypted to this device")]
    NotForThisDevice,
    /// Not age, changed, or cut short.
    #[error("this file is not an encrypted Gridbook file, or it is damaged or cut short ({0})")]
    Damaged(String),
    /// Encryption failed.
    #[error("cannot encrypt: {0}")]
    Encrypt(String),
}

/// The age recipient `given` names: an `age1…` public key, or a device id (hex ed25519 key).
pub fn recipient(given: &str) -> Result<age::x25519::Recipient, SealError> {
    let given = given.trim();
    if given.starts_with("age1") {
        return given
            .parse()
            .map_err(|_| SealError::BadRecipient(given.to_string()));
    }
    let is_device = given.len() == 64 && given.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_device {
        return Err(SealError::BadRecipient(given.to_string()));
    }
    device_recipient(&given.to_ascii_lowercase())
}

/// A device's age recipient, from its id (hex ed25519 public key): the key's Montgomery form.
pub fn device_recipient(device: &str) -> Result<age::x25519::Recipient, SealError> {
    let bad = || SealError::BadDeviceKey(device.to_string());
    let bytes: [u8; 32] = data_encoding::HEXLOWER
        .decode(device.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
    let u = key.to_montgomery().to_bytes();
    bech32::encode("age", u.to_base32(), Variant::Bech32)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)
}

/// A device's age identity: its ed25519 secret key's X25519 scalar.
pub fn identity(secret: &[u8; 32]) -> age::x25519::Identity {
    let scalar = ed25519_dalek::SigningKey::from_bytes(secret).to_scalar_bytes();
    let text = bech32::encode("age-secret-key-", scalar.to_base32(), Variant::Bech32)
        .expect("a fixed, valid prefix")
        .to_uppercase();
    text.parse().expect("a valid X25519 identity encoding")
}

/// Appends `plain`, sealed to `recipients` (an age file), to `out`.
pub fn seal_into(
    out: &mut Vec<u8>,
    plain: &[u8],
    recipients: &[age::x25519::Recipient],
) -> Result<(), SealError> {
    let encrypt = |e: &dyn std::fmt::Display| SealError::Encrypt(e.to_string());
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|k| k as &dyn age::Recipient))
            .map_err(|e| encrypt(&e))?;
    let mut writer = encryptor.wrap_output(out).map_err(|e| encrypt(&e))?;
    writer
        .write_all(plain)
        .and_then(|()| writer.finish().map(drop))
        .map_err(|e| encrypt(&e))
}

/// Opens an age file sealed to the device whose secret key is `secret`.
pub fn open(secret: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    let damaged = |e: &dyn std::fmt::Display| SealError::Damaged(e.to_string());
    let decryptor = age::Decryptor::new(sealed).map_err(|e| damaged(&e))?;
    let me = identity(secret);
    let mut reader = decryptor
        .decrypt(std::iter::once(&me as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => SealError::NotForThisDevice,
            e => damaged(&e),
        })?;
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain).map_err(|e| damaged(&e))?;
    Ok(plain)
}

/// The words of [`SealError`], for the app and the command line.
mod words {
    use gridbook_model::words::Words;

    use super::SealError;

    gridbook_model::worded!(SealError {
        SealError::BadRecipient(given) => Words::new("error.sync.seal.bad_recipient").arg("given", given),
            example: SealError::BadRecipient("bob".into());
        SealError::BadDeviceKey(device) =>
            Words::new("error.sync.seal.bad_device_key").arg("device", device),
            example: SealError::BadDeviceKey("ab12".into());
        SealError::NotForThisDevice => Words::new("error.sync.seal.not_for_this_device"),
            example: SealError::NotForThisDevice;
        SealError::Damaged(detail) => Words::new("error.sync.seal.damaged").arg("detail", detail),
            example: SealError::Damaged("header is invalid".into());
        SealError::Encrypt(detail) => Words::new("error.sync.seal.encrypt").arg("detail", detail),
            example: SealError::Encrypt("no recipients".into());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_key_and_its_id_give_one_age_key_pair() {
        for seed in [[7u8; 32], [200u8; 32]] {
            let public = ed25519_dalek::SigningKey::from_bytes(&seed)
                .verifying_key()
                .to_bytes();
            let id = data_encoding::HEXLOWER.encode(&public);
            assert_eq!(
                identity(&seed).to_public().to_string(),
                device_recipient(&id).unwrap().to_string()
            );
            let mut sealed = Vec::new();
            seal_into(&mut sealed, "王秀英".as_bytes(), &[recipient(&id).unwrap()]).unwrap();
            assert_eq!(open(&seed, &sealed).unwrap(), "王秀英".as_bytes());
            assert!(matches!(
                open(&[1; 32], &sealed),
                Err(SealError::NotForThisDevice)
            ));
        }
    }

    #[test]
    fn a_recipient_is_an_age_key_or_a_device_id() {
        let age_key = age::x25519::Identity::generate().to_public().to_string();
        assert_eq!(recipient(&age_key).unwrap().to_string(), age_key);
        for bad in ["age1nope", "王秀英", "abc", &"zz".repeat(32)] {
            assert!(
                matches!(recipient(bad), Err(SealError::BadRecipient(_))),
                "{bad}"
            );
        }
    }
}
