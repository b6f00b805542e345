//! Finding a resident as a person types (`gridbook_model::register_search`): a register of
//! 20,000 residents in 100 buildings, searched keystroke by keystroke the three ways people
//! search (a name, a phone's last digits, building/unit/room), each keystroke timed.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use gridbook_model::register_search::RegisterIndex;
use gridbook_model::time::Timestamp;
use gridbook_model::{Building, Resident};
use gridbook_tests::data::Rng;
use gridbook_tests::report::{Report, Target, median, percentile};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "秀英", "桂英", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇",
];

/// Times `residents` searched as typed; prints the p99 per keystroke against 50 ms.
pub(crate) fn bench_register(report: &mut Report, residents: usize) -> Result<()> {
    let mut rng = Rng::new(20_000);
    let buildings: BTreeMap<String, Building> = (1..=100)
        .map(|b| {
            (
                format!("zt-g{}-b{b}", b % 8),
                Building {
                    grid: format!("zt-g{}", b % 8),
                    name: format!("{b}号楼"),
                },
            )
        })
        .collect();
    let building_ids: Vec<String> = buildings.keys().cloned().collect();
    let mut register = BTreeMap::new();
    for i in 0..residents {
        let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
        let building = building_ids[i % building_ids.len()].clone();
        let resident = Resident {
            name,
            phone: rng
                .chance(0.8)
                .then(|| format!("13{:09}", rng.next_u64() % 1_000_000_000)),
            community: "zt".into(),
            grid: Some(buildings[&building].grid.clone()),
            building: Some(building),
            unit: Some(format!("{}", 1 + rng.below(6))),
            room: Some(format!("{}{:02}", 1 + rng.below(18), 1 + rng.below(4))),
            merged_into: None,
            walk_in: false,
            added_at: Timestamp(0),
        };
        register.insert(format!("R-BENCH0-{i}"), resident);
    }
    let started = Instant::now();
    let index = RegisterIndex::new(&register, &buildings);
    let build_ms = started.elapsed().as_secs_f64() * 1e3;

    // What people type, one keystroke at a time: names, a phone's last four digits typed from
    // the first, addresses written two ways.
    let mut typed: Vec<String> = Vec::new();
    let residents_typed: Vec<&Resident> = register
        .values()
        .step_by(residents.div_ceil(60).max(1))
        .collect();
    for r in residents_typed {
        typed.push(r.name.clone());
        if let Some(phone) = &r.phone {
            typed.push(phone[phone.len() - 4..].to_string());
        }
        let b = buildings[r.building.as_ref().expect("every bench resident has one")]
            .name
            .clone();
        typed.push(format!(
            "{} {} {}",
            b.trim_end_matches("号楼"),
            r.unit.as_deref().unwrap_or(""),
            r.room.as_deref().unwrap_or("")
        ));
        typed.push(format!(
            "{b}{}单元{}",
            r.unit.as_deref().unwrap_or(""),
            r.room.as_deref().unwrap_or("")
        ));
    }
    let mut times = Vec::new();
    let mut found = 0usize;
    for query in &typed {
        let chars: Vec<char> = query.chars().collect();
        for end in 1..=chars.len() {
            let so_far: String = chars[..end].iter().collect();
            let started = Instant::now();
            let hits = index.find(&so_far, 50);
            times.push(started.elapsed().as_secs_f64() * 1e3);
            found += hits.len();
        }
    }
    report.info("register_search.residents", residents as f64, "residents");
    report.info("register_search.index_build", build_ms, "ms");
    report.info(
        "register_search.keystrokes",
        times.len() as f64,
        "keystrokes",
    );
    report.info(
        "register_search.hits_per_keystroke",
        found as f64 / times.len().max(1) as f64,
        "residents",
    );
    report.info("register_search.keystroke_p50", median(&times), "ms");
    report.check(
        "register_search.keystroke_p99",
        percentile(&times, 99.0),
        "ms",
        Target::AtMost(50.0),
    );
    Ok(())
}
