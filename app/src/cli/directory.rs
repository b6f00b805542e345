//! `gridbook directory …`: places and members.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use gridbook_model::{DirectoryView, PlaceKind};

use super::{AddPlace, Ctx, DirectoryCommand, output};
use crate::i18n::tr;
use gridbook_model::RecordKind;

pub(super) fn run(ctx: &Ctx, cmd: DirectoryCommand) -> Result<String> {
    let mut book = ctx.open()?;
    match cmd {
        DirectoryCommand::Add(place) => {
            let (kind, parent, code, name) = match place {
                AddPlace::Community { code, name } => (PlaceKind::Community, None, code, name),
                AddPlace::Courtyard { parent, code, name } => {
                    (PlaceKind::Courtyard, Some(parent), code, name)
                }
                AddPlace::Grid { parent, code, name } => {
                    (PlaceKind::Grid, Some(parent), code, name)
                }
                AddPlace::Building { parent, code, name } => {
                    (PlaceKind::Building, Some(parent), code, name)
                }
            };
            let id = book.add_place(kind, parent.as_deref(), &code, &name)?;
            Ok(format!("{id}\n"))
        }
        DirectoryCommand::List(flags) => {
            let view = book.directory_view()?;
            if flags.json {
                return output::json(&view);
            }
            let me = book.member()?;
            Ok(text(&view, me.as_ref().map(|m| m.as_str())))
        }
    }
}

/// The directory as an indented tree: communities, their courtyards and grids, the grids'
/// buildings; then the members. Places whose parent this device does not have (yet) are listed
/// at the end rather than hidden.
fn text(view: &DirectoryView, me: Option<&str>) -> String {
    let mut out = String::new();
    match &view.network {
        Some(n) => out.push_str(&tr!(
            "cli.directory.network",
            id = n.id,
            subdistrict = n.subdistrict
        )),
        None => out.push_str(&tr!("cli.directory.no_network")),
    }
    // Every place, by id: (kind, name, parent).
    let mut places: BTreeMap<&str, (RecordKind, &str, Option<&str>)> = BTreeMap::new();
    for (kind, map) in [
        (RecordKind::Community, &view.communities),
        (RecordKind::Courtyard, &view.courtyards),
        (RecordKind::Grid, &view.grids),
        (RecordKind::Building, &view.buildings),
    ] {
        for (id, p) in map {
            places.insert(id, (kind, &p.name, p.parent.as_deref()));
        }
    }
    let mut children: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut roots = Vec::new();
    for (id, (_, _, parent)) in &places {
        match parent {
            Some(p) if places.contains_key(p) => children.entry(p).or_default().push(id),
            _ => roots.push(*id),
        }
    }
    let mut rows = Vec::new();
    let mut shown = BTreeSet::new();
    fn walk<'a>(
        id: &'a str,
        depth: usize,
        places: &BTreeMap<&'a str, (RecordKind, &'a str, Option<&'a str>)>,
        children: &BTreeMap<&'a str, Vec<&'a str>>,
        rows: &mut Vec<Vec<String>>,
        shown: &mut BTreeSet<&'a str>,
    ) {
        if !shown.insert(id) {
            return;
        }
        let (kind, name, parent) = places[id];
        let mut label = format!("{}{id}", "  ".repeat(depth));
        if depth == 0
            && let Some(p) = parent
        {
            label.push_str(&tr!("cli.directory.parent_missing", parent = p));
        }
        let kind = match crate::i18n::language() {
            crate::i18n::Language::Chinese => kind.zh(),
            crate::i18n::Language::English => kind.en(),
        };
        rows.push(vec![label, kind.to_string(), name.to_string()]);
        for child in children.get(id).into_iter().flatten() {
            walk(child, depth + 1, places, children, rows, shown);
        }
    }
    // Communities first, then any place whose parent is missing.
    roots.sort_by_key(|id| (places[id].0 != RecordKind::Community, *id));
    for id in roots {
        walk(id, 0, &places, &children, &mut rows, &mut shown);
    }
    if rows.is_empty() {
        out.push_str(&tr!("cli.directory.no_places"));
    } else {
        out.push('\n');
        out.push_str(&output::table_of(
            &["cli.col.place", "cli.col.kind", "cli.col.name"],
            &rows,
        ));
    }
    let mut members: Vec<_> = view.members.iter().collect();
    members.sort_by(|(a, _), (b, _)| output::id_order(a).cmp(&output::id_order(b)));
    let members: Vec<Vec<String>> = members
        .into_iter()
        .map(|(id, m)| {
            let mark = if Some(id.as_str()) == me { "*" } else { "" };
            vec![format!("{id}{mark}"), output::term(m.role), m.name.clone()]
        })
        .collect();
    if !members.is_empty() {
        out.push('\n');
        out.push_str(&output::table_of(
            &["cli.col.member", "cli.col.role", "cli.col.name"],
            &members,
        ));
        if me.is_some() {
            out.push_str(&tr!("cli.directory.this_device"));
        }
    }
    out.push_str(&tr!("cli.directory.residents", count = view.residents));
    out
}
