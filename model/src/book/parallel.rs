//! Edits of several documents at once, one thread per core.
//!
//! A bulk import spends most of its time inside Automerge, building each document's commit and
//! encoding what to store; documents are independent, so a batch that touches several (an
//! import spans communities, so months of several needs documents) builds them side by side and
//! only the store write stays serial. Sequence numbers are reserved per edit before the threads
//! start, in the order the edits are given, so the ids come out as they would one by one.

use std::collections::HashSet;

use automerge::transaction::{CommitOptions, Transaction};

use super::write::{Loaded, Staged};
use super::{DeviceKey, Gridbook, IdSource};
use crate::RecordKind;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::summary::Row;

/// One document's edit for [`Gridbook::edit_each`].
pub(super) struct DocEdit<F> {
    /// The document, started if this device has none.
    pub doc: DocId,
    /// The commit message.
    pub message: String,
    /// How many sequence numbers `f` takes from its [`IdSource`], reserved for it.
    pub ids: u64,
    /// The edit, as for `Gridbook::edit`.
    pub f: F,
}

/// An edit with its document taken out of the book, to run on any thread.
struct Job<F> {
    index: usize,
    doc: DocId,
    message: String,
    loaded: Loaded,
    ids: IdSource,
    ids_end: u64,
    f: F,
    /// This device's key, to sign the commit (signing.rs).
    key: DeviceKey,
}

/// What came back from a job: the document, always, and the edit's outcome.
struct Done<R> {
    index: usize,
    doc: DocId,
    loaded: Loaded,
    outcome: Result<(R, Vec<Row>, Staged)>,
}

impl<F> Job<F> {
    fn run<R>(mut self, time: i64) -> Done<R>
    where
        F: FnOnce(&mut Transaction<'_>, &mut IdSource) -> Result<(R, Vec<Row>)>,
    {
        let heads = self.loaded.doc.get_heads();
        let (ids, message, f) = (&mut self.ids, self.message, self.f);
        let outcome = match self.loaded.doc.transact_with(
            |_| {
                CommitOptions::default()
                    .with_message(message.clone())
                    .with_time(time)
            },
            |tx| f(tx, ids),
        ) {
            // Automerge rolled a failed transaction back; the document is as it was.
            Err(failure) => Err(failure.error),
            Ok(_) if self.ids.next > self.ids_end => Err(Error::Internal(format!(
                "an edit of {} took more ids than it reserved",
                self.doc
            ))),
            Ok(success) => {
                let (result, rows) = success.result;
                if success.hash.is_some()
                    && let Some(change) = self.loaded.doc.get_last_local_change()
                {
                    super::signing::sign_after(&mut self.loaded.doc, &self.key, &change, time);
                }
                Ok((result, rows, self.loaded.stage(&heads)))
            }
        };
        Done {
            index: self.index,
            doc: self.doc,
            loaded: self.loaded,
            outcome,
        }
    }
}

impl Gridbook {
    /// Edits several distinct documents, one Automerge commit each, on as many threads as the
    /// machine has cores, and returns the edits' results in order. Like `edit`, the changes
    /// reach the store at the end of the operation; if any edit fails, the operation fails.
    pub(super) fn edit_each<R, F>(&mut self, edits: Vec<DocEdit<F>>) -> Result<Vec<R>>
    where
        R: Send,
        F: FnOnce(&mut Transaction<'_>, &mut IdSource) -> Result<(R, Vec<Row>)> + Send,
    {
        let time = self.now().0 / 1000;
        let mut seen = HashSet::new();
        for edit in &edits {
            if !seen.insert(edit.doc.clone()) {
                return Err(Error::Internal(format!(
                    "document {} edited twice in one parallel edit",
                    edit.doc
                )));
            }
            self.ensure_doc(&edit.doc)?;
        }
        // Only now take the documents out: starting one edits the directory's catalog.
        let mut jobs = Vec::with_capacity(edits.len());
        for (index, edit) in edits.into_iter().enumerate() {
            let loaded = self
                .docs
                .remove(&edit.doc)
                .ok_or_else(|| Error::not_found(RecordKind::Document, &edit.doc))?;
            let ids = IdSource {
                tag: self.ids.tag.clone(),
                next: self.ids.next,
            };
            self.ids.next += edit.ids;
            jobs.push(Job {
                index,
                doc: edit.doc,
                message: edit.message,
                loaded,
                ids_end: self.ids.next,
                ids,
                f: edit.f,
                key: self.key.clone(),
            });
        }
        let done = run_all(jobs, time);
        let mut results = Vec::with_capacity(done.len());
        let mut failed = None;
        for job in done {
            self.docs.insert(job.doc.clone(), job.loaded);
            self.touched.insert(job.doc.clone());
            match job.outcome {
                Ok((result, rows, staged)) => {
                    self.push_staged(&job.doc, staged);
                    for row in rows {
                        self.pending.summaries.push((row.kind, row.id, row.json));
                    }
                    results.push(result);
                }
                Err(e) => {
                    failed.get_or_insert(e);
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(results),
        }
    }
}

/// Runs the jobs on up to one thread per core and returns them in their original order.
fn run_all<R, F>(jobs: Vec<Job<F>>, time: i64) -> Vec<Done<R>>
where
    R: Send,
    F: FnOnce(&mut Transaction<'_>, &mut IdSource) -> Result<(R, Vec<Row>)> + Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    if threads <= 1 {
        return jobs.into_iter().map(|job| job.run(time)).collect();
    }
    // Dealt round robin: a batch's documents are of similar size.
    let mut shares: Vec<Vec<Job<F>>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, job) in jobs.into_iter().enumerate() {
        shares[i % threads].push(job);
    }
    let mut done: Vec<Done<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|job| job.run(time))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|d| d.index);
    done
}
