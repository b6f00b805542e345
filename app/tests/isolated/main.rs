//! The app's process tests that must not run beside other tests: `crash` SIGKILLs `gridbook`
//! at random moments within how long a command takes here; `netns` and `relay` make network
//! namespaces and veth pairs (as root) and bound how long their syncs take. Apart from the
//! other process tests (`commands`, another binary) and, through [`alone`], from each other.

#[path = "../common/mod.rs"]
mod common;

mod crash;
mod netns;
mod relay;

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Who runs now: the tests that hold [`shared`] side by side, or one that holds [`alone`].
static RUNNING: RwLock<()> = RwLock::new(());

/// Held for a whole test that runs with no other test of this binary.
pub fn alone() -> RwLockWriteGuard<'static, ()> {
    RUNNING.write().unwrap_or_else(PoisonError::into_inner)
}

/// Held for a whole test that may run beside the others holding it, never beside [`alone`].
pub fn shared() -> RwLockReadGuard<'static, ()> {
    RUNNING.read().unwrap_or_else(PoisonError::into_inner)
}
