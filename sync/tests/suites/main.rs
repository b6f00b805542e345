//! gridbook-sync's integration tests in one test binary, so CI links it once: sessions driven
//! in memory, bundles carried by hand, and real iroh on loopback (pairing, live sync,
//! membership, a relay set while a node runs).

mod common;

mod bundle;
mod live;
mod membership;
mod pairing;
mod relay;
mod session;
