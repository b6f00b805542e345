//! Every decoder of bytes that come from outside, as a function of arbitrary bytes that must
//! never panic: sync frames, a sync session fed arbitrary frames on either side, a store file
//! with damaged bytes, a document's stored snapshot or chunk, bundle files, and invite tickets
//! with the pairing frames that follow them. The fuzz targets in `fuzz/` include this file,
//! and the byte-mutation test beside it (`main.rs`) calls these same functions, with
//! [`seeds`] as their starting corpus.
//!
//! It lives with the tests, not in `gridbook_tests`, because it reaches the store's and the
//! wire's internals (feature `test-support`), which only dev-dependencies may turn on: a normal
//! dependency's features are unified into the shipped binary when the workspace builds together.
//!
//! Everything is deterministic: devices have fixed keys and clocks, so a recorded session's
//! frames replay against freshly made devices.

use std::sync::OnceLock;

use gridbook_model::store::tables::meta;
use gridbook_model::store::{Store, WriteBatch};
use gridbook_model::vocab::{Category, Role};
use gridbook_model::{DocId, Gridbook, NewNeed, PlaceKind};
use gridbook_sync::invite::{self, InviteTicket};
use gridbook_sync::node::{EndpointAddr, EndpointId, EndpointTicket};
use gridbook_sync::wire::{Frame, HEADER};
use gridbook_sync::{PairFrame, Session};
use gridbook_tests::crash_disk::CrashDisk;
use gridbook_tests::world::START;

const OFFICE_KEY: [u8; 32] = [1; 32];
const TABLET_KEY: [u8; 32] = [2; 32];

/// The office: a network with one grid and one need, fixed key and clock.
fn office() -> Gridbook {
    let mut b = Gridbook::in_memory_seeded(OFFICE_KEY).expect("a store in memory");
    b.set_now(Some(START));
    b.init_network("凤凰台街道", "赵敏").expect("a network");
    b.add_place(PlaceKind::Community, None, "zt", "中台社区")
        .expect("a community");
    b.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
        .expect("a grid");
    b.add_need(NewNeed::new("楼道灯坏了", Category::Facilities, "zt-g3"))
        .expect("a need");
    // The tablet is a member: sessions run only with members.
    let tablet = Gridbook::in_memory_seeded(TABLET_KEY).expect("a store in memory");
    let worker = b.add_member("李娜", Role::GridWorker).expect("a member");
    b.add_device(&tablet.device().id_hex(), &worker, Role::GridWorker)
        .expect("a grant");
    b
}

/// A tablet that has never synced.
fn tablet() -> Gridbook {
    let mut b = Gridbook::in_memory_seeded(TABLET_KEY).expect("a store in memory");
    b.set_now(Some(START));
    b
}

/// The fuzz targets' `init`: a panic Gridbook catches on purpose is not a finding, one that
/// escapes Gridbook's API is. libfuzzer-sys installs a hook that aborts on every panic, caught
/// or not; redb panics on some damaged pages and the store's guard turns that into "damaged"
/// (`Store::guard`), so that hook would stop each run at the first such page. With the default
/// hook back, a caught panic prints its message and the run goes on; an escaping one still
/// aborts (libfuzzer-sys aborts when the input's call unwinds) and leaves its artifact.
#[cfg_attr(test, expect(dead_code, reason = "for the fuzz targets alone"))]
pub(crate) fn fuzz_only_escaping_panics() {
    drop(std::panic::take_hook());
}

/// `Frame::decode`: an error or a frame that encodes back to the bytes it took.
pub(crate) fn frame(data: &[u8]) {
    if let Ok((frame, used)) = Frame::decode(data) {
        assert!(used <= data.len());
        let again = frame.encode();
        assert_eq!(Frame::decode(&again).map(|(f, _)| f), Ok(frame));
    }
}

/// Splits `data` into frames by their length prefixes (a prefix longer than what is left
/// takes what is left).
fn split_frames(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while data.len() >= HEADER {
        let len = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
        let end = (HEADER + len).min(data.len());
        out.push(&data[..end]);
        data = &data[end..];
    }
    out
}

/// A session fed arbitrary frames. The first byte chooses the side: even, the office accepts
/// a connection from the tablet and `data` is what the tablet sends; odd, the tablet dials
/// the office and `data` is what the office answers. The rest is frames, length-prefixed.
/// Every error ends the session; nothing may panic.
pub(crate) fn session(data: &[u8]) {
    let Some((&side, frames)) = data.split_first() else {
        return;
    };
    let (mut book, mut session) = if side % 2 == 0 {
        let mut book = office();
        let s = Session::accept(
            &mut book,
            TABLET_KEY_PUBLIC.get_or_init(public_of_tablet).to_owned(),
        )
        .expect("accept");
        (book, s)
    } else {
        let mut book = tablet();
        let peer = *OFFICE_PUBLIC.get_or_init(public_of_office);
        let (s, _hello) = Session::dial(&mut book, peer).expect("dial");
        (book, s)
    };
    for f in split_frames(frames) {
        match session.receive(&mut book, f) {
            Ok(step) if !step.done => {}
            _ => break,
        }
    }
    // Whatever happened, the store still reads whole.
    book.dump().expect("the store reads after any session");
}

static TABLET_KEY_PUBLIC: OnceLock<[u8; 32]> = OnceLock::new();
static OFFICE_PUBLIC: OnceLock<[u8; 32]> = OnceLock::new();

fn public_of_tablet() -> [u8; 32] {
    *tablet().device().public_bytes()
}

fn public_of_office() -> [u8; 32] {
    *Gridbook::in_memory_seeded(OFFICE_KEY)
        .expect("a store")
        .device()
        .public_bytes()
}

/// A session between the tablet (dialer) and the office, recorded: what the tablet sent, and
/// what the office sent, each as the frames concatenated.
fn recorded_session() -> (Vec<u8>, Vec<u8>) {
    let (mut o, mut t) = (office(), tablet());
    let (mut dialer, first) = Session::dial(&mut t, *o.device().public_bytes()).expect("dial");
    let mut acceptor = Session::accept(&mut o, *t.device().public_bytes()).expect("accept");
    let (mut from_tablet, mut from_office) = (Vec::new(), Vec::new());
    let mut next = Some(first);
    let mut to_office = true;
    while let Some(bytes) = next.take() {
        let step = if to_office {
            from_tablet.extend_from_slice(&bytes);
            acceptor.receive(&mut o, &bytes)
        } else {
            from_office.extend_from_slice(&bytes);
            dialer.receive(&mut t, &bytes)
        }
        .expect("a clean session runs");
        next = step.send;
        to_office = !to_office;
    }
    assert!(dialer.report().complete, "the recorded session completes");
    (from_tablet, from_office)
}

/// The office's data in a store file whose bytes are kept (its device key fixed too, so the
/// file is the same on every run).
fn store_image() -> &'static [u8] {
    static IMAGE: OnceLock<Vec<u8>> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let disk = CrashDisk::new();
        {
            let store = Store::with_backend(disk.clone(), "fuzz", &gridbook_tests::passphrase())
                .expect("a store");
            store
                .write_unchecked(WriteBatch {
                    meta: vec![
                        (meta::DEVICE_SECRET, OFFICE_KEY.to_vec()),
                        (meta::NEXT_SEQ, 1u64.to_be_bytes().to_vec()),
                    ],
                    ..Default::default()
                })
                .expect("a key");
            let mut book = Gridbook::from_store(store).expect("a book");
            gridbook_tests::copy_into(&mut office(), &mut book).expect("copied");
        }
        disk.after_crash()
    })
}

/// Opens a store file, as a device starting up.
fn open_image(image: Vec<u8>) -> gridbook_model::Result<Gridbook> {
    let store = Store::with_backend(
        CrashDisk::from_image(image),
        "fuzz",
        &gridbook_tests::passphrase(),
    )?;
    Gridbook::from_store(store)
}

/// Opens the office's store file damaged by `patches` (see [`store_file`]).
pub(crate) fn open_store_file(patches: &[u8]) -> gridbook_model::Result<Gridbook> {
    let mut image = store_image().to_vec();
    for patch in patches.chunks_exact(5) {
        let at = u32::from_be_bytes([patch[0], patch[1], patch[2], patch[3]]) as usize;
        let len = image.len();
        image[at % len] ^= patch[4];
    }
    open_image(image)
}

/// A store file damaged by `data`: each 5 bytes are a big-endian offset (modulo the file's
/// length) and a byte to XOR there. The store must open with an error or read whole or with
/// errors; never panic.
pub(crate) fn store_file(data: &[u8]) {
    if let Ok(mut book) = open_store_file(data) {
        read_everything(&mut book);
    }
}

/// Reads every view a person could open; errors are fine, panics are not.
fn read_everything(book: &mut Gridbook) {
    let _ = book.dump();
    let _ = book.stale_summaries();
    let _ = book.need_summaries();
    let _ = book.meeting_summaries();
    let _ = book.volunteer_summaries();
    let _ = book.directory_view();
    if let Ok(needs) = book.need_summaries() {
        for n in needs {
            let _ = book.need(&n.id);
            let _ = book.need_history(&n.id);
            let _ = book.need_conflicts(&n.id);
        }
    }
}

/// The office's needs document, and its document id (made once: the office takes far longer
/// to make than a document to load, and the fuzzer calls [`stored_doc`] millions of times).
fn needs_doc() -> (DocId, Vec<u8>) {
    static DOC: OnceLock<(DocId, Vec<u8>)> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut o = office();
        let id = o
            .doc_ids()
            .expect("ids")
            .into_iter()
            .find(|d| matches!(d, DocId::Needs { .. }))
            .expect("a needs document");
        let bytes = o.doc(&id).expect("loads").expect("exists").save();
        (id, bytes)
    })
    .clone()
}

/// A document's stored bytes replaced by `data`: the first byte chooses whether `data` is the
/// needs document's snapshot (even) or a chunk after its valid snapshot (odd). Loading and
/// reading it must give errors, never panic.
pub(crate) fn stored_doc(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let (id, valid) = needs_doc();
    let batch = if mode % 2 == 0 {
        WriteBatch {
            snapshots: vec![(id, bytes.to_vec())],
            ..Default::default()
        }
    } else {
        WriteBatch {
            snapshots: vec![(id.clone(), valid)],
            chunks: vec![(id, bytes.to_vec())],
            ..Default::default()
        }
    };
    let disk = CrashDisk::from_image(store_image().to_vec());
    Store::with_backend(disk.clone(), "fuzz", &gridbook_tests::passphrase())
        .expect("the valid store opens")
        .write_unchecked(batch)
        .expect("written");
    if let Ok(mut book) = open_image(disk.after_crash()) {
        read_everything(&mut book);
    }
}

/// The office with the tablet listed, and a bundle it made (readable by the tablet).
fn office_bundle() -> &'static (Vec<u8>, Vec<u8>) {
    static BUNDLE: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let mut o = office_listing_tablet();
        let made = gridbook_sync::bundle::export(&mut o, None).expect("a bundle");
        let network = o.network().expect("reads").expect("a network").id;
        (made.bytes, network.into_bytes())
    })
}

fn office_listing_tablet() -> Gridbook {
    // The office grants the tablet already: sessions run only with members.
    office()
}

/// `bundle::import` of a whole file on the tablet it was made for: refused or merged, never a
/// panic, and nothing half-merged (the tablet either joined or still has no network).
pub(crate) fn bundle_file(data: &[u8]) {
    let mut t = tablet();
    if gridbook_sync::bundle::import(&mut t, data).is_err() {
        assert!(t.network().expect("reads").is_none(), "nothing was merged");
    }
}

/// The decrypted contents of a bundle, as a key holder could craft them: refused or merged,
/// never a panic.
pub(crate) fn bundle_contents(data: &[u8]) {
    let network = String::from_utf8_lossy(&office_bundle().1).into_owned();
    let mut t = tablet();
    let _ = gridbook_sync::bundle::import_decrypted(&mut t, &network, data);
}

/// An invite as a new device receives it, pasted or scanned, and the pairing frames that
/// follow. The first byte chooses: even, the rest is a ticket's text; odd, a pairing frame's
/// payload. What parses must print back to itself; the rest is refused, never a panic.
pub(crate) fn invite(data: &[u8]) {
    let Some((choice, rest)) = data.split_first() else {
        return;
    };
    if choice % 2 == 0 {
        let text = String::from_utf8_lossy(rest);
        if let Ok(ticket) = text.parse::<InviteTicket>() {
            assert_eq!(ticket.to_string().parse::<InviteTicket>(), Ok(ticket));
        }
    } else if let Ok(frame) = PairFrame::decode(rest) {
        assert_eq!(PairFrame::decode(&frame.encode()), Ok(frame));
    }
}

/// A ticket to the office at 192.168.1.20, and the frames of one pairing.
fn invite_seeds() -> Vec<Vec<u8>> {
    let id = |key: &[u8; 32]| EndpointId::from_bytes(key).expect("a device's key is a point");
    let office = id(OFFICE_PUBLIC.get_or_init(public_of_office));
    let addr = EndpointAddr::new(office).with_ip_addr(([192, 168, 1, 20], 7777).into());
    let ticket = InviteTicket {
        endpoint: EndpointTicket::new(addr),
        secret: [9; 16],
    };
    let tablet = id(TABLET_KEY_PUBLIC.get_or_init(public_of_tablet));
    let frames = [
        PairFrame::Request {
            version: 1,
            proof: invite::proof(&ticket.secret, office.as_bytes(), tablet.as_bytes()),
        },
        PairFrame::Grant(invite::Grant {
            network: "6e6574".into(),
            subdistrict: "凤凰台街道".into(),
            member: "P-2".into(),
            role: "grid_worker".into(),
        }),
        PairFrame::Refused("this device has no open invite".into()),
    ];
    let mut out = vec![[&[0u8][..], ticket.to_string().as_bytes()].concat()];
    out.extend(frames.iter().map(|f| [&[1u8][..], &f.encode()].concat()));
    out
}

/// Valid inputs for each decoder, named: the corpus fuzzing starts from and the mutation
/// test mutates.
pub(crate) fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let (from_tablet, from_office) = recorded_session();
    let mut out = Vec::new();
    for f in split_frames(&from_tablet)
        .into_iter()
        .chain(split_frames(&from_office))
    {
        out.push(("frame", f.to_vec()));
    }
    out.push(("session", [&[0u8][..], &from_tablet].concat()));
    out.push(("session", [&[1u8][..], &from_office].concat()));
    out.push(("store_file", Vec::new()));
    let (_, valid) = needs_doc();
    out.push(("stored_doc", [&[0u8][..], &valid].concat()));
    let mut o = office();
    let id = needs_doc().0;
    let before = o.doc(&id).expect("loads").expect("exists").get_heads();
    o.add_need(NewNeed::new("漏水", Category::Facilities, "zt-g3"))
        .expect("a need");
    let chunk = o
        .doc(&id)
        .expect("loads")
        .expect("exists")
        .save_after(&before);
    out.push(("stored_doc", [&[1u8][..], &chunk].concat()));
    out.push(("bundle_file", office_bundle().0.clone()));
    let (_, plain) =
        gridbook_sync::bundle::open(&mut tablet(), &office_bundle().0).expect("made for it");
    out.push(("bundle_contents", plain));
    out.extend(invite_seeds().into_iter().map(|s| ("invite", s)));
    out
}
