//! `gridbook status`: what this device holds.

use std::collections::BTreeMap;

use anyhow::Result;
use gridbook_model::vocab::Stage;
use serde_json::json;

use super::{Ctx, output};
use crate::i18n::tr;

pub(super) fn run(ctx: &Ctx, as_json: bool) -> Result<String> {
    let mut book = ctx.open()?;
    let summaries = book.need_summaries()?;
    let mut by_stage: BTreeMap<Stage, usize> = Stage::ALL.iter().map(|s| (*s, 0)).collect();
    for n in &summaries {
        *by_stage.entry(n.stage).or_default() += 1;
    }
    let summary_rows = book.store().summary_count()?;
    let meetings = book.meeting_summaries()?.len();
    let volunteers = book.volunteer_summaries()?.len();
    let activities = book.activity_summaries()?.len();
    let residents = if book.network()?.is_some() {
        book.directory_view()?.residents
    } else {
        0
    };
    let docs: Vec<String> = book.doc_ids()?.iter().map(|d| d.to_string()).collect();
    let size = book.store().file_size();
    let path = book.store().path().display().to_string();
    let device_id = book.device().id_hex();
    let tag = book.device().tag().to_string();
    let network = book.network()?;
    let member = book.member()?;
    let member_name = match &member {
        Some(m) => book.member_record(m).ok().map(|r| r.name),
        None => None,
    };
    if as_json {
        let stages: serde_json::Map<String, serde_json::Value> = by_stage
            .iter()
            .map(|(s, n)| (s.token().to_string(), json!(n)))
            .collect();
        return output::json(&json!({
            "device": {"id": device_id, "tag": tag},
            "member": member,
            "network": network.as_ref().map(|n| json!({"id": n.id, "subdistrict": n.subdistrict})),
            "store": {"path": path, "size_bytes": size},
            "documents": docs,
            "summary_rows": summary_rows,
            "needs": {"total": summaries.len(), "by_stage": stages},
            "meetings": meetings,
            "volunteers": volunteers,
            "activities": activities,
            "residents": residents,
        }));
    }
    let mut out = String::new();
    let mut line = |label: String, value: String| {
        out.push_str(&format!("{}{value}\n", output::pad(&label, 10)));
    };
    line(
        tr!("cli.status.device"),
        tr!("cli.status.device_tag", id = device_id, tag = tag),
    );
    line(
        tr!("cli.status.member"),
        match (&member, &member_name) {
            (Some(m), Some(n)) => format!("{m} ({n})"),
            (Some(m), None) => m.to_string(),
            (None, _) => tr!("cli.status.no_member"),
        },
    );
    line(
        tr!("cli.status.network"),
        match &network {
            Some(n) => format!("{}  {}", n.id, n.subdistrict),
            None => tr!("cli.status.no_network"),
        },
    );
    line(
        tr!("cli.status.store"),
        format!("{path} ({})", human_size(size)),
    );
    line(tr!("cli.status.summary_rows"), summary_rows.to_string());
    out.push_str(&tr!("cli.status.documents", count = docs.len()));
    for d in &docs {
        out.push_str(&format!("  {d}\n"));
    }
    out.push_str(&format!(
        "{}{}\n",
        output::pad(&tr!("cli.status.records"), 10),
        tr!(
            "cli.status.records_count",
            residents = residents,
            meetings = meetings,
            volunteers = volunteers,
            activities = activities
        )
    ));
    out.push_str(&tr!("cli.status.needs", count = summaries.len()));
    for (s, n) in &by_stage {
        out.push_str(&format!("  {}{n:>6}\n", output::pad(&output::term(*s), 14)));
    }
    Ok(out)
}

fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b < KIB => format!("{b} B"),
        b if b < KIB * KIB => format!("{:.1} KiB", b as f64 / KIB as f64),
        b => format!("{:.1} MiB", b as f64 / (KIB * KIB) as f64),
    }
}
