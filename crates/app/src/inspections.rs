//! Inspections: a provider's manager lets an inspectorate (Ofsted, Care Inspectorate Wales,
//! the Care Inspectorate) read its records, for one home or all of them, for up to two weeks.
//! An inspector opens the inspection and then reads the provider's pages as its own staff
//! would, changing nothing; every page they open is written to the provider's audit trail,
//! and the provider sees the list. Ending the inspection takes effect on the inspector's next
//! request.

use crate::actor::{Inspecting, Via, require};
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::audit::{AuditRecord, Outcome};
use homeward_domain::ids::{OrgId, ServiceId};
use homeward_domain::inspection;
use homeward_store::{GrantEnding, Inspection, Organisation};
use jiff::Timestamp;

/// What a manager fills in to let an inspectorate in.
#[derive(Clone, Debug, Default)]
pub struct InspectionInput {
    pub inspectorate: Option<OrgId>,
    /// One home, or all of them (an organisation-wide manager only).
    pub service: Option<ServiceId>,
    pub reference: String,
    pub ends: Option<Timestamp>,
}

/// An inspection as the provider's list shows it.
#[derive(Clone, Debug)]
pub struct InspectionLine {
    pub inspection: Inspection,
    pub inspectorate_name: String,
    pub service_name: Option<String>,
    pub live: bool,
}

/// An inspection as the inspector's list shows it.
#[derive(Clone, Debug)]
pub struct OpenInspection {
    pub inspection: Inspection,
    pub provider_name: String,
}

impl App {
    /// The inspectorates an inspection can be opened to, by name.
    pub async fn inspectorates(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        require(actor, Action::GiveAccess)?;
        Ok(self
            .store
            .list_organisations()
            .await?
            .into_iter()
            .filter(|o| o.kind == "inspectorate")
            .collect())
    }

    /// Lets an inspectorate read the organisation's records (one home's, or all) until a
    /// time. Needs the code from the authenticator app entered in the last minutes; all of
    /// the homes needs a manager of all of them.
    pub async fn open_inspection(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        input: &InspectionInput,
    ) -> AppResult<uuid::Uuid> {
        require(actor, Action::GiveAccess)?;
        let org = actor.org_id();
        let mut problems: Vec<FieldError> = Vec::new();
        let inspectorate = match input.inspectorate {
            Some(id) => self
                .store
                .get_organisation(id)
                .await?
                .filter(|o| o.kind == "inspectorate"),
            None => None,
        };
        if inspectorate.is_none() {
            problems.push(FieldError {
                field: "inspectorate".into(),
                message: "error-inspection-inspectorate",
            });
        }
        let scope = actor.scope_for(Action::GiveAccess);
        let home_ok = match (input.service, &scope) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some(s), _) => {
                scope.as_ref().is_none_or(|list| list.contains(&s))
                    && self
                        .store
                        .list_services(org)
                        .await?
                        .iter()
                        .any(|x| x.id == s)
            }
        };
        if !home_ok {
            problems.push(FieldError {
                field: "service".into(),
                message: "error-inspection-service",
            });
        }
        let now = self.clock.now();
        for (field, message) in inspection::problems(&input.reference, now, input.ends) {
            problems.push(FieldError {
                field: field.into(),
                message,
            });
        }
        let (Some(inspectorate), Some(ends)) = (inspectorate, input.ends) else {
            return Err(AppError::Invalid(problems));
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        self.require_recent_second_factor(actor).await?;
        let opened = Inspection {
            id: uuid::Uuid::new_v4(),
            org_id: org,
            inspectorate_id: inspectorate.id,
            service_id: input.service,
            reference: input.reference.trim().into(),
            granted_by: Some(actor.user.id),
            granted_by_label: actor.user.display_name.clone(),
            granted_at: now,
            ends_at: ends,
            ended: None,
        };
        let e = actor.event(
            now,
            meta,
            "inspection.open",
            "inspection",
            Some(format!("{}: to {}", opened.id, inspectorate.name)),
            Outcome::Allowed,
        );
        self.store.open_inspection(&opened, &e).await?;
        Ok(opened.id)
    }

    /// Ends an inspection at once, with the reason.
    pub async fn end_inspection(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: uuid::Uuid,
        reason: &str,
    ) -> AppResult<()> {
        require(actor, Action::GiveAccess)?;
        if reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "error-grant-revoke-reason"));
        }
        let found = self.inspection_of(actor, id).await?;
        if !self.may_end_inspection(actor, &found) {
            return Err(AppError::Forbidden);
        }
        let now = self.clock.now();
        let ending = GrantEnding {
            at: now,
            by: Some(actor.user.id),
            by_label: actor.user.display_name.clone(),
            reason: reason.trim().into(),
        };
        let e = actor.event(
            now,
            meta,
            "inspection.end",
            "inspection",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        if self
            .store
            .end_inspection(actor.org_id(), id, &ending, &e)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Whether the actor may end the inspection: their homes cover its (all homes need all
    /// of them).
    pub fn may_end_inspection(&self, actor: &Actor, i: &Inspection) -> bool {
        actor.can(Action::GiveAccess)
            && match (actor.scope_for(Action::GiveAccess), i.service_id) {
                (None, _) => true,
                (Some(list), Some(home)) => list.contains(&home),
                (Some(_), None) => false,
            }
    }

    /// One of the organisation's inspections, if the actor's homes cover it: chosen in the
    /// query.
    async fn inspection_of(&self, actor: &Actor, id: uuid::Uuid) -> AppResult<Inspection> {
        let homes = actor.scope_for(Action::ViewGrants);
        self.store
            .inspections_of(actor.org_id(), homes.as_deref(), Some(id), 1)
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }

    /// The organisation's inspections, latest first, as the actor's homes allow. Audited.
    pub async fn inspections(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> AppResult<Vec<InspectionLine>> {
        require(actor, Action::ViewGrants)?;
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "inspection.list",
                "organisation",
                None,
                Outcome::Allowed,
            ))
            .await?;
        let names = self.organisation_names().await?;
        let services: std::collections::HashMap<ServiceId, String> = self
            .store
            .list_services(actor.org_id())
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let homes = actor.scope_for(Action::ViewGrants);
        Ok(self
            .store
            .inspections_of(actor.org_id(), homes.as_deref(), None, 200)
            .await?
            .into_iter()
            .map(|i| InspectionLine {
                inspectorate_name: names.get(&i.inspectorate_id).cloned().unwrap_or_default(),
                service_name: i.service_id.and_then(|s| services.get(&s).cloned()),
                live: i.is_live(now),
                inspection: i,
            })
            .collect())
    }

    /// One inspection and what the inspectorate's people opened under it, latest first.
    pub async fn inspection_views(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: uuid::Uuid,
    ) -> AppResult<(InspectionLine, Vec<AuditRecord>)> {
        require(actor, Action::ViewGrants)?;
        let found = self.inspection_of(actor, id).await?;
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "inspection.views",
                "inspection",
                Some(id.to_string()),
                Outcome::Allowed,
            ))
            .await?;
        let views = self.store.inspection_views(&found, 500).await?;
        let inspectorate_name = self
            .store
            .get_organisation(found.inspectorate_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let service_name = match found.service_id {
            Some(s) => self
                .store
                .list_services(actor.org_id())
                .await?
                .into_iter()
                .find(|x| x.id == s)
                .map(|x| x.name),
            None => None,
        };
        Ok((
            InspectionLine {
                inspectorate_name,
                service_name,
                live: found.is_live(now),
                inspection: found,
            },
            views,
        ))
    }

    /// The inspections open to the inspector's inspectorate now.
    pub async fn open_inspections(&self, actor: &Actor) -> AppResult<Vec<OpenInspection>> {
        require(actor, Action::Inspect)?;
        Ok(self
            .store
            .live_inspections(actor.user.org_id, self.clock.now())
            .await?
            .into_iter()
            .map(|(inspection, provider_name)| OpenInspection {
                inspection,
                provider_name,
            })
            .collect())
    }

    /// The inspection a session reads under, if it is the inspector's inspectorate's and
    /// still open.
    pub(crate) async fn inspecting(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
    ) -> AppResult<Option<Inspecting>> {
        if !crate::policy::allows(actor.roles(), Action::Inspect) {
            return Ok(None);
        }
        let Some(inspection) = self
            .store
            .live_inspection(actor.user.org_id, id, self.clock.now())
            .await?
        else {
            return Ok(None);
        };
        let provider_name = self
            .store
            .get_organisation(inspection.org_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        Ok(Some(Inspecting {
            inspection,
            provider_name,
        }))
    }

    /// Starts reading a provider's records under an open inspection, in this browser session.
    pub async fn enter_inspection(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: uuid::Uuid,
    ) -> AppResult<()> {
        require(actor, Action::Inspect)?;
        let Via::Session { token_hash, .. } = &actor.via else {
            return Err(AppError::Forbidden);
        };
        let Some(inspecting) = self.inspecting(actor, id).await? else {
            return Err(AppError::NotFound);
        };
        let mut inside = actor.clone();
        inside.inspecting = Some(inspecting);
        // Written to the provider's trail: the first of the inspector's entries there.
        let e = inside.event(
            self.clock.now(),
            meta,
            "inspection.enter",
            "inspection",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.store
            .set_session_inspection(token_hash, Some(id), Some(&e))
            .await?;
        Ok(())
    }

    /// Stops reading under an inspection: back to the inspector's own organisation.
    pub async fn leave_inspection(&self, actor: &Actor, meta: &RequestMeta) -> AppResult<()> {
        let Via::Session { token_hash, .. } = &actor.via else {
            return Ok(());
        };
        let e = actor.inspecting.as_ref().map(|i| {
            actor.event(
                self.clock.now(),
                meta,
                "inspection.leave",
                "inspection",
                Some(i.inspection.id.to_string()),
                Outcome::Allowed,
            )
        });
        self.store
            .set_session_inspection(token_hash, None, e.as_ref())
            .await?;
        Ok(())
    }
}
