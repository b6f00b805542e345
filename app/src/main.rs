//! The gridbook binary (being written).
fn main() {}
