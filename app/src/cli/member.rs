//! `gridbook member …`: people who use Gridbook.

use anyhow::Result;

use super::{Ctx, MemberCommand};

pub(super) fn run(ctx: &Ctx, cmd: MemberCommand) -> Result<String> {
    let mut book = ctx.open()?;
    match cmd {
        MemberCommand::Add { name, role } => {
            let id = book.add_member(&name, role)?;
            Ok(format!("{id}\n"))
        }
        MemberCommand::Use { member } => {
            let id = book.resolve_member(&member)?;
            book.set_member(&id)?;
            let name = book.member_record(&id)?.name;
            Ok(format!("this device is now used by {id} ({name})\n"))
        }
    }
}
