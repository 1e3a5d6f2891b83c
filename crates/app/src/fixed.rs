//! Records that never change once written, kept in memory: an organisation, a service, a
//! numbered version of the settings or of a missing plan. Every entry added to a chronology
//! needs them; reading them once per process instead of once per entry keeps the write path
//! short. Being immutable, they are safe to keep on any number of servers.

use homeward_domain::forms::Document;
use homeward_domain::ids::{OrgId, PersonId, ServiceId};
use homeward_domain::settings::OrgSettings;
use homeward_store::{Organisation, Service};
use std::collections::HashMap;
use std::sync::Mutex;

/// More than a large region's services and open episodes' plans; past it the map starts
/// again rather than grow without end.
const MOST: usize = 20_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Organisation(OrgId),
    Service(OrgId, ServiceId),
    Settings(OrgId, i64),
    Plan(OrgId, PersonId, i64),
}

#[derive(Clone)]
enum Entry {
    Organisation(Organisation),
    Service(Service),
    Settings(OrgSettings),
    Plan(Box<Document>),
}

#[derive(Default)]
pub struct Fixed(Mutex<HashMap<Key, Entry>>);

impl Fixed {
    fn get(&self, key: &Key) -> Option<Entry> {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: Key, entry: Entry) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MOST {
                map.clear();
            }
            map.insert(key, entry);
        }
    }
}

impl crate::App {
    pub(crate) async fn fixed_organisation(
        &self,
        org: OrgId,
    ) -> crate::AppResult<Option<Organisation>> {
        let key = Key::Organisation(org);
        if let Some(Entry::Organisation(o)) = self.fixed.get(&key) {
            return Ok(Some(o));
        }
        let found = self.store.get_organisation(org).await?;
        if let Some(o) = &found {
            self.fixed.put(key, Entry::Organisation(o.clone()));
        }
        Ok(found)
    }

    pub(crate) async fn fixed_service(
        &self,
        org: OrgId,
        id: ServiceId,
    ) -> crate::AppResult<Option<Service>> {
        let key = Key::Service(org, id);
        if let Some(Entry::Service(s)) = self.fixed.get(&key) {
            return Ok(Some(s));
        }
        let found = self.store.get_service(org, id).await?;
        if let Some(s) = &found {
            self.fixed.put(key, Entry::Service(s.clone()));
        }
        Ok(found)
    }

    /// The organisation's settings as numbered version `version` saved them.
    pub(crate) async fn settings_version(
        &self,
        org: OrgId,
        version: i64,
    ) -> crate::AppResult<Option<OrgSettings>> {
        let key = Key::Settings(org, version);
        if let Some(Entry::Settings(s)) = self.fixed.get(&key) {
            return Ok(Some(s));
        }
        let found = self
            .store
            .settings_at(org, version)
            .await?
            .map(|v| v.settings);
        if let Some(s) = &found {
            self.fixed.put(key, Entry::Settings(*s));
        }
        Ok(found)
    }

    /// Version `version` of the person's missing plan.
    pub(crate) async fn plan_version(
        &self,
        org: OrgId,
        person: PersonId,
        version: i64,
    ) -> crate::AppResult<Option<Document>> {
        let key = Key::Plan(org, person, version);
        if let Some(Entry::Plan(d)) = self.fixed.get(&key) {
            return Ok(Some(*d));
        }
        let found = self
            .store
            .document_version(
                org,
                person,
                homeward_domain::forms::DocKind::MissingPlan,
                version,
            )
            .await?
            .map(|v| v.document);
        if let Some(d) = &found {
            self.fixed.put(key, Entry::Plan(Box::new(d.clone())));
        }
        Ok(found)
    }
}
