//! Two sessions driven against each other in memory, on stores on disk: convergence, sessions
//! cut at every frame, and bad input.

use crate::common;

use std::path::Path;

use gridbook_model::vocab::{Category, MeetingLevel};
use gridbook_model::{Gridbook, NeedEdit, NewMeeting, NewNeed};
use gridbook_sync::wire::{DocMessage, Frame, Hello, MAX_FRAME, PROTOCOL_VERSION};
use gridbook_sync::{Session, SessionError, manifest, manifest_digest};

/// How a driven session ended.
struct Run {
    dialer: Session,
    acceptor: Session,
    /// Flights delivered before the cut (all of them when not cut).
    delivered: usize,
    cut: bool,
}

/// Runs a session between `a` (dialer) and `b` (acceptor), a flight at a time; with
/// `cut = Some(k)`, the `k`-th flight (1-based) is lost and both sides stop there, as when a peer walks away.
fn drive(a: &mut Gridbook, b: &mut Gridbook, cut: Option<usize>) -> Result<Run, SessionError> {
    let a_key = *a.device().public_bytes();
    let b_key = *b.device().public_bytes();
    let (mut dialer, first) = Session::dial(a, b_key)?;
    let mut acceptor = Session::accept(b, a_key)?;
    let mut next = Some(first);
    let mut sent = 1;
    let mut to_acceptor = true;
    let mut delivered = 0;
    while let Some(bytes) = next.take() {
        if cut == Some(sent) {
            return Ok(Run {
                dialer,
                acceptor,
                delivered,
                cut: true,
            });
        }
        let step = if to_acceptor {
            acceptor.receive(b, &bytes)?
        } else {
            dialer.receive(a, &bytes)?
        };
        delivered += 1;
        if let Some(out) = step.send {
            sent += 1;
            next = Some(out);
        }
        to_acceptor = !to_acceptor;
    }
    Ok(Run {
        dialer,
        acceptor,
        delivered,
        cut: false,
    })
}

/// An office that founded the network and lists a tablet, and that tablet, which has never
/// synced (no network yet). Both on disk.
fn office_and_tablet(office_dir: &Path, tablet_dir: &Path) -> (Gridbook, Gridbook) {
    common::office_and_tablet(
        Gridbook::open_or_create(office_dir, &gridbook_model::Passphrase::tests_only("test"))
            .unwrap(),
        Gridbook::open_or_create(tablet_dir, &gridbook_model::Passphrase::tests_only("test"))
            .unwrap(),
    )
}

fn same_data(a: &mut Gridbook, b: &mut Gridbook) -> bool {
    manifest_digest(&manifest(a).unwrap()) == manifest_digest(&manifest(b).unwrap())
        && a.dump().unwrap() == b.dump().unwrap()
}

#[test]
fn a_fresh_tablet_receives_everything_and_then_both_edit_and_converge() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut office, mut tablet) = office_and_tablet(d1.path(), d2.path());

    let run = drive(&mut tablet, &mut office, None).unwrap();
    assert!(!run.cut);
    assert!(run.dialer.report().complete && run.acceptor.report().complete);
    assert!(same_data(&mut office, &mut tablet));
    assert!(tablet.network().unwrap().is_some(), "the tablet joined");

    // Both edit offline, then meet again: the office dials this time.
    let id = tablet
        .add_need(NewNeed::new("独居老人", Category::ElderlyCare, "zt-g3"))
        .unwrap();
    office
        .add_need(NewNeed::new("漏水", Category::Facilities, "zt-g3"))
        .unwrap();
    let run = drive(&mut office, &mut tablet, None).unwrap();
    assert!(run.dialer.report().complete && run.acceptor.report().complete);
    assert!(same_data(&mut office, &mut tablet));
    assert_eq!(office.need(&id).unwrap().title, "独居老人");

    // In sync: one round trip, a few hundred bytes.
    let run = drive(&mut office, &mut tablet, None).unwrap();
    let r = run.dialer.report();
    assert!(r.complete && run.acceptor.report().complete);
    assert_eq!(r.round_trips(), 1);
    assert!(r.bytes_sent + r.bytes_received < 400, "{r:?}");
    assert!(r.documents.is_empty());

    // One field edited: only that document runs, in a couple of round trips and few bytes.
    let edit = NeedEdit {
        title: Some("独居老人送餐".into()),
        ..Default::default()
    };
    tablet.edit_need_fields(&id, &edit).unwrap();
    let run = drive(&mut tablet, &mut office, None).unwrap();
    let r = run.dialer.report();
    assert!(r.complete);
    assert_eq!(r.documents.len(), 1, "{r:?}");
    assert!(r.bytes_sent + r.bytes_received < 2048, "{r:?}");
    assert_eq!(
        r.round_trips(),
        1,
        "the dialer's edit goes in its first flight: {r:?}"
    );
    eprintln!(
        "one-field edit: {} round trips, {} bytes",
        r.round_trips(),
        r.bytes_sent + r.bytes_received
    );
    assert_eq!(office.need(&id).unwrap().title, "独居老人送餐");
}

#[test]
fn a_session_cut_at_any_frame_leaves_both_stores_whole_and_the_next_one_completes() {
    // How many flights an uncut first sync takes.
    let total = {
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (mut office, mut tablet) = office_and_tablet(d1.path(), d2.path());
        drive(&mut tablet, &mut office, None).unwrap().delivered
    };
    assert!(total >= 3, "a first sync takes a few flights: {total}");
    for cut in 1..=total {
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (mut office, mut tablet) = office_and_tablet(d1.path(), d2.path());
        let run = drive(&mut tablet, &mut office, Some(cut)).unwrap();
        assert!(run.cut);
        for s in [&run.dialer, &run.acceptor] {
            if s.report().complete {
                assert!(same_data(&mut office, &mut tablet), "complete at cut {cut}");
            }
        }
        assert!(
            !(run.dialer.report().complete && run.acceptor.report().complete),
            "one side never saw the last flight"
        );
        drop((office, tablet));
        // Both stores open after the cut, as after a killed process.
        let mut office =
            Gridbook::open(d1.path(), &gridbook_model::Passphrase::tests_only("test")).unwrap();
        let mut tablet =
            Gridbook::open(d2.path(), &gridbook_model::Passphrase::tests_only("test")).unwrap();
        office.dump().unwrap();
        tablet.dump().unwrap();
        let run = drive(&mut tablet, &mut office, None).unwrap();
        assert!(
            run.dialer.report().complete && run.acceptor.report().complete,
            "cut {cut}"
        );
        assert!(same_data(&mut office, &mut tablet), "cut {cut}");
    }
}

/// The acceptor's data before and after a bad frame, and the error it gave.
fn refused(
    office: &mut Gridbook,
    tablet: &mut Gridbook,
    prelude: usize,
    bad: Vec<u8>,
) -> SessionError {
    let before = office.dump().unwrap();
    let a_key = *tablet.device().public_bytes();
    let b_key = *office.device().public_bytes();
    let (mut dialer, mut next) = Session::dial(tablet, b_key).unwrap();
    let mut acceptor = Session::accept(office, a_key).unwrap();
    for _ in 0..prelude {
        let back = acceptor.receive(office, &next).unwrap().send.unwrap();
        next = dialer.receive(tablet, &back).unwrap().send.unwrap();
    }
    let e = acceptor.receive(office, &bad).unwrap_err();
    assert!(e.abort_frame().is_some(), "the peer is told why");
    assert!(!acceptor.report().complete);
    assert!(
        acceptor.receive(office, &next).is_err(),
        "the session is over"
    );
    assert_eq!(office.dump().unwrap(), before, "nothing stored");
    e
}

#[test]
fn garbage_oversize_future_versions_and_strangers_end_the_session_without_harm() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut office, mut tablet) = office_and_tablet(d1.path(), d2.path());
    let t_key = *tablet.device().public_bytes();

    let e = refused(
        &mut office,
        &mut tablet,
        0,
        vec![0, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef],
    );
    assert!(matches!(e, SessionError::Frame(_)), "{e}");

    let mut oversize = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
    oversize.extend_from_slice(&[0; 64]);
    let e = refused(&mut office, &mut tablet, 0, oversize);
    assert!(e.to_string().contains("over the"), "{e}");

    let hello = |version, network: &str, device| {
        Frame::Hello(Hello {
            version,
            network: network.into(),
            device,
            digest: [0; 32],
            documents: 0,
        })
        .encode()
    };
    let e = refused(
        &mut office,
        &mut tablet,
        0,
        hello(PROTOCOL_VERSION + 1, "", t_key),
    );
    assert!(matches!(e, SessionError::Version { .. }), "{e}");
    let e = refused(
        &mut office,
        &mut tablet,
        0,
        hello(PROTOCOL_VERSION, "00112233445566778899aabbccddeeff", t_key),
    );
    assert!(matches!(e, SessionError::Network { .. }), "{e}");
    let e = refused(
        &mut office,
        &mut tablet,
        0,
        hello(PROTOCOL_VERSION, "", [1; 32]),
    );
    assert!(matches!(e, SessionError::WrongDevice { .. }), "{e}");

    // A second hello, once the first came, is out of place.
    let e = refused(
        &mut office,
        &mut tablet,
        0,
        [
            hello(PROTOCOL_VERSION, "", t_key),
            hello(PROTOCOL_VERSION, "", t_key),
        ]
        .concat(),
    );
    assert!(matches!(e, SessionError::Unexpected { .. }), "{e}");

    // After the hello, a document frame whose Automerge message is garbage, and one for a
    // document id that does not parse.
    let bad_doc = |doc: &str, message: Vec<u8>| {
        Frame::Docs(vec![DocMessage {
            doc: doc.into(),
            message,
        }])
        .encode()
    };
    for bad in [
        bad_doc("directory", vec![0x42, 1, 2, 3, 4]),
        bad_doc("../../etc/passwd", vec![]),
    ] {
        let e = refused(
            &mut office,
            &mut tablet,
            0,
            [hello(PROTOCOL_VERSION, "", t_key), bad].concat(),
        );
        assert!(matches!(e, SessionError::BadDocument { .. }), "{e}");
    }

    // And after all that, a clean session still completes.
    let run = drive(&mut tablet, &mut office, None).unwrap();
    assert!(run.dialer.report().complete);
    assert!(same_data(&mut office, &mut tablet));
}

#[test]
fn the_dialer_hears_why_the_acceptor_refused() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut office, _tablet) = office_and_tablet(d1.path(), d2.path());
    let mut other = Gridbook::in_memory().unwrap();
    other.init_network("别的街道", "王五").unwrap();
    let o_key = *other.device().public_bytes();
    // A dialer refuses to open a session with a device its network has not admitted.
    let refused = Session::dial(&mut office, o_key);
    assert!(
        matches!(refused, Err(SessionError::NotAMember(_))),
        "{refused:?}"
    );
    // Admitted by the office, but a device of another network: it refuses, and says why.
    let member = office
        .add_member("王五", gridbook_model::vocab::Role::GridWorker)
        .unwrap();
    office
        .add_device(
            &other.device().id_hex(),
            &member,
            gridbook_model::vocab::Role::GridWorker,
        )
        .unwrap();
    let (mut dialer, hello) = Session::dial(&mut office, o_key).unwrap();
    let mut acceptor = Session::accept(&mut other, *office.device().public_bytes()).unwrap();
    let e = acceptor.receive(&mut other, &hello).unwrap_err();
    let abort = e.abort_frame().unwrap();
    let e = dialer.receive(&mut office, &abort).unwrap_err();
    assert!(
        matches!(e, SessionError::PeerAborted(ref r) if r.contains("network")),
        "{e}"
    );
}

/// Round trips and bytes one session moved, seen from the dialer.
fn cost(run: &Run) -> (usize, usize) {
    let r = run.dialer.report();
    assert!(r.complete && run.acceptor.report().complete, "{r:?}");
    (r.round_trips(), r.bytes_sent + r.bytes_received)
}

/// Adds `n` meetings (one document each) to the office in one durable write.
fn add_meetings(office: &mut Gridbook, n: usize) {
    office
        .batch(|book| {
            for i in 0..n {
                book.create_meeting(NewMeeting {
                    title: format!("议事会 {i}"),
                    level: MeetingLevel::Grid,
                    community: "zt".into(),
                    grid: Some("zt-g3".into()),
                    place: "议事点".into(),
                    day: "2026-11-20".parse().unwrap(),
                    facilitator: "陈静".into(),
                    quorum: 10,
                })?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn with_many_documents_one_edit_is_found_without_listing_them_all() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut office, mut tablet) = office_and_tablet(d1.path(), d2.path());
    add_meetings(&mut office, 400);
    let run = drive(&mut tablet, &mut office, None).unwrap();
    let (_, fresh) = cost(&run);
    assert!(run.dialer.report().documents.len() > 400);
    assert!(same_data(&mut office, &mut tablet));

    // In sync: one round trip.
    let (round_trips, bytes) = cost(&drive(&mut office, &mut tablet, None).unwrap());
    assert_eq!(round_trips, 1);
    assert!(bytes < 400, "{bytes}");

    // One edit, on either side: just that document runs, and the comparison costs a few
    // hundred bytes, not a listing of 400 documents.
    let id = office.need_summaries().unwrap()[0].id.clone();
    office
        .edit_need_fields(
            &id,
            &NeedEdit {
                title: Some("送餐到家".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let run = drive(&mut tablet, &mut office, None).unwrap();
    let (round_trips, bytes) = cost(&run);
    assert_eq!(run.dialer.report().documents.len(), 1);
    assert!(
        bytes < 2048 && round_trips <= 2,
        "{round_trips} round trips, {bytes} bytes (the fresh sync took {fresh})"
    );
    eprintln!("one edit among 400+ documents, pulled: {round_trips} round trips, {bytes} bytes");

    // The tablet is a grid worker's: its edit is to a need (a meeting's minutes are the
    // facilitator's).
    let other = tablet.need_summaries().unwrap()[1].id.clone();
    tablet
        .edit_need_fields(
            &other,
            &NeedEdit {
                title: Some("居民同意加装扶手".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let run = drive(&mut tablet, &mut office, None).unwrap();
    let (round_trips, bytes) = cost(&run);
    assert_eq!(run.dialer.report().documents.len(), 1);
    assert!(
        bytes < 2048 && round_trips == 1,
        "{round_trips} round trips, {bytes} bytes"
    );
    eprintln!("one edit among 400+ documents, pushed: {round_trips} round trips, {bytes} bytes");
    assert!(same_data(&mut office, &mut tablet));
}

#[test]
fn a_document_made_in_one_big_commit_is_not_sent_whole_for_a_few_edits() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut office, mut tablet) = office_and_tablet(d1.path(), d2.path());
    // 1,500 needs in one call: one commit in one needs document, ~100 KB saved.
    let news = (0..1500)
        .map(|i| NewNeed::new(format!("需求 {i}"), Category::Hardship, "zt-g3"))
        .collect();
    let ids = office.add_needs(news).unwrap();
    let (_, fresh) = cost(&drive(&mut tablet, &mut office, None).unwrap());
    assert!(
        fresh > 20_000,
        "the first sync carries the document: {fresh}"
    );

    // Four edits in that document (9 changes in all): with Automerge's "over a third of the changes: send the
    // whole document" rule this sent the document again.
    for id in &ids[..4] {
        office
            .edit_need_fields(
                id,
                &NeedEdit {
                    title: Some("已改".into()),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let (round_trips, bytes) = cost(&drive(&mut tablet, &mut office, None).unwrap());
    assert!(bytes < 2048, "{round_trips} round trips, {bytes} bytes");
    assert!(same_data(&mut office, &mut tablet));
}
