//! Needs: recording, the five-step loop, assignment, and what list views read.

use std::collections::BTreeMap;

use automerge::transaction::{Transactable, Transaction};
use automerge::{Automerge, ObjId, ROOT, ReadDoc, ScalarValue};
use autosurgeon::{Text, hydrate_prop, reconcile_prop};

use super::new_need::NewNeeds;
use super::parallel::DocEdit;
#[cfg(test)]
use super::write::COMPACT_AFTER_CHUNKS;
use super::{Gridbook, IdSource, Read, map_at};
use crate::conflict::conflicted_fields;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{MemberId, NeedId, NoteId, ResidentId};
use crate::need::{Need, ProgressNote, Transition, plan_transition};
use crate::summary::{self, NeedSummary, Row};
use crate::time::{Day, Timestamp};
use crate::vocab::{Category, Claimant, CloseReason, Level, ProjectKind, Route, Source, Stage};
use crate::{Field, RecordKind};

/// What a grid worker records at the door.
#[derive(Debug, Clone)]
pub struct NewNeed {
    /// One line.
    pub title: String,
    /// More words, if any.
    pub description: String,
    /// Category.
    pub category: Category,
    /// Source channel.
    pub source: Source,
    /// Grid id or name.
    pub grid: String,
    /// Building id or name, if known.
    pub building: Option<String>,
    /// The resident in the register, if known.
    pub resident: Option<ResidentId>,
    /// The resident's name, when not in the register.
    pub resident_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Level; grid unless said otherwise.
    pub level: Level,
    /// Due day.
    pub due: Option<Day>,
    /// For a need recorded before Gridbook (an imported ledger row): its ledger number, the day
    /// it was found and how far round the loop it has come. `None` for a need found now.
    pub recorded: Option<Recorded>,
}

/// What an office's existing ledger says about a need recorded before Gridbook.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Its ledger number, kept as the office wrote it; `None` gives it a new one.
    pub ledger_no: Option<String>,
    /// When it was found; `None` is now.
    pub found: Option<Timestamp>,
    /// How far it has come.
    pub stage: Stage,
    /// Direct or project, once designed.
    pub route: Option<Route>,
    /// The project's kind.
    pub project_kind: Option<ProjectKind>,
    /// Who claimed it.
    pub claimant: Option<Claimant>,
    /// The claimant's name.
    pub claimant_name: Option<String>,
    /// The resident's satisfaction, 1 to 5.
    pub satisfaction: Option<u8>,
    /// When it was closed.
    pub closed: Option<Timestamp>,
}

impl Recorded {
    /// Writes the loop's fields onto a need just made from a [`NewNeed`].
    fn apply(&self, need: &mut Need) {
        need.stage = self.stage;
        need.route = self.route;
        need.project_kind = self.project_kind;
        need.claimant = self.claimant;
        need.claimant_name.clone_from(&self.claimant_name);
        need.satisfaction = self.satisfaction;
        if let Some(at) = self.closed {
            need.stage_times.insert(Stage::Closed.token().into(), at);
            // The ledger gives no reason: a need evaluated before closing went round the loop.
            if self.satisfaction.is_some() {
                need.close_reason = Some(CloseReason::Completed);
            }
        }
    }
}

impl NewNeed {
    /// A need with just a title, category and grid (the rest default).
    pub fn new(title: impl Into<String>, category: Category, grid: impl Into<String>) -> Self {
        NewNeed {
            title: title.into(),
            description: String::new(),
            category,
            source: Source::DoorToDoor,
            grid: grid.into(),
            building: None,
            resident: None,
            resident_name: None,
            phone: None,
            level: Level::Grid,
            due: None,
            recorded: None,
        }
    }
}

/// A change to a need's editable fields; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct NeedEdit {
    /// New title.
    pub title: Option<String>,
    /// New description (merged with others' edits as text).
    pub description: Option<String>,
    /// New due day.
    pub due: Option<Day>,
    /// New level.
    pub level: Option<Level>,
    /// New category.
    pub category: Option<Category>,
}

pub(super) fn put(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    value: impl Into<ScalarValue>,
) -> Result<()> {
    tx.put(obj, key, value)
        .map_err(|e| Error::malformed("needs", e))
}

pub(crate) fn need_obj<D: Read>(doc: &D, id: &NeedId) -> Result<ObjId> {
    let needs = map_at(doc, ROOT, "needs", "needs")?;
    match ReadDoc::get(doc, &needs, id.as_str()).map_err(|e| Error::malformed("needs", e))? {
        Some((automerge::Value::Object(_), obj)) => Ok(obj),
        _ => Err(Error::not_found(RecordKind::Need, id)),
    }
}

fn hydrate_need<D: Read>(doc: &D, id: &NeedId) -> Result<Need> {
    let needs = map_at(doc, ROOT, "needs", "needs")?;
    hydrate_prop(doc, &needs, id.as_str()).map_err(|e| Error::malformed(format!("need {id}"), e))
}

fn summarize<D: Read>(doc: &D, doc_id: &DocId, need: &Need) -> Result<NeedSummary> {
    let obj = need_obj(doc, &need.id)?;
    Ok(summary_of(doc_id, need, conflicted_fields(doc, &obj)))
}

fn summary_of(doc_id: &DocId, need: &Need, conflicts: Vec<String>) -> NeedSummary {
    NeedSummary {
        id: need.id.clone(),
        ledger_no: need.ledger_no.clone(),
        doc: doc_id.to_string(),
        title: need.title.clone(),
        category: need.category,
        stage: need.stage,
        community: need.community.clone(),
        grid: need.grid.clone(),
        building: need.building.clone(),
        resident_name: need.resident_name.clone(),
        phone: need.phone.clone(),
        source: Some(need.source),
        level: need.level,
        assignee: need.assignee.as_ref().map(|m| m.to_string()),
        due: need.due,
        route: need.route,
        project_kind: need.project_kind,
        claimant: need.claimant,
        claimant_name: need.claimant_name.clone(),
        satisfaction: need.satisfaction,
        created_at: need.created_at,
        closed_at: need.stage_times.get(Stage::Closed.token()).copied(),
        conflicts,
    }
}

fn row<D: Read>(doc: &D, doc_id: &DocId, id: &NeedId) -> Result<Row> {
    let need = hydrate_need(doc, id)?;
    Ok(Row::new(summary::NEED, id, &summarize(doc, doc_id, &need)?))
}

pub(crate) fn rows_of_doc(doc: &Automerge, doc_id: &DocId) -> Result<Vec<Row>> {
    let needs = map_at(doc, ROOT, "needs", "needs")?;
    let mut rows = Vec::new();
    for key in doc.keys(&needs) {
        let id: NeedId = key.parse()?;
        rows.push(row(doc, doc_id, &id)?);
    }
    Ok(rows)
}

/// A need to add with its places resolved: (its place in the caller's list, the need with its
/// grid id, community code, building id).
type Resolved = (usize, NewNeed, String, Option<String>);

impl Gridbook {
    /// Records a need; durable when this returns. Returns its id.
    pub fn add_need(&mut self, new: NewNeed) -> Result<NeedId> {
        Ok(self.add_needs(vec![new])?.remove(0))
    }

    /// Records many needs in as few commits as possible (one per document), durable when this
    /// returns. For imports and demo data.
    pub fn add_needs(&mut self, news: Vec<NewNeed>) -> Result<Vec<NeedId>> {
        let reporter = self.member()?;
        let now = self.now();
        self.op(|book| {
            // Resolve places first: a bad grid refuses the whole batch before anything is edited.
            let mut by_doc: BTreeMap<DocId, Vec<Resolved>> = BTreeMap::new();
            let mut grids = BTreeMap::new();
            let mut buildings = BTreeMap::new();
            for (i, mut new) in news.into_iter().enumerate() {
                if new.title.trim().is_empty() {
                    return Err(Error::Empty(Field::NeedTitle));
                }
                new.title = new.title.trim().to_string();
                if let Some(p) = &new.phone {
                    new.phone = Some(crate::need::normalize_phone(p)?);
                }
                if !grids.contains_key(&new.grid) {
                    let (grid_id, grid) = book.resolve_grid(&new.grid)?;
                    grids.insert(new.grid.clone(), (grid_id, grid.community));
                }
                let (grid_id, community) = grids[&new.grid].clone();
                let building = match &new.building {
                    Some(b) => {
                        // Imports name the same few buildings again and again.
                        let key = (grid_id.clone(), b.clone());
                        if !buildings.contains_key(&key) {
                            let id = book.resolve_building(b, Some(&grid_id))?;
                            buildings.insert(key.clone(), id);
                        }
                        Some(buildings[&key].clone())
                    }
                    None => None,
                };
                if let Some(r) = &new.resident {
                    let resident = book.resident(r)?;
                    if new.resident_name.is_none() {
                        new.resident_name = Some(resident.name);
                    }
                    if new.phone.is_none() {
                        new.phone = resident.phone;
                    }
                }
                new.grid = grid_id;
                let found = new.recorded.as_ref().and_then(|r| r.found).unwrap_or(now);
                let doc = DocId::Needs {
                    community: community.clone(),
                    month: found.day().month(),
                };
                by_doc
                    .entry(doc)
                    .or_default()
                    .push((i, new, community, building));
            }
            let mut edits = Vec::with_capacity(by_doc.len());
            for (doc_id, batch) in by_doc {
                let message = if batch.len() == 1 {
                    "add need".to_string()
                } else {
                    format!("add {} needs", batch.len())
                };
                let reporter = reporter.clone();
                let doc = doc_id.clone();
                let ids = batch.len() as u64;
                edits.push(DocEdit {
                    doc,
                    message,
                    ids,
                    f: move |tx: &mut Transaction<'_>, ids: &mut IdSource| {
                        let mut made = Vec::with_capacity(batch.len());
                        let mut records = Vec::with_capacity(batch.len());
                        for (i, new, community, building) in batch {
                            let seq = ids.next(|_, seq| seq);
                            let id = NeedId::new(ids.tag(), seq);
                            let recorded = new.recorded;
                            let found = recorded.as_ref().and_then(|r| r.found).unwrap_or(now);
                            let day = found.day();
                            let ledger_no = recorded
                                .as_ref()
                                .and_then(|r| r.ledger_no.clone())
                                .unwrap_or_else(|| {
                                    format!(
                                        "{}-{}{:02}-{}-{:04}",
                                        community.to_ascii_uppercase(),
                                        day.0.year() % 100,
                                        day.0.month(),
                                        ids.tag(),
                                        seq
                                    )
                                });
                            let mut need = Need {
                                description: Text::with_value(new.description),
                                source: new.source,
                                building,
                                resident: new.resident,
                                resident_name: new.resident_name,
                                phone: new.phone,
                                reporter: reporter.clone(),
                                assignee: reporter.clone(),
                                due: new.due,
                                level: new.level,
                                ..Need::discovered(
                                    id.clone(),
                                    ledger_no,
                                    new.title,
                                    new.category,
                                    community,
                                    new.grid,
                                    found,
                                )
                            };
                            if let Some(r) = &recorded {
                                r.apply(&mut need);
                            }
                            made.push((i, id.clone()));
                            records.push((id.to_string(), need));
                        }
                        map_at(tx, ROOT, "needs", "needs")?;
                        reconcile_prop(tx, ROOT, "needs", NewNeeds(&records))
                            .map_err(|e| Error::malformed(&doc_id, e))?;
                        // A need made in this commit has no concurrent values yet.
                        let rows = records
                            .iter()
                            .map(|(id, need)| {
                                Row::new(summary::NEED, id, &summary_of(&doc_id, need, Vec::new()))
                            })
                            .collect();
                        Ok((made, rows))
                    },
                });
            }
            // Each document's commit is built on its own core; the store write stays one.
            let mut out: Vec<(usize, NeedId)> =
                book.edit_each(edits)?.into_iter().flatten().collect();
            out.sort();
            Ok(out.into_iter().map(|(_, id)| id).collect())
        })
    }

    /// The document a need lives in, from its summary row.
    pub(super) fn need_doc(&self, id: &NeedId) -> Result<DocId> {
        let row = self
            .summary_row(summary::NEED, id.as_str())?
            .ok_or_else(|| Error::not_found(RecordKind::Need, id))?;
        let s: NeedSummary =
            serde_json::from_slice(&row).map_err(|e| Error::malformed("summaries", e))?;
        s.doc
            .parse()
            .map_err(|_| Error::malformed("summaries", format!("bad document id {}", s.doc)))
    }

    /// One need, whole.
    pub fn need(&mut self, id: &NeedId) -> Result<Need> {
        let doc_id = self.need_doc(id)?;
        let doc = self
            .doc(&doc_id)?
            .ok_or_else(|| Error::not_found(RecordKind::Document, &doc_id))?;
        hydrate_need(doc, id)
    }

    /// The fields of a need that hold concurrent values, each with every value.
    pub fn need_conflicts(&mut self, id: &NeedId) -> Result<Vec<crate::conflict::Conflict>> {
        let doc_id = self.need_doc(id)?;
        let doc = self
            .doc(&doc_id)?
            .ok_or_else(|| Error::not_found(RecordKind::Document, &doc_id))?;
        let obj = need_obj(doc, id)?;
        Ok(crate::conflict::conflicts(doc, &obj))
    }

    /// Edits a need with `f`, which gets the need as it is now and writes fields itself.
    pub(super) fn edit_need(
        &mut self,
        id: &NeedId,
        message: String,
        f: impl FnOnce(&mut Transaction<'_>, &ObjId, &Need, &mut IdSource) -> Result<()>,
    ) -> Result<()> {
        let doc_id = self.need_doc(id)?;
        self.op(|book| {
            book.edit(&doc_id, &message, |tx, ids| {
                let need = hydrate_need(tx, id)?;
                let obj = need_obj(tx, id)?;
                f(tx, &obj, &need, ids)?;
                Ok(((), vec![row(tx, &doc_id, id)?]))
            })
        })
    }

    /// Moves a need one step round the loop, writing only the fields that step asks for.
    pub fn advance_need(&mut self, id: &NeedId, step: &Transition) -> Result<()> {
        let now = self.now();
        self.edit_need(
            id,
            format!("{id} → {}", step.target()),
            |tx, obj, need, _| {
                let writes = plan_transition(need, step)?;
                for (field, value) in writes {
                    put(tx, obj, field, value)?;
                }
                let times = map_at(tx, obj.clone(), "stage_times", "needs")?;
                put(
                    tx,
                    &times,
                    step.target().token(),
                    ScalarValue::Timestamp(now.0),
                )?;
                Ok(())
            },
        )
    }

    /// Makes a member responsible for a need.
    pub fn assign_need(&mut self, id: &NeedId, member: &MemberId) -> Result<()> {
        self.member_record(member)?;
        self.edit_need(id, format!("assign {id} to {member}"), |tx, obj, _, _| {
            put(tx, obj, "assignee", member.as_str())
        })
    }

    /// Changes a need's editable fields; each field given is written, the rest left alone (and
    /// a value given resolves a conflict on that field).
    pub fn edit_need_fields(&mut self, id: &NeedId, edit: &NeedEdit) -> Result<()> {
        if edit.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::Empty(Field::NeedTitle));
        }
        self.edit_need(id, format!("edit {id}"), |tx, obj, _, _| {
            if let Some(t) = &edit.title {
                put(tx, obj, "title", t.trim())?;
            }
            if let Some(d) = &edit.due {
                put(tx, obj, "due", d.to_string())?;
            }
            if let Some(l) = &edit.level {
                put(tx, obj, "level", l.token())?;
            }
            if let Some(c) = &edit.category {
                put(tx, obj, "category", c.token())?;
            }
            if let Some(text) = &edit.description {
                let text_obj = map_at(tx, obj.clone(), "description", "needs")?;
                tx.update_text(&text_obj, text)
                    .map_err(|e| Error::malformed("needs", e))?;
            }
            Ok(())
        })
    }

    /// Ends a conflict on one of a need's fields by keeping `value`, one of the values
    /// [`Gridbook::need_conflicts`] listed for it: that value is written again, as it was.
    /// Refused when the field no longer holds it, or holds a record rather than a value.
    pub fn keep_need_value(
        &mut self,
        id: &NeedId,
        field: &str,
        value: &serde_json::Value,
    ) -> Result<()> {
        self.edit_need(id, format!("keep {field} of {id}"), |tx, obj, _, _| {
            let kept = tx
                .get_all(obj, field)
                .map_err(|e| Error::malformed("needs", e))?
                .into_iter()
                .find_map(|(v, _)| match v {
                    automerge::Value::Scalar(s) if crate::dump::scalar_json(&s) == *value => {
                        Some(s.into_owned())
                    }
                    _ => None,
                })
                .ok_or_else(|| Error::ValueGone {
                    field: field.to_string(),
                })?;
            put(tx, obj, field, kept)
        })
    }

    /// Adds a progress note to a need being carried out.
    pub fn add_progress(&mut self, id: &NeedId, text: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Err(Error::Empty(Field::ProgressNote));
        }
        let by = self.member()?;
        let at = self.now();
        self.edit_need(id, format!("progress on {id}"), |tx, obj, need, ids| {
            if need.stage != Stage::Implementing {
                return Err(Error::NotImplementing {
                    need: id.clone(),
                    stage: need.stage,
                });
            }
            let progress = map_at(tx, obj.clone(), "progress", "needs")?;
            let key = ids.next(NoteId::new);
            let note = ProgressNote {
                at,
                by: by.clone(),
                text: text.trim().to_string(),
            };
            reconcile_prop(tx, &progress, key.as_str(), &note)
                .map_err(|e| Error::malformed("needs", e))
        })
    }

    /// Every need's summary row, in id order.
    pub fn need_summaries(&self) -> Result<Vec<NeedSummary>> {
        self.summary_rows(summary::NEED)
    }

    /// Open needs past their due day on `today`, most overdue first.
    pub fn overdue_needs(&self, today: Day) -> Result<Vec<NeedSummary>> {
        let mut out: Vec<NeedSummary> = self
            .need_summaries()?
            .into_iter()
            .filter(|n| n.stage != Stage::Closed && n.due.is_some_and(|d| d < today))
            .collect();
        out.sort_by_key(|n| n.due);
        Ok(out)
    }
}

#[cfg(test)]
#[path = "needs_tests.rs"]
mod tests;
