//! Opening a store: a file in a data directory, memory, or any redb backend; checking its format
//! and schema, migrating, and unlocking its key.

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable};

use super::crypt::{FLOOR, KdfCost, Passphrase};
use super::error::{classify_open_error, panic_detail};
use super::sealing::{self, Unlock};
use super::tables::{META, meta};
use super::{STORE_FILE, Store, StoreError, migrations};

/// Runs `open`, turning a panic inside redb into [`StoreError::Corrupt`]. redb 4.6 panics on
/// some damaged files instead of returning an error (a flipped byte in the allocator state:
/// "Malformed allocator state", found by the mutation pass in tests/tests/decoders/main.rs); a
/// damaged store must get the message that says what to do, not a crash. The half-opened
/// database is dropped during the unwind, which releases the file.
fn open_guarded(
    path: &Path,
    open: impl FnOnce() -> Result<Store, StoreError>,
) -> Result<Store, StoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(open)).unwrap_or_else(|panic| {
        Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: panic_detail(panic.as_ref()),
        })
    })
}

impl Store {
    /// Opens the store in `data_dir` with its passphrase; creates it (and the directory),
    /// locked with `passphrase`, when `create` is set and there is none. An existing file is
    /// never overwritten.
    ///
    /// A new lock below OWASP's Argon2id cost is refused (`CryptError::BelowFloor`) and leaves
    /// no file; a store found locked below it is locked again at it, with the same passphrase.
    /// Builds for Gridbook's own tests and benchmarks go below (see `crypt::FLOOR`).
    pub fn open(
        data_dir: &Path,
        create: bool,
        passphrase: &Passphrase,
    ) -> Result<Store, StoreError> {
        Self::open_with_floor(data_dir, create, passphrase, FLOOR)
    }

    /// [`Store::open`], with `floor` for the least Argon2id cost of its lock.
    pub(super) fn open_with_floor(
        data_dir: &Path,
        create: bool,
        passphrase: &Passphrase,
        floor: Option<KdfCost>,
    ) -> Result<Store, StoreError> {
        let path = data_dir.join(STORE_FILE);
        let exists = path.exists();
        if !exists && !create {
            return Err(StoreError::Missing(data_dir.to_path_buf()));
        }
        if !exists {
            std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Dir {
                path: data_dir.to_path_buf(),
                source,
            })?;
        }
        if exists
            && std::fs::metadata(&path)
                .map(|m| m.len() == 0)
                .unwrap_or(false)
        {
            return Err(StoreError::NotAStore(path));
        }
        let opened = path.clone();
        let unlock = Unlock::Passphrase { passphrase, floor };
        let store = open_guarded(&opened.clone(), move || {
            let db = if exists {
                Database::open(&path)
            } else {
                Database::create(&path)
            }
            .map_err(|e| classify_open_error(&path, e))?;
            Self::init(db, path, !exists, unlock)
        });
        match store {
            Ok(store) => Ok(store),
            // No key could be made for the new file (the passphrase or its cost refused): it
            // is removed rather than left to be "not a Gridbook store" the next time.
            Err(e @ StoreError::Key(_)) if !exists => {
                let _ = std::fs::remove_file(&opened);
                Err(e)
            }
            Err(StoreError::Corrupt { detail, .. }) => Err(StoreError::Corrupt {
                path: opened,
                detail,
            }),
            Err(other) => Err(other),
        }
    }

    /// A store in memory, for tests: its values are sealed with a random key no lock keeps.
    pub fn in_memory() -> Result<Store, StoreError> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(|e| classify_open_error(Path::new(":memory:"), e))?;
        Self::init(db, PathBuf::from(":memory:"), true, Unlock::Ephemeral)
    }

    /// Opens the store held by any redb storage backend, creating it when the backend is
    /// empty. Crash tests open stores on a backend whose writes fail part-way, as a power cut
    /// would leave a disk; `name` stands for the file in messages. For tests only
    /// (`test-support`): a device's store is a file.
    #[cfg(feature = "test-support")]
    pub fn with_backend(
        backend: impl redb::StorageBackend,
        name: &str,
        passphrase: &Passphrase,
    ) -> Result<Store, StoreError> {
        let fresh = backend.len().map_err(redb::StorageError::from)? == 0;
        let path = PathBuf::from(name);
        open_guarded(&path.clone(), move || {
            let db = Database::builder()
                .create_with_backend(backend)
                .map_err(|e| classify_open_error(&path, e))?;
            let unlock = Unlock::Passphrase {
                passphrase,
                floor: FLOOR,
            };
            Self::init(db, path, fresh, unlock)
        })
    }

    fn init(
        db: Database,
        path: PathBuf,
        fresh: bool,
        unlock: Unlock<'_>,
    ) -> Result<Store, StoreError> {
        // An up-to-date store opens with a read alone: no write transaction, no disk flush.
        if !fresh {
            let read = db.begin_read()?;
            let meta_table = match read.open_table(META) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => {
                    return Err(StoreError::NotAStore(path));
                }
                Err(e) => return Err(e.into()),
            };
            let format = meta_table.get(meta::FORMAT)?.map(|v| v.value().to_vec());
            if format.as_deref() != Some(meta::FORMAT_VALUE) {
                return Err(StoreError::NotAStore(path));
            }
            let schema = meta_table
                .get(meta::SCHEMA)?
                .and_then(|v| v.value().try_into().ok().map(u32::from_be_bytes))
                .unwrap_or(0);
            if schema < migrations::SEALED {
                return Err(StoreError::Unencrypted { path, schema });
            }
            if schema < migrations::SIGNED {
                return Err(StoreError::Unsigned { path, schema });
            }
            if schema == migrations::CURRENT {
                for row in meta_table.iter()? {
                    let (key, _) = row?;
                    if !meta::ALL.contains(&key.value()) {
                        return Err(StoreError::Corrupt {
                            path,
                            detail: format!("an unknown meta row {:?}", key.value()),
                        });
                    }
                }
                let lock = meta_table.get(meta::LOCK)?.map(|v| v.value().to_vec());
                drop((meta_table, read));
                let (key, stronger) = sealing::open_key(lock, &path, unlock)?;
                if let Some(lock) = stronger {
                    let tx = db.begin_write()?;
                    sealing::write_lock(&tx, &lock)?;
                    tx.commit()?;
                }
                return Ok(Store {
                    db: Some(db),
                    path,
                    key,
                    broken: Default::default(),
                });
            }
        }
        let tx = db.begin_write()?;
        let key = {
            let schema = {
                let mut meta_table = tx.open_table(META)?;
                let format = meta_table.get(meta::FORMAT)?.map(|v| v.value().to_vec());
                match format {
                    Some(f) if f == meta::FORMAT_VALUE => {}
                    Some(_) => return Err(StoreError::NotAStore(path)),
                    None if fresh => {
                        meta_table.insert(meta::FORMAT, meta::FORMAT_VALUE)?;
                    }
                    None => return Err(StoreError::NotAStore(path)),
                }
                meta_table
                    .get(meta::SCHEMA)?
                    .and_then(|v| v.value().try_into().ok().map(u32::from_be_bytes))
                    .unwrap_or(0)
            };
            if schema != migrations::CURRENT {
                migrations::run(&tx, schema)?;
            }
            if fresh {
                sealing::create_key(&tx, &path, unlock)?
            } else {
                let lock = tx
                    .open_table(META)?
                    .get(meta::LOCK)?
                    .map(|v| v.value().to_vec());
                let (key, stronger) = sealing::open_key(lock, &path, unlock)?;
                if let Some(lock) = stronger {
                    sealing::write_lock(&tx, &lock)?;
                }
                key
            }
        };
        tx.commit()?;
        Ok(Store {
            db: Some(db),
            path,
            key,
            broken: Default::default(),
        })
    }
}
