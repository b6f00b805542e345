//! Helpers shared by Gridbook's tests and benchmarks: deterministic data (a directory of
//! communities and grids, needs with realistic Chinese titles, a bulk plan spread over months),
//! a settable device clock, and the benchmark report.

pub mod data;
pub mod report;
