//! Meetings: placeholder until the meeting operations land.
use automerge::Automerge;

use crate::doc_id::DocId;
use crate::error::Result;
use crate::summary::Row;

/// A meeting to create.
#[derive(Debug, Clone)]
pub struct NewMeeting;
/// A meeting, for display.
#[derive(Debug, Clone)]
pub struct MeetingView;
/// A motion, for display.
#[derive(Debug, Clone)]
pub struct MotionView;

pub(crate) fn rows_of_doc(_doc: &Automerge, _doc_id: &DocId) -> Result<Vec<Row>> {
    Ok(Vec::new())
}
