//! The parts of a meeting page a facilitator writes: topics (linked to a need, settled here
//! or sent up to the next level), new motions, the minutes (saved as the smallest edit, so
//! another device's typing elsewhere in the text survives the merge), and decisions with their
//! follow-up actions.

use std::collections::BTreeMap;

use egui::Ui;
use gridbook_model::ids::{DecisionId, MeetingId, NeedId, NoteId, TopicId};
use gridbook_model::vocab::Stage;
use gridbook_model::{FollowUpView, MeetingView};

use crate::gui::data::Data;
use crate::gui::messages::{AgendaEdit, Command};
use crate::gui::widgets::{big_button, chip, inline_field, text_area};
use crate::i18n::{tr, vocab};

/// What the facilitator is typing.
#[derive(Default)]
pub(super) struct AgendaForms {
    topic: String,
    topic_need: Option<NeedId>,
    motion: String,
    two_thirds: bool,
    /// The minutes being edited, and the text they started from (to tell a local edit from
    /// an update that arrived).
    minutes: Option<(MeetingId, String, String)>,
    decision: String,
    follow_ups: BTreeMap<String, (String, String)>,
    /// The follow-up action ticked, waiting for its confirmation.
    completing: Option<String>,
}

impl AgendaForms {
    /// The last edit was saved: empty the one-line forms.
    pub(super) fn saved(&mut self) {
        self.topic.clear();
        self.topic_need = None;
        self.motion.clear();
        self.two_thirds = false;
        self.decision.clear();
        self.follow_ups.clear();
    }

    /// Topics with their actions, and the form for a new one.
    pub(super) fn topics(
        &mut self,
        ui: &mut Ui,
        m: &MeetingView,
        data: &Data,
        cmds: &mut Vec<Command>,
    ) {
        ui.strong(tr!("meetings.topics"));
        let mut edit = |e| cmds.push(Command::EditMeeting(m.id.clone(), e));
        for (id, t) in &m.topics {
            let Ok(topic) = id.parse::<TopicId>() else {
                continue;
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("• {}", t.title));
                if let Some(n) = &t.need {
                    let title = data.rows.iter().find(|r| r.id.as_str() == n);
                    ui.weak(tr!(
                        "agenda.linked",
                        need = title.map_or(n.as_str(), |r| r.title.as_str())
                    ));
                }
                if t.settled {
                    ui.label(format!("（{}）", tr!("meetings.settled")));
                } else if let Some(level) = t.escalated_to {
                    ui.label(tr!("agenda.escalated", level = vocab(level)));
                } else {
                    if ui.button(tr!("agenda.settle")).clicked() {
                        edit(AgendaEdit::Settle(topic.clone()));
                    }
                    if m.level.above().is_some() && ui.button(tr!("agenda.escalate")).clicked() {
                        edit(AgendaEdit::Escalate(topic));
                    }
                }
            });
        }
        inline_field(
            ui,
            &tr!("agenda.new_topic"),
            &tr!("agenda.new_topic_hint"),
            &mut self.topic,
        );
        // Needs still open in the meeting's community, to put on the agenda.
        let community = data
            .meetings
            .iter()
            .find(|s| s.id == m.id)
            .map(|s| s.community.as_str());
        let open: Vec<_> = data
            .rows
            .iter()
            .filter(|r| r.stage != Stage::Closed && Some(r.community.as_str()) == community)
            .collect();
        ui.horizontal(|ui| {
            let label = ui.label(tr!("agenda.link_need"));
            let shown = self
                .topic_need
                .as_ref()
                .and_then(|n| open.iter().find(|r| &r.id == n))
                .map_or(tr!("agenda.no_need"), |r| r.title.clone());
            egui::ComboBox::from_id_salt(("topic-need", &m.id))
                .width(260.0)
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.topic_need, None, tr!("agenda.no_need"));
                    for r in &open {
                        let text = format!("{} · {}", r.title, r.ledger_no);
                        ui.selectable_value(&mut self.topic_need, Some(r.id.clone()), text);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        if big_button(ui, tr!("agenda.add_topic")) {
            edit(AgendaEdit::AddTopic(
                self.topic.trim().to_string(),
                self.topic_need.clone(),
            ));
        }
    }

    /// The form for a new motion.
    pub(super) fn new_motion(&mut self, ui: &mut Ui, m: &MeetingView, cmds: &mut Vec<Command>) {
        inline_field(
            ui,
            &tr!("agenda.new_motion"),
            &tr!("agenda.new_motion_hint"),
            &mut self.motion,
        );
        ui.checkbox(&mut self.two_thirds, tr!("agenda.two_thirds"));
        if big_button(ui, tr!("agenda.add_motion")) {
            let e = AgendaEdit::AddMotion(self.motion.trim().to_string(), self.two_thirds);
            cmds.push(Command::EditMeeting(m.id.clone(), e));
        }
    }

    /// The minutes, editable; saved as the smallest edit from what is stored.
    pub(super) fn minutes(&mut self, ui: &mut Ui, m: &MeetingView, cmds: &mut Vec<Command>) {
        // Take in what arrived (another device's typing, merged) unless there is a local edit.
        let fresh = match &self.minutes {
            Some((id, text, from)) => id != &m.id || (text == from && from != &m.minutes),
            None => true,
        };
        if fresh {
            self.minutes = Some((m.id.clone(), m.minutes.clone(), m.minutes.clone()));
        }
        let Some((_, text, from)) = &mut self.minutes else {
            return;
        };
        text_area(ui, &tr!("meetings.minutes"), text);
        let edited = text != from;
        if edited && from != &m.minutes {
            ui.colored_label(ui.visuals().warn_fg_color, tr!("agenda.minutes_changed"));
        }
        if ui
            .add_enabled(edited, egui::Button::new(tr!("agenda.save_minutes")))
            .clicked()
        {
            cmds.push(Command::EditMeeting(
                m.id.clone(),
                AgendaEdit::SetMinutes(text.clone()),
            ));
            // What was saved is the new starting point.
            *from = text.clone();
        }
    }

    /// Decisions with their follow-up actions, and the forms for new ones.
    pub(super) fn decisions(&mut self, ui: &mut Ui, m: &MeetingView, cmds: &mut Vec<Command>) {
        ui.strong(tr!("agenda.decisions"));
        for (id, d) in &m.decisions {
            let Ok(decision) = id.parse::<DecisionId>() else {
                continue;
            };
            ui.group(|ui| {
                ui.label(&d.text);
                for (action, a) in &d.actions {
                    self.follow_up(ui, m, action, a, cmds);
                }
                let (action, owner) = self.follow_ups.entry(id.clone()).or_default();
                ui.horizontal_wrapped(|ui| {
                    inline_field(ui, &tr!("agenda.follow_up"), "", action);
                    inline_field(ui, &tr!("agenda.owner"), "", owner);
                    if ui.button(tr!("agenda.add_follow_up")).clicked() {
                        let owner = Some(owner.trim().to_string()).filter(|o| !o.is_empty());
                        cmds.push(Command::EditMeeting(
                            m.id.clone(),
                            AgendaEdit::AddFollowUp(
                                decision.clone(),
                                action.trim().to_string(),
                                owner,
                            ),
                        ));
                    }
                });
            });
        }
        inline_field(
            ui,
            &tr!("agenda.new_decision"),
            &tr!("agenda.new_decision_hint"),
            &mut self.decision,
        );
        if big_button(ui, tr!("agenda.add_decision")) {
            let e = AgendaEdit::AddDecision(self.decision.trim().to_string());
            cmds.push(Command::EditMeeting(m.id.clone(), e));
        }
    }

    /// One follow-up action: done (by whom, when), or a chip to tap and confirm.
    fn follow_up(
        &mut self,
        ui: &mut Ui,
        m: &MeetingView,
        action: &str,
        a: &FollowUpView,
        cmds: &mut Vec<Command>,
    ) {
        let mut line = a.text.clone();
        if let Some(o) = &a.owner {
            line.push_str(&format!(" · {o}"));
        }
        if let Some(d) = a.due {
            line.push_str(&format!(" · {d}"));
        }
        if a.done {
            let done = match (&a.done_by, a.done_at) {
                (Some(by), Some(at)) => tr!("agenda.done_by", by = by, day = at.day()),
                _ => tr!("agenda.done"),
            };
            ui.label(format!("√ {line} · {done}"));
            return;
        }
        let ticking = self.completing.as_deref() == Some(action);
        ui.horizontal_wrapped(|ui| {
            if chip(ui, ticking, format!("{line} · {}", tr!("agenda.to_do"))).clicked() {
                self.completing = (!ticking).then(|| action.to_string());
            }
            if ticking {
                if ui.button(tr!("agenda.confirm_done")).clicked()
                    && let Ok(id) = action.parse::<NoteId>()
                {
                    self.completing = None;
                    cmds.push(Command::EditMeeting(
                        m.id.clone(),
                        AgendaEdit::CompleteFollowUp(id),
                    ));
                }
                if ui.button(tr!("agenda.cancel")).clicked() {
                    self.completing = None;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{Fixture, interactions, settle, tap, type_into};
    use egui_kittest::kittest::Queryable;

    #[test]
    fn a_facilitator_keeps_the_agenda_minutes_and_decisions() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = crate::gui::pages::meetings::ID.into());
        settle(&mut h);
        // An empty topic is refused in the model's words, in Chinese; nothing is written.
        tap(&mut h, "添加议题");
        settle(&mut h);
        assert!(h.query_by_label_contains("议题需要标题").is_some());
        crate::gui::testing::assert_speaks_chinese(&h);
        type_into(&mut h, "新议题", "电动车充电桩");
        tap(&mut h, "添加议题");
        settle(&mut h);
        tap(&mut h, "上报上一级");
        settle(&mut h);
        assert!(h.query_by_label("（已上报院落议事组）").is_some());
        type_into(&mut h, "新表决事项", "在3号楼旁装10个充电桩");
        tap(&mut h, "需三分之二通过");
        tap(&mut h, "提交表决");
        settle(&mut h);
        assert!(h.query_by_label_contains("在3号楼旁装10个充电桩").is_some());
        type_into(&mut h, "会议记录", "到会居民一致同意先调查需求。");
        tap(&mut h, "保存会议记录");
        settle(&mut h);
        type_into(&mut h, "新决议", "下周一前完成需求调查");
        tap(&mut h, "记录决议");
        settle(&mut h);
        type_into(&mut h, "后续事项", "逐户发放调查表");
        type_into(&mut h, "负责人", "陈静");
        tap(&mut h, "添加后续事项");
        settle(&mut h);
        // Done in two taps: the box, then the confirmation.
        let before = interactions(&h);
        tap(&mut h, "逐户发放调查表 · 陈静 · 待办");
        tap(&mut h, "确认完成");
        settle(&mut h);
        assert_eq!(interactions(&h) - before, 2);
        let today = jiff::Zoned::now().date().to_string();
        assert!(
            h.query_by_label(&format!(
                "√ 逐户发放调查表 · 陈静 · 已完成（王芳，{today}）"
            ))
            .is_some()
        );
        let id = h.state().data.meeting.as_ref().unwrap().id.clone();
        drop(h);
        let m = fx.with_book(|book| book.meeting_view(&id));
        let topic = m.topics.values().next().unwrap();
        assert_eq!(topic.title, "电动车充电桩");
        assert!(topic.escalated_to.is_some());
        assert!(m.motions.values().any(|x| x.two_thirds));
        assert_eq!(m.minutes, "到会居民一致同意先调查需求。");
        let d = m.decisions.values().next().unwrap();
        let action = d.actions.values().next().unwrap();
        assert_eq!(action.text, "逐户发放调查表");
        assert!(action.done);
        assert_eq!(action.done_by.as_deref(), Some("王芳"));
    }
}
