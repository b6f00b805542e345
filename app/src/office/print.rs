//! Print-ready HTML for the notice board and the meeting table, shared by `gridbook print`,
//! `gridbook meeting print` and the app's Reports and Meetings pages: a public notice (公示) of
//! needs and projects with no personal data, a meeting's sign-in sheet (签到表) and its minutes
//! (会议纪要). None carries a phone number: the sign-in sheet has no phone column, and digits
//! long enough to be a phone are masked in the minutes' free text.
//!
//! Why HTML and not PDF: every office computer has a browser that lays out and prints Chinese
//! text correctly (line breaking, A4 pages, a header row repeated on every page through
//! `thead`), with the CJK fonts Windows and macOS ship; a PDF writer would need us to shape and
//! wrap CJK text by hand. `embed_font` puts the app's bundled Noto Sans SC subset into the file
//! for a machine with no CJK font at all (the file grows by ~4.5 MB).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use gridbook_model::ids::MeetingId;
use gridbook_model::ledger::Places;
use gridbook_model::meeting::Outcome;
use gridbook_model::scope::Scope;
use gridbook_model::summary::NeedSummary;
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::{Route, Stage};
use gridbook_model::{ExportRecord, Gridbook, MeetingView};

use crate::error::{Doing as _, Step};

/// A print-out made and not yet written: its page, what it holds in a few English words (the
/// CLI's line), and its entry in the export log.
pub(crate) struct Printout {
    /// The HTML page.
    pub html: String,
    /// What it holds: `12 needs`.
    pub summary: String,
    /// Its entry in the export log.
    record: ExportRecord,
}

impl Printout {
    /// Writes the page to `out` and logs it like any export (the sign-in sheet names the
    /// residents signed in; the notice names no one, but the office still sees it was made).
    pub(crate) fn write(self, book: &mut Gridbook, out: &Path) -> Result<()> {
        std::fs::write(out, &self.html).doing(Step::Write(out.to_path_buf()))?;
        crate::office::export_log::log(book, self.record, &[], out)
    }
}

/// The public notice of the needs in `scope`, in ledger order.
pub(crate) fn notice(book: &mut Gridbook, scope: &Scope, embed_font: bool) -> Result<Printout> {
    let places = book.places()?;
    let mut needs: Vec<NeedSummary> = book
        .need_summaries()?
        .into_iter()
        .filter(|n| scope.has_need(n))
        .collect();
    needs.sort_by(|a, b| {
        crate::office::id_order(a.id.as_str()).cmp(&crate::office::id_order(b.id.as_str()))
    });
    let subdistrict = book.network()?.map(|n| n.subdistrict).unwrap_or_default();
    let title = match (&scope.grid, &scope.community) {
        (Some(g), _) => format!(
            "{}{}",
            places.community_name(&scope.community.clone().unwrap_or_default()),
            places.grid_name(g)
        ),
        (None, Some(c)) => places.community_name(c).to_string(),
        (None, None) => subdistrict,
    };
    let n = needs.len();
    Ok(Printout {
        html: notice_html(&title, &needs, &places, embed_font),
        summary: format!("{n} needs"),
        record: ExportRecord {
            what: "public notice".into(),
            format: "html".into(),
            scope: title,
            rows: n,
            ..Default::default()
        },
    })
}

/// A meeting's sign-in sheet: those signed in already, with where they live, then `blank`
/// empty lines.
pub(crate) fn sign_in(
    book: &mut Gridbook,
    meeting: &MeetingId,
    blank: usize,
    embed_font: bool,
) -> Result<Printout> {
    let m = book.meeting_view(meeting)?;
    let places = book.places()?;
    let mut signed = Vec::new();
    let mut residents = Vec::new();
    for id in &m.attendees {
        let resident = id.parse().ok().and_then(|rid| book.resident(&rid).ok());
        signed.push(match resident {
            Some(r) => {
                residents.push(id.clone());
                (r.name.clone(), home(&r, &places))
            }
            None => (id.clone(), String::new()),
        });
    }
    let n = signed.len();
    Ok(Printout {
        html: sign_in_html(&m, &signed, blank, embed_font),
        summary: format!("{n} signed in, {blank} blank lines"),
        record: ExportRecord {
            what: format!("sign-in sheet {meeting}"),
            format: "html".into(),
            scope: m.title.clone(),
            rows: n,
            residents,
            ..Default::default()
        },
    })
}

/// A meeting's minutes: its facts, attendance against the quorum, topics, motions with their
/// counts and results, decisions and follow-ups. Names no attendee (the log counts them).
pub(crate) fn minutes(
    book: &mut Gridbook,
    meeting: &MeetingId,
    embed_font: bool,
) -> Result<Printout> {
    let m = book.meeting_view(meeting)?;
    let community = book.meeting(meeting)?.meeting.community;
    let places = book.places()?;
    let n = m.attendees.len();
    Ok(Printout {
        html: minutes_html(&m, places.community_name(&community), embed_font),
        summary: format!("{n} attended, quorum {}", m.quorum),
        record: ExportRecord {
            what: format!("minutes {meeting}"),
            format: "html".into(),
            scope: m.title.clone(),
            rows: n,
            ..Default::default()
        },
    })
}

/// Which print-out of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MeetingPaper {
    /// The sign-in sheet: who signed in already, then blank lines.
    SignIn,
    /// The minutes: facts, attendance, topics, motions, decisions and follow-ups.
    Minutes,
}

/// Blank lines a sign-in sheet from the app ends with.
pub(crate) const BLANK_LINES: usize = 30;

/// A print-out written: where, and how many residents signed in it counts.
#[derive(Debug)]
pub(crate) struct Printed {
    /// The file.
    pub path: PathBuf,
    /// Residents signed in.
    pub attendees: usize,
}

/// Writes `paper` of `meeting` to `out` (or, with `None`, a new file in the data directory's
/// `exports` folder) and logs it in the export log like an export.
pub(crate) fn print_meeting(
    book: &mut Gridbook,
    data_dir: &Path,
    meeting: &MeetingId,
    paper: MeetingPaper,
    out: Option<PathBuf>,
    blank: usize,
    embed_font: bool,
) -> Result<Printed> {
    let printout = match paper {
        MeetingPaper::SignIn => sign_in(book, meeting, blank, embed_font)?,
        MeetingPaper::Minutes => minutes(book, meeting, embed_font)?,
    };
    let out = match out {
        Some(out) => out,
        None => {
            let dir = super::exports_dir(data_dir);
            std::fs::create_dir_all(&dir).doing(Step::Write(dir.clone()))?;
            let token = match paper {
                MeetingPaper::SignIn => "sign-in",
                MeetingPaper::Minutes => "minutes",
            };
            dir.join(format!(
                "gridbook-{token}-{meeting}-{}.html",
                super::stamp(book.now())
            ))
        }
    };
    let attendees = printout.record.rows;
    printout.write(book, &out)?;
    Ok(Printed {
        path: out,
        attendees,
    })
}

/// Opens `path` in the system's browser (or whatever opens HTML there) without waiting for
/// it; whether one was started (the page shows the path either way). UI tests start none.
pub(crate) fn open_in_browser(path: &Path) -> bool {
    if cfg!(test) {
        return false;
    }
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        // `start`'s first quoted argument is the window's title.
        c.args(["/c", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            // Reaped when it ends, so no zombie is left behind.
            std::thread::spawn(move || child.wait());
            true
        }
        Err(_) => false,
    }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Free text escaped for HTML, with every run of 7 or more digits (a phone, whole or most of
/// it) masked: minutes and decisions are typed freely, and a print-out carries no phone.
fn esc_masked(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.chars().count() >= 7 {
            out.push_str(&"*".repeat(digits.chars().count()));
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !digits.is_empty() && matches!(c, ' ' | '-') {
            // 138 1234 5678 and 138-1234-5678 are one number.
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    esc(&out)
}

/// A page with print CSS: A4, the table's header repeated on every page, rows never split.
fn page(title: &str, landscape: bool, embed_font: bool, body: &str) -> String {
    let face = if embed_font {
        format!(
            "@font-face {{ font-family: 'Gridbook Noto Sans SC'; src: url(data:font/otf;base64,{}) format('opentype'); }}\n",
            data_encoding::BASE64.encode(crate::fonts::BUNDLED)
        )
    } else {
        String::new()
    };
    let size = if landscape { "A4 landscape" } else { "A4" };
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
{face}body {{ font-family: 'Gridbook Noto Sans SC', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'SimSun', 'WenQuanYi Micro Hei', sans-serif; margin: 2em; color: #000; }}
h1 {{ text-align: center; font-size: 20pt; margin: 0 0 .3em; }}
.meta {{ text-align: center; margin-bottom: 1em; }}
table {{ width: 100%; border-collapse: collapse; font-size: 10.5pt; }}
th, td {{ border: 1px solid #000; padding: 4px 6px; vertical-align: top; }}
th {{ background: #eee; }}
td.n {{ text-align: center; white-space: nowrap; }}
tr.blank td {{ height: 2.2em; }}
.foot {{ margin-top: 1.5em; display: flex; justify-content: space-between; }}
@page {{ size: {size}; margin: 15mm; }}
@media print {{
  body {{ margin: 0; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; page-break-inside: avoid; }}
  th {{ background: none; }}
}}
</style>
</head>
<body>
{body}</body>
</html>
"#,
        title = esc(title)
    )
}

/// The title with the resident's name, if written into it, replaced: the notice names no one.
fn public_title(n: &NeedSummary) -> String {
    match &n.resident_name {
        Some(name) if name.chars().count() >= 2 && n.title.contains(name.as_str()) => {
            n.title.replace(name.as_str(), "某居民")
        }
        _ => n.title.clone(),
    }
}

/// The public notice: ledger number, place down to the grid, category, need, stage, how it is
/// handled and by whom (the kind only), due and closed days. No resident, phone or building.
fn notice_html(title: &str, needs: &[NeedSummary], places: &Places, embed_font: bool) -> String {
    let mut body = format!("<h1>{}民生需求办理情况公示</h1>\n", esc(title));
    let closed = needs.iter().filter(|n| n.stage == Stage::Closed).count();
    let _ = writeln!(
        body,
        "<p class=\"meta\">共 {} 件，已办结 {} 件　公示日期：{}</p>",
        needs.len(),
        closed,
        Timestamp::now().day()
    );
    body.push_str("<table>\n<thead><tr><th>序号</th><th>台账编号</th><th>社区</th><th>网格</th><th>类别</th><th>需求</th><th>阶段</th><th>办理方式</th><th>认领方</th><th>办结期限</th><th>办结日期</th></tr></thead>\n<tbody>\n");
    for (i, n) in needs.iter().enumerate() {
        let route = match (n.route, n.project_kind) {
            (Some(Route::Project), Some(k)) => k.zh(),
            (Some(r), _) => r.zh(),
            (None, _) => "",
        };
        let _ = writeln!(
            body,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            i + 1,
            esc(&n.ledger_no),
            esc(places.community_name(&n.community)),
            esc(places.grid_name(&n.grid)),
            n.category.zh(),
            esc(&public_title(n)),
            n.stage.zh(),
            route,
            n.claimant.map_or("", |c| c.zh()),
            n.due.map(|d| d.to_string()).unwrap_or_default(),
            n.closed_at.map(|t| t.day().to_string()).unwrap_or_default(),
        );
    }
    body.push_str("</tbody>\n</table>\n<p class=\"foot\"><span>如有异议，请于公示之日起七日内向社区居委会反映。</span><span>（盖章）</span></p>\n");
    page(
        &format!("{title}民生需求办理情况公示"),
        true,
        embed_font,
        &body,
    )
}

/// Where a resident lives, for people: `12号楼 2单元 301室`.
fn home(r: &gridbook_model::Resident, places: &Places) -> String {
    let mut parts = Vec::new();
    if let Some(b) = &r.building {
        parts.push(places.building_name(b).to_string());
    }
    if let Some(u) = &r.unit {
        parts.push(format!("{}单元", u.trim_end_matches("单元")));
    }
    if let Some(room) = &r.room {
        parts.push(format!("{}室", room.trim_end_matches("室")));
    }
    parts.join(" ")
}

/// The sign-in sheet: the meeting's facts, then one numbered line per resident signed in
/// already and `blank` empty lines to sign on. No phone column.
fn sign_in_html(
    m: &MeetingView,
    signed: &[(String, String)],
    blank: usize,
    embed_font: bool,
) -> String {
    let mut body = format!("<h1>{} 签到表</h1>\n", esc(&m.title));
    let _ = writeln!(
        body,
        "<p class=\"meta\">{}　日期：{}　地点：{}　主持人：{}　法定票数：{}</p>",
        m.level.zh(),
        m.day,
        esc(&m.place),
        esc(&m.facilitator),
        m.quorum
    );
    body.push_str("<table>\n<thead><tr><th style=\"width:3em\">序号</th><th style=\"width:9em\">姓名</th><th>楼栋/单元/室</th><th style=\"width:12em\">签名</th><th style=\"width:6em\">备注</th></tr></thead>\n<tbody>\n");
    for (i, (name, home)) in signed.iter().enumerate() {
        let _ = writeln!(
            body,
            "<tr class=\"blank\"><td class=\"n\">{}</td><td>{}</td><td>{}</td><td></td><td>已签到</td></tr>",
            i + 1,
            esc(name),
            esc(home)
        );
    }
    for i in 0..blank {
        let _ = writeln!(
            body,
            "<tr class=\"blank\"><td class=\"n\">{}</td><td></td><td></td><td></td><td></td></tr>",
            signed.len() + i + 1
        );
    }
    body.push_str("</tbody>\n</table>\n<p class=\"foot\"><span>应到　　人，实到　　人</span><span>记录人：</span></p>\n");
    page(&format!("{} 签到表", m.title), false, embed_font, &body)
}

/// The minutes (会议纪要): the meeting's facts, attendance against the quorum, each topic and
/// how it ended, each motion with its counts and result, the decisions with their follow-up
/// actions, and the minutes' text. Names no attendee.
fn minutes_html(m: &MeetingView, community: &str, embed_font: bool) -> String {
    let mut body = format!("<h1>{} 会议纪要</h1>\n", esc(&m.title));
    let _ = writeln!(
        body,
        "<p class=\"meta\">{}　社区：{}　地点：{}　日期：{}　主持人：{}</p>",
        m.level.zh(),
        esc(community),
        esc(&m.place),
        m.day,
        esc(&m.facilitator),
    );
    let quorum_met = if m.attendees.len() >= m.quorum as usize {
        "达到法定人数"
    } else {
        "未达法定人数"
    };
    let _ = writeln!(
        body,
        "<p>实到 {} 人，法定人数 {} 人（{quorum_met}）。</p>",
        m.attendees.len(),
        m.quorum
    );
    body.push_str("<h2>一、议题</h2>\n");
    if m.topics.is_empty() {
        body.push_str("<p>无。</p>\n");
    } else {
        body.push_str("<table>\n<thead><tr><th style=\"width:3em\">序号</th><th>议题</th><th style=\"width:12em\">结果</th></tr></thead>\n<tbody>\n");
        for (i, t) in m.topics.values().enumerate() {
            let ended = match (t.settled, t.escalated_to) {
                (true, _) => "已解决".to_string(),
                (false, Some(level)) => format!("已上报{}", level.zh()),
                (false, None) => "未决".to_string(),
            };
            let _ = writeln!(
                body,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{ended}</td></tr>",
                i + 1,
                esc_masked(&t.title)
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str("<h2>二、表决事项</h2>\n");
    if m.motions.is_empty() {
        body.push_str("<p>无。</p>\n");
    } else {
        body.push_str("<table>\n<thead><tr><th style=\"width:3em\">序号</th><th>事项</th><th style=\"width:4em\">赞成</th><th style=\"width:4em\">反对</th><th style=\"width:4em\">弃权</th><th style=\"width:8em\">结果</th></tr></thead>\n<tbody>\n");
        for (i, motion) in m.motions.values().enumerate() {
            let result = match motion.outcome {
                Outcome::Passed => "通过",
                Outcome::Failed => "未通过",
                Outcome::NoQuorum => "未达法定人数",
            };
            let majority = if motion.two_thirds {
                "（需三分之二多数）"
            } else {
                ""
            };
            let t = &motion.tally;
            let _ = writeln!(
                body,
                "<tr><td class=\"n\">{}</td><td>{}{majority}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{result}</td></tr>",
                i + 1,
                esc_masked(&motion.text),
                t.for_,
                t.against,
                t.abstain,
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str("<h2>三、决议与后续事项</h2>\n");
    if m.decisions.is_empty() {
        body.push_str("<p>无。</p>\n");
    }
    for (i, d) in m.decisions.values().enumerate() {
        let _ = writeln!(body, "<p>{}. {}</p>", i + 1, esc_masked(&d.text));
        if d.actions.is_empty() {
            continue;
        }
        body.push_str("<table>\n<thead><tr><th>后续事项</th><th style=\"width:8em\">负责人</th><th style=\"width:7em\">期限</th><th style=\"width:14em\">完成情况</th></tr></thead>\n<tbody>\n");
        for a in d.actions.values() {
            let done = match (a.done, &a.done_by, a.done_at) {
                (true, Some(by), Some(at)) => format!("已完成（{}，{}）", esc(by), at.day()),
                (true, ..) => "已完成".into(),
                (false, ..) => "待办".into(),
            };
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{done}</td></tr>",
                esc_masked(&a.text),
                esc(a.owner.as_deref().unwrap_or("")),
                a.due.map(|d| d.to_string()).unwrap_or_default(),
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str("<h2>四、会议记录</h2>\n");
    let text = if m.minutes.trim().is_empty() {
        "无。".to_string()
    } else {
        esc_masked(&m.minutes)
    };
    let _ = writeln!(body, "<p class=\"text\">{text}</p>");
    body.push_str(
        "<p class=\"foot\"><span>主持人（签字）：</span><span>记录人（签字）：</span></p>\n",
    );
    page(&format!("{} 会议纪要", m.title), false, embed_font, &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn phones_in_free_text_are_masked_and_short_numbers_kept() {
        assert_eq!(
            super::esc_masked("联系王姐 138 1234 5678，3号楼10个车位"),
            "联系王姐 *************，3号楼10个车位"
        );
        assert_eq!(super::esc_masked("<13812341234>"), "&lt;***********&gt;");
    }
}
