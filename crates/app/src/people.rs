//! People in care, as far as the foundation knows them: a list scoped to the actor's services.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_store::Person;

impl App {
    pub async fn list_people(&self, actor: &Actor, meta: &RequestMeta) -> AppResult<Vec<Person>> {
        require(actor, Action::ViewPeople)?;
        let scope = actor.people_scope();
        let e = actor.event(
            self.clock.now(),
            meta,
            "person.list",
            "person",
            None,
            Outcome::Allowed,
        );
        Ok(self
            .store
            .list_people(actor.org_id(), scope.as_deref(), &e)
            .await?)
    }
}
