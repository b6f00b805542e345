//! Demo data that looks like the seed's Fenghuangtai: 8 communities with courtyards, grids and
//! buildings, residents, needs in every stage, meetings with votes, volunteer teams and hours.
//! Generated deterministically: the same scale gives the same store (the same `dump`).

use std::path::Path;

use anyhow::Result;
use gridbook_model::ids::{ResidentId, TeamId, VolunteerId};
use gridbook_model::need::Transition;
use gridbook_model::time::{Day, Timestamp};
use gridbook_model::vocab::{
    Category, Choice, Claimant, CloseReason, Difficulty, Level, MeetingLevel, MovementKind,
    ProjectKind, Role, Route, Source,
};
use gridbook_model::{Gridbook, NewMeeting, NewNeed, NewResident, NewVolunteer, PlaceKind};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The communities: the five the seed names, and three more to make its eight.
const COMMUNITIES: [(&str, &str); 8] = [
    ("zt", "中台社区"),
    ("dt", "东台社区"),
    ("xqd", "新桥东社区"),
    ("xqx", "新桥西社区"),
    ("zj", "珠玑社区"),
    ("xy", "向阳社区"),
    ("fs", "福山路社区"),
    ("hb", "海滨社区"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "林", "何", "高", "罗",
];
const GIVEN: &[&str] = &[
    "秀英", "桂兰", "建国", "明", "丽", "志强", "淑珍", "海燕", "伟", "芳", "玉兰", "德胜", "喆",
    "堃", "磊", "婷", "国华", "春梅",
];

const NEEDS: &[(Category, &str)] = &[
    (Category::ElderlyCare, "独居老人需要每日送餐"),
    (Category::HomeElderlyCare, "失能老人需要上门助浴"),
    (Category::Rehabilitation, "术后老人需要康复指导"),
    (Category::Hardship, "困难家庭申请临时救助"),
    (Category::Youth, "双职工家庭孩子放学无人看护"),
    (Category::Education, "居民希望开设智能手机培训"),
    (Category::Volunteering, "需要志愿者帮忙代购药品"),
    (Category::Facilities, "楼道化粪池堵塞需要疏通"),
    (Category::Facilities, "单元门禁损坏"),
    (Category::Facilities, "院内路灯不亮"),
    (Category::Dispute, "楼上漏水引发邻里纠纷"),
    (Category::Parking, "院内乱停车堵塞消防通道"),
    (Category::Other, "希望增设快递柜"),
];

const SOURCES: &[Source] = &[
    Source::DoorToDoor,
    Source::DoorToDoor,
    Source::ButlerStation,
    Source::PartyLine,
    Source::SelfGovernanceLine,
    Source::SocialOrgLine,
    Source::Meeting,
    Source::Online,
];

const TOPICS: &[(&str, &str)] = &[
    ("院内停车位划分", "划14个编号车位，抽签分配"),
    ("楼道堆物清理", "本月底前集中清理楼道杂物"),
    ("加装电梯意向", "同意启动加装电梯意见征集"),
    ("电动车充电桩", "在院内北侧安装充电桩"),
    ("垃圾分类督导", "每周二、五安排志愿者值守"),
];

/// What the generator made.
#[derive(Debug, Default)]
pub(crate) struct DemoCounts {
    /// Residents in the register.
    pub residents: usize,
    /// Needs.
    pub needs: usize,
    /// Meetings.
    pub meetings: usize,
    /// Volunteers.
    pub volunteers: usize,
    /// Time-bank attendances.
    pub attendances: usize,
}

fn name(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}{}",
        SURNAMES.choose(rng).unwrap_or(&"王"),
        GIVEN.choose(rng).unwrap_or(&"明")
    )
}

fn phone(rng: &mut ChaCha8Rng) -> String {
    format!(
        "1{}{:09}",
        [3, 5, 8].choose(rng).unwrap_or(&3),
        rng.random_range(0..1_000_000_000u64)
    )
}

/// A time on `day` at 01:00 China time (days are reckoned in China time).
fn at(day: Day) -> Timestamp {
    let start = day
        .0
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    Timestamp(start.map(|z| z.timestamp().as_millisecond()).unwrap_or(0) + 3_600_000)
}

/// Fills `data_dir` (which must not hold a store yet) with a demo network. `scale` 1 is about
/// one subdistrict-year. `progress` is told what is being made.
pub(crate) fn generate(
    data_dir: &Path,
    scale: u32,
    passphrase: &gridbook_model::Passphrase,
    mut progress: impl FnMut(&str),
) -> Result<DemoCounts> {
    let scale = scale.max(1) as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(2022);
    let mut key = [0u8; 32];
    rng.fill(&mut key);
    let mut book = Gridbook::create_with_key(data_dir, key, passphrase)?;
    let year_start = Day(jiff::civil::date(2026, 1, 5));
    book.set_now(Some(at(year_start)));
    let mut counts = DemoCounts::default();

    progress("directory");
    let admin = book.init_network("凤凰台街道", "赵敏")?;
    let staff: Vec<_> = ["王刚", "李娜", "陈静", "孙强"]
        .iter()
        .zip([
            Role::GridWorker,
            Role::GridWorker,
            Role::Facilitator,
            Role::VolunteerLead,
        ])
        .map(|(n, r)| book.add_member(n, r))
        .collect::<Result<_, _>>()?;
    let mut grids: Vec<(String, String, Vec<String>)> = Vec::new(); // (community, grid, buildings)
    let mut residents: Vec<(String, ResidentId)> = Vec::new(); // (grid, resident)
    book.batch(|book| {
        for (code, cname) in COMMUNITIES {
            book.add_place(PlaceKind::Community, None, code, cname)?;
            for c in 1..=2 {
                let courtyard = book.add_place(
                    PlaceKind::Courtyard,
                    Some(code),
                    &format!("y{c}"),
                    &format!("第{c}院落"),
                )?;
                for g in 1..=2 {
                    let n = (c - 1) * 2 + g;
                    let grid = book.add_place(
                        PlaceKind::Grid,
                        Some(&courtyard),
                        &format!("g{n}"),
                        &format!("第{n}网格"),
                    )?;
                    let mut buildings = Vec::new();
                    for b in 1..=4 {
                        let number = n * 10 + b;
                        buildings.push(book.add_place(
                            PlaceKind::Building,
                            Some(&grid),
                            &format!("b{number}"),
                            &format!("{number}号楼"),
                        )?);
                    }
                    grids.push((code.to_string(), grid, buildings));
                }
            }
        }
        Ok(())
    })?;

    progress("residents");
    book.batch(|book| {
        for (_, grid, buildings) in &grids {
            for _ in 0..(12 * scale) {
                let building = buildings.choose(&mut rng).cloned();
                let r = book.add_resident(NewResident {
                    name: name(&mut rng),
                    phone: Some(phone(&mut rng)),
                    building,
                    grid: None,
                    unit: Some(rng.random_range(1..=3).to_string()),
                    room: Some(format!(
                        "{}0{}",
                        rng.random_range(1..=6),
                        rng.random_range(1..=2)
                    )),
                })?;
                residents.push((grid.clone(), r));
                counts.residents += 1;
            }
        }
        Ok(())
    })?;

    progress("needs");
    // About 166 needs per community a year, spread over the year, older ones further along.
    let per_community = 166 * scale;
    book.batch(|book| {
        for i in 0..per_community * COMMUNITIES.len() {
            let (_, grid, buildings) = &grids[i % grids.len()];
            let day_of_year = (i * 331 / (per_community * COMMUNITIES.len())) as i32;
            let day = year_start.plus_days(day_of_year);
            book.set_now(Some(Timestamp(at(day).0 + (i as i64 % 480) * 60_000)));
            let (category, title) = *NEEDS.choose(&mut rng).unwrap_or(&NEEDS[0]);
            let grid_residents: Vec<&ResidentId> = residents
                .iter()
                .filter(|(g, _)| g == grid)
                .map(|(_, r)| r)
                .collect();
            let mut new = NewNeed::new(title, category, grid.clone());
            new.source = *SOURCES.choose(&mut rng).unwrap_or(&Source::DoorToDoor);
            new.building = buildings.choose(&mut rng).cloned();
            new.resident = grid_residents.choose(&mut rng).map(|r| (*r).clone());
            new.due = Some(day.plus_days(rng.random_range(7..45)));
            new.level = if rng.random_bool(0.7) {
                Level::Grid
            } else if rng.random_bool(0.8) {
                Level::Community
            } else {
                Level::Joint
            };
            let id = book.add_need(new)?;
            counts.needs += 1;
            if rng.random_bool(0.5) {
                book.assign_need(&id, staff.choose(&mut rng).unwrap_or(&admin))?;
            }
            // How far along: the older, the further.
            let age = 331 - day_of_year;
            let steps = if age > 200 {
                5
            } else {
                (age / 40).min(5) as usize
            }
            .min(rng.random_range(0..=5));
            advance(book, &id, steps, &mut rng, day)?;
        }
        Ok(())
    })?;

    progress("meetings");
    book.batch(|book| {
        for i in 0..(12 * scale) {
            let (community, grid, _) = &grids[(i * 7) % grids.len()];
            let day = year_start.plus_days((i * 331 / (12 * scale)) as i32);
            book.set_now(Some(at(day)));
            let level = [
                MeetingLevel::Building,
                MeetingLevel::Grid,
                MeetingLevel::Courtyard,
                MeetingLevel::Hall,
            ][i % 4];
            let (topic_title, motion_text) = TOPICS[i % TOPICS.len()];
            let m = book.create_meeting(NewMeeting {
                title: format!("阳光17议：{topic_title}"),
                level,
                community: community.clone(),
                grid: Some(grid.clone()),
                place: format!("{}议事点", grid),
                day,
                facilitator: "陈静".into(),
                quorum: 10,
            })?;
            counts.meetings += 1;
            let topic = book.add_topic(&m, topic_title, None)?;
            let attendees: Vec<ResidentId> = residents
                .iter()
                .filter(|(g, _)| g == grid)
                .map(|(_, r)| r.clone())
                .take(23)
                .collect();
            for r in &attendees {
                book.check_in(&m, r)?;
            }
            book.append_minutes(
                &m,
                &format!("主持人介绍议题：{topic_title}。居民逐一发言。"),
            )?;
            let motion = book.add_motion(&m, motion_text, Some(&topic), false)?;
            for r in &attendees {
                let choice = if rng.random_bool(0.7) {
                    Choice::For
                } else if rng.random_bool(0.5) {
                    Choice::Against
                } else {
                    Choice::Abstain
                };
                book.vote(&m, &motion, r, choice)?;
            }
            book.set_count(&m, &motion, Choice::For, 4)?;
            if i % 3 == 0 {
                book.escalate_topic(&m, &topic).ok();
            } else {
                book.settle_topic(&m, &topic)?;
                let d = book.add_decision(&m, motion_text, Some(&motion))?;
                book.add_follow_up(
                    &m,
                    &d,
                    "网格员跟进落实",
                    Some("王刚"),
                    Some(day.plus_days(14)),
                )?;
            }
        }
        Ok(())
    })?;

    progress("volunteers");
    book.batch(|book| {
        for (code, _) in COMMUNITIES {
            book.set_now(Some(at(year_start)));
            let corps = book.add_team(code, "你我一起吧志愿服务队", None)?;
            let subteams: Vec<TeamId> = [
                "帮帮团便民服务",
                "环境卫士",
                "治安巡逻",
                "文艺队",
                "先锋服务",
            ]
            .iter()
            .map(|t| book.add_team(code, t, Some(&corps)))
            .collect::<Result<_, _>>()?;
            let mut volunteers: Vec<VolunteerId> = Vec::new();
            for _ in 0..(25 * scale) {
                let v = book.add_volunteer(NewVolunteer {
                    community: code.into(),
                    name: name(&mut rng),
                    phone: Some(phone(&mut rng)),
                    skills: vec![
                        ["家电维修", "理发", "书法", "调解", "健康咨询"]
                            .choose(&mut rng)
                            .unwrap_or(&"理发")
                            .to_string(),
                    ],
                    team: subteams.choose(&mut rng).cloned(),
                    joined: year_start,
                })?;
                volunteers.push(v);
                counts.volunteers += 1;
            }
            for a in 0..(10 * scale) {
                let day = year_start.plus_days((a * 33 % 330) as i32);
                book.set_now(Some(at(day)));
                let team = subteams[a % subteams.len()].clone();
                let activity = book.add_activity(
                    code,
                    [
                        "周六家电义修",
                        "楼道清扫",
                        "夜间巡逻",
                        "重阳节演出",
                        "健康讲座",
                    ][a % 5],
                    Some(&team),
                    day,
                    Some("社区广场"),
                )?;
                for v in volunteers.choose_multiple(&mut rng, 6) {
                    book.record_attendance(&activity, v, 120, 2)?;
                    counts.attendances += 1;
                }
            }
            if let Some(v) = volunteers.first() {
                book.add_movement(v, MovementKind::Redeem, 60, 1, "兑换理发服务")?;
            }
        }
        Ok(())
    })?;
    book.set_now(None);
    Ok(counts)
}

fn advance(
    book: &mut Gridbook,
    id: &gridbook_model::ids::NeedId,
    steps: usize,
    rng: &mut ChaCha8Rng,
    day: Day,
) -> gridbook_model::Result<()> {
    let project = rng.random_bool(0.6);
    let kind = *[
        ProjectKind::Regular,
        ProjectKind::Professional,
        ProjectKind::Key,
    ]
    .choose(rng)
    .unwrap_or(&ProjectKind::Regular);
    let unreasonable = rng.random_bool(0.05);
    for step in 0..steps {
        book.set_now(Some(Timestamp(at(day.plus_days(3 * (step as i32 + 1))).0)));
        let t = match step {
            0 => Transition::Classify {
                category: None,
                reasonable: !unreasonable,
                difficulty: *[Difficulty::Low, Difficulty::Medium, Difficulty::High]
                    .choose(rng)
                    .unwrap_or(&Difficulty::Medium),
                duplicate_of: None,
            },
            1 if unreasonable => Transition::Close {
                reason: CloseReason::Unreasonable,
                note: Some("不属于社区职责范围".into()),
            },
            1 => Transition::Design {
                route: if project {
                    Route::Project
                } else {
                    Route::Direct
                },
                project_kind: project.then_some(kind),
                plan: Some("按项目清单落实".into()),
            },
            2 => {
                let (claimant, claimant_name) = match (project, kind) {
                    (false, _) => (Claimant::Community, "中台社区居委会"),
                    (true, ProjectKind::Regular) => (Claimant::PartyMember, "在职党员李明"),
                    (true, ProjectKind::Professional) => {
                        (Claimant::Professional, "凤凰台医院退休医生")
                    }
                    (true, ProjectKind::Key) => (Claimant::Unit, "辖区共建单位"),
                };
                Transition::Claim {
                    claimant,
                    claimant_name: claimant_name.into(),
                }
            }
            3 => Transition::Evaluate {
                satisfaction: *[3u8, 4, 5, 5, 5].choose(rng).unwrap_or(&5),
                evaluation: "居民满意，项目按期完成".into(),
                feedback_given: true,
            },
            _ => Transition::Close {
                reason: CloseReason::Completed,
                note: None,
            },
        };
        let closes = matches!(t, Transition::Close { .. });
        book.advance_need(id, &t)?;
        if closes {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridbook_model::vocab::Stage;

    #[test]
    fn the_demo_has_needs_in_every_stage_and_is_the_same_every_time() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let pass = gridbook_model::Passphrase::tests_only("demo");
        let counts = generate(a.path(), 1, &pass, |_| {}).unwrap();
        generate(b.path(), 1, &pass, |_| {}).unwrap();
        assert!(
            counts.needs > 1000 && counts.meetings >= 12 && counts.volunteers >= 200,
            "{counts:?}"
        );
        let mut book = Gridbook::open(a.path(), &pass).unwrap();
        let needs = book.need_summaries().unwrap();
        for stage in Stage::ALL {
            assert!(
                needs.iter().any(|n| n.stage == *stage),
                "no need is {stage}"
            );
        }
        let dump_a = book.dump().unwrap();
        let dump_b = Gridbook::open(b.path(), &pass).unwrap().dump().unwrap();
        assert!(dump_a == dump_b, "two demo runs differ");
    }
}
