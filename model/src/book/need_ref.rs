//! Naming a need as people do: by its id (`N-3MXHY4-2106`) or by the ledger number the app and
//! the exports show (`ZT-2612-3MXHY4-2106`); and closing a need as a repeat of another.

use automerge::ScalarValue;

use super::Gridbook;
use super::map_at;
use super::needs::put;
use crate::error::{Error, Result};
use crate::ids::NeedId;
use crate::need::{Transition, TransitionError, plan_transition};
use crate::vocab::CloseReason;

impl Gridbook {
    /// The need `given` names: a need id, or a ledger number (in any case) of a need on this
    /// device. Anything else is refused as [`Error::UnknownNeed`]. A need id is taken as
    /// given: whatever is done with it says if there is no such need.
    pub fn resolve_need(&self, given: &str) -> Result<NeedId> {
        let given = given.trim();
        if let Ok(id) = given.parse::<NeedId>() {
            return Ok(id);
        }
        self.need_summaries()?
            .into_iter()
            .find(|n| !n.ledger_no.is_empty() && n.ledger_no.eq_ignore_ascii_case(given))
            .map(|n| n.id)
            .ok_or_else(|| Error::UnknownNeed(given.to_string()))
    }

    /// Closes a need as a repeat of `original` (an existing need): records which need it
    /// repeats and closes it, in one change. Refused, with nothing written, where
    /// `Transition::Close` with [`CloseReason::Duplicate`] would be, or when `original` is the
    /// need itself or does not exist.
    pub fn close_as_duplicate(
        &mut self,
        id: &NeedId,
        original: &NeedId,
        note: Option<String>,
    ) -> Result<()> {
        if id == original {
            return Err(TransitionError::DuplicatesItself(id.clone()).into());
        }
        self.need(original)?;
        let now = self.now();
        let step = Transition::Close {
            reason: CloseReason::Duplicate,
            note,
        };
        self.edit_need(
            id,
            format!("{id} → {} (duplicate of {original})", step.target()),
            |tx, obj, need, _| {
                let mut need = need.clone();
                need.duplicate_of = Some(original.clone());
                let writes = plan_transition(&need, &step)?;
                put(tx, obj, "duplicate_of", original.as_str())?;
                for (field, value) in writes {
                    put(tx, obj, field, value)?;
                }
                let times = map_at(tx, obj.clone(), "stage_times", "needs")?;
                put(
                    tx,
                    &times,
                    step.target().token(),
                    ScalarValue::Timestamp(now.0),
                )
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::need::Transition;
    use crate::vocab::{Category, CloseReason, Difficulty, Stage};
    use crate::{Gridbook, NewNeed, Passphrase, PlaceKind};

    /// A new store with a network and grid zt-g3 (the directory lives as long as the test).
    fn book_with_grid() -> (tempfile::TempDir, Gridbook) {
        let dir = tempfile::tempdir().unwrap();
        let mut book =
            Gridbook::open_or_create(dir.path(), &Passphrase::tests_only("test")).unwrap();
        book.init_network("凤凰台街道", "赵敏").unwrap();
        book.add_place(PlaceKind::Community, None, "zt", "中台社区")
            .unwrap();
        book.add_place(PlaceKind::Grid, Some("zt"), "g3", "第3网格")
            .unwrap();
        (dir, book)
    }

    fn classified(book: &mut Gridbook, title: &str) -> crate::ids::NeedId {
        let id = book
            .add_need(NewNeed::new(title, Category::ElderlyCare, "zt-g3"))
            .unwrap();
        book.advance_need(
            &id,
            &Transition::Classify {
                category: None,
                reasonable: true,
                difficulty: Difficulty::Low,
                duplicate_of: None,
            },
        )
        .unwrap();
        id
    }

    #[test]
    fn a_ledger_number_names_its_need_in_any_case_and_an_unknown_one_is_refused() {
        let (_dir, mut book) = book_with_grid();
        let id = classified(&mut book, "送餐");
        let ledger = book.need(&id).unwrap().ledger_no;
        assert_eq!(book.resolve_need(&ledger).unwrap(), id);
        assert_eq!(book.resolve_need(&ledger.to_lowercase()).unwrap(), id);
        assert_eq!(book.resolve_need(&format!(" {id} ")).unwrap(), id);
        let err = book.resolve_need("ZT-2612-ZZZZZZ-0001").unwrap_err();
        assert!(matches!(err, Error::UnknownNeed(_)), "{err}");
        assert_eq!(err.words().key, "error.unknown_need");
    }

    #[test]
    fn closing_as_a_duplicate_records_the_original_and_refuses_itself() {
        let (_dir, mut book) = book_with_grid();
        let original = classified(&mut book, "送餐");
        let repeat = classified(&mut book, "送餐（重复登记）");
        let err = book.close_as_duplicate(&repeat, &repeat, None).unwrap_err();
        assert!(matches!(err, Error::Transition(_)), "{err}");
        let missing = "N-ZZZZZZ-9".parse().unwrap();
        assert!(book.close_as_duplicate(&repeat, &missing, None).is_err());
        assert_eq!(book.need(&repeat).unwrap().stage, Stage::Classified);
        book.close_as_duplicate(&repeat, &original, Some("同一户".into()))
            .unwrap();
        let need = book.need(&repeat).unwrap();
        assert_eq!(need.stage, Stage::Closed);
        assert_eq!(need.close_reason, Some(CloseReason::Duplicate));
        assert_eq!(need.duplicate_of, Some(original));
    }
}
