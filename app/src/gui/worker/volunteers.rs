//! The worker's volunteers: a community's roster with balances, activities, service and
//! redemptions.

use gridbook_model::ids::{ActivityId, VolunteerId};
use gridbook_model::vocab::MovementKind;
use gridbook_model::{ActivitySummary, DocId, Gridbook};

use super::State;
use crate::gui::messages::{Event, Origin, Roster, VolunteerSaved};

/// Star volunteers shown per month.
const STARS: usize = 5;

impl State {
    pub(super) fn add_activity(&mut self, community: &str, title: String, send: &dyn Fn(Event)) {
        let today = self.book.now().day();
        let r = self
            .book
            .add_activity(community, &title, None, today, None)
            .map(|_| VolunteerSaved::Activity(title));
        self.after_volunteer_edit(community, r, send);
    }

    pub(super) fn record_service(
        &mut self,
        activity: &ActivityId,
        volunteers: &[VolunteerId],
        minutes: u32,
        points: u32,
        send: &dyn Fn(Event),
    ) {
        let r = self
            .book
            .record_service(activity, volunteers, minutes, points)
            .map(|()| VolunteerSaved::Service(volunteers.len()));
        let community = volunteers
            .first()
            .map(|v| self.community_of(v))
            .unwrap_or_default();
        self.after_volunteer_edit(&community, r, send);
    }

    pub(super) fn redeem(
        &mut self,
        volunteer: &VolunteerId,
        minutes: i64,
        points: i64,
        note: &str,
        send: &dyn Fn(Event),
    ) {
        let r = self
            .book
            .add_movement(volunteer, MovementKind::Redeem, minutes, points, note)
            .map(|_| VolunteerSaved::Redemption);
        let community = self.community_of(volunteer);
        self.after_volunteer_edit(&community, r, send);
    }

    pub(super) fn send_roster(&mut self, community: &str, send: &dyn Fn(Event)) {
        match roster(&mut self.book, community) {
            Ok(r) => send(Event::Volunteers(Box::new(r))),
            Err(e) => send(Event::Refused(Origin::General, e.into())),
        }
    }

    pub(super) fn community_of(&self, volunteer: &VolunteerId) -> String {
        self.book
            .volunteer_summaries()
            .ok()
            .and_then(|all| all.into_iter().find(|v| &v.id == volunteer))
            .map(|v| v.community)
            .unwrap_or_default()
    }

    pub(super) fn after_volunteer_edit(
        &mut self,
        community: &str,
        result: gridbook_model::Result<VolunteerSaved>,
        send: &dyn Fn(Event),
    ) {
        match result {
            Ok(what) => send(Event::VolunteerSaved(what)),
            Err(e) => send(Event::Refused(Origin::Volunteers, e.into())),
        }
        // Service refused for nobody names no community: the roster shown stands.
        if !community.is_empty() {
            self.send_roster(community, send);
        }
    }
}

/// Reads a community's roster, activities and balances from the store.
fn roster(book: &mut Gridbook, community: &str) -> gridbook_model::Result<Roster> {
    let volunteers = book.balances(community)?;
    let mut activities: Vec<ActivitySummary> = book
        .activity_summaries()?
        .into_iter()
        .filter(|a| {
            matches!(a.doc.parse::<DocId>(), Ok(DocId::Timebank { community: c, .. }) if c == community)
        })
        .collect();
    activities.sort_by(|a, b| b.day.cmp(&a.day).then_with(|| b.id.cmp(&a.id)));
    // The latest month anyone served, by the activities' days (this month on a live device;
    // demo and imported data end earlier), so the stars are never an empty list over a full
    // ledger.
    let month = match book.latest_service_month(community)? {
        Some(month) => month,
        None => book.now().day().month(),
    };
    let stars = book
        .star_volunteers(community, &month, STARS)?
        .into_iter()
        .map(|(v, minutes)| (v.name, minutes))
        .collect();
    Ok(Roster {
        community: community.to_string(),
        teams: book.teams(community)?,
        volunteers,
        activities,
        month,
        stars,
    })
}
