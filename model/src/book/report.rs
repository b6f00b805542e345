//! The office's report for a scope, from this store's summary rows and time-bank movements.

use std::collections::HashMap;

use super::Gridbook;
use crate::error::Result;
use crate::report::{self, Report, ServedMovement};
use crate::scope::Scope;

impl Gridbook {
    /// The report for `scope` (see [`crate::report`]).
    pub fn report(&mut self, scope: &Scope) -> Result<Report> {
        let needs = self.need_summaries()?;
        let meetings = self.meeting_summaries()?;
        let roster: HashMap<String, (String, Option<String>)> = self
            .volunteer_summaries()?
            .into_iter()
            .map(|v| (v.id.to_string(), (v.community, v.team)))
            .collect();
        let communities: Vec<String> = self
            .places()?
            .communities
            .into_keys()
            .filter(|c| scope.has_community(c))
            .collect();
        let mut served = Vec::new();
        for community in communities {
            let teams = self.teams(&community)?;
            for (_, movement) in self.movements(&community)? {
                let team = roster
                    .get(movement.volunteer.as_str())
                    .and_then(|(_, t)| t.clone());
                served.push(ServedMovement {
                    team_name: team
                        .as_ref()
                        .and_then(|t| teams.get(t))
                        .map(|t| t.name.clone()),
                    community: community.clone(),
                    team,
                    movement,
                });
            }
        }
        Ok(report::compute(scope, &needs, &meetings, &served))
    }
}
