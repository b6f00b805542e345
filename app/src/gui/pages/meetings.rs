//! Meetings: the list, and a meeting page with check-in from the residents' register, motions
//! with a vote per attendee, show-of-hands counts, and the live tally and outcome.

use std::collections::BTreeMap;

use egui::{RichText, Ui};
use gridbook_model::MeetingView;
use gridbook_model::ids::{MeetingId, MotionId};
use gridbook_model::meeting::Outcome;
use gridbook_model::vocab::Choice;

use crate::gui::data::Data;
use crate::gui::messages::{Command, Event, Origin, Refusal};
use crate::gui::page::{Cx, Page};
use crate::gui::widgets::chip;
use crate::i18n::{tr, vocab};
use crate::office::print::MeetingPaper;
use agenda::AgendaForms;
use create::NewMeetingForm;
use sign_in::SignInForm;

mod agenda;
mod create;
mod sign_in;

/// The page's id (`GRIDBOOK_START_PAGE=meetings`).
pub(crate) const ID: &str = "meetings";

/// The meetings page's own state.
#[derive(Default)]
pub(crate) struct MeetingsView {
    selected: Option<MeetingId>,
    hands: BTreeMap<String, [u32; 3]>,
    refusal: Option<String>,
    /// What was last done that the page says (a walk-in signed in, a print-out written).
    notice: Option<String>,
    agenda: AgendaForms,
    /// The new-meeting form is open instead of a meeting.
    creating: bool,
    create: NewMeetingForm,
    sign_in: SignInForm,
}

impl MeetingsView {
    /// The last agenda edit was saved.
    pub(crate) fn saved(&mut self) {
        self.refusal = None;
        self.agenda.saved();
    }

    /// The worker refused the last edit.
    pub(crate) fn refused(&mut self, refusal: Refusal) {
        self.refusal = Some(crate::gui::widgets::refusal_text(&refusal));
        self.notice = None;
    }

    /// A new meeting was saved: open it.
    fn created(&mut self, id: &MeetingId) {
        self.selected = Some(id.clone());
        self.creating = false;
        self.create = NewMeetingForm::default();
        self.refusal = None;
        self.notice = None;
    }

    /// Draws the page.
    pub(crate) fn show(&mut self, ui: &mut Ui, data: &Data, cmds: &mut Vec<Command>) {
        // Open the latest meeting rather than an empty page.
        if self.selected.is_none()
            && let Some(latest) = data.meetings.iter().max_by(|a, b| a.day.cmp(&b.day))
        {
            self.selected = Some(latest.id.clone());
            cmds.push(Command::LoadMeeting(latest.id.clone()));
        }
        egui::Panel::left("meeting-list")
            .resizable(true)
            .default_size(260.0)
            .min_size(200.0)
            .show(ui, |ui| {
                ui.heading(tr!("meetings.heading"));
                if chip(ui, self.creating, tr!("meetings.new.open")).clicked() {
                    self.creating = true;
                    self.refusal = None;
                }
                if data.meetings.is_empty() {
                    ui.label(tr!("meetings.none"));
                }
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let mut list: Vec<_> = data.meetings.iter().collect();
                    list.sort_by(|a, b| b.day.cmp(&a.day).then(a.level.cmp_token(&b.level)));
                    for m in list {
                        let selected = self.selected.as_ref() == Some(&m.id);
                        let text = format!("{}\n{} · {}", m.title, m.day, vocab(m.level));
                        if ui
                            .add(
                                egui::Button::selectable(selected, text)
                                    .min_size(egui::vec2(ui.available_width(), 48.0)),
                            )
                            .clicked()
                        {
                            self.selected = Some(m.id.clone());
                            self.creating = false;
                            self.refusal = None;
                            self.notice = None;
                            cmds.push(Command::LoadMeeting(m.id.clone()));
                        }
                    }
                });
            });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            if self.creating {
                if let Some(r) = &self.refusal {
                    ui.colored_label(ui.visuals().error_fg_color, r);
                }
                let form = &mut self.create;
                egui::ScrollArea::vertical().show(ui, |ui| {
                    form.show(ui, data, cmds, &mut self.refusal);
                });
                return;
            }
            let Some(m) = data
                .meeting
                .as_ref()
                .filter(|m| Some(&m.id) == self.selected.as_ref())
            else {
                let text = if self.selected.is_some() {
                    tr!("common.loading")
                } else {
                    tr!("meetings.pick_one")
                };
                ui.label(text);
                return;
            };
            egui::ScrollArea::vertical().show(ui, |ui| self.meeting(ui, m, data, cmds));
        });
    }

    fn meeting(&mut self, ui: &mut Ui, m: &MeetingView, data: &Data, cmds: &mut Vec<Command>) {
        ui.heading(&m.title);
        ui.label(tr!(
            "meetings.facts",
            level = vocab(m.level),
            day = m.day,
            place = &m.place,
            facilitator = &m.facilitator
        ));
        ui.horizontal_wrapped(|ui| {
            for (printout, label) in [
                (MeetingPaper::SignIn, "meetings.print_sign_in"),
                (MeetingPaper::Minutes, "meetings.print_minutes"),
            ] {
                if ui.button(tr!(label)).clicked() {
                    cmds.push(Command::PrintMeeting(m.id.clone(), printout));
                }
            }
        });
        if let Some(r) = &self.refusal {
            ui.colored_label(ui.visuals().error_fg_color, r);
        }
        if let Some(n) = &self.notice {
            ui.label(n);
        }
        ui.separator();
        ui.strong(tr!(
            "meetings.attendees",
            n = m.attendees.len(),
            quorum = m.quorum
        ));
        ui.horizontal_wrapped(|ui| {
            for a in &m.attendees {
                ui.label(format!("√ {}", data.resident_name(a)));
            }
        });
        self.sign_in.show(ui, m, data, cmds);
        ui.separator();
        self.agenda.topics(ui, m, data, cmds);
        ui.separator();
        ui.strong(tr!("meetings.motions"));
        if m.motions.is_empty() {
            ui.label(tr!("meetings.no_motions"));
        }
        for (id, motion) in &m.motions {
            let Ok(motion_id) = id.parse::<MotionId>() else {
                continue;
            };
            ui.group(|ui| {
                let mut text = RichText::new(&motion.text).strong();
                if motion.two_thirds {
                    text = RichText::new(format!("{}{}", motion.text, tr!("meetings.two_thirds")))
                        .strong();
                }
                ui.label(text);
                let t = &motion.tally;
                let outcome = match motion.outcome {
                    Outcome::Passed => tr!("meetings.outcome.passed"),
                    Outcome::Failed => tr!("meetings.outcome.failed"),
                    Outcome::NoQuorum => tr!("meetings.outcome.no_quorum"),
                };
                ui.label(
                    RichText::new(format!(
                        "{} → {outcome}",
                        tr!(
                            "meetings.tally",
                            yes = t.for_,
                            no = t.against,
                            abstain = t.abstain
                        )
                    ))
                    .size(19.0),
                );
                egui::Grid::new(("ballots", id))
                    .striped(true)
                    .show(ui, |ui| {
                        for a in &m.attendees {
                            ui.label(data.resident_name(a));
                            let current = motion.ballots.get(a).copied();
                            for c in Choice::ALL {
                                if chip(ui, current == Some(*c), vocab(*c)).clicked()
                                    && let Ok(rid) = a.parse()
                                {
                                    cmds.push(Command::Vote(
                                        m.id.clone(),
                                        motion_id.clone(),
                                        rid,
                                        *c,
                                    ));
                                }
                            }
                            ui.end_row();
                        }
                    });
                ui.label(tr!("meetings.hands"));
                let hands = self.hands.entry(id.clone()).or_insert_with(|| {
                    [Choice::For, Choice::Against, Choice::Abstain]
                        .map(|c| motion.counts.get(c.token()).copied().unwrap_or(0))
                });
                ui.horizontal(|ui| {
                    for (i, c) in [Choice::For, Choice::Against, Choice::Abstain]
                        .iter()
                        .enumerate()
                    {
                        let label = ui.label(vocab(*c));
                        ui.add(egui::DragValue::new(&mut hands[i]).range(0..=999))
                            .labelled_by(label.id);
                    }
                    if ui.button(tr!("meetings.save_hands")).clicked() {
                        cmds.push(Command::SetCounts(
                            m.id.clone(),
                            motion_id.clone(),
                            [
                                (Choice::For, hands[0]),
                                (Choice::Against, hands[1]),
                                (Choice::Abstain, hands[2]),
                            ],
                        ));
                    }
                });
            });
        }
        self.agenda.new_motion(ui, m, cmds);
        ui.separator();
        self.agenda.minutes(ui, m, cmds);
        ui.separator();
        self.agenda.decisions(ui, m, cmds);
    }
}

/// Orders meeting levels by their place in the vocabulary (building first).
trait CmpToken {
    fn cmp_token(&self, other: &Self) -> std::cmp::Ordering;
}

impl CmpToken for gridbook_model::vocab::MeetingLevel {
    fn cmp_token(&self, other: &Self) -> std::cmp::Ordering {
        let pos = |l: &Self| Self::ALL.iter().position(|x| x == l);
        pos(self).cmp(&pos(other))
    }
}

impl Page for MeetingsView {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> Option<String> {
        Some(tr!("nav.meetings"))
    }

    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        MeetingsView::show(self, ui, cx.data, cx.cmds);
    }

    fn start_at(&mut self, view: &str, _cmds: &mut Vec<Command>) {
        // `meetings/new`: the form of a new meeting.
        self.creating = view == "new";
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::AgendaSaved => self.saved(),
            Event::MeetingCreated(id) => self.created(id),
            Event::WalkInSignedIn(name) => {
                self.sign_in.saved();
                self.refusal = None;
                self.notice = Some(tr!("meetings.walk_in.saved", name = name));
            }
            Event::MeetingPrinted { path, opened } => {
                self.refusal = None;
                let key = if *opened {
                    "meetings.printed"
                } else {
                    "meetings.printed_no_browser"
                };
                self.notice = Some(tr!(key, path = path));
            }
            Event::Refused(Origin::Meeting, refusal) => self.refused(refusal.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{
        Fixture, interactions, settle, tap, tap_nth, texts_on_screen, type_into,
    };
    use egui_kittest::kittest::Queryable;

    #[test]
    fn two_attendees_found_in_the_register_vote_one_tap_each_and_the_tally_shows_it() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = super::ID.into());
        // The latest meeting opens by itself.
        settle(&mut h);
        assert!(h.query_by_label("阳光17停车议事").is_some());
        // Found by name, and by a phone's last digits; a tap signs each in.
        type_into(&mut h, "查找居民签到", "王秀");
        tap(&mut h, "王秀英（12栋2单元301室）");
        settle(&mut h);
        type_into(&mut h, "查找居民签到", "1111");
        tap(&mut h, "李建国（12栋2单元302室）");
        settle(&mut h);
        assert!(h.query_by_label_contains("已签到 2 人").is_some());
        // Found again, they show as signed in; no phone is on screen.
        type_into(&mut h, "查找居民签到", "12 2");
        assert!(
            h.query_by_label("王秀英（12栋2单元301室） · 已签到")
                .is_some()
        );
        assert!(
            texts_on_screen(&h)
                .iter()
                .all(|t| !t.contains("13812341234") && !t.contains("13900001111"))
        );
        // A voter's ballot is one tap.
        let before = interactions(&h);
        tap_nth(&mut h, "赞成", 0);
        settle(&mut h);
        assert_eq!(interactions(&h) - before, 1, "one tap per voter");
        tap_nth(&mut h, "反对", 1);
        settle(&mut h);
        assert!(
            h.query_by_label_contains("赞成 1 · 反对 1 · 弃权 0 → 未通过")
                .is_some(),
            "the tally and outcome are live"
        );
        tap_nth(&mut h, "赞成", 1);
        settle(&mut h);
        assert!(
            h.query_by_label_contains("赞成 2 · 反对 0 · 弃权 0 → 通过")
                .is_some()
        );
        let m = h.state().data.meeting.clone().unwrap();
        drop(h);
        let stored = fx.with_book(|book| book.meeting_view(&m.id));
        let motion = stored.motions.values().next().unwrap();
        assert_eq!(motion.tally.for_, 2);
        assert_eq!(motion.ballots.len(), 2);
    }

    #[test]
    fn the_minutes_and_sign_in_sheet_print_with_the_counts_and_no_phone() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = super::ID.into());
        settle(&mut h);
        type_into(&mut h, "查找居民签到", "王秀英");
        tap(&mut h, "王秀英（12栋2单元301室）");
        settle(&mut h);
        tap_nth(&mut h, "赞成", 0);
        settle(&mut h);
        type_into(&mut h, "新议题", "电动车充电桩");
        tap(&mut h, "添加议题");
        settle(&mut h);
        tap(&mut h, "已解决");
        settle(&mut h);
        type_into(&mut h, "会议记录", "王姐（13812341234）说先调查需求。");
        tap(&mut h, "保存会议记录");
        settle(&mut h);
        let mut files = Vec::new();
        for button in ["打印会议纪要", "打印签到表"] {
            tap(&mut h, button);
            settle(&mut h);
            let said = texts_on_screen(&h)
                .into_iter()
                .find(|t| t.starts_with("已保存到 "))
                .expect("the page shows where the print-out is");
            let path = said
                .trim_start_matches("已保存到 ")
                .split('：')
                .next()
                .unwrap()
                .to_string();
            assert!(path.contains("exports"), "{path}");
            files.push(std::fs::read_to_string(&path).expect("the print-out exists"));
        }
        drop(h);
        let (minutes, sheet) = (&files[0], &files[1]);
        for html in [minutes, sheet] {
            assert!(html.contains("@media print") && html.contains("size: A4"));
            assert!(html.contains("Microsoft YaHei"), "a Chinese font stack");
            for phone in ["13812341234", "13900001111"] {
                assert!(!html.contains(phone), "a phone is printed");
            }
        }
        assert!(minutes.contains("阳光17停车议事 会议纪要"));
        assert!(minutes.contains("中台社区") && minutes.contains("主持人：陈静"));
        assert!(minutes.contains("实到 1 人，法定人数 2 人（未达法定人数）"));
        assert!(minutes.contains("<td>电动车充电桩</td><td>已解决</td>"));
        assert!(minutes.contains("画14个编号车位，抽签分配"));
        assert!(
            minutes.contains(r#"<td class="n">1</td><td class="n">0</td><td class="n">0</td><td class="n">未达法定人数</td>"#),
            "the motion's counts and result"
        );
        assert!(!minutes.contains("王秀英"), "the minutes name no attendee");
        assert!(sheet.contains("王秀英") && sheet.contains("已签到"));
        // Both are in the export log.
        let logged = fx.with_book(|book| book.exports());
        let whats: Vec<&str> = logged.iter().map(|r| r.what.as_str()).collect();
        assert!(
            whats.iter().any(|w| w.starts_with("minutes M-")),
            "{whats:?}"
        );
        assert!(
            whats.iter().any(|w| w.starts_with("sign-in sheet M-")),
            "{whats:?}"
        );
    }
}
