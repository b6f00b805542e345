//! `gridbook demo` and `gridbook --demo`: a demo network, made once, never in the user's data.

use std::time::Instant;

use anyhow::Result;

use gridbook_model::Gridbook;

use super::Ctx;
use super::error::{CliError, Doing as _, Step};
use crate::demo;

/// Makes the demo data in `ctx`'s directory unless it is there already; tells stderr how it goes.
/// Demo data an earlier Gridbook wrote, which this one refuses (its store format, or unsigned
/// changes), is moved aside and made afresh: it is only a demo.
pub(crate) fn ensure(ctx: &Ctx, scale: u32) -> Result<()> {
    let file = ctx.data.join(gridbook_model::store::STORE_FILE);
    if file.exists() {
        use gridbook_model::store::StoreError;
        let schema = match Gridbook::open(&ctx.data, &super::passphrase::demo()?) {
            Err(gridbook_model::Error::Store(
                StoreError::Unsigned { schema, .. } | StoreError::Unencrypted { schema, .. },
            )) => schema,
            // It opens, or fails for a reason the app reports when it opens it.
            _ => return Ok(()),
        };
        let aside = file.with_extension(format!("redb.schema-{schema}"));
        std::fs::rename(&file, &aside).doing(Step::MoveAside(file.clone()))?;
        eprintln!(
            "the demo data was made by an earlier Gridbook (store schema {schema}): moved to {}, making it afresh",
            aside.display()
        );
    }
    run(ctx, scale).map(|summary| eprint!("{summary}"))
}

/// `gridbook demo [--scale N]`: fills an empty data directory with the demo network.
pub(crate) fn run(ctx: &Ctx, scale: u32) -> Result<String> {
    if !(1..=100).contains(&scale) {
        return Err(CliError::Scale.into());
    }
    let started = Instant::now();
    eprintln!("making demo data (scale {scale}) in {}", ctx.data.display());
    // The demo network opens with no prompt: GRIDBOOK_PASSPHRASE, else a passphrase printed
    // here (see passphrase.rs).
    let passphrase = super::passphrase::demo()?;
    super::passphrase::tell_demo();
    let counts = demo::generate(&ctx.data, scale, &passphrase, |step| {
        eprintln!("  {:>5.1} s  {step}…", started.elapsed().as_secs_f64());
    })?;
    Ok(format!(
        "demo network 凤凰台街道 ready in {:.1} s: {} residents, {} needs, {} meetings, {} volunteers, {} attendances\n",
        started.elapsed().as_secs_f64(),
        counts.residents,
        counts.needs,
        counts.meetings,
        counts.volunteers,
        counts.attendances
    ))
}
