//! How the store meets [`crypt`](super::crypt): the lock kept in the meta table, the store key
//! it opens, and each row's value sealed for that row.
//!
//! What stays in the clear, and why:
//! - the keys of every table: document ids (`needs/zt/2026-11`), record ids (`N-K7Q2ZD-12`),
//!   device ids (public keys) and Automerge actors, kinds and chunk numbers. They are ids, not
//!   personal data, and redb must compare them to find rows;
//! - three meta values needed before the passphrase is known: the format marker, the schema
//!   version and the lock itself (Argon2id's cost and salt, and the sealed store key).
//!
//! Everything else — snapshots, chunks, summaries, heads, sync states, device-local rows, the
//! actor index's numbers, the device's secret key, the member using the device, the id
//! counter — is sealed with the row's table and key as associated data, so a value copied to
//! another row does not open.

use redb::{ReadableTable, TableHandle, WriteTransaction};

use super::crypt::{CryptError, FLOOR, KdfCost, Lock, Passphrase, StoreKey};
use super::tables::{META, meta};
use super::{Store, StoreError};

/// Meta keys whose values stay in the clear (see the module docs).
pub(super) fn meta_is_plain(key: &str) -> bool {
    matches!(key, meta::FORMAT | meta::SCHEMA | meta::LOCK)
}

/// The associated data of a row: its table's name, then each part of its key, each with its
/// length first so no two rows share one.
pub(super) fn row(table: &impl TableHandle, key: &[&[u8]]) -> Vec<u8> {
    let name = table.name();
    let mut out =
        Vec::with_capacity(name.len() + 1 + key.iter().map(|k| k.len() + 4).sum::<usize>());
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    for part in key {
        out.extend_from_slice(&(part.len() as u32).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// What unlocks a store being opened.
#[derive(Debug, Clone, Copy)]
pub(super) enum Unlock<'a> {
    /// The passphrase: opens the lock, or makes it for a new store; a lock below `floor` is
    /// refused when made and made again at `floor` when found.
    Passphrase {
        /// The passphrase, and the cost a new lock gets.
        passphrase: &'a Passphrase,
        /// The least cost a lock may have ([`FLOOR`] but in tests).
        floor: Option<KdfCost>,
    },
    /// A new random key and no lock: a store in memory.
    Ephemeral,
}

pub(super) fn crypt_error(path: &std::path::Path, e: CryptError) -> StoreError {
    match e {
        CryptError::WrongPassphrase => StoreError::WrongPassphrase(path.to_path_buf()),
        CryptError::Damaged(what) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: what.to_string(),
        },
        other => StoreError::Key(other),
    }
}

/// Makes the key of a new store, and writes its lock in `tx`.
pub(super) fn create_key(
    tx: &WriteTransaction,
    path: &std::path::Path,
    unlock: Unlock<'_>,
) -> Result<StoreKey, StoreError> {
    match unlock {
        Unlock::Ephemeral => StoreKey::ephemeral().map_err(|e| crypt_error(path, e)),
        Unlock::Passphrase { passphrase, floor } => {
            let (lock, key) = Lock::create(passphrase.as_str(), passphrase.cost(), floor)
                .map_err(|e| crypt_error(path, e))?;
            write_lock(tx, &lock)?;
            Ok(key)
        }
    }
}

/// Opens the key of an existing store with its lock (`lock` is the stored value). Returns the
/// key, and a new lock to write in place of one below the floor: the same key, locked again at
/// the floor's cost with the same passphrase (a store made by a test build, or before the
/// floor, is not left cheap to guess).
pub(super) fn open_key(
    lock: Option<Vec<u8>>,
    path: &std::path::Path,
    unlock: Unlock<'_>,
) -> Result<(StoreKey, Option<Lock>), StoreError> {
    let Unlock::Passphrase { passphrase, floor } = unlock else {
        let key = StoreKey::ephemeral().map_err(|e| crypt_error(path, e))?;
        return Ok((key, None));
    };
    let lock = lock.ok_or_else(|| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: "its lock is missing".into(),
    })?;
    let lock = Lock::decode(&lock).map_err(|e| crypt_error(path, e))?;
    let key = lock
        .unlock(passphrase.as_str())
        .map_err(|e| crypt_error(path, e))?;
    let stronger = match floor {
        Some(floor) if lock.cost().is_below(floor) => {
            let text = passphrase.as_str();
            let stronger = lock
                .rekey(text, text, floor, Some(floor))
                .map_err(|e| crypt_error(path, e))?;
            tracing::warn!(
                store = %path.display(),
                was = ?lock.cost(),
                now = ?floor,
                "the store's lock was below OWASP's Argon2id cost: it is locked again at it"
            );
            Some(stronger)
        }
        _ => None,
    };
    Ok((key, stronger))
}

/// Writes `lock` in place of the store's lock, in `tx`.
pub(super) fn write_lock(tx: &WriteTransaction, lock: &Lock) -> Result<(), StoreError> {
    tx.open_table(META)?
        .insert(meta::LOCK, lock.encode().as_slice())?;
    Ok(())
}

impl Store {
    /// Seals `plain` for the row `aad` names.
    pub(super) fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        self.key
            .seal(aad, plain)
            .map_err(|e| crypt_error(&self.path, e))
    }

    /// Opens the value stored in the row `aad` names; a value that does not verify is
    /// corruption, never data.
    pub(super) fn unseal(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        self.key
            .open(aad, sealed)
            .map_err(|e| crypt_error(&self.path, e))
    }

    /// Locks the store with a new passphrase: the same store key under a new lock, in one
    /// durable write, so no value is rewritten and nothing is lost. `old` must open the current
    /// lock. The old passphrase no longer opens this file; a copy of the file taken before
    /// still opens with it (it holds the old lock), so after a passphrase leaks, also replace
    /// copies and backups.
    pub fn change_passphrase(&self, old: &Passphrase, new: &Passphrase) -> Result<(), StoreError> {
        self.guard(|| self.relock(old, new, FLOOR))
    }

    /// [`Store::change_passphrase`], refusing a new lock below `floor`.
    pub(super) fn relock(
        &self,
        old: &Passphrase,
        new: &Passphrase,
        floor: Option<KdfCost>,
    ) -> Result<(), StoreError> {
        let tx = self.db().begin_write()?;
        {
            let stored = tx
                .open_table(META)?
                .get(meta::LOCK)?
                .map(|v| v.value().to_vec())
                .ok_or_else(|| StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: "its lock is missing (a store in memory has none)".into(),
                })?;
            let lock = Lock::decode(&stored)
                .and_then(|lock| lock.rekey(old.as_str(), new.as_str(), new.cost(), floor))
                .map_err(|e| crypt_error(&self.path, e))?;
            write_lock(&tx, &lock)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The Argon2id cost of this store's lock, if it has one (stores in memory have none).
    pub fn kdf_cost(&self) -> Result<Option<KdfCost>, StoreError> {
        let Some(stored) = self.meta(meta::LOCK)? else {
            return Ok(None);
        };
        let lock = Lock::decode(&stored).map_err(|e| crypt_error(&self.path, e))?;
        Ok(Some(lock.cost()))
    }
}
