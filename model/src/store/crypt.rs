//! Encryption at rest: the key that seals every stored value, and the passphrase that locks it.
//!
//! Two keys, so that changing the passphrase is quick and loses nothing:
//! - the **store key**, 32 random bytes made once per store, seals each value with
//!   XChaCha20-Poly1305 (a random 24-byte nonce per value, so no nonce is ever reused even
//!   across crashes; the table and key the value is stored under are the associated data, so a
//!   value moved to another row does not open);
//! - the **lock**, stored in the clear beside the data: the Argon2id parameters and salt, and
//!   the store key sealed under the key Argon2id derives from the passphrase. A wrong
//!   passphrase fails to open the sealed store key (the AEAD tag does not verify), which is
//!   how it is told apart from a damaged value. Changing the passphrase writes a new lock.
//!
//! Argon2id's parameters default to OWASP's minimum (19 MiB, 2 passes, 1 lane) and are kept in
//! the lock, so a store made with other parameters (tests use cheap ones) opens with its own.
//! That minimum is also a floor ([`FLOOR`]): a lock is never made below it, and a store found
//! locked below it is locked again at it when it opens, except in builds for Gridbook's own
//! tests and benchmarks, which make hundreds of stores with [`KdfCost::TESTS_ONLY`]. The check
//! is on the cost values where a lock is made, since anyone can write a `KdfCost`.
//!
//! Nonces: each store key draws a random 16-byte prefix when it is opened and counts the last
//! 8 bytes up, one per sealed value. Two openings share a prefix with probability 2^-128, so
//! nonces never repeat, and a bulk write of 100k rows costs no system call per row.

use std::sync::atomic::{AtomicU64, Ordering};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

use crate::words::Words;

/// Bytes of a nonce.
const NONCE: usize = 24;
/// Bytes of an Argon2 salt.
const SALT: usize = 16;
/// What the lock's sealed store key is bound to.
const LOCK_AAD: &[u8] = b"gridbook store key v1";
/// The lock's format.
const LOCK_VERSION: u8 = 1;
/// Bytes of the lock's checksum.
const CHECKSUM: usize = 8;
/// The most memory a lock may ask Argon2id for (4 GiB): more is damage, not a setting.
const MAX_MEMORY_KIB: u32 = 4 << 20;

/// The first bytes of SHA-256: detects damage to the lock (not tampering, which the sealed
/// key's tag already refuses).
fn checksum(bytes: &[u8]) -> [u8; CHECKSUM] {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = [0u8; CHECKSUM];
    out.copy_from_slice(&digest[..CHECKSUM]);
    out
}

/// Why a store cannot be unlocked, or a value opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CryptError {
    /// A lock was asked for at an Argon2id cost below this build's floor.
    #[error(
        "a lock at Argon2id {} KiB, {} passes is below OWASP's minimum ({} KiB, {} passes), which this build never goes under: nothing was locked; leave GRIDBOOK_KDF unset (a cheaper cost is for Gridbook's own tests)",
        .cost.memory_kib, .cost.passes, .floor.memory_kib, .floor.passes
    )]
    BelowFloor {
        /// The cost asked for.
        cost: KdfCost,
        /// The least this build locks with.
        floor: KdfCost,
    },
    /// The passphrase does not open the lock.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// A sealed value or the lock is damaged (or was moved from another row).
    #[error("a stored value is damaged: {0}")]
    Damaged(&'static str),
    /// A passphrase cannot be empty.
    #[error("the passphrase is empty: choose one of at least 8 characters")]
    EmptyPassphrase,
    /// The system has no randomness to make keys and nonces.
    #[error("this system has no source of randomness: {0}")]
    NoRandomness(String),
}

crate::worded!(CryptError {
    CryptError::BelowFloor { cost, floor } => Words::new("error.crypt.below_floor")
            .arg("memory", cost.memory_kib)
            .arg("passes", cost.passes)
            .arg("floor_memory", floor.memory_kib)
            .arg("floor_passes", floor.passes),
        example: CryptError::BelowFloor { cost: KdfCost::TESTS_ONLY, floor: KdfCost::OWASP };
    CryptError::WrongPassphrase => Words::new("error.crypt.wrong_passphrase"),
        example: CryptError::WrongPassphrase;
    CryptError::Damaged(what) => Words::new("error.crypt.damaged").arg("detail", what),
        example: CryptError::Damaged("the lock's checksum");
    CryptError::EmptyPassphrase => Words::new("error.crypt.empty_passphrase"),
        example: CryptError::EmptyPassphrase;
    CryptError::NoRandomness(detail) => Words::new("error.crypt.no_randomness").arg("detail", detail),
        example: CryptError::NoRandomness("getrandom: unsupported".into());
});

/// Argon2id's cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub passes: u32,
    /// Lanes.
    pub lanes: u32,
}

impl KdfCost {
    /// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    pub const OWASP: KdfCost = KdfCost {
        memory_kib: 19 * 1024,
        passes: 2,
        lanes: 1,
    };

    /// Cheap, for tests that make many stores; never for people's data.
    pub const TESTS_ONLY: KdfCost = KdfCost {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };

    /// Whether this cost asks for less memory or fewer passes than `floor` (lanes only spread
    /// the same work over threads, so they do not count).
    pub fn is_below(self, floor: KdfCost) -> bool {
        self.memory_kib < floor.memory_kib || self.passes < floor.passes
    }
}

/// The least Argon2id cost this build locks a store with, and keeps one at: OWASP's. Builds
/// for Gridbook's own tests and benchmarks have none: this crate's unit tests, and builds with
/// the `test-support` feature, which only dev-dependencies and fuzz/ turn on (.ci/run checks
/// that the shipped binary's features lack it). Not `debug_assertions`: benchmarks build in
/// release and make their stores cheaply too.
pub(crate) const FLOOR: Option<KdfCost> = if cfg!(any(test, feature = "test-support")) {
    None
} else {
    Some(KdfCost::OWASP)
};

/// Refuses `cost` when it is below `floor`.
fn check_floor(cost: KdfCost, floor: Option<KdfCost>) -> Result<(), CryptError> {
    match floor {
        Some(floor) if cost.is_below(floor) => Err(CryptError::BelowFloor { cost, floor }),
        _ => Ok(()),
    }
}

/// A passphrase, and the Argon2id cost a new lock made with it gets (an existing lock keeps the
/// cost it was made with).
#[derive(Clone)]
pub struct Passphrase {
    text: Zeroizing<String>,
    cost: KdfCost,
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passphrase")
            .field("cost", &self.cost)
            .finish_non_exhaustive()
    }
}

impl Passphrase {
    /// A passphrase whose new locks get OWASP's cost.
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase {
            text: Zeroizing::new(text.into()),
            cost: KdfCost::OWASP,
        }
    }

    /// A passphrase whose new locks get the cheap [`KdfCost::TESTS_ONLY`]: for tests that make
    /// many stores, never for people's data.
    pub fn tests_only(text: impl Into<String>) -> Passphrase {
        Passphrase::new(text).with_cost(KdfCost::TESTS_ONLY)
    }

    /// The same passphrase, locking new stores with `cost`.
    pub fn with_cost(mut self, cost: KdfCost) -> Passphrase {
        self.cost = cost;
        self
    }

    /// The passphrase's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The cost a new lock gets.
    pub fn cost(&self) -> KdfCost {
        self.cost
    }
}

/// The store key: seals and opens values.
pub(crate) struct StoreKey {
    cipher: XChaCha20Poly1305,
    nonce_prefix: [u8; NONCE - 8],
    sealed: AtomicU64,
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

fn random<const N: usize>() -> Result<[u8; N], CryptError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| CryptError::NoRandomness(e.to_string()))?;
    Ok(bytes)
}

impl StoreKey {
    fn from_bytes(bytes: &[u8; 32]) -> Result<StoreKey, CryptError> {
        Ok(StoreKey {
            cipher: XChaCha20Poly1305::new(bytes.into()),
            nonce_prefix: random()?,
            sealed: AtomicU64::new(0),
        })
    }

    /// A new random key that no lock keeps: for stores in memory, which live and die with
    /// the process.
    pub(crate) fn ephemeral() -> Result<StoreKey, CryptError> {
        StoreKey::from_bytes(&Zeroizing::new(random::<32>()?))
    }

    /// Seals `plain` for the row `aad` names: nonce, then ciphertext and tag.
    pub(crate) fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptError> {
        let mut nonce = [0u8; NONCE];
        nonce[..NONCE - 8].copy_from_slice(&self.nonce_prefix);
        let n = self.sealed.fetch_add(1, Ordering::Relaxed);
        nonce[NONCE - 8..].copy_from_slice(&n.to_be_bytes());
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad })
            .map_err(|_| CryptError::Damaged("a value too large to seal"))?;
        let mut out = Vec::with_capacity(NONCE + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens a value sealed for the row `aad` names.
    pub(crate) fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptError> {
        if sealed.len() < NONCE + 16 {
            return Err(CryptError::Damaged(
                "a sealed value shorter than its nonce and tag",
            ));
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptError::Damaged("a value's nonce"))?;
        self.cipher
            .decrypt(&nonce, Payload { msg: body, aad })
            .map_err(|_| CryptError::Damaged("a value that does not verify"))
    }
}

/// The lock kept in the clear: how to turn the passphrase into the key that opens the store
/// key, and the store key so sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lock {
    cost: KdfCost,
    salt: [u8; SALT],
    sealed_key: Vec<u8>,
}

impl Lock {
    /// Makes a new store key and locks it with `passphrase` at `cost`, refused below `floor`
    /// ([`FLOOR`] but in this module's tests).
    pub(crate) fn create(
        passphrase: &str,
        cost: KdfCost,
        floor: Option<KdfCost>,
    ) -> Result<(Lock, StoreKey), CryptError> {
        let key = Zeroizing::new(random::<32>()?);
        let lock = Self::seal_key(&key, passphrase, cost, floor)?;
        Ok((lock, StoreKey::from_bytes(&key)?))
    }

    /// Every lock is made here: the one place the floor is checked.
    fn seal_key(
        key: &[u8; 32],
        passphrase: &str,
        cost: KdfCost,
        floor: Option<KdfCost>,
    ) -> Result<Lock, CryptError> {
        if passphrase.is_empty() {
            return Err(CryptError::EmptyPassphrase);
        }
        check_floor(cost, floor)?;
        let salt: [u8; SALT] = random()?;
        let kek = derive(passphrase, &salt, cost)?;
        let sealed_key = kek.seal(LOCK_AAD, key)?;
        Ok(Lock {
            cost,
            salt,
            sealed_key,
        })
    }

    /// Opens the store key with `passphrase`.
    pub(crate) fn unlock(&self, passphrase: &str) -> Result<StoreKey, CryptError> {
        let kek = derive(passphrase, &self.salt, self.cost)?;
        let mut bytes = kek
            .open(LOCK_AAD, &self.sealed_key)
            .map_err(|_| CryptError::WrongPassphrase)?;
        let key: Result<[u8; 32], _> = bytes.as_slice().try_into();
        bytes.zeroize();
        let mut key = key.map_err(|_| CryptError::Damaged("the lock's key"))?;
        let store_key = StoreKey::from_bytes(&key);
        key.zeroize();
        store_key
    }

    /// The same store key locked with a new passphrase at `cost` (the old one must open it),
    /// refused below `floor`.
    pub(crate) fn rekey(
        &self,
        old: &str,
        new: &str,
        cost: KdfCost,
        floor: Option<KdfCost>,
    ) -> Result<Lock, CryptError> {
        let kek = derive(old, &self.salt, self.cost)?;
        let bytes = Zeroizing::new(
            kek.open(LOCK_AAD, &self.sealed_key)
                .map_err(|_| CryptError::WrongPassphrase)?,
        );
        let key: &[u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptError::Damaged("the lock's key"))?;
        Self::seal_key(key, new, cost, floor)
    }

    /// The lock as stored: version, cost, salt, sealed key, then a checksum of all that, so a
    /// damaged lock is told apart from a wrong passphrase (and a damaged cost never makes
    /// Argon2id ask for gigabytes).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = vec![LOCK_VERSION];
        for n in [self.cost.memory_kib, self.cost.passes, self.cost.lanes] {
            out.extend_from_slice(&n.to_be_bytes());
        }
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&self.sealed_key);
        let sum = checksum(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// Reads a stored lock.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Lock, CryptError> {
        let bad = CryptError::Damaged("the lock");
        if bytes.len() < CHECKSUM {
            return Err(bad);
        }
        let (bytes, sum) = bytes.split_at(bytes.len() - CHECKSUM);
        if checksum(bytes) != sum {
            return Err(bad);
        }
        let (&version, rest) = bytes.split_first().ok_or(bad.clone())?;
        if version != LOCK_VERSION || rest.len() < 12 + SALT + NONCE + 32 + 16 {
            return Err(bad);
        }
        let n = |i: usize| u32::from_be_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
        let cost = KdfCost {
            memory_kib: n(0),
            passes: n(4),
            lanes: n(8),
        };
        if cost.memory_kib > MAX_MEMORY_KIB || cost.passes > 64 || cost.lanes > 64 {
            return Err(CryptError::Damaged("the lock's Argon2 parameters"));
        }
        let mut salt = [0u8; SALT];
        salt.copy_from_slice(&rest[12..12 + SALT]);
        Ok(Lock {
            cost,
            salt,
            sealed_key: rest[12 + SALT..].to_vec(),
        })
    }

    /// The Argon2id cost this lock was made with.
    pub(crate) fn cost(&self) -> KdfCost {
        self.cost
    }
}

impl Clone for CryptError {
    fn clone(&self) -> Self {
        match self {
            CryptError::BelowFloor { cost, floor } => CryptError::BelowFloor {
                cost: *cost,
                floor: *floor,
            },
            CryptError::WrongPassphrase => CryptError::WrongPassphrase,
            CryptError::Damaged(what) => CryptError::Damaged(what),
            CryptError::EmptyPassphrase => CryptError::EmptyPassphrase,
            CryptError::NoRandomness(e) => CryptError::NoRandomness(e.clone()),
        }
    }
}

/// The key Argon2id derives from a passphrase, as a sealing key.
fn derive(passphrase: &str, salt: &[u8; SALT], cost: KdfCost) -> Result<StoreKey, CryptError> {
    let params = Params::new(cost.memory_kib, cost.passes, cost.lanes, Some(32))
        .map_err(|_| CryptError::Damaged("the lock's Argon2 parameters"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|_| CryptError::Damaged("the lock's Argon2 parameters"))?;
    StoreKey::from_bytes(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_only_with_its_key_and_its_row() {
        let (lock, key) = Lock::create("凤凰台 2026", KdfCost::TESTS_ONLY, None).unwrap();
        let sealed = key
            .seal(b"summaries/need/N-1", "王秀英 13812341234".as_bytes())
            .unwrap();
        assert!(!sealed.windows(3).any(|w| w == "王".as_bytes()));
        assert_eq!(
            key.open(b"summaries/need/N-1", &sealed).unwrap(),
            "王秀英 13812341234".as_bytes()
        );
        // Moved to another row: refused.
        assert!(matches!(
            key.open(b"summaries/need/N-2", &sealed),
            Err(CryptError::Damaged(_))
        ));
        // Every single-bit flip is refused, never opened as other data.
        for i in 0..sealed.len() * 8 {
            let mut bad = sealed.clone();
            bad[i / 8] ^= 1 << (i % 8);
            assert!(key.open(b"summaries/need/N-1", &bad).is_err(), "bit {i}");
        }
        // The lock round-trips and opens with the passphrase only.
        let lock = Lock::decode(&lock.encode()).unwrap();
        assert_eq!(
            lock.unlock("凤凰台 2025").unwrap_err(),
            CryptError::WrongPassphrase
        );
        let again = lock.unlock("凤凰台 2026").unwrap();
        assert_eq!(
            again.open(b"summaries/need/N-1", &sealed).unwrap(),
            "王秀英 13812341234".as_bytes()
        );
    }

    #[test]
    fn a_new_passphrase_opens_the_same_key_and_the_old_one_no_longer_does() {
        let (lock, key) = Lock::create("old passphrase", KdfCost::TESTS_ONLY, None).unwrap();
        let sealed = key.seal(b"row", b"data").unwrap();
        assert_eq!(
            lock.rekey("wrong", "new passphrase", KdfCost::TESTS_ONLY, None)
                .unwrap_err(),
            CryptError::WrongPassphrase
        );
        let new = lock
            .rekey(
                "old passphrase",
                "new passphrase",
                KdfCost::TESTS_ONLY,
                None,
            )
            .unwrap();
        assert_eq!(
            new.unlock("old passphrase").unwrap_err(),
            CryptError::WrongPassphrase
        );
        let key = new.unlock("new passphrase").unwrap();
        assert_eq!(key.open(b"row", &sealed).unwrap(), b"data");
        assert_eq!(
            Lock::create("", KdfCost::TESTS_ONLY, None).unwrap_err(),
            CryptError::EmptyPassphrase
        );
    }

    #[test]
    fn a_damaged_lock_is_reported_as_damage() {
        let (lock, _) = Lock::create("p", KdfCost::TESTS_ONLY, None).unwrap();
        let bytes = lock.encode();
        assert!(matches!(
            Lock::decode(&bytes[..10]),
            Err(CryptError::Damaged(_))
        ));
        // Every single-bit flip of the lock is damage, never a wrong passphrase.
        for i in 0..bytes.len() * 8 {
            let mut other = bytes.clone();
            other[i / 8] ^= 1 << (i % 8);
            assert!(
                matches!(Lock::decode(&other), Err(CryptError::Damaged(_))),
                "bit {i}"
            );
        }
    }

    #[test]
    fn no_lock_is_made_below_the_floor() {
        let floor = Some(KdfCost::OWASP);
        let refused = |cost| CryptError::BelowFloor {
            cost,
            floor: KdfCost::OWASP,
        };
        let cheap = KdfCost::TESTS_ONLY;
        assert_eq!(Lock::create("p", cheap, floor).unwrap_err(), refused(cheap));
        // Each of memory and passes counts: OWASP's memory in one pass is below it.
        let one_pass = KdfCost {
            passes: 1,
            ..KdfCost::OWASP
        };
        assert_eq!(
            Lock::create("p", one_pass, floor).unwrap_err(),
            refused(one_pass)
        );
        // Lanes only spread the work.
        let four_lanes = KdfCost {
            lanes: 4,
            ..KdfCost::OWASP
        };
        assert!(!four_lanes.is_below(KdfCost::OWASP));
        // A cheap lock cannot be made again cheaply, only at the floor or above.
        let (lock, _) = Lock::create("p", cheap, None).unwrap();
        assert_eq!(
            lock.rekey("p", "q", cheap, floor).unwrap_err(),
            refused(cheap)
        );
        let strong = lock.rekey("p", "p", KdfCost::OWASP, floor).unwrap();
        assert_eq!(strong.cost(), KdfCost::OWASP);
        strong.unlock("p").unwrap();
    }
}
