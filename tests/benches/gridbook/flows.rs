//! The taps the daily jobs take (`gridbook::flows`: the real app under kittest, each job
//! checked in the store after): a need at a door, a walk-in signed in, a ballot, a follow-up
//! marked done.

use anyhow::Result;
use gridbook_tests::report::{Report, Target};

/// Runs every flow once and reports its taps against its most.
pub(crate) fn bench_flows(report: &mut Report) -> Result<()> {
    for flow in gridbook::flows::all() {
        report.check(
            &format!("taps.{}", flow.name),
            f64::from(flow.interactions),
            "taps",
            Target::AtMost(f64::from(flow.most)),
        );
    }
    Ok(())
}
