//! One owner per store: while `gridbook serve` or the app (`gui/owner.rs`) holds a data
//! directory, command lines on that directory are run by it, on the store it already has open,
//! instead of waiting for a lock that it never lets go of.
//!
//! Decisions:
//! - The owner listens on a Unix socket in the data directory, `gridbook.sock`, mode 0600. A
//!   command first tries that socket: when someone answers it sends its arguments and prints
//!   the owner's answer — the same stdout, the same one-line error and exit status the command
//!   gives when it opens the store itself (parsing, and so exit status 2, happens before), in
//!   the caller's language, which it sends along with the arguments.
//!   Nobody answering (no file, or a file left by a killed process) means no owner: the
//!   command opens the store directly, where redb's lock still keeps a second writer out.
//! - The owner binds the socket only once it holds the store's lock, and removes it when it
//!   stops. A command that opened the store itself holds that lock too, so any socket file it
//!   finds then is stale (its owner was killed) and it removes it.
//! - Never a hang: connecting fails at once when nobody listens; the owner gives a client
//!   [`REQUEST_TIMEOUT`] to send its request, and a client gives the owner [`ANSWER_TIMEOUT`]
//!   to answer (the owner may be busy with a sync).
//! - Other platforms (Windows would use a named pipe) have no owner socket yet: commands open
//!   the store directly and `serve` says, once, that it cannot take commands.

// Without Unix sockets, the wire types and timeouts below are unused.
#![cfg_attr(not(unix), allow(dead_code))]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::{CliError, one_line};
use crate::i18n::Language;

/// The socket's file name in the data directory.
pub(crate) const SOCKET_FILE: &str = "gridbook.sock";

/// How long the owner waits for a client's request.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a client waits for the owner's answer, unless `GRIDBOOK_OWNER_TIMEOUT_MS` says
/// otherwise.
pub(crate) const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

fn answer_timeout() -> Duration {
    std::env::var("GRIDBOOK_OWNER_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(ANSWER_TIMEOUT, Duration::from_millis)
}

/// The largest request the owner reads (a command line).
const MAX_REQUEST: u64 = 1024 * 1024;

/// A command line sent to the owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CommandLine {
    /// The arguments, the program name first.
    pub args: Vec<String>,
    /// The caller's language, which the answer speaks (English from a client that sends none).
    #[serde(default = "english")]
    pub language: Language,
}

fn english() -> Language {
    Language::English
}

/// The owner's answer: the command's stdout, or its one-line error.
#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    stdout: String,
    error: Option<String>,
}

/// The socket of the owner of `data`.
pub(crate) fn socket_path(data: &Path) -> PathBuf {
    data.join(SOCKET_FILE)
}

/// What came of trying to hand a command to the owner.
pub(crate) enum Forwarded {
    /// Nobody owns the store: run the command here.
    NoOwner,
    /// The owner ran it: this is what the command gives.
    Ran(anyhow::Result<String>),
}

impl Answer {
    fn into_result(self) -> anyhow::Result<String> {
        match self.error {
            Some(e) => Err(anyhow::anyhow!(e)),
            None => Ok(self.stdout),
        }
    }

    fn of(result: anyhow::Result<String>, language: Language) -> Answer {
        match result {
            Ok(stdout) => Answer {
                stdout,
                error: None,
            },
            Err(e) => Answer {
                stdout: String::new(),
                error: Some(one_line(&e, language)),
            },
        }
    }
}

/// After this process opened the store itself: a socket file left there is stale (an owner
/// holds the store's lock for as long as its socket lives), so remove it.
pub(crate) fn remove_stale(data: &Path) {
    let path = socket_path(data);
    if path.exists() {
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::info!(socket = %path.display(), "removed a stale owner socket"),
            Err(e) => {
                tracing::warn!(socket = %path.display(), "cannot remove a stale owner socket: {e}")
            }
        }
    }
}

#[cfg(unix)]
pub(crate) use unix::{Client, OwnerSocket, forward};

#[cfg(unix)]
mod unix {
    use std::io::{Read as _, Write as _};
    use std::os::unix::fs::PermissionsExt as _;
    use std::os::unix::net::UnixStream;
    use std::path::{Path, PathBuf};

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::{
        Answer, CliError, CommandLine, Forwarded, Language, MAX_REQUEST, REQUEST_TIMEOUT,
        answer_timeout, socket_path,
    };
    use crate::error::{Doing as _, Step};

    /// Hands the command line `args` to the owner of `data`, if one answers; the answer speaks
    /// this thread's language.
    pub(crate) fn forward(data: &Path, args: &[String]) -> Forwarded {
        let path = socket_path(data);
        let Ok(mut stream) = UnixStream::connect(&path) else {
            return Forwarded::NoOwner;
        };
        tracing::debug!(socket = %path.display(), "forwarding to the store's owner");
        let result = (|| -> anyhow::Result<String> {
            stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
            stream.set_read_timeout(Some(answer_timeout()))?;
            let request = serde_json::to_vec(&CommandLine {
                args: args.to_vec(),
                language: crate::i18n::language(),
            })?;
            stream.write_all(&request)?;
            stream.shutdown(std::net::Shutdown::Write)?;
            let mut bytes = Vec::new();
            stream.read_to_end(&mut bytes)?;
            let answer: Answer = serde_json::from_slice(&bytes)?;
            answer.into_result()
        })();
        Forwarded::Ran(result.map_err(|e| {
            if e.downcast_ref::<std::io::Error>().is_some_and(|io| {
                matches!(
                    io.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                )
            }) {
                CliError::OwnerSilent {
                    data: data.to_path_buf(),
                    secs: answer_timeout().as_secs_f32(),
                }
                .into()
            } else {
                e
            }
        }))
    }

    /// The owner's listening socket; removed when dropped.
    #[derive(Debug)]
    pub(crate) struct OwnerSocket {
        path: PathBuf,
        listener: tokio::net::UnixListener,
    }

    impl OwnerSocket {
        /// Listens in `data`, whose store this process holds open. Must run inside a tokio
        /// runtime.
        pub(crate) fn bind(data: &Path) -> anyhow::Result<OwnerSocket> {
            let path = socket_path(data);
            // This process holds the store's lock, so a socket file here is a killed owner's.
            super::remove_stale(data);
            let listener =
                tokio::net::UnixListener::bind(&path).doing(Step::Listen(path.clone()))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            Ok(OwnerSocket { path, listener })
        }

        /// Waits for the next command; returns its arguments and where to answer.
        pub(crate) async fn next(&self) -> std::io::Result<Client> {
            let (stream, _) = self.listener.accept().await?;
            Ok(Client {
                stream,
                language: Language::English,
            })
        }
    }

    impl Drop for OwnerSocket {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// One client of the owner.
    #[derive(Debug)]
    pub(crate) struct Client {
        stream: tokio::net::UnixStream,
        /// The language its answer speaks, once its request came.
        language: Language,
    }

    impl Client {
        /// Reads the command line (bounded in size and time).
        pub(crate) async fn request(&mut self) -> anyhow::Result<CommandLine> {
            let mut bytes = Vec::new();
            let mut limited = (&mut self.stream).take(MAX_REQUEST);
            tokio::time::timeout(REQUEST_TIMEOUT, limited.read_to_end(&mut bytes))
                .await
                .doing(Step::ReadRequest)??;
            let request: CommandLine = serde_json::from_slice(&bytes)?;
            self.language = request.language;
            Ok(request)
        }

        /// Sends the command's result back, in the language of its request.
        pub(crate) async fn answer(mut self, result: anyhow::Result<String>) {
            let bytes = serde_json::to_vec(&Answer::of(result, self.language)).unwrap_or_default();
            if let Err(e) = self.stream.write_all(&bytes).await {
                tracing::warn!("cannot answer a forwarded command: {e}");
            }
            let _ = self.stream.shutdown().await;
        }
    }
}

#[cfg(not(unix))]
pub(crate) use other::{Client, OwnerSocket, forward};

#[cfg(not(unix))]
mod other {
    use std::path::Path;

    use super::{CliError, CommandLine, Forwarded};

    /// No owner socket on this platform: every command opens the store itself.
    pub(crate) fn forward(_data: &Path, _args: &[String]) -> Forwarded {
        Forwarded::NoOwner
    }

    /// Not supported on this platform.
    #[derive(Debug)]
    pub(crate) struct OwnerSocket;

    /// A client of the owner: none on this platform.
    #[derive(Debug)]
    pub(crate) enum Client {}

    impl OwnerSocket {
        /// Always refuses: forwarding commands needs a Unix socket (a named pipe on Windows is
        /// not built yet).
        pub(crate) fn bind(_data: &Path) -> anyhow::Result<OwnerSocket> {
            Err(CliError::NoOwnerSocket.into())
        }

        /// Never returns.
        pub(crate) async fn next(&self) -> std::io::Result<Client> {
            std::future::pending().await
        }
    }

    impl Client {
        /// Unreachable: there are no clients.
        pub(crate) async fn request(&mut self) -> anyhow::Result<CommandLine> {
            match *self {}
        }

        /// Unreachable: there are no clients.
        pub(crate) async fn answer(self, _result: anyhow::Result<String>) {
            match self {}
        }
    }
}

/// The next client of `socket`; never returns when there is no socket.
pub(crate) async fn next_client(socket: Option<&OwnerSocket>) -> std::io::Result<Client> {
    match socket {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}
