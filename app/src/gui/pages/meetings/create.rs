//! The form for a new meeting: its level, community, place, day, facilitator (this device's
//! member unless changed) and quorum. A day that is no date or a quorum that is no number is
//! refused here; an empty place by the model. Nothing is written when refused.

use egui::Ui;
use gridbook_model::NewMeeting;
use gridbook_model::time::{Day, Timestamp};
use gridbook_model::vocab::MeetingLevel;

use crate::gui::data::Data;
use crate::gui::messages::Command;
use crate::gui::widgets::{big_button, chip, inline_field, vocab_chips};
use crate::i18n::{tr, vocab};

/// What the facilitator is typing for a new meeting.
#[derive(Default)]
pub(super) struct NewMeetingForm {
    title: String,
    level: Option<MeetingLevel>,
    community: Option<String>,
    place: String,
    day: String,
    facilitator: String,
    quorum: String,
    /// Whether the defaults were filled in (once per form).
    filled: bool,
}

impl NewMeetingForm {
    /// Draws the form; a refusal of its own goes to `refusal`.
    pub(super) fn show(
        &mut self,
        ui: &mut Ui,
        data: &Data,
        cmds: &mut Vec<Command>,
        refusal: &mut Option<String>,
    ) {
        self.fill(data);
        ui.heading(tr!("meetings.new.heading"));
        ui.label(tr!("meetings.new.level"));
        vocab_chips(ui, MeetingLevel::ALL, &mut self.level);
        ui.label(tr!("meetings.new.community"));
        ui.horizontal_wrapped(|ui| {
            for (code, c) in data.directory.iter().flat_map(|d| &d.communities) {
                let selected = self.community.as_deref() == Some(code.as_str());
                if chip(ui, selected, &c.name).clicked() {
                    self.community = Some(code.clone());
                }
            }
        });
        egui::Grid::new("new-meeting")
            .num_columns(2)
            .spacing([12.0, 10.0])
            .show(ui, |ui| {
                for (label, hint, value) in [
                    (
                        "meetings.new.place",
                        "meetings.new.place_hint",
                        &mut self.place,
                    ),
                    ("meetings.new.day", "meetings.new.day_hint", &mut self.day),
                    ("meetings.new.facilitator", "", &mut self.facilitator),
                    ("meetings.new.quorum", "", &mut self.quorum),
                    (
                        "meetings.new.title",
                        "meetings.new.title_hint",
                        &mut self.title,
                    ),
                ] {
                    let hint = if hint.is_empty() {
                        String::new()
                    } else {
                        tr!(hint)
                    };
                    inline_field(ui, &tr!(label), &hint, value);
                    ui.end_row();
                }
            });
        if big_button(ui, tr!("meetings.new.save")) {
            match self.read() {
                Ok(new) => cmds.push(Command::CreateMeeting(new)),
                Err(why) => *refusal = Some(tr!("common.refused", reason = why)),
            }
        }
    }

    /// Fills the defaults in once: today, this device's member, the first community, a grid
    /// meeting, a quorum of 1.
    fn fill(&mut self, data: &Data) {
        if self.filled || data.directory.is_none() {
            return;
        }
        self.filled = true;
        self.day = Timestamp::now().day().to_string();
        self.quorum = "1".into();
        self.level = Some(MeetingLevel::Grid);
        let directory = data.directory.as_ref();
        self.community = directory.and_then(|d| d.communities.keys().next().cloned());
        self.facilitator = data
            .me
            .as_ref()
            .and_then(|me| directory?.members.get(me.as_str()))
            .map(|m| m.name.clone())
            .unwrap_or_default();
    }

    /// The meeting the form describes, or why not (in the current language).
    fn read(&self) -> Result<NewMeeting, String> {
        let level = self.level.unwrap_or(MeetingLevel::Grid);
        let community = self
            .community
            .clone()
            .ok_or_else(|| tr!("meetings.new.no_community"))?;
        let day: Day = self
            .day
            .trim()
            .parse()
            .map_err(|_| tr!("meetings.new.bad_day", given = self.day.trim()))?;
        let quorum: u32 = self
            .quorum
            .trim()
            .parse()
            .map_err(|_| tr!("meetings.new.bad_quorum", given = self.quorum.trim()))?;
        let title = match self.title.trim() {
            // Untitled: the place and the level, like 12栋楼下网格议事会.
            "" => format!("{}{}", self.place.trim(), vocab(level)),
            t => t.to_string(),
        };
        Ok(NewMeeting {
            title,
            level,
            community,
            grid: None,
            place: self.place.trim().to_string(),
            day,
            facilitator: self.facilitator.trim().to_string(),
            quorum,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{Fixture, TestApp, assert_speaks_chinese, settle, tap, type_into};
    use egui_kittest::kittest::Queryable;

    /// Empties the field labelled `label` and types `text` into it.
    fn retype(h: &mut egui_kittest::Harness<'_, TestApp>, label: &str, text: &str) {
        tap(h, label);
        h.get_by_label(label).focus();
        h.run_steps(1);
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.run_steps(1);
        h.key_press(egui::Key::Backspace);
        h.run_steps(1);
        h.get_by_label(label).type_text(text);
        h.run_steps(2);
    }

    #[test]
    fn a_facilitator_creates_a_meeting_and_it_opens() {
        let fx = Fixture::new();
        let mut h = fx.harness_with(|s| s.page = crate::gui::pages::meetings::ID.into());
        settle(&mut h);
        tap(&mut h, "＋ 新建议事会");
        settle(&mut h);
        // Defaults: today, this device's member, the first community.
        assert_eq!(h.get_by_label("主持人").value().as_deref(), Some("王芳"));
        // Refused in Chinese, nothing written: no place, a day that is no date, a quorum that
        // is no number.
        tap(&mut h, "创建议事会");
        settle(&mut h);
        assert!(h.query_by_label_contains("议事会需要地点").is_some());
        type_into(&mut h, "开会地点", "社区活动室");
        retype(&mut h, "日期", "12月5日");
        tap(&mut h, "创建议事会");
        settle(&mut h);
        assert!(h.query_by_label_contains("「12月5日」不是日期").is_some());
        retype(&mut h, "日期", "2026-12-05");
        retype(&mut h, "法定人数", "五");
        tap(&mut h, "创建议事会");
        settle(&mut h);
        assert!(
            h.query_by_label_contains("法定人数「五」不是数字")
                .is_some()
        );
        assert_speaks_chinese(&h);
        assert_eq!(h.state().data.meetings.len(), 1, "nothing written");
        retype(&mut h, "法定人数", "5");
        tap(&mut h, "院落议事组");
        tap(&mut h, "创建议事会");
        settle(&mut h);
        // The new meeting opens, titled by its place and level.
        assert!(h.query_by_label("社区活动室院落议事组").is_some());
        assert!(
            h.query_by_label_contains("已签到 0 人（法定人数 5）")
                .is_some()
        );
        drop(h);
        let made = fx.with_book(|book| book.meeting_summaries());
        let m = made
            .iter()
            .find(|m| m.title == "社区活动室院落议事组")
            .unwrap();
        assert_eq!(m.day.to_string(), "2026-12-05");
        assert_eq!(m.community, "zt");
        let view = fx.with_book(|book| book.meeting_view(&m.id));
        assert_eq!((view.quorum, view.facilitator.as_str()), (5, "王芳"));
        assert_eq!(view.place, "社区活动室");
    }
}
