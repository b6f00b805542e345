//! Finding a resident as a person types, shared by the residents page and the door-step form:
//! a search box over the worker's [`RegisterIndex`](gridbook_model::register_search::RegisterIndex)
//! and its hits, each with the name, the phone's last four digits and the address.
//!
//! Per keystroke it only asks the index (`find`) and labels the hits; the index is made by the
//! worker once per change of the register (`worker/residents.rs`).

use std::sync::Arc;

use egui::{Response, TextEdit, Ui};
use gridbook_model::Resident;
use gridbook_model::ids::ResidentId;

use super::data::Data;
use crate::i18n::{Language, language, tr};

/// At most this many hits are shown.
pub(crate) const MAX_HITS: usize = 50;

/// A search box and what it found.
#[derive(Default)]
pub(crate) struct ResidentSearch {
    /// What is typed.
    pub query: String,
    /// The query, index and language `hits` were found for.
    found_for: Option<(String, usize, Language)>,
    /// Found residents with their labels, best first.
    hits: Vec<(ResidentId, String)>,
}

impl ResidentSearch {
    /// Draws the box (labelled `label`) and at most `limit` hits, `selected` marked; returns
    /// the hit tapped.
    pub(crate) fn show(
        &mut self,
        ui: &mut Ui,
        label: &str,
        data: &Data,
        limit: usize,
        selected: Option<&ResidentId>,
    ) -> Option<ResidentId> {
        ui.horizontal(|ui| {
            let l = ui.label(label);
            ui.add(
                TextEdit::singleline(&mut self.query)
                    .hint_text(tr!("register.search_hint"))
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id);
        });
        self.refresh(data, limit);
        if !self.query.trim().is_empty() && self.hits.is_empty() {
            ui.weak(tr!("register.nobody"));
        }
        let mut tapped = None;
        for (id, text) in &self.hits {
            if hit(ui, selected == Some(id), text).clicked() {
                tapped = Some(id.clone());
            }
        }
        tapped
    }

    /// Asks the index again if the query (or the index, or the language) changed since.
    fn refresh(&mut self, data: &Data, limit: usize) {
        let key = (
            self.query.clone(),
            Arc::as_ptr(&data.register_index) as usize,
            language(),
        );
        if self.found_for.as_ref() == Some(&key) {
            return;
        }
        self.hits = data
            .register_index
            .find(&self.query, limit)
            .into_iter()
            .filter_map(|f| {
                let r = data.residents.get(f.id.as_str())?;
                Some((f.id, label(data, r)))
            })
            .collect();
        self.found_for = Some(key);
    }

    /// How many hits it found last.
    #[cfg(test)]
    pub(crate) fn hits(&self) -> usize {
        self.hits.len()
    }

    /// Forgets the query and the hits.
    pub(crate) fn clear(&mut self) {
        self.query.clear();
        self.hits.clear();
        self.found_for = None;
    }
}

/// A resident in a list: name, the phone's last four digits, the address.
pub(crate) fn label(data: &Data, r: &Resident) -> String {
    let mut parts = vec![r.name.clone()];
    if let Some(p) = r.phone.as_deref().filter(|p| !p.is_empty()) {
        parts.push(phone_tail(p));
    }
    let address = data.resident_address(r);
    if !address.is_empty() {
        parts.push(address);
    }
    parts.join(" · ")
}

/// A phone masked to its last four digits: `****1234`.
pub(crate) fn phone_tail(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

/// One hit: a full-width row a finger can tap.
fn hit(ui: &mut Ui, selected: bool, text: &str) -> Response {
    ui.add(
        egui::Button::selectable(selected, text)
            .min_size(egui::vec2(ui.available_width().min(520.0), 40.0)),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use gridbook_model::register_search::RegisterIndex;
    use gridbook_model::time::Timestamp;
    use gridbook_model::{Building, Resident};

    use super::{MAX_HITS, ResidentSearch};
    use crate::gui::data::Data;

    /// 20,000 residents in 100 buildings, typed into keystroke by keystroke: each keystroke
    /// finds at most the page's hits, and a name is found. How long a keystroke takes is the
    /// benchmark's (`register_search.keystroke_p99`).
    #[test]
    fn a_keystroke_over_20000_residents_finds_at_most_50_hits() {
        let mut residents = BTreeMap::new();
        let mut buildings = BTreeMap::new();
        for b in 0..100 {
            buildings.insert(
                format!("zt-g3-b{b}"),
                Building {
                    grid: "zt-g3".into(),
                    name: format!("{b}栋"),
                },
            );
        }
        let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
        for i in 0..20_000u32 {
            residents.insert(
                format!("R-ABCDEF-{i}"),
                Resident {
                    name: format!("{}{}", surnames[(i % 10) as usize], i),
                    phone: Some(format!("138{i:08}")),
                    community: "zt".into(),
                    grid: Some("zt-g3".into()),
                    building: Some(format!("zt-g3-b{}", i % 100)),
                    unit: Some(format!("{}", i / 100 % 4 + 1)),
                    room: Some(format!("{}0{}", i / 400 % 25 + 1, i / 100 % 2 + 1)),
                    merged_into: None,
                    walk_in: false,
                    added_at: Timestamp(0),
                },
            );
        }
        let data = Data {
            register_index: Arc::new(RegisterIndex::new(&residents, &buildings)),
            residents: Arc::new(residents),
            ..Data::default()
        };
        let mut search = ResidentSearch::default();
        for typed in [
            "王",
            "王1",
            "王12",
            "1234",
            "12 2 301",
            "12栋2单元301室",
            "赵",
        ] {
            let mut so_far = String::new();
            for c in typed.chars() {
                so_far.push(c);
                search.query = so_far.clone();
                search.refresh(&data, MAX_HITS);
                assert!(search.hits() <= MAX_HITS);
            }
        }
        assert!(search.hits() > 0, "赵 finds someone");
    }
}
