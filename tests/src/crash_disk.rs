//! A redb storage backend that loses power: after a set number of writes, the write in
//! progress is torn (only a prefix of it lands) and every later operation fails, as a disk
//! whose machine lost power. What survives is what the last completed `sync_data` made
//! durable, plus any of the writes since (each one whole, torn or missing, chosen at random),
//! because a disk cache may have written some of them and not others.
//!
//! Modelled on redb's own `tests/crash_consistency.rs`.

use std::io::{Error, ErrorKind};
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redb::StorageBackend;

#[derive(Debug, Default)]
struct Disk {
    /// What reads see: every write applied.
    live: Vec<u8>,
    /// What the last completed sync made durable.
    durable: Vec<u8>,
    /// Writes since that sync, in order (the torn one holds only its prefix).
    unsynced: Vec<(usize, Vec<u8>)>,
    /// Writes left before the power goes; `None` never.
    writes_left: Option<u64>,
    /// Writes made so far.
    writes: u64,
    crashed: bool,
    seed: u64,
}

/// A disk whose power can be cut; clones share it.
#[derive(Debug, Clone, Default)]
pub struct CrashDisk {
    disk: Arc<Mutex<Disk>>,
}

fn power_cut() -> Error {
    Error::other("the power was cut")
}

impl CrashDisk {
    /// An empty disk that never loses power.
    pub fn new() -> CrashDisk {
        CrashDisk::default()
    }

    /// A disk holding `image`, as found after a crash.
    pub fn from_image(image: Vec<u8>) -> CrashDisk {
        let disk = Disk {
            live: image.clone(),
            durable: image,
            ..Disk::default()
        };
        CrashDisk {
            disk: Arc::new(Mutex::new(disk)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Disk> {
        self.disk.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Cuts the power during the `n`-th write from now (1-based); `seed` decides how much of
    /// that write lands and which unsynced writes survive.
    pub fn cut_after_writes(&self, n: u64, seed: u64) {
        let mut d = self.lock();
        d.writes_left = Some(n);
        d.seed = seed;
    }

    /// Writes made so far.
    pub fn writes(&self) -> u64 {
        self.lock().writes
    }

    /// Whether the power was cut.
    pub fn crashed(&self) -> bool {
        self.lock().crashed
    }

    /// The bytes a restarted machine finds: the durable image with each unsynced write
    /// applied or not, at random.
    pub fn after_crash(&self) -> Vec<u8> {
        let d = self.lock();
        let mut rng = StdRng::seed_from_u64(d.seed);
        let mut image = d.durable.clone();
        for (offset, data) in &d.unsynced {
            if rng.random_bool(0.5) {
                if image.len() < offset + data.len() {
                    image.resize(offset + data.len(), 0);
                }
                image[*offset..offset + data.len()].copy_from_slice(data);
            }
        }
        image
    }
}

impl StorageBackend for CrashDisk {
    fn len(&self) -> Result<u64, Error> {
        let d = self.lock();
        if d.crashed {
            return Err(power_cut());
        }
        Ok(d.live.len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), Error> {
        let d = self.lock();
        if d.crashed {
            return Err(power_cut());
        }
        let offset = offset as usize;
        let Some(bytes) = d.live.get(offset..offset + out.len()) else {
            return Err(Error::from(ErrorKind::UnexpectedEof));
        };
        out.copy_from_slice(bytes);
        Ok(())
    }

    fn set_len(&self, len: u64) -> Result<(), Error> {
        let mut d = self.lock();
        if d.crashed {
            return Err(power_cut());
        }
        d.live.resize(len as usize, 0);
        Ok(())
    }

    fn sync_data(&self) -> Result<(), Error> {
        let mut d = self.lock();
        if d.crashed {
            return Err(power_cut());
        }
        d.durable = d.live.clone();
        d.unsynced.clear();
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), Error> {
        let mut d = self.lock();
        if d.crashed {
            return Err(power_cut());
        }
        d.writes += 1;
        let offset = offset as usize;
        let mut data = data;
        let cut = d.writes_left.is_some_and(|n| n <= 1);
        if let Some(n) = d.writes_left.as_mut() {
            *n = n.saturating_sub(1);
        }
        if cut {
            let seed = d.seed;
            let keep = StdRng::seed_from_u64(seed ^ 0x5eed).random_range(0..=data.len());
            data = &data[..keep];
            d.crashed = true;
        }
        if d.live.len() < offset + data.len() {
            d.live.resize(offset + data.len(), 0);
        }
        d.live[offset..offset + data.len()].copy_from_slice(data);
        d.unsynced.push((offset, data.to_vec()));
        if cut {
            return Err(power_cut());
        }
        Ok(())
    }
}
