//! Deterministic Gridbook data: a subdistrict's directory, needs as grid workers record them,
//! and bulk plans that spread needs over communities and months.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};

use gridbook_model::time::Timestamp;
use gridbook_model::vocab::{Category, Level, Source};
use gridbook_model::{DocId, Gridbook, NewNeed, PlaceKind};

/// A small, fast, deterministic random number generator (SplitMix64): the same seed gives the
/// same data on every machine and every run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize
    }

    /// A number in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Shuffles a slice in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

static CLOCK_MS: AtomicI64 = AtomicI64::new(0);

fn settable_clock() -> Timestamp {
    Timestamp(CLOCK_MS.load(Ordering::Relaxed))
}

/// Gives `book` the process-wide settable clock (see [`set_time`]). `Gridbook::set_clock` takes
/// a plain `fn`, so the time it reads lives in a static.
pub fn use_settable_clock(book: &mut Gridbook) {
    book.set_clock(settable_clock);
}

/// Sets the time every book using the settable clock reads.
pub fn set_time(at: Timestamp) {
    CLOCK_MS.store(at.0, Ordering::Relaxed);
}

/// Moves the settable clock on by `ms`.
pub fn advance_time(ms: i64) {
    CLOCK_MS.fetch_add(ms, Ordering::Relaxed);
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month `n` months after this one.
    pub fn plus(self, n: u32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + n as i32;
        Month {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    /// 10:00 China time on `day` of this month, plus `offset_ms`.
    pub fn at(self, day: u32, offset_ms: i64) -> Timestamp {
        // 10:00 in UTC+8 is 02:00 UTC.
        Timestamp(
            days_from_civil(self.year, self.month, day) * 86_400_000 + 2 * 3_600_000 + offset_ms,
        )
    }

    /// `YYYY-MM`, as in needs document ids.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// The subdistrict's communities: code and name.
pub const COMMUNITIES: [(&str, &str); 8] = [
    ("zt", "中台社区"),
    ("dt", "东台社区"),
    ("xqd", "星桥东社区"),
    ("xqx", "星桥西社区"),
    ("zj", "朱家社区"),
    ("hq", "湖桥社区"),
    ("ls", "柳树湾社区"),
    ("bs", "白沙社区"),
];

/// One community's places as made by [`make_directory`].
#[derive(Debug, Clone)]
pub struct CommunityPlaces {
    /// Community code.
    pub code: String,
    /// Grid ids, each with the codes of its buildings (`b3`: a building's id is
    /// `<grid id>-<code>`, and a need names its building by code within its grid).
    pub grids: Vec<(String, Vec<String>)>,
}

/// Founds a network and adds every community of [`COMMUNITIES`], 3 to 5 grids in each and 4 to
/// 8 buildings in each grid.
pub fn make_directory(
    book: &mut Gridbook,
    rng: &mut Rng,
) -> gridbook_model::Result<Vec<CommunityPlaces>> {
    book.init_network("凤凰台街道", "赵敏")?;
    let mut out = Vec::new();
    for (code, name) in COMMUNITIES {
        book.add_place(PlaceKind::Community, None, code, name)?;
        let mut grids = Vec::new();
        for g in 1..=3 + rng.below(3) {
            let grid = book.add_place(
                PlaceKind::Grid,
                Some(code),
                &format!("g{g}"),
                &format!("{name}第{g}网格"),
            )?;
            let mut buildings = Vec::new();
            for b in 1..=4 + rng.below(5) {
                let n = (g - 1) * 10 + b;
                let code = format!("b{n}");
                book.add_place(
                    PlaceKind::Building,
                    Some(&grid),
                    &code,
                    &format!("{name}{n}号楼"),
                )?;
                buildings.push(code);
            }
            grids.push((grid, buildings));
        }
        out.push(CommunityPlaces {
            code: code.to_string(),
            grids,
        });
    }
    Ok(out)
}

const TITLES: &[(&str, Category)] = &[
    ("独居老人需要每日送餐", Category::ElderlyCare),
    ("高龄老人希望上门理发", Category::HomeElderlyCare),
    ("失能老人需要助浴服务", Category::HomeElderlyCare),
    ("楼道灯坏了需要维修", Category::Facilities),
    ("单元门禁损坏无法关闭", Category::Facilities),
    ("屋顶漏水影响顶楼住户", Category::Facilities),
    ("下水道堵塞污水外溢", Category::Facilities),
    ("小区健身器材损坏", Category::Facilities),
    ("电动车在楼道充电有隐患", Category::Facilities),
    ("小区停车位不足", Category::Parking),
    ("外来车辆占用消防通道", Category::Parking),
    ("楼上装修噪音扰民", Category::Dispute),
    ("邻居占用公共楼道堆放杂物", Category::Dispute),
    ("租户与房东押金纠纷", Category::Dispute),
    ("双职工家庭孩子放学后无人看管", Category::Youth),
    ("希望开设暑期青少年兴趣班", Category::Youth),
    ("残疾人申请康复器材", Category::Rehabilitation),
    ("慢性病老人需要陪同就医", Category::Rehabilitation),
    ("低保家庭申请临时救助", Category::Hardship),
    ("困难家庭冬季取暖困难", Category::Hardship),
    ("希望开设老年智能手机课程", Category::Education),
    ("居民希望学习垃圾分类知识", Category::Education),
    ("招募志愿者陪伴空巢老人", Category::Volunteering),
    ("社区活动需要志愿者维持秩序", Category::Volunteering),
    ("流浪猫狗扰民", Category::Other),
    ("垃圾分类点异味严重", Category::Other),
];

const DESCRIPTIONS: &[&str] = &[
    "住户多次反映，希望尽快处理。",
    "老人行动不便，子女在外地工作。",
    "已联系物业，物业表示需要社区协调。",
    "入户走访时发现，居民情绪较为激动。",
    "涉及整栋楼住户，建议提交议事会讨论。",
    "情况紧急，请网格员今天内回访。",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "秀英", "桂兰", "建国", "玉珍", "志强", "凤英", "德华", "丽娟", "海燕", "国庆", "淑芬", "明",
    "伟", "静", "婷", "磊",
];
const SOURCES: &[Source] = &[
    Source::DoorToDoor,
    Source::DoorToDoor,
    Source::DoorToDoor,
    Source::ButlerStation,
    Source::ButlerStation,
    Source::PartyLine,
    Source::SelfGovernanceLine,
    Source::SocialOrgLine,
    Source::Meeting,
    Source::Online,
];

/// A need as a grid worker records it in `grid`: a title from a small list of real-world needs,
/// and often a building, the resident's name and phone, a due day and a line of description.
pub fn new_need(rng: &mut Rng, at: Timestamp, grid: &str, buildings: &[String]) -> NewNeed {
    let (title, category) = *rng.pick(TITLES);
    let mut need = NewNeed::new(title, category, grid);
    need.source = *rng.pick(SOURCES);
    if rng.chance(0.3) {
        need.description = rng.pick(DESCRIPTIONS).to_string();
    }
    if !buildings.is_empty() && rng.chance(0.6) {
        need.building = Some(rng.pick(buildings).clone());
    }
    if rng.chance(0.7) {
        need.resident_name = Some(format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)));
    }
    if rng.chance(0.5) {
        need.phone = Some(format!(
            "13{}{:08}",
            5 + rng.below(5),
            rng.below(100_000_000)
        ));
    }
    need.level = match rng.below(10) {
        0 => Level::Joint,
        1 | 2 => Level::Community,
        _ => Level::Grid,
    };
    if rng.chance(0.4) {
        need.due = Some(at.day().plus_days(7 + rng.below(30) as i32));
    }
    need
}

/// One `add_needs` call: the clock's time for it and its needs.
#[derive(Debug)]
pub struct Batch {
    /// What the device clock says during the call (decides each need's document).
    pub at: Timestamp,
    /// The needs.
    pub needs: Vec<NewNeed>,
}

/// A bulk load: batches in time order, and where the needs land.
#[derive(Debug)]
pub struct Plan {
    /// The batches, oldest first.
    pub batches: Vec<Batch>,
    /// How many needs each needs document receives.
    pub per_doc: BTreeMap<DocId, usize>,
    /// The document with the most needs.
    pub busiest: DocId,
}

impl Plan {
    /// Every need in the plan.
    pub fn total(&self) -> usize {
        self.batches.iter().map(|b| b.needs.len()).sum()
    }
}

/// Shape of a bulk plan.
#[derive(Debug, Clone, Copy)]
pub struct PlanShape {
    /// Needs in all.
    pub total: usize,
    /// Needs in the busiest document (the first community's `busiest_month`).
    pub busiest: usize,
    /// The first month.
    pub first: Month,
    /// How many months.
    pub months: u32,
    /// Which month (0-based) holds the busiest document: a door-to-door campaign month.
    pub busiest_month: u32,
    /// Needs per `add_needs` call at most.
    pub batch: usize,
}

impl PlanShape {
    /// The benchmarks' subdistrict: `total` needs over 24 months from July 2024, in calls of
    /// 1,000, the busiest document (the first community's 18th month) holding `busiest`.
    pub fn two_years(total: usize, busiest: usize) -> PlanShape {
        PlanShape {
            total,
            busiest,
            first: Month {
                year: 2024,
                month: 7,
            },
            months: 24,
            busiest_month: 17,
            batch: 1_000,
        }
    }
}

/// Spreads `shape.total` needs over every community and month: one document (the first
/// community's campaign month) gets `shape.busiest`, every other document a random share
/// (weights 0.5 to 1.5) of the rest. Each month's needs, all communities mixed, go in batches of
/// at most `shape.batch`, each batch at its own time in that month.
pub fn bulk_plan(rng: &mut Rng, places: &[CommunityPlaces], shape: PlanShape) -> Plan {
    let docs: Vec<(usize, u32)> = (0..places.len())
        .flat_map(|c| (0..shape.months).map(move |m| (c, m)))
        .collect();
    let hot = (0, shape.busiest_month);
    let others: Vec<(usize, u32)> = docs.iter().copied().filter(|d| *d != hot).collect();
    let weights: Vec<f64> = others.iter().map(|_| 0.5 + rng.unit()).collect();
    let sum: f64 = weights.iter().sum();
    let rest = shape.total - shape.busiest;
    let mut counts: BTreeMap<(usize, u32), usize> = others
        .iter()
        .zip(&weights)
        .map(|(d, w)| (*d, (rest as f64 * w / sum) as usize))
        .collect();
    let mut short = rest - counts.values().sum::<usize>();
    for d in others.iter().cycle() {
        if short == 0 {
            break;
        }
        if let Some(n) = counts.get_mut(d) {
            *n += 1;
        }
        short -= 1;
    }
    counts.insert(hot, shape.busiest);
    assert!(
        counts.iter().all(|(d, n)| *d == hot || *n < shape.busiest),
        "the busiest document must be the campaign month"
    );

    let mut batches = Vec::new();
    let mut per_doc = BTreeMap::new();
    for m in 0..shape.months {
        let month = shape.first.plus(m);
        // Grids of this month's needs, all communities mixed.
        let mut slots: Vec<(usize, usize)> = Vec::new();
        for (c, community) in places.iter().enumerate() {
            let n = counts[&(c, m)];
            per_doc.insert(
                DocId::Needs {
                    community: community.code.clone(),
                    month: month.key(),
                },
                n,
            );
            for _ in 0..n {
                slots.push((c, rng.below(community.grids.len())));
            }
        }
        rng.shuffle(&mut slots);
        for (i, chunk) in slots.chunks(shape.batch.max(1)).enumerate() {
            // Batches are an hour apart from the 2nd of the month: always inside it.
            let at = month.at(2, i as i64 * 3_600_000);
            let needs = chunk
                .iter()
                .map(|&(c, g)| {
                    let (grid, buildings) = &places[c].grids[g];
                    new_need(rng, at, grid, buildings)
                })
                .collect();
            batches.push(Batch { at, needs });
        }
    }
    Plan {
        batches,
        per_doc,
        busiest: DocId::Needs {
            community: places[0].code.clone(),
            month: shape.first.plus(shape.busiest_month).key(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_times_fall_in_their_month_in_china() {
        let m = Month {
            year: 2025,
            month: 12,
        };
        assert_eq!(m.plus(1).key(), "2026-01");
        assert_eq!(m.at(1, 0).day().to_string(), "2025-12-01");
        assert_eq!(m.at(2, 23 * 3_600_000).day().month(), "2025-12");
        assert_eq!(
            Month {
                year: 1970,
                month: 1
            }
            .at(1, -2 * 3_600_000)
            .0,
            0
        );
    }

    #[test]
    fn a_plan_puts_the_busiest_document_where_it_says() {
        let places: Vec<CommunityPlaces> = COMMUNITIES
            .iter()
            .map(|(c, _)| CommunityPlaces {
                code: c.to_string(),
                grids: vec![(format!("{c}-g1"), vec![])],
            })
            .collect();
        let plan = bulk_plan(
            &mut Rng::new(7),
            &places,
            PlanShape {
                total: 5_000,
                busiest: 500,
                first: Month {
                    year: 2025,
                    month: 1,
                },
                months: 12,
                busiest_month: 6,
                batch: 300,
            },
        );
        assert_eq!(plan.total(), 5_000);
        assert_eq!(plan.per_doc.values().sum::<usize>(), 5_000);
        assert_eq!(plan.per_doc[&plan.busiest], 500);
        assert_eq!(plan.per_doc.values().max(), Some(&500));
        assert!(plan.batches.iter().all(|b| b.needs.len() <= 300));
    }
}
