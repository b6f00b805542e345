//! The app's pages: one file each, with its UI tests beside it, and the list of them in
//! [`all`]. A page draws from `Data` (what the worker last sent) and asks the worker for
//! things only by recording `Command`s (`messages.rs`); it never touches the store.
//!
//! To add a page: write `pages/<name>.rs` with a struct that implements [`Page`]
//! (`gui/page.rs`), its strings in `app/locales/<name>.yml`, and one line in [`all`].

pub(crate) use super::page::{Cx, Page};

pub(crate) mod files;
pub(crate) mod first_run;
pub(crate) mod meetings;
pub(crate) mod needs;
pub(crate) mod new_need;
pub(crate) mod people;
pub(crate) mod places;
pub(crate) mod reports;
pub(crate) mod residents;
pub(crate) mod settings;
pub(crate) mod sync;
pub(crate) mod volunteers;

/// Every page of the navigation bar, in its order (the app opens on the first); then the pages
/// it does not list.
pub(crate) fn all() -> Vec<Box<dyn Page>> {
    vec![
        Box::new(needs::NeedsView::default()),
        Box::new(new_need::NewNeedView::default()),
        Box::new(residents::ResidentsView::default()),
        Box::new(meetings::MeetingsView::default()),
        Box::new(volunteers::VolunteersView::default()),
        Box::new(reports::ReportsView::default()),
        Box::new(people::PeopleView::default()),
        Box::new(places::PlacesView::default()),
        Box::new(sync::SyncView::default()),
        Box::new(files::FilesView::default()),
        Box::new(settings::SettingsView::default()),
        Box::new(first_run::FirstRunView::default()),
    ]
}

#[cfg(test)]
mod tests {
    use crate::gui::testing::{Fixture, assert_speaks_chinese, settle, tap};

    #[test]
    fn every_page_speaks_chinese() {
        let fx = Fixture::new();
        let mut h = fx.harness();
        let titles: Vec<String> = h.state().pages.iter().filter_map(|p| p.title()).collect();
        assert!(titles.len() >= 7, "{titles:?}");
        for title in &titles {
            tap(&mut h, title);
            settle(&mut h);
            assert_speaks_chinese(&h);
        }
    }
}
