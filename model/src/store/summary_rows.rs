//! Reading every summary row of a kind on every core: 100k need rows are 100k values to open
//! (XChaCha20-Poly1305 has a fixed cost per value) and decode, and one core did that in about
//! half a second. One thread walks the table in a single read transaction and hands out rows
//! in batches; the others open and decode them; the results keep the table's (id) order.

use std::sync::mpsc;

use redb::ReadableDatabase;

use super::sealing::row;
use super::tables::SUMMARIES;
use super::{Store, StoreError};

/// Rows handed to a decoding thread at a time.
const BATCH: usize = 1024;

/// Batches waiting per decoding thread: bounds the copies in flight.
const QUEUED: usize = 2;

/// One batch of sealed rows: its place in the table, then each row's (aad, sealed value).
type Batch = (usize, Vec<(Vec<u8>, Vec<u8>)>);

impl Store {
    /// Every summary row of one kind, opened and passed through `decode`, in id order. The
    /// decoding runs on every core.
    pub fn decode_summaries<T, E>(
        &self,
        kind: &str,
        decode: impl Fn(&[u8]) -> Result<T, E> + Sync,
    ) -> Result<Vec<T>, E>
    where
        T: Send,
        E: From<StoreError> + Send,
    {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.guard(|| {
            std::thread::scope(|scope| {
                let mut senders = Vec::new();
                let mut workers = Vec::new();
                for _ in 0..threads {
                    let (send, receive) = mpsc::sync_channel::<Batch>(QUEUED);
                    senders.push(send);
                    let decode = &decode;
                    workers.push(scope.spawn(move || {
                        let mut done = Vec::new();
                        for (place, rows) in receive {
                            let mut out = Vec::with_capacity(rows.len());
                            for (aad, sealed) in &rows {
                                out.push(decode(&self.unseal(aad, sealed)?)?);
                            }
                            done.push((place, out));
                        }
                        Ok::<_, E>(done)
                    }));
                }
                let walked = self.walk_summaries(kind, &senders);
                drop(senders);
                let mut batches = Vec::new();
                for worker in workers {
                    match worker.join() {
                        Ok(done) => batches.extend(done?),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                walked?;
                batches.sort_unstable_by_key(|(place, _)| *place);
                let mut rows = Vec::with_capacity(batches.iter().map(|(_, b)| b.len()).sum());
                for (_, batch) in batches {
                    rows.extend(batch);
                }
                Ok(rows)
            })
        })
    }

    /// Walks the rows of `kind` and deals them out in batches, round robin. A worker that
    /// stopped (on an error it reports itself) ends the walk.
    fn walk_summaries(
        &self,
        kind: &str,
        workers: &[mpsc::SyncSender<Batch>],
    ) -> Result<(), StoreError> {
        let tx = self.db().begin_read()?;
        let table = tx.open_table(SUMMARIES)?;
        let mut batch = Vec::with_capacity(BATCH);
        let mut place = 0;
        let deal =
            |batch: Vec<_>, place: usize| workers[place % workers.len()].send((place, batch));
        for stored in table.range((kind, "")..)? {
            let (k, v) = stored?;
            let (k_kind, id) = k.value();
            if k_kind != kind {
                break;
            }
            let aad = row(&SUMMARIES, &[kind.as_bytes(), id.as_bytes()]);
            batch.push((aad, v.value().to_vec()));
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if deal(full, place).is_err() {
                    return Ok(());
                }
                place += 1;
            }
        }
        if !batch.is_empty() {
            let _ = deal(batch, place);
        }
        Ok(())
    }
}
