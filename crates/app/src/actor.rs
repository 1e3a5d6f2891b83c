//! Who is acting, and from where.

use crate::policy::{self, Action};
use crate::{AppError, AppResult};
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::ids::{OrgId, ServiceId};
use homeward_domain::role::Role;
use homeward_store::{Membership, User, UserWithRoles};
use jiff::Timestamp;

/// How the actor proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A browser session; unsafe requests must carry this session's CSRF token.
    Session {
        token_hash: String,
        csrf_token: String,
        /// When the code from the authenticator app was last entered in this session.
        second_factor_at: Option<jiff::Timestamp>,
    },
    /// A bearer token for the API.
    ApiToken,
}

/// A signed-in user acting within their organisation, or (an inspector) within the
/// provider whose inspection they opened.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: User,
    pub memberships: Vec<Membership>,
    pub via: Via,
    /// The inspection this inspector is reading under: checked live on this request.
    pub inspecting: Option<Inspecting>,
}

/// An inspection an inspector has opened: while it lasts they read the provider's records
/// (one home's, or all) and change nothing.
#[derive(Clone, Debug)]
pub struct Inspecting {
    pub inspection: homeward_store::Inspection,
    pub provider_name: String,
}

impl Inspecting {
    fn inspectorate_label(&self) -> String {
        format!("inspection {}", self.inspection.reference)
    }
}

/// Facts about the request that go into the audit trail.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    /// The request's name in the logs and on its error page (empty outside a request).
    pub request_id: String,
}

impl Actor {
    pub fn new(found: UserWithRoles, via: Via) -> Self {
        Self {
            user: found.user,
            memberships: found.memberships,
            via,
            inspecting: None,
        }
    }

    /// The organisation whose records this request reads and writes: the provider being
    /// inspected, while an inspection is open.
    pub fn org_id(&self) -> OrgId {
        self.inspecting
            .as_ref()
            .map_or(self.user.org_id, |i| i.inspection.org_id)
    }

    pub fn roles(&self) -> impl Iterator<Item = Role> + '_ {
        self.memberships.iter().map(|m| m.role)
    }

    pub fn can(&self, action: Action) -> bool {
        match &self.inspecting {
            Some(_) => policy::inspection_allows(action),
            None => policy::allows(self.roles(), action),
        }
    }

    /// The services whose people this actor may see: `None` means every service of the
    /// organisation (an organisation-wide role allows it).
    pub fn people_scope(&self) -> Option<Vec<ServiceId>> {
        self.scope_for(Action::ViewPeople)
    }

    /// The services in which the actor's roles allow `action`: `None` means all of them.
    pub fn scope_for(&self, action: Action) -> Option<Vec<ServiceId>> {
        if let Some(i) = &self.inspecting {
            return match i.inspection.service_id {
                _ if !policy::inspection_allows(action) => Some(Vec::new()),
                Some(home) => Some(vec![home]),
                None => None,
            };
        }
        let allowing: Vec<&Membership> = self
            .memberships
            .iter()
            .filter(|m| policy::role_allows(m.role, action))
            .collect();
        if allowing.iter().any(|m| m.service_id.is_none()) {
            return None;
        }
        let mut services: Vec<ServiceId> = allowing.iter().filter_map(|m| m.service_id).collect();
        services.sort();
        services.dedup();
        Some(services)
    }

    /// An audit event describing something this actor did.
    pub fn event(
        &self,
        at: Timestamp,
        meta: &RequestMeta,
        action: &str,
        resource_kind: &str,
        resource_id: Option<String>,
        outcome: Outcome,
    ) -> AuditEvent {
        AuditEvent {
            at,
            org_id: Some(self.org_id()),
            actor: Some(self.user.id),
            actor_label: match &self.inspecting {
                // The provider's trail names the inspector's organisation beside them.
                Some(i) => format!("{} ({})", self.user.email, i.inspectorate_label()),
                None => self.user.email.clone(),
            },
            action: action.into(),
            resource_kind: resource_kind.into(),
            resource_id,
            outcome,
            ip: meta.ip.clone(),
        }
    }
}

impl Actor {
    /// Whether the actor may take `action` for people in `service`.
    pub fn can_in(&self, action: Action, service: ServiceId) -> bool {
        self.can(action) && self.scope_for(action).is_none_or(|s| s.contains(&service))
    }
}

/// Refuses unless the actor may take the action.
pub fn require(actor: &Actor, action: Action) -> AppResult<()> {
    if actor.can(action) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
