//! Needs: recording, the five-step loop, assignment, and what list views read.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjId, ROOT, ReadDoc, ScalarValue};
use autosurgeon::reconcile::{LoadKey, MapReconciler, NoKey};
use autosurgeon::{Reconcile, Reconciler, Text, hydrate_prop, reconcile_prop};

#[cfg(test)]
use super::COMPACT_AFTER_CHUNKS;
use super::{Gridbook, IdSource, Read, map_at};
use crate::conflict::conflicted_fields;
use crate::doc_id::DocId;
use crate::error::{Error, Result};
use crate::ids::{MemberId, NeedId, NoteId, ResidentId};
use crate::need::{Need, ProgressNote, Transition, plan_transition};
use crate::summary::{self, NeedSummary, Row};
use crate::time::Day;
use crate::vocab::{Category, Level, Source, Stage};

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

fn put(
    tx: &mut automerge::transaction::Transaction<'_>,
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
        _ => Err(Error::not_found("need", id)),
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
        level: need.level,
        assignee: need.assignee.as_ref().map(|m| m.to_string()),
        due: need.due,
        route: need.route,
        project_kind: need.project_kind,
        claimant_name: need.claimant_name.clone(),
        satisfaction: need.satisfaction,
        created_at: need.created_at,
        closed_at: need.stage_times.get(Stage::Closed.token()).copied(),
        conflicts,
    }
}

/// New needs to add to the `needs` map, each at a key that holds nothing yet, written as
/// `reconcile_prop(tx, ROOT, "needs", NewNeeds(..))`. Other entries of the map are left alone.
///
/// autosurgeon writes each need as one batch (`batch_create_object`: two op-set splices)
/// instead of one put per field: in automerge 0.12 every single put splices the columnar op
/// set, so field-by-field creation of a need (~40 ops) cost ~1.3 ms and bulk imports crawled.
struct NewNeeds<'a>(&'a [(String, Need)]);

impl Reconcile for NewNeeds<'_> {
    type Key<'k> = NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> std::result::Result<(), R::Error> {
        let mut map = reconciler.map()?;
        for (key, need) in self.0 {
            map.put(key, Created(need))?;
        }
        Ok(())
    }
}

/// A need as it is first written: every field it has, and no key at all for an optional field
/// it does not have yet (hydrating reads a missing optional field as `None`), so a new need is
/// about 22 ops instead of 38 and its document loads that much faster. Its key matches nothing
/// stored, which makes autosurgeon create it whole, in one batch.
///
/// Every field of [`Need`] must be written here when present; the tests compare this with the
/// derived `Reconcile` on a need whose every field is set.
struct Created<'a>(&'a Need);

impl Reconcile for Created<'_> {
    type Key<'k> = ();
    fn key(&self) -> LoadKey<()> {
        LoadKey::Found(())
    }
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> std::result::Result<(), R::Error> {
        let n = self.0;
        let mut m = reconciler.map()?;
        macro_rules! put_some {
            ($($field:ident),*) => {$(
                if let Some(v) = &n.$field {
                    m.put(stringify!($field), v)?;
                }
            )*};
        }
        m.put("id", &n.id)?;
        m.put("ledger_no", &n.ledger_no)?;
        m.put("title", &n.title)?;
        m.put("description", &n.description)?;
        m.put("category", n.category)?;
        m.put("source", n.source)?;
        m.put("community", &n.community)?;
        m.put("grid", &n.grid)?;
        put_some!(building, resident, resident_name, phone, reporter, assignee);
        m.put("created_at", n.created_at)?;
        put_some!(due);
        m.put("level", n.level)?;
        m.put("stage", n.stage)?;
        put_some!(
            reasonable,
            difficulty,
            duplicate_of,
            route,
            project_kind,
            plan
        );
        put_some!(claimant, claimant_name);
        // Always there, even empty: progress notes are added into this map.
        m.put("progress", &n.progress)?;
        put_some!(
            satisfaction,
            evaluation,
            feedback_given,
            close_reason,
            close_note
        );
        m.put("stage_times", &n.stage_times)?;
        Ok(())
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
                    return Err(Error::Invalid(
                        "a need needs a title: say in a line what is needed".into(),
                    ));
                }
                new.title = new.title.trim().to_string();
                if let Some(p) = &new.phone {
                    new.phone = Some(crate::need::normalize_phone(p).map_err(Error::Invalid)?);
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
                let doc = DocId::Needs {
                    community: community.clone(),
                    month: now.day().month(),
                };
                by_doc
                    .entry(doc)
                    .or_default()
                    .push((i, new, community, building));
            }
            let mut out: Vec<(usize, NeedId)> = Vec::new();
            for (doc_id, batch) in by_doc {
                let message = if batch.len() == 1 {
                    "add need".to_string()
                } else {
                    format!("add {} needs", batch.len())
                };
                let reporter = reporter.clone();
                let ids = book.edit(&doc_id, &message, |tx, ids| {
                    let mut made = Vec::with_capacity(batch.len());
                    let mut records = Vec::with_capacity(batch.len());
                    for (i, new, community, building) in batch {
                        let seq = ids.next(|_, seq| seq);
                        let id = NeedId::new(ids.tag(), seq);
                        let day = now.day();
                        let ledger_no = format!(
                            "{}-{}{:02}-{}-{:04}",
                            community.to_ascii_uppercase(),
                            day.0.year() % 100,
                            day.0.month(),
                            ids.tag(),
                            seq
                        );
                        let need = Need {
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
                                now,
                            )
                        };
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
                })?;
                out.extend(ids);
            }
            out.sort();
            Ok(out.into_iter().map(|(_, id)| id).collect())
        })
    }

    /// The document a need lives in, from its summary row.
    fn need_doc(&self, id: &NeedId) -> Result<DocId> {
        let row = self
            .summary_row(summary::NEED, id.as_str())?
            .ok_or_else(|| Error::NotFound {
                kind: "need",
                id: id.to_string(),
                hint: ": `gridbook need list` shows the needs on this device".into(),
            })?;
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
            .ok_or_else(|| Error::not_found("document", &doc_id))?;
        hydrate_need(doc, id)
    }

    /// The fields of a need that hold concurrent values, each with every value.
    pub fn need_conflicts(&mut self, id: &NeedId) -> Result<Vec<crate::conflict::Conflict>> {
        let doc_id = self.need_doc(id)?;
        let doc = self
            .doc(&doc_id)?
            .ok_or_else(|| Error::not_found("document", &doc_id))?;
        let obj = need_obj(doc, id)?;
        Ok(crate::conflict::conflicts(doc, &obj))
    }

    /// Edits a need with `f`, which gets the need as it is now and writes fields itself.
    fn edit_need(
        &mut self,
        id: &NeedId,
        message: String,
        f: impl FnOnce(
            &mut automerge::transaction::Transaction<'_>,
            &ObjId,
            &Need,
            &mut IdSource,
        ) -> Result<()>,
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
            return Err(Error::Invalid("a need's title cannot be empty".into()));
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

    /// Adds a progress note to a need being carried out.
    pub fn add_progress(&mut self, id: &NeedId, text: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Err(Error::Invalid("a progress note needs some text".into()));
        }
        let by = self.member()?;
        let at = self.now();
        self.edit_need(id, format!("progress on {id}"), |tx, obj, need, ids| {
            if need.stage != Stage::Implementing {
                return Err(Error::Invalid(format!(
                    "need {id} is {}: progress is noted while it is implementing",
                    need.stage
                )));
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
        let mut out = Vec::new();
        self.store.for_each_summary(summary::NEED, |b| {
            out.push(serde_json::from_slice(b).map_err(|e| Error::malformed("summaries", e))?);
            Ok::<_, Error>(())
        })?;
        Ok(out)
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
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{Automerge, ObjType, ROOT};

    use super::*;
    use crate::ids::DeviceTag;
    use crate::need::ProgressNote;
    use crate::time::Timestamp;
    use crate::vocab::Difficulty;

    fn sample(seq: u64) -> Need {
        let tag = DeviceTag::of_key(&[7; 32]);
        let at = Timestamp(1_780_000_000_000);
        Need {
            id: NeedId::new(&tag, seq),
            ledger_no: format!("ZT-2606-{tag}-{seq:04}"),
            title: "楼道灯坏了需要维修".into(),
            description: Text::with_value("三楼和四楼都不亮"),
            category: Category::Facilities,
            source: Source::ButlerStation,
            community: "zt".into(),
            grid: "zt-g3".into(),
            building: Some("zt-g3-b12".into()),
            resident: None,
            resident_name: Some("王秀英".into()),
            phone: None,
            reporter: None,
            assignee: None,
            created_at: at,
            due: Some(at.day().plus_days(14)),
            level: Level::Grid,
            stage: Stage::Classified,
            reasonable: Some(true),
            difficulty: Some(Difficulty::Low),
            duplicate_of: None,
            route: None,
            project_kind: None,
            plan: None,
            claimant: None,
            claimant_name: None,
            progress: [(
                "E-1".to_string(),
                ProgressNote {
                    at,
                    by: None,
                    text: "已联系物业".into(),
                },
            )]
            .into_iter()
            .collect(),
            satisfaction: Some(4),
            evaluation: None,
            feedback_given: Some(false),
            close_reason: None,
            close_note: None,
            stage_times: [("discovered".to_string(), at)].into_iter().collect(),
        }
    }

    fn needs_doc() -> Automerge {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        let needs = tx.put_object(ROOT, "needs", ObjType::Map).unwrap();
        reconcile_prop(&mut tx, &needs, sample(1).id.as_str(), sample(1)).unwrap();
        tx.commit();
        doc
    }

    /// `sample` with every optional field set.
    fn full(seq: u64) -> Need {
        let tag = DeviceTag::of_key(&[7; 32]);
        Need {
            resident: Some(ResidentId::new(&tag, 3)),
            phone: Some("13812341234".into()),
            reporter: Some(MemberId::new(&tag, 1)),
            assignee: Some(MemberId::new(&tag, 2)),
            duplicate_of: Some(NeedId::new(&tag, 99)),
            route: Some(crate::vocab::Route::Project),
            project_kind: Some(crate::vocab::ProjectKind::Key),
            plan: Some("更换声控灯".into()),
            claimant: Some(crate::vocab::Claimant::Unit),
            claimant_name: Some("物业公司".into()),
            evaluation: Some("居民满意".into()),
            close_reason: Some(crate::vocab::CloseReason::Completed),
            close_note: Some("已闭环".into()),
            ..sample(seq)
        }
    }

    /// Writes `records` field by field (the derived `Reconcile`) and as [`NewNeeds`].
    fn both_ways(records: &[(String, Need)]) -> (Automerge, Automerge) {
        let mut by_field = needs_doc();
        let mut tx = by_field.transaction();
        let needs = map_at(&tx, ROOT, "needs", "needs").unwrap();
        for (id, need) in records {
            reconcile_prop(&mut tx, &needs, id.as_str(), need).unwrap();
        }
        tx.commit();

        let mut batched = needs_doc();
        let mut tx = batched.transaction();
        reconcile_prop(&mut tx, ROOT, "needs", NewNeeds(records)).unwrap();
        tx.commit();
        (by_field, batched)
    }

    #[test]
    fn a_new_need_with_every_field_is_written_as_the_derived_reconcile_writes_it() {
        let records: Vec<(String, Need)> =
            (2..5).map(|s| (full(s).id.to_string(), full(s))).collect();
        let (by_field, batched) = both_ways(&records);
        let written = &crate::dump::doc_json(&by_field)["needs"][&records[0].0];
        assert!(
            written.as_object().unwrap().values().all(|v| !v.is_null()),
            "full() must set every optional field: {written}"
        );
        assert_eq!(
            crate::dump::doc_json(&batched),
            crate::dump::doc_json(&by_field)
        );
        for (_, need) in &records {
            assert_eq!(&hydrate_need(&batched, &need.id).unwrap(), need);
        }
        // The need that was there before is untouched.
        assert_eq!(hydrate_need(&batched, &sample(1).id).unwrap(), sample(1));
    }

    #[test]
    fn a_new_need_leaves_out_the_optional_fields_it_does_not_have() {
        let records: Vec<(String, Need)> = (2..5)
            .map(|s| (sample(s).id.to_string(), sample(s)))
            .collect();
        let (by_field, batched) = both_ways(&records);
        for (id, need) in &records {
            assert_eq!(&hydrate_need(&batched, &need.id).unwrap(), need);
            let mut expected = crate::dump::doc_json(&by_field)["needs"][id].clone();
            expected
                .as_object_mut()
                .unwrap()
                .retain(|_, v| !v.is_null());
            assert_eq!(crate::dump::doc_json(&batched)["needs"][id], expected);
        }
    }

    #[test]
    fn needs_added_in_bulk_read_back_and_edit_like_any_other() {
        let mut book = Gridbook::in_memory().unwrap();
        book.init_network("凤凰台街道", "赵敏").unwrap();
        book.add_place(crate::PlaceKind::Community, None, "zt", "中台社区")
            .unwrap();
        book.add_place(crate::PlaceKind::Grid, Some("zt"), "g3", "第3网格")
            .unwrap();
        let mut news: Vec<NewNeed> = (0..3)
            .map(|i| NewNeed::new(format!("需要{i}"), Category::Other, "zt-g3"))
            .collect();
        news[1].description = "一段描述".into();
        news[2].phone = Some("138 1234 1234".into());
        let ids = book.add_needs(news).unwrap();
        assert_eq!(ids.len(), 3);
        let need = book.need(&ids[1]).unwrap();
        assert_eq!(need.title, "需要1");
        assert_eq!(need.description.as_str(), "一段描述");
        assert_eq!(
            book.need(&ids[2]).unwrap().phone.as_deref(),
            Some("13812341234")
        );
        let summaries = book.need_summaries().unwrap();
        assert_eq!(summaries.len(), 3);
        assert!(summaries.iter().all(|s| s.conflicts.is_empty()));
        book.edit_need_fields(
            &ids[0],
            &NeedEdit {
                title: Some("独居老人需要送餐".into()),
                description: Some("每天中午".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let need = book.need(&ids[0]).unwrap();
        assert_eq!(need.title, "独居老人需要送餐");
        assert_eq!(need.description.as_str(), "每天中午");
    }
}

#[cfg(test)]
mod store_tests {
    use super::*;

    #[test]
    fn a_compacted_document_reopens_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut ids = Vec::new();
        let doc_id;
        {
            let mut book = Gridbook::open_or_create(dir.path()).unwrap();
            book.init_network("凤凰台街道", "赵敏").unwrap();
            book.add_place(crate::PlaceKind::Community, None, "zt", "中台社区")
                .unwrap();
            book.add_place(crate::PlaceKind::Grid, Some("zt"), "g3", "第3网格")
                .unwrap();
            // A bulk batch (compacted by its ops), then single writes (compacted by count).
            let news = (0..300)
                .map(|i| NewNeed::new(format!("需要{i}"), Category::Other, "zt-g3"))
                .collect();
            ids.extend(book.add_needs(news).unwrap());
            for i in 0..70 {
                ids.push(
                    book.add_need(NewNeed::new(format!("单条{i}"), Category::Other, "zt-g3"))
                        .unwrap(),
                );
            }
            doc_id = book.need_doc(&ids[0]).unwrap();
            let stored = book.store().doc_bytes(&doc_id).unwrap().unwrap();
            assert!(stored.snapshot.is_some());
            assert!(
                stored.chunks.len() < COMPACT_AFTER_CHUNKS,
                "{}",
                stored.chunks.len()
            );
        }
        let mut book = Gridbook::open(dir.path()).unwrap();
        assert_eq!(book.need_summaries().unwrap().len(), 370);
        assert_eq!(book.need(&ids[0]).unwrap().title, "需要0");
        assert_eq!(book.need(&ids[369]).unwrap().title, "单条69");
        let doc = book.doc(&doc_id).unwrap().unwrap();
        assert_eq!(rows_of_doc(doc, &doc_id).unwrap().len(), 370);
    }
}
