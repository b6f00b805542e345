//! One session over one QUIC stream: the loop that feeds a [`Session`] the peer's frames and
//! writes its flights, and the two ways a session starts on a connection (this side opens a
//! stream and dials, or answers a stream the peer opened).

use std::net::SocketAddr;

use iroh::EndpointId;
use iroh::endpoint::{Connection, RecvStream, SendStream};

use super::error::NodeError;
use super::link::{TURN_TIMEOUT, refusal};
use crate::actor::Book;
use crate::peers;
use crate::protocol::wire::{HEADER, payload_len};
use crate::protocol::{Report, Session, SessionError};

/// Opens a stream on `conn` and runs one session on it as the dialer. The outcome is noted in
/// the peer's record (with `dialled`, the addresses it was reached at).
pub(crate) async fn dial_on(
    book: &Book,
    conn: &Connection,
    dialled: Vec<SocketAddr>,
) -> Result<Report, NodeError> {
    let peer = conn.remote_id();
    let connect_err = |detail: String| NodeError::Connect {
        peer: peer.to_string(),
        detail,
    };
    let result = async {
        let (mut send, mut recv) = match tokio::time::timeout(TURN_TIMEOUT, conn.open_bi()).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(connect_err(refusal(conn).unwrap_or(e.to_string()))),
            Err(_) => return Err(NodeError::Timeout),
        };
        tracing::debug!(peer = %peer.fmt_short(), "session open");
        let peer_key = *peer.as_bytes();
        let session = book.call(move |b| Session::open(b, peer_key)).await??;
        match drive(book, session, &mut send, &mut recv).await {
            Err(NodeError::Transport(t)) => Err(match refusal(conn) {
                Some(r) => connect_err(r),
                None => NodeError::Transport(t),
            }),
            other => other.map(|r| with_path(r, conn)),
        }
    }
    .await;
    note_session(book, peer, dialled, &result).await;
    result
}

/// `report`, saying whether `conn` carries its data through a relay (the path iroh selected
/// when the session ended).
pub(crate) fn with_path(mut report: Report, conn: &Connection) -> Report {
    let paths = conn.paths();
    report.relayed = paths.iter().find(|p| p.is_selected()).map(|p| p.is_relay());
    report
}

/// Runs one session as the acceptor on a stream the peer opened, logs it and notes it in the
/// peer's record.
pub(crate) async fn answer(
    book: &Book,
    peer: EndpointId,
    mut send: SendStream,
    mut recv: RecvStream,
) -> Result<Report, NodeError> {
    let peer_key = *peer.as_bytes();
    let result = match book.call(move |b| Session::accept(b, peer_key)).await {
        Ok(Ok(session)) => drive(book, session, &mut send, &mut recv).await,
        Ok(Err(e)) => Err(NodeError::Session(e)),
        Err(e) => Err(NodeError::BookGone(e)),
    };
    match &result {
        Ok(r) => tracing::info!(
            documents = r.documents.len(),
            bytes_in = r.bytes_received,
            bytes_out = r.bytes_sent,
            round_trips = r.round_trips(),
            ms = r.elapsed.as_millis() as u64,
            "synced"
        ),
        Err(e) => tracing::warn!("sync failed: {e}"),
    }
    note_session(book, peer, Vec::new(), &result).await;
    result
}

/// Notes a session's outcome in the peer's record (a failure to note it is logged, not fatal).
pub(crate) async fn note_session(
    book: &Book,
    peer: EndpointId,
    dialled: Vec<SocketAddr>,
    result: &Result<Report, NodeError>,
) {
    let peer_hex = data_encoding::HEXLOWER.encode(peer.as_bytes());
    let outcome = result.as_ref().cloned().map_err(|e| e.to_string());
    let noted = book
        .call(move |b| peers::note_session(b, &peer_hex, &dialled, outcome.as_ref()))
        .await;
    if let Ok(Err(e)) = noted {
        tracing::warn!("cannot record the session with {}: {e}", peer.fmt_short());
    }
}

/// Runs a session over one bidirectional stream until it ends: writes this side's flights
/// frame by frame as they are made, and feeds the peer's frames one at a time, so the peer
/// applies one frame of a long flight while this side makes the next.
pub(crate) async fn drive(
    book: &Book,
    mut session: Session,
    send: &mut SendStream,
    recv: &mut RecvStream,
) -> Result<Report, NodeError> {
    loop {
        let mut wrote = false;
        loop {
            let (back, frame) = book
                .call(move |b| {
                    let frame = session.pull(b);
                    (session, frame)
                })
                .await?;
            session = back;
            match frame {
                Ok(Some(bytes)) => {
                    write(send, &bytes).await?;
                    wrote = true;
                }
                Ok(None) => break,
                Err(e) => return Err(abort(send, e).await),
            }
        }
        if session.is_over() {
            let _ = send.finish();
            if wrote {
                // This side's flight ended the session: wait until the peer has it all, for
                // the caller may close the connection next, and a QUIC close drops whatever
                // the peer has not acknowledged (the peer then never sees `Done`).
                let _ = tokio::time::timeout(TURN_TIMEOUT, send.stopped()).await;
            }
            return Ok(session.report().clone());
        }
        let frame = match read_frame(recv).await {
            Ok(f) => f,
            Err(NodeError::Session(e)) => return Err(abort(send, e).await),
            Err(e) => return Err(e),
        };
        let (back, fed) = book
            .call(move |b| {
                let fed = session.feed(b, &frame);
                (session, fed)
            })
            .await?;
        session = back;
        if let Err(e) = fed {
            return Err(abort(send, e).await);
        }
    }
}

/// Tells the peer why this side ends the session (when it is this side's doing), and closes
/// the stream.
async fn abort(send: &mut SendStream, e: SessionError) -> NodeError {
    if let Some(frame) = e.abort_frame() {
        let _ = write(send, &frame).await;
    }
    let _ = send.finish();
    NodeError::Session(e)
}

/// Writes one frame; a peer that stops reading for [`TURN_TIMEOUT`] ends the session.
async fn write(send: &mut SendStream, bytes: &[u8]) -> Result<(), NodeError> {
    tokio::time::timeout(TURN_TIMEOUT, send.write_all(bytes))
        .await
        .map_err(|_| NodeError::Timeout)?
        .map_err(|e| NodeError::Transport(e.to_string()))
}

/// Reads one frame (prefix included), refusing an oversize one before reading its payload.
async fn read_frame(recv: &mut RecvStream) -> Result<Vec<u8>, NodeError> {
    let read = async {
        let mut header = [0u8; HEADER];
        recv.read_exact(&mut header)
            .await
            .map_err(|e| NodeError::Transport(e.to_string()))?;
        let len = payload_len(header).map_err(SessionError::from)?;
        let mut frame = vec![0u8; HEADER + len];
        frame[..HEADER].copy_from_slice(&header);
        recv.read_exact(&mut frame[HEADER..])
            .await
            .map_err(|e| NodeError::Transport(e.to_string()))?;
        Ok::<_, NodeError>(frame)
    };
    tokio::time::timeout(TURN_TIMEOUT, read)
        .await
        .map_err(|_| NodeError::Timeout)?
}
