//! Volunteers: placeholder until the volunteer operations land.
use automerge::Automerge;

use crate::doc_id::DocId;
use crate::error::Result;
use crate::summary::Row;

/// A volunteer to add.
#[derive(Debug, Clone)]
pub struct NewVolunteer;
/// A volunteer, for display.
#[derive(Debug, Clone)]
pub struct VolunteerView;

pub(crate) fn rows_of_doc(_doc: &Automerge, _doc_id: &DocId) -> Result<Vec<Row>> {
    Ok(Vec::new())
}
