//! The one owner of a device's [`Gridbook`]: a thread that runs jobs sent over a channel, one at
//! a time, and answers each over a oneshot.
//!
//! A `Gridbook` is not shared between threads, and its writes block on a durable disk flush
//! (~4 ms), so it lives on its own thread rather than on the async runtime. Connections, the
//! connection hook and the command line all reach it through [`Book`], a cheap clonable handle.

use gridbook_model::Gridbook;
use tokio::sync::{mpsc, oneshot, watch};

/// A piece of work for the store's owner.
pub type Job = Box<dyn FnOnce(&mut Gridbook) + Send>;

/// A handle to the thread that owns a [`Gridbook`].
#[derive(Debug, Clone)]
pub struct Book {
    jobs: mpsc::UnboundedSender<Job>,
    revision: watch::Receiver<u64>,
}

/// The thread that owned the store has stopped (it panicked, or every handle was dropped).
#[derive(Debug, thiserror::Error)]
#[error("the store's owner thread has stopped")]
pub struct BookGone;

gridbook_model::worded!(BookGone {
    BookGone => gridbook_model::words::Words::new("error.sync.book_gone"), example: BookGone;
});

impl Book {
    /// Moves `book` onto its own thread. The thread ends when every handle is dropped; joining
    /// it gives the book back.
    pub fn spawn(mut book: Gridbook) -> (Book, std::thread::JoinHandle<Gridbook>) {
        let (jobs, mut inbox) = mpsc::unbounded_channel::<Job>();
        let (changed, revision) = watch::channel(book.revision());
        let thread = std::thread::Builder::new()
            .name("gridbook-store".into())
            .spawn(move || {
                while let Some(job) = inbox.blocking_recv() {
                    job(&mut book);
                    notify(&changed, &book);
                }
                book
            })
            .unwrap_or_else(|e| panic!("cannot start the store thread: {e}"));
        (Book { jobs, revision }, thread)
    }

    /// Changes whenever the book stored new document changes (see
    /// [`Gridbook::revision`]): live sync waits on it to push local edits.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.revision.clone()
    }

    /// A handle whose jobs another owner of the book runs: the app's store thread, which also
    /// serves the UI, takes each job from [`Jobs`] and runs it on its book between its own
    /// commands.
    ///
    /// Live sync learns of the book's new changes after each job; the owner calls
    /// [`Jobs::notice`] after its own commands too.
    pub fn channel() -> (Book, Jobs) {
        let (jobs, inbox) = mpsc::unbounded_channel::<Job>();
        let (changed, revision) = watch::channel(0);
        (Book { jobs, revision }, Jobs { inbox, changed })
    }

    /// Runs `f` on the book and returns its result.
    pub async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Gridbook) -> R + Send + 'static,
    ) -> Result<R, BookGone> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Box::new(move |book| {
                let _ = reply.send(f(book));
            }))
            .map_err(|_| BookGone)?;
        answer.await.map_err(|_| BookGone)
    }
}

/// The jobs sent to a [`Book`] made by [`Book::channel`], for its owner to run.
#[derive(Debug)]
pub struct Jobs {
    inbox: mpsc::UnboundedReceiver<Job>,
    changed: watch::Sender<u64>,
}

impl Jobs {
    /// The next job, waiting for it on a thread that is not async; `None` once every handle
    /// is dropped. Once it ran, live sync hears of any changes it stored.
    pub fn blocking_next(&mut self) -> Option<Job> {
        let job = self.inbox.blocking_recv()?;
        let changed = self.changed.clone();
        Some(Box::new(move |book: &mut Gridbook| {
            job(book);
            notify(&changed, book);
        }))
    }

    /// Tells live sync about changes the owner stored itself (call after its own commands).
    pub fn notice(&self, book: &Gridbook) {
        notify(&self.changed, book);
    }

    /// A handle that does what [`Jobs::notice`] does, for the owner's thread while this one
    /// waits for jobs elsewhere.
    pub fn notifier(&self) -> Notifier {
        Notifier(self.changed.clone())
    }
}

/// Tells live sync about changes the store's owner made itself; cheap to clone.
#[derive(Debug, Clone)]
pub struct Notifier(watch::Sender<u64>);

impl Notifier {
    /// As [`Jobs::notice`].
    pub fn notice(&self, book: &Gridbook) {
        notify(&self.0, book);
    }
}

fn notify(changed: &watch::Sender<u64>, book: &Gridbook) {
    let now = book.revision();
    changed.send_if_modified(|seen| std::mem::replace(seen, now) != now);
}
