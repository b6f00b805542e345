//! The office's report (工作报表): the numbers a community office sends the subdistrict — needs
//! found, classified, projects by kind, claimed, completed, the closed-loop rate, satisfaction,
//! time to close, topics settled per meeting level and volunteer hours per team — for a
//! [`Scope`], with the needs broken down by month and by community or grid.
//!
//! Computed from summary rows and time-bank movements only, so the GUI's Reports view and
//! `gridbook report` give the same numbers; nothing here is stored.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::scope::Scope;
use crate::summary::{MeetingSummary, NeedSummary};
use crate::vocab::{MeetingLevel, MovementKind, ProjectKind, Route, Stage};
use crate::volunteer::Movement;

/// Counts of needs going round the loop.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NeedCounts {
    /// Needs found (recorded).
    pub found: usize,
    /// Past the first step: classified, or further, or closed.
    pub classified: usize,
    /// Designed as a direct action.
    pub direct: usize,
    /// Designed as a project, by project kind token (a project of unknown kind is `unknown`).
    pub projects: BTreeMap<String, usize>,
    /// Claimed by someone to carry out.
    pub claimed: usize,
    /// Closed after the resident's evaluation: the loop closed.
    pub completed: usize,
    /// Closed for any reason.
    pub closed: usize,
    /// Completed ÷ found, when any were found.
    pub closed_loop_rate: Option<f64>,
    /// The mean satisfaction (1–5) of the evaluated needs, when any.
    pub average_satisfaction: Option<f64>,
    /// The median days from found to closed, when any closed.
    pub median_days_to_close: Option<f64>,
    /// The mean days from found to closed, when any closed.
    pub mean_days_to_close: Option<f64>,
}

/// Meetings and their topics at one level.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TopicCounts {
    /// Meetings held.
    pub meetings: usize,
    /// Topics on their agendas.
    pub topics: usize,
    /// Topics settled.
    pub settled: usize,
}

/// Hours a team served.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamHours {
    /// Community code.
    pub community: String,
    /// Team id, or `None` for volunteers in no team.
    pub team: Option<String>,
    /// Team name, when known.
    pub team_name: Option<String>,
    /// Hours earned by service (redemptions and corrections left out).
    pub hours: f64,
    /// Volunteers who served.
    pub volunteers: usize,
}

/// One row of a breakdown: a month, a community or a grid, with its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// `YYYY-MM`, a community code or a grid id.
    pub key: String,
    /// The counts there.
    pub needs: NeedCounts,
}

/// The whole report for a scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The first day covered, if bounded.
    pub from: Option<String>,
    /// The last day covered, if bounded.
    pub to: Option<String>,
    /// The community covered, if one.
    pub community: Option<String>,
    /// The grid covered, if one.
    pub grid: Option<String>,
    /// Needs found in the scope, and how far they came.
    pub needs: NeedCounts,
    /// The same, month by month (by the day found).
    pub by_month: Vec<Breakdown>,
    /// The same, by community; by grid when the scope is one community or grid.
    pub by_place: Vec<Breakdown>,
    /// Meetings and topics by meeting level token.
    pub topics: BTreeMap<String, TopicCounts>,
    /// Volunteer hours by team, most first.
    pub hours: Vec<TeamHours>,
}

/// A time-bank movement with what the report needs to know of its volunteer.
#[derive(Debug, Clone)]
pub struct ServedMovement {
    /// The volunteer's community.
    pub community: String,
    /// The volunteer's team id.
    pub team: Option<String>,
    /// The team's name.
    pub team_name: Option<String>,
    /// The movement.
    pub movement: Movement,
}

const DAY_MS: f64 = 86_400_000.0;

/// Counts for a set of needs.
pub fn count_needs<'a>(needs: impl IntoIterator<Item = &'a NeedSummary>) -> NeedCounts {
    let mut c = NeedCounts::default();
    let mut satisfaction = (0u64, 0usize);
    let mut days: Vec<f64> = Vec::new();
    for n in needs {
        c.found += 1;
        if n.stage > Stage::Discovered {
            c.classified += 1;
        }
        match n.route {
            Some(Route::Direct) => c.direct += 1,
            Some(Route::Project) => {
                let kind = n.project_kind.map_or("unknown", ProjectKind::token);
                *c.projects.entry(kind.to_string()).or_default() += 1;
            }
            None => {}
        }
        if n.claimant.is_some() || n.claimant_name.is_some() {
            c.claimed += 1;
        }
        if let Some(s) = n.satisfaction {
            satisfaction.0 += u64::from(s);
            satisfaction.1 += 1;
        }
        if n.stage == Stage::Closed {
            c.closed += 1;
            if n.satisfaction.is_some() {
                c.completed += 1;
            }
            if let Some(at) = n.closed_at {
                days.push(((at.0 - n.created_at.0) as f64 / DAY_MS).max(0.0));
            }
        }
    }
    c.closed_loop_rate = (c.found > 0).then(|| c.completed as f64 / c.found as f64);
    c.average_satisfaction =
        (satisfaction.1 > 0).then(|| satisfaction.0 as f64 / satisfaction.1 as f64);
    if !days.is_empty() {
        days.sort_by(f64::total_cmp);
        let mid = days.len() / 2;
        let median = if days.len() % 2 == 1 {
            days[mid]
        } else {
            (days[mid - 1] + days[mid]) / 2.0
        };
        c.median_days_to_close = Some(median);
        c.mean_days_to_close = Some(days.iter().sum::<f64>() / days.len() as f64);
    }
    c
}

/// The report for `scope` from every need and meeting summary and the time-bank movements of
/// the communities in scope.
pub fn compute(
    scope: &Scope,
    needs: &[NeedSummary],
    meetings: &[MeetingSummary],
    served: &[ServedMovement],
) -> Report {
    let needs: Vec<&NeedSummary> = needs.iter().filter(|n| scope.has_need(n)).collect();
    let mut by_month: BTreeMap<String, Vec<&NeedSummary>> = BTreeMap::new();
    let mut by_place: BTreeMap<String, Vec<&NeedSummary>> = BTreeMap::new();
    let per_grid = scope.community.is_some();
    for n in &needs {
        by_month
            .entry(n.created_at.day().month())
            .or_default()
            .push(n);
        let place = if per_grid { &n.grid } else { &n.community };
        by_place.entry(place.clone()).or_default().push(n);
    }
    let breakdown = |m: BTreeMap<String, Vec<&NeedSummary>>| {
        m.into_iter()
            .map(|(key, ns)| Breakdown {
                key,
                needs: count_needs(ns),
            })
            .collect()
    };

    let mut topics: BTreeMap<String, TopicCounts> = MeetingLevel::ALL
        .iter()
        .map(|l| (l.token().to_string(), TopicCounts::default()))
        .collect();
    for m in meetings
        .iter()
        .filter(|m| scope.has_day(m.day) && scope.has_community(&m.community))
    {
        let t = topics.entry(m.level.token().to_string()).or_default();
        t.meetings += 1;
        t.topics += m.topics as usize;
        t.settled += m.topics_settled as usize;
    }

    // (community, team) → (team name, minutes, volunteers who served)
    type Served = (Option<String>, i64, Vec<String>);
    let mut teams: BTreeMap<(String, Option<String>), Served> = BTreeMap::new();
    for s in served.iter().filter(|s| {
        s.movement.kind == MovementKind::Earn
            && scope.has_community(&s.community)
            && scope.has_day(s.movement.at.day())
    }) {
        let t = teams
            .entry((s.community.clone(), s.team.clone()))
            .or_insert_with(|| (s.team_name.clone(), 0, Vec::new()));
        t.1 += s.movement.minutes;
        let v = s.movement.volunteer.to_string();
        if !t.2.contains(&v) {
            t.2.push(v);
        }
    }
    let mut hours: Vec<TeamHours> = teams
        .into_iter()
        .map(
            |((community, team), (team_name, minutes, volunteers))| TeamHours {
                community,
                team,
                team_name,
                hours: minutes as f64 / 60.0,
                volunteers: volunteers.len(),
            },
        )
        .collect();
    hours.sort_by(|a, b| b.hours.total_cmp(&a.hours));

    Report {
        from: scope.from.map(|d| d.to_string()),
        to: scope.to.map(|d| d.to_string()),
        community: scope.community.clone(),
        grid: scope.grid.clone(),
        needs: count_needs(needs.iter().copied()),
        by_month: breakdown(by_month),
        by_place: breakdown(by_place),
        topics,
        hours,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;
    use crate::vocab::{Category, Claimant, Level};

    fn need(id: u32, stage: Stage, day: i64) -> NeedSummary {
        NeedSummary {
            id: format!("N-AAAAAA-{id}").parse().unwrap(),
            ledger_no: String::new(),
            doc: String::new(),
            title: "路灯不亮".into(),
            category: Category::Facilities,
            stage,
            community: if id.is_multiple_of(2) { "zt" } else { "dt" }.into(),
            grid: "zt-g1".into(),
            building: None,
            resident_name: None,
            phone: None,
            source: None,
            level: Level::Grid,
            assignee: None,
            due: None,
            route: None,
            project_kind: None,
            claimant: None,
            claimant_name: None,
            satisfaction: None,
            created_at: Timestamp(day * DAY_MS as i64),
            closed_at: None,
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn counts_follow_the_loop_and_rates_come_from_them() {
        let mut done = need(2, Stage::Closed, 20_000);
        done.route = Some(Route::Project);
        done.project_kind = Some(ProjectKind::Key);
        done.claimant = Some(Claimant::PartyMember);
        done.satisfaction = Some(4);
        done.closed_at = Some(Timestamp(20_010 * DAY_MS as i64));
        let mut withdrawn = need(4, Stage::Closed, 20_000);
        withdrawn.closed_at = Some(Timestamp(20_002 * DAY_MS as i64));
        let mut direct = need(6, Stage::Implementing, 20_031);
        direct.route = Some(Route::Direct);
        direct.claimant = Some(Claimant::Community);
        let needs = [need(1, Stage::Discovered, 20_000), done, withdrawn, direct];
        let c = count_needs(&needs);
        assert_eq!(
            (
                c.found,
                c.classified,
                c.direct,
                c.claimed,
                c.completed,
                c.closed
            ),
            (4, 3, 1, 2, 1, 2)
        );
        assert_eq!(c.projects.get("key"), Some(&1));
        assert_eq!(c.closed_loop_rate, Some(0.25));
        assert_eq!(c.average_satisfaction, Some(4.0));
        assert_eq!(c.median_days_to_close, Some(6.0));

        let scope = Scope {
            community: Some("zt".into()),
            ..Scope::default()
        };
        let r = compute(&scope, &needs, &[], &[]);
        assert_eq!(r.needs.found, 3, "only zt's needs");
        assert_eq!(r.by_place.len(), 1, "one community: broken down by grid");
        assert_eq!(r.by_month.len(), 2);
        assert_eq!(r.topics.len(), MeetingLevel::ALL.len());
    }
}
