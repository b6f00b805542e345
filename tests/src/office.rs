//! Four devices of one network, for the roles and signing tests: the office (founder), a grid
//! worker, a facilitator and a second grid worker, synced with Automerge sync messages; and what
//! an altered client does.

use automerge::transaction::CommitOptions;
use gridbook_model::vocab::Role;
use gridbook_model::{DocId, Gridbook, NeedEdit, signing};

use crate::sync_all;

/// Commits one change made and signed by `book`'s own device key straight on its copy of `doc`,
/// bypassing the checks its Gridbook makes (as a modified client would), and stores it.
pub fn tamper(
    book: &mut Gridbook,
    doc: &DocId,
    message: &str,
    f: impl FnOnce(&mut automerge::transaction::Transaction<'_>),
) {
    let mut copy = book.full_doc(doc).unwrap().unwrap().clone();
    copy.transact_with::<_, _, automerge::AutomergeError, _>(
        |_| CommitOptions::default().with_message(message.to_string()),
        |tx| {
            f(tx);
            Ok(())
        },
    )
    .unwrap();
    // An altered client still holds its device's key, so it signs what it writes.
    let change = copy.get_last_local_change().unwrap();
    signing::sign_after(&mut copy, book.device(), &change, 0);
    book.merge_doc(doc, &mut copy).unwrap();
}

/// Asserts that device `i` (`book`) shows grid zt-g3 under its own name and `need` titled
/// `title`: what the tampering in these tests tries to change.
pub fn assert_untouched(
    book: &mut Gridbook,
    need: &gridbook_model::ids::NeedId,
    title: &str,
    i: usize,
) {
    assert_eq!(
        book.resolve_grid("zt-g3").unwrap().1.name,
        "第3网格",
        "device {i}"
    );
    assert_eq!(book.need(need).unwrap().title, title, "device {i}");
}

/// Retitles `need` through the app's own edit.
pub fn retitle(book: &mut Gridbook, need: &gridbook_model::ids::NeedId, title: &str) {
    let edit = NeedEdit {
        title: Some(title.into()),
        ..Default::default()
    };
    book.edit_need_fields(need, &edit).unwrap();
}

/// The four devices.
pub struct Office {
    /// The devices, by index.
    pub books: Vec<Gridbook>,
}

impl Office {
    /// 0: the office (founder); 1: a grid worker; 2: a facilitator; 3: a grid worker to revoke.
    pub fn founded() -> Office {
        let office = crate::founded_office().unwrap();
        let mut books = vec![office];
        for (name, role) in [
            ("李娜", Role::GridWorker),
            ("陈静", Role::Facilitator),
            ("王强", Role::GridWorker),
        ] {
            let tablet = Gridbook::in_memory().unwrap();
            let member = books[0].add_member(name, role).unwrap();
            books[0]
                .add_device(&tablet.device().id_hex(), &member, role)
                .unwrap();
            books.push(tablet);
        }
        let mut o = Office { books };
        o.sync_everyone();
        o
    }

    /// Syncs devices `a` and `b` until they agree.
    pub fn sync(&mut self, a: usize, b: usize) {
        let (lo, hi) = (a.min(b), a.max(b));
        let (left, right) = self.books.split_at_mut(hi);
        sync_all(&mut left[lo], &mut right[0], 20).unwrap();
    }

    /// Syncs every device with the office, twice round.
    pub fn sync_everyone(&mut self) {
        for _ in 0..2 {
            for i in 1..self.books.len() {
                self.sync(0, i);
            }
        }
    }

    /// Asserts identical dumps, identical ignored changes and no stale summary rows.
    pub fn assert_converged(&mut self) {
        let dumps: Vec<String> = self
            .books
            .iter_mut()
            .map(|b| serde_json::to_string(&b.dump().unwrap()).unwrap())
            .collect();
        for (i, d) in dumps.iter().enumerate() {
            assert_eq!(d, &dumps[0], "device {i}'s dump differs from the office's");
        }
        let ignored: Vec<Vec<String>> = self
            .books
            .iter_mut()
            .map(|b| {
                let mut v: Vec<String> = b
                    .ignored_changes()
                    .unwrap()
                    .into_iter()
                    .map(|i| i.change)
                    .collect();
                v.sort();
                v
            })
            .collect();
        for v in &ignored {
            assert_eq!(v, &ignored[0], "every device ignores the same changes");
        }
        for b in &mut self.books {
            assert_eq!(b.stale_summaries().unwrap(), Vec::<String>::new());
        }
    }
}
