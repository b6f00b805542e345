//! The app as the one owner of its data directory: while it is open, command lines on the same
//! directory (`gridbook need add …` in a terminal beside it) are forwarded to it over the
//! owner socket (`crate::owner`) and run by the worker on the store it holds, exactly as
//! `serve` runs them; the pages then show the change.
//!
//! A small thread with its own single-threaded tokio runtime listens; each command line goes
//! to the worker as a [`Command::Forwarded`] with a channel for the answer. The listener stops,
//! and removes the socket, when the worker goes away.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};

use super::messages::Command;
use crate::owner;

/// Stops the listener when dropped.
pub(super) struct Listener {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts listening for command lines on `data`, whose store the worker holds open. Returns
/// `None` (and logs why) where this platform or directory cannot take commands: commands
/// then fail on the store's lock with their usual message, as before.
pub(super) fn listen(data: PathBuf, worker: Sender<Command>) -> Option<Listener> {
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let (ready, bound) = channel();
    let thread = std::thread::Builder::new()
        .name("gridbook-owner".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready.send(Err(e.to_string()));
                    return;
                }
            };
            runtime.block_on(serve(data, worker, stopped, ready));
        })
        .ok()?;
    match bound.recv() {
        Ok(Ok(())) => Some(Listener {
            stop: Some(stop),
            thread: Some(thread),
        }),
        Ok(Err(e)) => {
            tracing::warn!("the app cannot take commands from the command line: {e}");
            let _ = thread.join();
            None
        }
        Err(_) => None,
    }
}

async fn serve(
    data: PathBuf,
    worker: Sender<Command>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
    ready: Sender<Result<(), String>>,
) {
    let socket = match owner::OwnerSocket::bind(&data) {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(format!("{e:#}")));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            client = socket.next() => match client {
                Ok(client) => answer(client, &worker).await,
                Err(e) => tracing::warn!("a command could not connect: {e}"),
            },
        }
    }
}

/// Reads one command line, has the worker run it, and answers.
async fn answer(mut client: owner::Client, worker: &Sender<Command>) {
    let line = match client.request().await {
        Ok(line) => line,
        Err(e) => {
            tracing::warn!("a forwarded command did not arrive: {e:#}");
            return;
        }
    };
    let (reply, answer) = channel();
    let result = if worker.send(Command::Forwarded(line, reply)).is_err() {
        Err(crate::error::CliError::AppClosing.into())
    } else {
        tokio::task::spawn_blocking(move || answer.recv())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_else(|| Err(crate::error::CliError::AppClosed.into()))
    };
    client.answer(result).await;
}

/// Runs a forwarded command line on the worker's store (on the worker thread), in its
/// caller's language; `sync` is the Sync page's business.
pub(super) fn run(
    book: &mut gridbook_model::Gridbook,
    data: PathBuf,
    line: &owner::CommandLine,
) -> anyhow::Result<String> {
    crate::run_forwarded_in_app(book, data, line)
}

#[cfg(all(test, unix))]
mod tests {
    use super::super::testing::{Fixture, settle};
    use crate::owner::{Forwarded, forward};
    use egui_kittest::kittest::Queryable;

    #[test]
    fn a_command_line_beside_the_open_app_runs_through_it_and_shows_at_once() {
        let fx = Fixture::new();
        let mut h = fx.harness();
        let args: Vec<String> = [
            "gridbook",
            "need",
            "add",
            "--title",
            "终端里记下的民需",
            "--category",
            "other",
            "--grid",
            "第3网格",
        ]
        .map(String::from)
        .to_vec();
        let Forwarded::Ran(result) = forward(&fx.path(), &args) else {
            panic!("the open app owns the data directory");
        };
        let id = result.expect("the app ran the command");
        assert!(id.trim().starts_with("N-"), "{id}");
        settle(&mut h);
        assert!(h.query_by_label("终端里记下的民需").is_some());
        drop(h);
        // Closed: the socket is gone and commands open the store themselves.
        assert!(!fx.path().join(crate::owner::SOCKET_FILE).exists());
        assert!(matches!(forward(&fx.path(), &args), Forwarded::NoOwner));
    }
}
