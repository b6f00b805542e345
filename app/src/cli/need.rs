//! `gridbook need …`: residents' needs and their five-step loop.

use anyhow::Result;
use gridbook_model::conflict::Conflict;
use gridbook_model::ids::NeedId;
use gridbook_model::need::{Need, Transition, TransitionError, mask_phone, plan_transition};
use gridbook_model::summary::NeedSummary;
use gridbook_model::time::Timestamp;
use gridbook_model::vocab::{Claimant, CloseReason, Difficulty, Route, Stage};
use gridbook_model::{Gridbook, NeedEdit, NewNeed};
use serde_json::{Value, json};

use super::{CliError, Ctx, NeedAdvanceArgs, NeedCommand, NeedEditArgs, NeedListArgs, output};
use crate::i18n::tr;

pub(super) fn run(ctx: &Ctx, cmd: NeedCommand) -> Result<String> {
    let mut book = ctx.open()?;
    match cmd {
        NeedCommand::Add(a) => {
            let mut new = NewNeed::new(a.title, a.category, a.grid);
            new.building = a.building;
            new.resident = a.resident;
            new.resident_name = a.resident_name;
            new.phone = a.phone;
            if let Some(s) = a.source {
                new.source = s;
            }
            if let Some(l) = a.level {
                new.level = l;
            }
            new.due = a.due;
            new.description = a.description.unwrap_or_default();
            let id = book.add_need(new)?;
            Ok(format!("{id}\n"))
        }
        NeedCommand::List(args) => list(&mut book, args),
        NeedCommand::Show { id, json } => {
            let id = id.resolve(&book)?;
            show(&mut book, &id, json)
        }
        NeedCommand::History { id, json } => {
            let id = id.resolve(&book)?;
            let history = book.need_history(&id)?;
            if json {
                return output::json(&history);
            }
            Ok(history
                .iter()
                .map(|e| {
                    let who = e
                        .who
                        .clone()
                        .unwrap_or_else(|| tr!("cli.need.unlisted_device"));
                    let what = if e.created {
                        tr!("cli.need.recorded")
                    } else {
                        e.what.clone()
                    };
                    format!(
                        "{}  {who} ({})  {what}\n",
                        e.at.to_rfc3339(),
                        &e.device[..8]
                    )
                })
                .collect())
        }
        NeedCommand::Advance(args) => {
            let id = args.id.resolve(&book)?;
            let step = transition(&mut book, &id, &args)?;
            match (&step, &args.duplicate_of) {
                (Transition::Close { note, .. }, Some(original)) if closes_as_duplicate(&args) => {
                    let original = original.resolve(&book)?;
                    book.close_as_duplicate(&id, &original, note.clone())?;
                }
                _ => book.advance_need(&id, &step)?,
            }
            Ok(tr!(
                "cli.need.advanced",
                id = id,
                stage = output::term(step.target())
            ))
        }
        NeedCommand::Assign { id, to } => {
            let id = id.resolve(&book)?;
            let member = book.resolve_member(&to)?;
            book.assign_need(&id, &member)?;
            let name = book.member_record(&member)?.name;
            Ok(tr!(
                "cli.need.assigned",
                id = id,
                member = member,
                name = name
            ))
        }
        NeedCommand::Edit(args) => edit(&mut book, args),
        NeedCommand::Progress { id, note } => {
            let id = id.resolve(&book)?;
            book.add_progress(&id, &note)?;
            Ok(tr!("cli.need.progress_noted", id = id))
        }
        NeedCommand::Overdue(flags) => {
            let today = Timestamp::now().day();
            let rows = book.overdue_needs(today)?;
            if flags.json {
                return output::json(&rows);
            }
            if rows.is_empty() {
                return Ok(tr!("cli.need.none_overdue", today = today));
            }
            Ok(summary_table(&rows))
        }
    }
}

fn list(book: &mut Gridbook, args: NeedListArgs) -> Result<String> {
    let grid = match &args.grid {
        Some(g) => Some(book.resolve_grid(g)?.0),
        None => None,
    };
    let mut rows: Vec<NeedSummary> = book
        .need_summaries()?
        .into_iter()
        .filter(|n| args.stage.is_none_or(|s| n.stage == s))
        .filter(|n| args.category.is_none_or(|c| n.category == c))
        .filter(|n| grid.as_ref().is_none_or(|g| &n.grid == g))
        .collect();
    rows.sort_by(|a, b| output::id_order(a.id.as_str()).cmp(&output::id_order(b.id.as_str())));
    if args.json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        let filtered = args.stage.is_some() || args.category.is_some() || grid.is_some();
        return Ok(if filtered {
            tr!("cli.need.none_match")
        } else {
            tr!("cli.need.none_yet")
        });
    }
    Ok(summary_table(&rows))
}

/// Needs as aligned columns; phones masked.
fn summary_table(rows: &[NeedSummary]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|n| {
            let mut title = output::truncate(&n.title, 30);
            if !n.conflicts.is_empty() {
                title = format!("⚠ {title}");
            }
            vec![
                n.id.to_string(),
                n.ledger_no.clone(),
                output::term(n.stage),
                output::term(n.category),
                n.grid.clone(),
                title,
                output::or_dash(n.resident_name.as_deref()),
                output::or_dash(n.phone.as_deref().map(mask_phone)),
                output::or_dash(n.due),
            ]
        })
        .collect();
    let mut out = output::table_of(
        &[
            "cli.col.id",
            "cli.col.ledger_no",
            "cli.col.stage",
            "cli.col.category",
            "cli.col.grid",
            "cli.col.title",
            "cli.col.resident",
            "cli.col.phone",
            "cli.col.due",
        ],
        &cells,
    );
    if rows.iter().any(|n| !n.conflicts.is_empty()) {
        out.push_str(&tr!("cli.need.conflicts_listed"));
    }
    out
}

/// A need as plain JSON: Text as a string, vocabulary as tokens, times as milliseconds.
fn need_json(need: &Need, conflicts: &[Conflict]) -> Value {
    let progress: serde_json::Map<String, Value> = need
        .progress
        .iter()
        .map(|(k, p)| (k.clone(), json!({"at": p.at, "by": p.by, "text": p.text})))
        .collect();
    json!({
        "id": need.id,
        "ledger_no": need.ledger_no,
        "title": need.title,
        "description": need.description.as_str(),
        "category": need.category,
        "source": need.source,
        "community": need.community,
        "grid": need.grid,
        "building": need.building,
        "resident": need.resident,
        "resident_name": need.resident_name,
        "phone": need.phone,
        "reporter": need.reporter,
        "assignee": need.assignee,
        "created_at": need.created_at,
        "due": need.due,
        "level": need.level,
        "stage": need.stage,
        "reasonable": need.reasonable,
        "difficulty": need.difficulty,
        "duplicate_of": need.duplicate_of,
        "route": need.route,
        "project_kind": need.project_kind,
        "plan": need.plan,
        "claimant": need.claimant,
        "claimant_name": need.claimant_name,
        "progress": progress,
        "satisfaction": need.satisfaction,
        "evaluation": need.evaluation,
        "feedback_given": need.feedback_given,
        "close_reason": need.close_reason,
        "close_note": need.close_note,
        "stage_times": need.stage_times,
        "conflicts": conflicts,
    })
}

fn show(book: &mut Gridbook, id: &NeedId, json: bool) -> Result<String> {
    let need = book.need(id)?;
    let conflicts = book.need_conflicts(id)?;
    if json {
        return output::json(&need_json(&need, &conflicts));
    }
    let mut who = |m: &Option<gridbook_model::ids::MemberId>| match m {
        None => "-".to_string(),
        Some(m) => match book.member_record(m) {
            Ok(r) => format!("{m} ({})", r.name),
            Err(_) => m.to_string(),
        },
    };
    let yes_no = |b: Option<bool>| b.map(|b| if b { tr!("cli.yes") } else { tr!("cli.no") });
    let mut fields: Vec<(String, String)> = vec![
        (tr!("cli.need.field.ledger_no"), need.ledger_no.clone()),
        (tr!("cli.need.field.title"), need.title.clone()),
        (tr!("cli.need.field.stage"), output::term(need.stage)),
        (tr!("cli.need.field.category"), output::term(need.category)),
        (tr!("cli.need.field.source"), output::term(need.source)),
        (tr!("cli.need.field.level"), output::term(need.level)),
        (tr!("cli.need.field.grid"), need.grid.clone()),
        (
            tr!("cli.need.field.building"),
            output::or_dash(need.building.as_deref()),
        ),
        (
            tr!("cli.need.field.resident"),
            output::or_dash(need.resident.as_ref()),
        ),
        (
            tr!("cli.need.field.name"),
            output::or_dash(need.resident_name.as_deref()),
        ),
        (
            tr!("cli.need.field.phone"),
            output::or_dash(need.phone.as_deref()),
        ),
        (tr!("cli.need.field.reporter"), who(&need.reporter)),
        (tr!("cli.need.field.assignee"), who(&need.assignee)),
        (tr!("cli.need.field.recorded"), need.created_at.to_rfc3339()),
        (tr!("cli.need.field.due"), output::or_dash(need.due)),
    ];
    let optional: Vec<(String, Option<String>)> = vec![
        (tr!("cli.need.field.reasonable"), yes_no(need.reasonable)),
        (
            tr!("cli.need.field.difficulty"),
            need.difficulty.map(output::term),
        ),
        (
            tr!("cli.need.field.duplicate_of"),
            need.duplicate_of.as_ref().map(|d| d.to_string()),
        ),
        (tr!("cli.need.field.route"), need.route.map(output::term)),
        (
            tr!("cli.need.field.project_kind"),
            need.project_kind.map(output::term),
        ),
        (tr!("cli.need.field.plan"), need.plan.clone()),
        (
            tr!("cli.need.field.claimant"),
            need.claimant.map(output::term),
        ),
        (
            tr!("cli.need.field.claimant_name"),
            need.claimant_name.clone(),
        ),
        (
            tr!("cli.need.field.satisfaction"),
            need.satisfaction.map(|s| format!("{s}/5")),
        ),
        (tr!("cli.need.field.evaluation"), need.evaluation.clone()),
        (tr!("cli.need.field.fed_back"), yes_no(need.feedback_given)),
        (
            tr!("cli.need.field.close_reason"),
            need.close_reason.map(output::term),
        ),
        (tr!("cli.need.field.close_note"), need.close_note.clone()),
    ];
    fields.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    let mut out = format!("{}\n", need.id);
    let label_width = fields
        .iter()
        .map(|(k, _)| output::width(k))
        .max()
        .unwrap_or(0)
        + 2;
    for (k, v) in &fields {
        out.push_str(&format!("  {}{v}\n", output::pad(k, label_width)));
    }
    let description = need.description.as_str();
    if !description.trim().is_empty() {
        out.push_str(&tr!("cli.need.field.description"));
        out.push('\n');
        for line in description.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if !need.progress.is_empty() {
        out.push_str(&tr!("cli.need.field.progress"));
        out.push('\n');
        let mut notes: Vec<_> = need.progress.values().collect();
        notes.sort_by_key(|n| n.at);
        for n in notes {
            let by = n.by.as_ref().map(|b| format!("  {b}")).unwrap_or_default();
            out.push_str(&format!("  {}{by}  {}\n", n.at.to_rfc3339(), n.text));
        }
    }
    out.push_str(&tr!("cli.need.field.stages"));
    out.push('\n');
    let mut times: Vec<(Stage, Timestamp)> = need
        .stage_times
        .iter()
        .filter_map(|(k, t)| k.parse::<Stage>().ok().map(|s| (s, *t)))
        .collect();
    times.sort();
    for (s, t) in times {
        out.push_str(&format!(
            "  {}{}\n",
            output::pad(&output::term(s), 14),
            t.to_rfc3339()
        ));
    }
    for c in &conflicts {
        let values: Vec<String> = c.values.iter().map(plain).collect();
        out.push_str(&tr!(
            "cli.need.conflict",
            field = c.field,
            values = values.join(" | ")
        ));
    }
    let editable = ["title", "due", "level", "category", "description"];
    if let Some(c) = conflicts
        .iter()
        .find(|c| editable.contains(&c.field.as_str()))
    {
        out.push_str(&tr!("cli.need.settle", id = need.id, field = c.field));
    }
    Ok(out)
}

/// A JSON value for people: strings without quotes.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The step to `args.to`, from the flags given; says which required flags are missing and
/// refuses flags that belong to another step.
fn transition(book: &mut Gridbook, id: &NeedId, a: &NeedAdvanceArgs) -> Result<Transition> {
    use Stage::*;
    let given: &[(&str, bool, Stage)] = &[
        ("--category", a.category.is_some(), Classified),
        ("--reasonable", a.reasonable.is_some(), Classified),
        ("--difficulty", a.difficulty.is_some(), Classified),
        // A repeat names its original when classified, or when closed as a duplicate.
        (
            "--duplicate-of",
            a.duplicate_of.is_some() && !closes_as_duplicate(a),
            Classified,
        ),
        ("--route", a.route.is_some(), Designed),
        ("--kind", a.kind.is_some(), Designed),
        ("--plan", a.plan.is_some(), Designed),
        ("--claimant", a.claimant.is_some(), Implementing),
        ("--claimant-name", a.claimant_name.is_some(), Implementing),
        ("--satisfaction", a.satisfaction.is_some(), Evaluated),
        ("--evaluation", a.evaluation.is_some(), Evaluated),
        ("--feedback", a.feedback.is_some(), Evaluated),
        ("--reason", a.reason.is_some(), Closed),
        ("--note", a.note.is_some(), Closed),
    ];
    let stray: Vec<&str> = given
        .iter()
        .filter(|(_, present, stage)| *present && *stage != a.to)
        .map(|(flag, _, _)| *flag)
        .collect();
    if !stray.is_empty() {
        return Err(CliError::StrayFlags {
            flags: stray,
            stage: a.to,
        }
        .into());
    }
    let mut missing = Vec::new();
    let mut need = |flag: &'static str, present: bool| {
        if !present {
            missing.push(flag);
        }
    };
    if a.to == Discovered {
        return Err(CliError::BackToDiscovered.into());
    }
    // A step from the wrong stage is refused first: asking for flags would mislead.
    let current = book.need(id)?;
    if let Err(e @ TransitionError::WrongStage { .. }) = plan_transition(&current, &probe(a.to)) {
        return Err(e.into());
    }
    match a.to {
        Discovered | Closed => {}
        Classified => {
            need("--reasonable yes|no", a.reasonable.is_some());
            need("--difficulty", a.difficulty.is_some());
        }
        Designed => need("--route", a.route.is_some()),
        Implementing => {
            need("--claimant", a.claimant.is_some());
            need("--claimant-name", a.claimant_name.is_some());
        }
        Evaluated => {
            need("--satisfaction 1-5", a.satisfaction.is_some());
            need("--evaluation", a.evaluation.is_some());
            need("--feedback yes|no", a.feedback.is_some());
        }
    }
    if !missing.is_empty() {
        return Err(CliError::MissingFlags {
            flags: missing,
            stage: a.to,
        }
        .into());
    }
    Ok(match a.to {
        Classified => Transition::Classify {
            category: a.category,
            reasonable: a.reasonable.unwrap_or_default(),
            difficulty: a.difficulty.unwrap_or(Difficulty::Low),
            duplicate_of: a
                .duplicate_of
                .as_ref()
                .map(|d| d.resolve(book))
                .transpose()?,
        },
        Designed => Transition::Design {
            route: a.route.unwrap_or(Route::Direct),
            project_kind: a.kind,
            plan: a.plan.clone(),
        },
        Implementing => Transition::Claim {
            claimant: a.claimant.unwrap_or(Claimant::Community),
            claimant_name: a.claimant_name.clone().unwrap_or_default(),
        },
        Evaluated => Transition::Evaluate {
            satisfaction: a.satisfaction.unwrap_or_default(),
            evaluation: a.evaluation.clone().unwrap_or_default(),
            feedback_given: a.feedback.unwrap_or_default(),
        },
        Discovered | Closed => {
            let reason = match a.reason {
                Some(r) => r,
                None if current.stage == Evaluated => CloseReason::Completed,
                None => return Err(CliError::CloseNeedsReason.into()),
            };
            Transition::Close {
                reason,
                note: a.note.clone(),
            }
        }
    })
}

/// Whether the step closes the need as a repeat (`--to closed --reason duplicate`).
fn closes_as_duplicate(a: &NeedAdvanceArgs) -> bool {
    a.to == Stage::Closed && a.reason == Some(CloseReason::Duplicate)
}

/// Some step to `to`, only to ask the model whether the need's stage allows it.
fn probe(to: Stage) -> Transition {
    match to {
        Stage::Discovered | Stage::Classified => Transition::Classify {
            category: None,
            reasonable: true,
            difficulty: Difficulty::Low,
            duplicate_of: None,
        },
        Stage::Designed => Transition::Design {
            route: Route::Direct,
            project_kind: None,
            plan: None,
        },
        Stage::Implementing => Transition::Claim {
            claimant: Claimant::Community,
            claimant_name: String::new(),
        },
        Stage::Evaluated => Transition::Evaluate {
            satisfaction: 5,
            evaluation: String::new(),
            feedback_given: true,
        },
        Stage::Closed => Transition::Close {
            reason: CloseReason::Withdrawn,
            note: None,
        },
    }
}

/// `a`, `a and b`, `a, b and c`.
fn edit(book: &mut Gridbook, a: NeedEditArgs) -> Result<String> {
    let edit = NeedEdit {
        title: a.title,
        description: a.description,
        due: a.due,
        level: a.level,
        category: a.category,
    };
    if edit.title.is_none()
        && edit.description.is_none()
        && edit.due.is_none()
        && edit.level.is_none()
        && edit.category.is_none()
    {
        return Err(CliError::NothingToChange.into());
    }
    let id = a.id.resolve(book)?;
    book.edit_need_fields(&id, &edit)?;
    Ok(tr!("cli.need.updated", id = id))
}
