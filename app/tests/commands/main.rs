//! The app's process tests: the real `gridbook` binary run on temporary data directories, its
//! commands end to end. One test binary, so the app and egui are linked once for all of them.
//! The suites that SIGKILL `gridbook` at random moments or make network namespaces are in
//! `isolated`.

#[path = "../common/mod.rs"]
mod common;

mod bundle;
mod cli;
mod deliberation;
mod exports;
mod imports;
mod ledger_numbers;
mod office;
mod owner;
mod passphrase;
mod printouts;
mod sync;
