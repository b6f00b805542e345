//! `gridbook resident …`: the residents' register.

use anyhow::Result;
use gridbook_model::NewResident;
use gridbook_model::need::mask_phone;
use serde_json::json;

use super::{Ctx, ResidentCommand, output};
use crate::i18n::tr;

pub(super) fn run(ctx: &Ctx, cmd: ResidentCommand) -> Result<String> {
    let mut book = ctx.open()?;
    match cmd {
        ResidentCommand::Add(a) => {
            let id = book.add_resident(NewResident {
                name: a.name,
                phone: a.phone,
                building: a.building,
                grid: a.grid,
                unit: a.unit,
                room: a.room,
            })?;
            Ok(format!("{id}\n"))
        }
        ResidentCommand::List(flags) => {
            let mut residents: Vec<_> = book.residents()?.into_iter().collect();
            residents.sort_by(|(a, _), (b, _)| output::id_order(a).cmp(&output::id_order(b)));
            if flags.json {
                let list: Vec<serde_json::Value> = residents
                    .iter()
                    .map(|(id, r)| {
                        json!({
                            "id": id,
                            "name": r.name,
                            "phone": r.phone,
                            "community": r.community,
                            "grid": r.grid,
                            "building": r.building,
                            "unit": r.unit,
                            "room": r.room,
                            "merged_into": r.merged_into,
                            "added_at": r.added_at,
                            "walk_in": r.walk_in,
                        })
                    })
                    .collect();
                return output::json(&list);
            }
            if residents.is_empty() {
                return Ok("no residents in the register yet\n".into());
            }
            let rows: Vec<Vec<String>> = residents
                .iter()
                .map(|(id, r)| {
                    let address = r.address();
                    vec![
                        id.clone(),
                        r.name.clone(),
                        output::or_dash(r.phone.as_deref().map(mask_phone)),
                        output::or_dash(r.grid.as_deref()),
                        if address.is_empty() {
                            "-".into()
                        } else {
                            address
                        },
                        r.merged_into
                            .as_ref()
                            .map(|m| tr!("cli.resident.merged_into", into = m))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(output::table_of(
                &[
                    "cli.col.id",
                    "cli.col.name",
                    "cli.col.phone",
                    "cli.col.grid",
                    "cli.col.address",
                    "",
                ],
                &rows,
            ))
        }
        ResidentCommand::Merge { duplicate, into } => {
            book.merge_resident(&duplicate, &into)?;
            Ok(tr!(
                "cli.resident.merged",
                duplicate = duplicate,
                into = into
            ))
        }
    }
}
