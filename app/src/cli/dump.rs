//! `gridbook dump`: every document as canonical JSON.

use anyhow::Result;

use super::Ctx;

pub(super) fn run(ctx: &Ctx) -> Result<String> {
    let mut book = ctx.open()?;
    super::output::json(&book.dump()?)
}
