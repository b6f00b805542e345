//! `gridbook init`: found a network on this device.

use anyhow::Result;

use super::{CliError, Ctx, InitArgs};

pub(super) fn run(ctx: &Ctx, args: InitArgs) -> Result<String> {
    // Checked before the store is created, so a bad command line leaves no file behind.
    if args.subdistrict.trim().is_empty() || args.name.trim().is_empty() {
        return Err(CliError::InitNames.into());
    }
    let mut book = ctx.open_or_create()?;
    let member = book.init_network(&args.subdistrict, &args.name)?;
    let network = book.network()?.map(|n| n.id).unwrap_or_else(|| "-".into());
    Ok(format!(
        "device   {}\nnetwork  {network}\nmember   {member}\n",
        book.device().id_hex()
    ))
}
