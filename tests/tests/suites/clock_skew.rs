//! Clocks that lie: a need edited in turn by devices whose clocks say next year, 1970 and
//! today shows its history in the order the edits were made (each after the edits its device
//! had seen), on every device, after restarts, whatever the timestamps say. (Convergence with
//! such clocks is the second property in network.rs.)

use gridbook_model::time::Timestamp;
use gridbook_tests::net::Fault;
use gridbook_tests::world::{Edit, NEXT_YEAR, START, world};

#[test]
fn a_need_s_history_follows_causality_whatever_the_clocks_say() {
    let mut w = world(3).unwrap();
    let clocks = [NEXT_YEAR, Timestamp(0), START];
    for (r, clock) in w.net.replicas.iter_mut().zip(clocks) {
        r.set_now(Some(clock));
    }
    // Device 1 (1970) records the need; then each device in turn takes the next step after
    // syncing with the one before it: 1 → 0 → 2 → 1 → 0 → 2.
    let chain = [1usize, 0, 2, 1, 0, 2];
    w.edit(chain[0], &Edit::AddNeed { category: 0 });
    for (step, pair) in chain.windows(2).enumerate() {
        w.net
            .burst(pair[0], pair[1], &[Fault::Deliver], 10)
            .unwrap();
        w.edit(pair[1], &Edit::Advance { need: 0, step });
        assert_eq!(
            w.acked.refused, 0,
            "step {step} on device {} was refused",
            pair[1]
        );
    }
    w.net.final_exchange(10).unwrap();
    let need = w.acked.needs[0].clone();
    let ids: Vec<String> = w.net.replicas.iter().map(|r| r.id.clone()).collect();
    let expected: Vec<&str> = chain.iter().map(|&d| ids[d].as_str()).collect();
    for (i, r) in w.net.replicas.iter_mut().enumerate() {
        r.restart().unwrap();
        let history = r.book().need_history(&need).unwrap();
        let devices: Vec<&str> = history.iter().map(|e| e.device.as_str()).collect();
        assert_eq!(
            devices, expected,
            "device {i} shows the history out of causal order"
        );
        assert!(history[0].created);
        let times: Vec<i64> = history.iter().map(|e| e.at.0).collect();
        assert!(
            !times.is_sorted() && !times.iter().rev().is_sorted(),
            "the clocks really disagree: {times:?}"
        );
    }
    w.check_converged().unwrap();
}
