//! Chronologies as this server last read or wrote them. Entries are never changed or removed
//! once written (a correction is an entry of its own), so what was read stays true and only
//! the entries added since need reading: adding to an episode no longer reads every entry
//! before it, which made a long episode slower with each entry.

use crate::{App, AppResult};
use homeward_domain::episode::EventRecord;
use homeward_domain::ids::{EpisodeId, OrgId};
use homeward_store::EpisodeSummary;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Entries held at most (some tens of megabytes): many times the open episodes of a large
/// region; past it the map starts again rather than grow without end.
const MOST: usize = 200_000;

#[derive(Default)]
struct Held {
    by_episode: HashMap<(OrgId, EpisodeId), Arc<Vec<EventRecord>>>,
    entries: usize,
}

#[derive(Default)]
pub(crate) struct Chronologies(Mutex<Held>);

impl Chronologies {
    fn known(&self, org: OrgId, id: EpisodeId) -> Option<Arc<Vec<EventRecord>>> {
        self.0.lock().ok()?.by_episode.get(&(org, id)).cloned()
    }

    /// Keeps a whole chronology (entries numbered from 1 with none missing), unless a longer
    /// one is already kept.
    pub fn keep(&self, org: OrgId, id: EpisodeId, events: Vec<EventRecord>) {
        if !whole(&events) {
            return;
        }
        if let Ok(mut held) = self.0.lock() {
            let before = held.by_episode.get(&(org, id)).map_or(0, |k| k.len());
            if before >= events.len() {
                return;
            }
            if held.entries - before + events.len() > MOST {
                *held = Held::default();
            }
            held.entries += events.len();
            if let Some(old) = held.by_episode.insert((org, id), Arc::new(events)) {
                held.entries -= old.len();
            }
        }
    }
}

/// Numbered 1, 2, 3… with none missing or repeated.
fn whole(events: &[EventRecord]) -> bool {
    events.iter().zip(1..).all(|(e, n)| e.seq == n)
}

impl App {
    /// An episode's summary and its whole chronology: the entries this server already holds
    /// and those added since, read from the database.
    pub(crate) async fn chronology(
        &self,
        org: OrgId,
        id: EpisodeId,
    ) -> AppResult<Option<(EpisodeSummary, Vec<EventRecord>)>> {
        let known = self.chronologies.known(org, id);
        let held = known.as_ref().map_or(0, |k| k.len());
        let Some((summary, added)) = self.store.episode_after(org, id, held as i64).await? else {
            return Ok(None);
        };
        let mut events = Vec::with_capacity(held + added.len());
        events.extend(known.iter().flat_map(|k| k.iter().cloned()));
        let fresh = !added.is_empty();
        events.extend(added);
        if !whole(&events) {
            // Not what was expected (never, unless the database was replaced under a running
            // server): read it all again.
            return Ok(self.store.episode(org, id).await?);
        }
        if fresh {
            self.chronologies.keep(org, id, events.clone());
        }
        Ok(Some((summary, events)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::episode::{Event, Occurred};

    fn entry(seq: i64) -> EventRecord {
        EventRecord {
            seq,
            when: Occurred::in_london(jiff::Timestamp::UNIX_EPOCH),
            recorded_at: jiff::Timestamp::UNIX_EPOCH,
            recorded_by: None,
            recorded_by_label: "x".into(),
            event: Event::Note {
                text: format!("{seq}"),
            },
        }
    }

    #[test]
    fn only_whole_chronologies_are_kept_and_never_shortened() {
        let (org, id) = (OrgId::new_random(), EpisodeId::new_random());
        let kept = Chronologies::default();
        kept.keep(org, id, vec![entry(1), entry(3)]);
        assert!(kept.known(org, id).is_none(), "one missing");
        kept.keep(org, id, vec![entry(2)]);
        assert!(kept.known(org, id).is_none(), "not from the first");
        kept.keep(org, id, (1..=3).map(entry).collect());
        kept.keep(org, id, (1..=2).map(entry).collect());
        assert_eq!(
            kept.known(org, id).map(|k| k.len()),
            Some(3),
            "never shortened"
        );
        assert!(
            kept.known(OrgId::new_random(), id).is_none(),
            "another organisation"
        );
    }

    #[test]
    fn past_the_most_entries_it_starts_again() {
        let org = OrgId::new_random();
        let (first, second) = (EpisodeId::new_random(), EpisodeId::new_random());
        let kept = Chronologies::default();
        let long = |n: usize| (1..=n as i64).map(entry).collect::<Vec<_>>();
        kept.keep(org, first, long(MOST / 2));
        kept.keep(org, first, long(MOST / 2 + 1));
        kept.keep(org, second, long(MOST / 2 - 1));
        assert!(
            kept.known(org, first).is_some(),
            "a longer one replaces, not adds"
        );
        kept.keep(org, second, long(MOST / 2));
        assert!(
            kept.known(org, first).is_none(),
            "over the most: started again"
        );
        assert_eq!(kept.known(org, second).map(|k| k.len()), Some(MOST / 2));
    }
}
