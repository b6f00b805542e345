//! Print-ready HTML for the notice board and the meeting table, shared by `gridbook print`
//! and the app's Reports page: a public notice (公示) of needs and projects with no personal
//! data, and a meeting sign-in sheet (签到表).
//!
//! Why HTML and not PDF: every office computer has a browser that lays out and prints Chinese
//! text correctly (line breaking, A4 pages, a header row repeated on every page through
//! `thead`), with the CJK fonts Windows and macOS ship; a PDF writer would need us to shape and
//! wrap CJK text by hand. `embed_font` puts the app's bundled Noto Sans SC subset into the file
//! for a machine with no CJK font at all (the file grows by ~4.5 MB).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use gridbook_model::ids::MeetingId;
use gridbook_model::ledger::Places;
use gridbook_model::scope::Scope;
use gridbook_model::summary::NeedSummary;
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::{Route, Stage};
use gridbook_model::{ExportRecord, Gridbook};

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
        parts.push(format!("{u}单元"));
    }
    if let Some(room) = &r.room {
        parts.push(format!("{room}室"));
    }
    parts.join(" ")
}

/// The sign-in sheet: the meeting's facts, then one numbered line per resident signed in
/// already and `blank` empty lines to sign on.
fn sign_in_html(
    m: &gridbook_model::MeetingView,
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
    body.push_str("<table>\n<thead><tr><th style=\"width:3em\">序号</th><th style=\"width:9em\">姓名</th><th>楼栋/单元/室</th><th style=\"width:10em\">联系电话</th><th style=\"width:10em\">签名</th><th style=\"width:6em\">备注</th></tr></thead>\n<tbody>\n");
    for (i, (name, home)) in signed.iter().enumerate() {
        let _ = writeln!(
            body,
            "<tr class=\"blank\"><td class=\"n\">{}</td><td>{}</td><td>{}</td><td></td><td></td><td>已签到</td></tr>",
            i + 1,
            esc(name),
            esc(home)
        );
    }
    for i in 0..blank {
        let _ = writeln!(
            body,
            "<tr class=\"blank\"><td class=\"n\">{}</td><td></td><td></td><td></td><td></td><td></td></tr>",
            signed.len() + i + 1
        );
    }
    body.push_str("</tbody>\n</table>\n<p class=\"foot\"><span>应到　　人，实到　　人</span><span>记录人：</span></p>\n");
    page(&format!("{} 签到表", m.title), false, embed_font, &body)
}
