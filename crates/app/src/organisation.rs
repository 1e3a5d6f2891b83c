//! The organisation an actor belongs to, and its services.

use crate::{Actor, App, AppError, AppResult};
use homeward_store::{Organisation, Service};

impl App {
    /// The actor's organisation and its services: not personal data, so not audited.
    pub async fn organisation_overview(
        &self,
        actor: &Actor,
    ) -> AppResult<(Organisation, Vec<Service>)> {
        let org = self
            .store
            .get_organisation(actor.org_id())
            .await?
            .ok_or(AppError::NotFound)?;
        let services = self.store.list_services(org.id).await?;
        Ok((org, services))
    }
}

/// What `homeward org add` supplies.
#[derive(Clone, Debug)]
pub struct NewOrganisationInput {
    pub name: String,
    pub nation: homeward_domain::organisation::Nation,
    pub regulator: Option<homeward_domain::organisation::Regulator>,
    pub registration_number: String,
    pub registered_manager: String,
    pub safeguarding_lead: String,
    /// `provider` (the usual), or a partner's kind: `police`, `local_authority`,
    /// `return_interviews` or `inspectorate`.
    pub kind: String,
}

impl App {
    fn setup_event(
        &self,
        org: homeward_domain::ids::OrgId,
        action: &str,
        kind: &str,
        id: String,
    ) -> homeward_domain::audit::AuditEvent {
        homeward_domain::audit::AuditEvent {
            at: self.clock.now(),
            org_id: Some(org),
            actor: None,
            actor_label: "system".into(),
            action: action.into(),
            resource_kind: kind.into(),
            resource_id: Some(id),
            outcome: homeward_domain::audit::Outcome::Allowed,
            ip: None,
        }
    }

    /// Creates an organisation on behalf of the installation (the command line).
    pub async fn create_organisation_as_system(
        &self,
        input: NewOrganisationInput,
    ) -> AppResult<homeward_domain::ids::OrgId> {
        let required = [
            ("name", &input.name),
            ("registration_number", &input.registration_number),
            ("registered_manager", &input.registered_manager),
            ("safeguarding_lead", &input.safeguarding_lead),
        ];
        if let Some((field, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(AppError::invalid(field, "error-name-empty"));
        }
        if !homeward_domain::access::ORGANISATION_KINDS.contains(&input.kind.as_str()) {
            return Err(AppError::invalid("kind", "error-organisation-kind"));
        }
        let regulator =
            input
                .regulator
                .unwrap_or(homeward_domain::organisation::Regulator::usual_for(
                    input.nation,
                    homeward_domain::organisation::ServiceKind::ChildrensHome,
                ));
        let org = Organisation {
            id: homeward_domain::ids::OrgId::new_random(),
            name: input.name.trim().into(),
            nation: input.nation,
            regulator,
            registration_number: input.registration_number.trim().into(),
            registered_manager: input.registered_manager.trim().into(),
            safeguarding_lead: input.safeguarding_lead.trim().into(),
            created_at: self.clock.now(),
            kind: input.kind.clone(),
        };
        let e = self.setup_event(
            org.id,
            "organisation.create",
            "organisation",
            org.id.to_string(),
        );
        self.store.create_organisation(&org, &e).await?;
        Ok(org.id)
    }

    /// Adds a service to an organisation on behalf of the installation.
    pub async fn create_service_as_system(
        &self,
        org: homeward_domain::ids::OrgId,
        name: &str,
        kind: homeward_domain::organisation::ServiceKind,
        registration_number: &str,
    ) -> AppResult<homeward_domain::ids::ServiceId> {
        self.store
            .get_organisation(org)
            .await?
            .ok_or(AppError::NotFound)?;
        if name.trim().is_empty() {
            return Err(AppError::invalid("name", "error-name-empty"));
        }
        let service = Service {
            id: homeward_domain::ids::ServiceId::new_random(),
            org_id: org,
            name: name.trim().into(),
            kind,
            registration_number: registration_number.trim().into(),
            created_at: self.clock.now(),
        };
        let e = self.setup_event(org, "service.create", "service", service.id.to_string());
        self.store.create_service(&service, &e).await?;
        Ok(service.id)
    }
}
