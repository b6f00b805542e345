//! gridbook-tests' suites in one test binary, so CI links it once: replicas converging,
//! roles and forged actors, encryption and power cuts, interrupted sessions and a faulty
//! network. The decoders' mutation pass is a binary of its own (`tests/decoders.rs`).
//!
//! proptest keeps `convergence`'s regressions in `../proptest-regressions/convergence.txt`:
//! where its default persistence looks for a module of a crate whose root is `main.rs`.

mod actor_index;
mod clock_skew;
mod convergence;
mod encryption;
mod forged_actors;
mod interrupted;
mod network;
mod power_cut;
mod reentered;
mod replicas;
mod roles;
mod sync_messages;

/// An environment knob: variable `name` as a number, else `default`.
fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
