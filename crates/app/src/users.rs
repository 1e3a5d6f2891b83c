//! Managing the organisation's user accounts.

use crate::actor::require;
use crate::auth::hash_password;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::email::{EmailAddress, EmailError};
use homeward_domain::ids::{OrgId, ServiceId, UserId};
use homeward_domain::password::check_new_password;
use homeward_domain::role::Role;
use homeward_store::{Membership, NewUser, StoreError, User, UserWithRoles};

/// What the "add a user" form (or API call, or command) supplies.
#[derive(Clone, Debug, Default)]
pub struct NewUserInput {
    pub display_name: String,
    pub email: String,
    pub password: String,
    /// Role codes with an optional service id, as submitted; checked here.
    pub roles: Vec<(String, Option<String>)>,
}

const MAX_NAME_CHARS: usize = 100;

/// A user's name and address as submitted, trimmed and checked; problems are added to
/// `problems`.
fn check_details(
    name: &str,
    email: &str,
    problems: &mut Vec<FieldError>,
) -> (String, Option<EmailAddress>) {
    let name = name.trim().to_string();
    if name.is_empty() {
        problems.push(FieldError {
            field: "display_name".into(),
            message: "error-name-empty",
        });
    } else if name.chars().count() > MAX_NAME_CHARS {
        problems.push(FieldError {
            field: "display_name".into(),
            message: "error-name-too-long",
        });
    } else if let Some(message) =
        homeward_domain::text::problem(&name, homeward_domain::text::Shape::Line, MAX_NAME_CHARS)
    {
        problems.push(FieldError {
            field: "display_name".into(),
            message,
        });
    }
    let email = match EmailAddress::parse(email) {
        Ok(e) => Some(e),
        Err(EmailError::Empty) => {
            problems.push(FieldError {
                field: "email".into(),
                message: "error-email-empty",
            });
            None
        }
        Err(_) => {
            problems.push(FieldError {
                field: "email".into(),
                message: "error-email-format",
            });
            None
        }
    };
    (name, email)
}

impl App {
    /// A page of the organisation's users by name, those whose name or address contains
    /// `search` if given. The read is audited. `limit` is capped at
    /// [`crate::episodes::MAX_PAGE`].
    pub async fn users_page(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        search: Option<String>,
        after: Option<homeward_store::UserCursor>,
        limit: i64,
    ) -> AppResult<Vec<UserWithRoles>> {
        require(actor, Action::ViewUsers)?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "user.list",
            "user",
            None,
            Outcome::Allowed,
        );
        let query = homeward_store::UsersQuery {
            search,
            after,
            limit: limit.clamp(1, crate::episodes::MAX_PAGE),
            ..homeward_store::UsersQuery::default()
        };
        Ok(self
            .store
            .users_page(actor.org_id(), &query, Some(&e))
            .await?)
    }

    pub async fn view_user(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: UserId,
    ) -> AppResult<UserWithRoles> {
        require(actor, Action::ViewUsers)?;
        let found = self
            .store
            .get_user(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "user.view",
            "user",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.store.record_audit(&e).await?;
        Ok(found)
    }

    /// Checks submitted roles against the organisation's services.
    async fn parse_memberships(
        &self,
        org: OrgId,
        roles: &[(String, Option<String>)],
    ) -> AppResult<Vec<Membership>> {
        let services = self.store.list_services(org).await?;
        let mut out = Vec::new();
        for (code, service) in roles {
            let role =
                Role::from_code(code).ok_or(AppError::invalid("roles", "error-roles-unknown"))?;
            let service_id = match service.as_deref().filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => {
                    let id: ServiceId = s
                        .parse()
                        .map_err(|_| AppError::invalid("roles", "error-roles-unknown"))?;
                    if !services.iter().any(|svc| svc.id == id) {
                        return Err(AppError::invalid("roles", "error-roles-unknown"));
                    }
                    Some(id)
                }
            };
            out.push(Membership { role, service_id });
        }
        out.sort();
        out.dedup();
        if out.is_empty() {
            return Err(AppError::invalid("roles", "error-roles-empty"));
        }
        Ok(out)
    }

    pub async fn add_user(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        input: NewUserInput,
    ) -> AppResult<UserId> {
        require(actor, Action::ManageUsers)?;
        let org = actor.org_id();
        let e = |id: UserId| {
            actor.event(
                self.clock.now(),
                meta,
                "user.create",
                "user",
                Some(id.to_string()),
                Outcome::Allowed,
            )
        };
        self.create_user_in(org, input, e).await
    }

    /// Adds a user on behalf of the installation (the command line), not a signed-in actor.
    pub async fn add_user_as_system(&self, org: OrgId, input: NewUserInput) -> AppResult<UserId> {
        self.store
            .get_organisation(org)
            .await?
            .ok_or(AppError::NotFound)?;
        let e = |id: UserId| AuditEvent {
            at: self.clock.now(),
            org_id: Some(org),
            actor: None,
            actor_label: "system".into(),
            action: "user.create".into(),
            resource_kind: "user".into(),
            resource_id: Some(id.to_string()),
            outcome: Outcome::Allowed,
            ip: None,
        };
        self.create_user_in(org, input, e).await
    }

    async fn create_user_in(
        &self,
        org: OrgId,
        input: NewUserInput,
        event: impl Fn(UserId) -> AuditEvent,
    ) -> AppResult<UserId> {
        let mut problems = Vec::new();
        let (name, email) = check_details(&input.display_name, &input.email, &mut problems);
        let org_name = self
            .store
            .get_organisation(org)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let context = [
            email.as_ref().map(|e| e.local_part()).unwrap_or(""),
            org_name.as_str(),
            "homeward",
        ];
        if let Err(p) = check_new_password(&input.password, &context) {
            let message = match p.code() {
                "password-empty" => "error-password-empty",
                "password-too-short" => "error-password-too-short",
                "password-too-long" => "error-password-too-long",
                _ => "error-password-too-common",
            };
            problems.push(FieldError {
                field: "password".into(),
                message,
            });
        }
        let memberships = match self.parse_memberships(org, &input.roles).await {
            Ok(m) => m,
            Err(AppError::Invalid(mut p)) => {
                problems.append(&mut p);
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        let Some(email) = email.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let id = UserId::new_random();
        let new = NewUser {
            user: User {
                id,
                org_id: org,
                email: email.to_string(),
                display_name: name,
                active: true,
                created_at: self.clock.now(),
            },
            password_hash: hash_password(input.password).await?,
            memberships,
        };
        match self.store.create_user(&new, &event(id)).await {
            Ok(()) => Ok(id),
            Err(StoreError::Conflict(_)) => Err(AppError::invalid("email", "error-email-in-use")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn set_roles(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: UserId,
        roles: &[(String, Option<String>)],
    ) -> AppResult<()> {
        require(actor, Action::ManageUsers)?;
        let memberships = self.parse_memberships(actor.org_id(), roles).await?;
        // An administrator cannot take away their own administration and lock everyone out.
        if id == actor.user.id && !memberships.iter().any(|m| m.role == Role::OrgAdmin) {
            return Err(AppError::invalid("roles", "error-roles-own-admin"));
        }
        let e = actor.event(
            self.clock.now(),
            meta,
            "user.roles",
            "user",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        if self
            .store
            .set_memberships(actor.org_id(), id, &memberships, &e)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Changes a user's name and the address they sign in with and are paged at (a typing
    /// mistake, a new address). The change, with the address before and after, is audited.
    pub async fn update_user_details(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: UserId,
        display_name: &str,
        email: &str,
    ) -> AppResult<()> {
        require(actor, Action::ManageUsers)?;
        let before = self
            .store
            .get_user(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut problems = Vec::new();
        let (name, email) = check_details(display_name, email, &mut problems);
        let Some(email) = email.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let email = email.to_string();
        let change = if email == before.user.email {
            id.to_string()
        } else {
            format!("{id}: {} → {email}", before.user.email)
        };
        let e = actor.event(
            self.clock.now(),
            meta,
            "user.update",
            "user",
            Some(change),
            Outcome::Allowed,
        );
        match self
            .store
            .update_user(actor.org_id(), id, &name, &email, &e)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::NotFound),
            Err(StoreError::Conflict(_)) => Err(AppError::invalid("email", "error-email-in-use")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn deactivate_user(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: UserId,
    ) -> AppResult<()> {
        require(actor, Action::ManageUsers)?;
        if id == actor.user.id {
            return Err(AppError::invalid("confirm", "error-deactivate-self"));
        }
        let e = actor.event(
            self.clock.now(),
            meta,
            "user.deactivate",
            "user",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        if self.store.deactivate_user(actor.org_id(), id, &e).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
