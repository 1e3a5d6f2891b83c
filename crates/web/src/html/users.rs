//! The organisation admin's user accounts: list, add, change roles, deactivate.

use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use crate::i18n::Tr;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use homeward_app::policy::Action;
use homeward_app::users::NewUserInput;
use homeward_app::{AppError, FieldError};
use homeward_domain::ids::UserId;
use homeward_domain::role::Role;
use homeward_store::{Membership, Service, UserWithRoles};
use serde::Deserialize;

/// "Manager (whole organisation)", "Care worker: Tŷ Enghraifft".
pub fn describe_memberships(
    t: Tr,
    memberships: &[Membership],
    services: &[Service],
) -> Vec<String> {
    memberships
        .iter()
        .map(|m| {
            let role = t.get(&format!("role-{}", m.role.code()));
            let place = match m.service_id {
                None => t.get("users-whole-organisation"),
                Some(id) => services
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            };
            format!("{role} ({place})")
        })
        .collect()
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

fn role_choices(t: Tr, checked: &[String]) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.code().into(),
            label: t.get(&format!("role-{}", r.code())),
            checked: checked.iter().any(|c| c == r.code()),
        })
        .collect()
}

fn service_choices(t: Tr, services: &[Service], selected: &str) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: t.get("users-whole-organisation"),
        checked: selected.is_empty(),
    }];
    out.extend(services.iter().map(|s| Choice {
        value: s.id.to_string(),
        label: s.name.clone(),
        checked: s.id.to_string() == selected,
    }));
    out
}

fn parse_id(ctx: &Ctx, raw: &str) -> Result<UserId, Failure> {
    raw.parse()
        .map_err(|_| Failure::new(ctx.clone(), AppError::NotFound))
}

pub struct UserRow {
    pub href: String,
    pub name: String,
    pub email: String,
    pub roles: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: Page,
    rows: Vec<UserRow>,
    can_manage: bool,
    search: String,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UsersQuery {
    q: String,
    after: String,
}

/// A page of users by name, those matching the search if there is one.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<UsersQuery>,
) -> Result<Response, Failure> {
    use crate::api::users::{decode_user_cursor, encode_user_cursor};
    use crate::listing::href;
    const PAGE: i64 = 100;
    let actor = ctx.actor().or_fail(&ctx)?;
    let search = q.q.trim().to_string();
    let users = state
        .app
        .users_page(
            actor,
            &ctx.meta,
            Some(search.clone()).filter(|s| !s.is_empty()),
            decode_user_cursor(&q.after),
            PAGE,
        )
        .await
        .or_fail(&ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let next_href = (users.len() as i64 == PAGE)
        .then(|| users.last())
        .flatten()
        .map(|last| {
            let cursor = encode_user_cursor(&homeward_store::UserCursor {
                display_name: last.user.display_name.clone(),
                id: last.user.id,
            });
            href(
                "/admin/users",
                &[("q", Some(search.clone())), ("after", Some(cursor))],
            )
        });
    let first_href =
        (!q.after.trim().is_empty()).then(|| href("/admin/users", &[("q", Some(search.clone()))]));
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            href: format!("/admin/users/{}", u.user.id),
            roles: describe_memberships(ctx.tr, &u.memberships, &services).join(", "),
            name: u.user.display_name,
            email: u.user.email,
            active: u.user.active,
        })
        .collect();
    let page = UsersPage {
        page: Page::new(&ctx, "users-title", "/admin/users"),
        rows,
        can_manage: actor.can(Action::ManageUsers),
        search,
        next_href,
        first_href,
    };
    Ok(render(&page, StatusCode::OK))
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    page: Page,
    errors: FormErrors,
    display_name: String,
    email: String,
    roles: Vec<Choice>,
    services: Vec<Choice>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserForm {
    display_name: String,
    email: String,
    password: String,
    roles: Vec<String>,
    service: String,
}

fn submitted_roles(form_roles: &[String], service: &str) -> Vec<(String, Option<String>)> {
    let service = Some(service.to_string()).filter(|s| !s.is_empty());
    form_roles
        .iter()
        .map(|r| (r.clone(), service.clone()))
        .collect()
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let page = NewUserPage {
        page: Page::new(&ctx, "users-new-title", "/admin/users"),
        errors: FormErrors::default(),
        display_name: String::new(),
        email: String::new(),
        roles: role_choices(ctx.tr, &[]),
        services: service_choices(ctx.tr, &services, ""),
    };
    Ok(render(&page, StatusCode::OK))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UserForm>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let input = NewUserInput {
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        password: form.password,
        roles: submitted_roles(&form.roles, &form.service),
    };
    match state.app.add_user(actor, &ctx.meta, input).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/users/{id}?added=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
            let errors = FormErrors::from_fields(
                ctx.tr,
                &order(fields, &["display_name", "email", "password", "roles"]),
            );
            let page = NewUserPage {
                page: Page::new(&ctx, "users-new-title", "/admin/users").with_errors(&errors),
                errors,
                display_name: form.display_name,
                email: form.email,
                roles: role_choices(ctx.tr, &form.roles),
                services: service_choices(ctx.tr, &services, &form.service),
            };
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// Puts field errors in the order the fields appear on the page.
fn order(mut fields: Vec<FieldError>, layout: &[&str]) -> Vec<FieldError> {
    fields.sort_by_key(|f| {
        layout
            .iter()
            .position(|l| *l == f.field)
            .unwrap_or(usize::MAX)
    });
    fields
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    user: UserWithRoles,
    summary: Vec<super::home::Row>,
    can_manage: bool,
    is_self: bool,
    roles: Vec<Choice>,
    services: Vec<Choice>,
    action_roles: String,
    action_deactivate: String,
    action_details: String,
    action_second_factor: String,
    /// They have a second factor set up (an administrator may reset it).
    has_second_factor: bool,
    /// Their API tokens, each with a revoke button for an admin.
    tokens: Vec<super::tokens::TokenRow>,
    /// The name and address in the "change details" form: as saved, or as just submitted.
    display_name: String,
    email: String,
}

/// What was just submitted on a user's page, shown again with its problems.
#[derive(Default)]
struct Submitted {
    roles: Option<(Vec<String>, String)>,
    details: Option<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct UserQuery {
    added: Option<String>,
    saved: Option<String>,
    deactivated: Option<String>,
    details: Option<String>,
    second_factor: Option<String>,
    token_revoked: Option<String>,
}

async fn user_page(
    state: &AppState,
    ctx: &Ctx,
    id: UserId,
    errors: FormErrors,
    banner_id: Option<&str>,
    submitted: Submitted,
) -> Result<UserPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let found = state
        .app
        .view_user(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(ctx)?;
    let second_factor = state
        .app
        .second_factor_status(found.user.id)
        .await
        .or_fail(ctx)?;
    let t = ctx.tr;
    let (display_name, email) = submitted
        .details
        .unwrap_or_else(|| (found.user.display_name.clone(), found.user.email.clone()));
    let (checked_roles, selected_service) = submitted.roles.unwrap_or_else(|| {
        (
            found
                .memberships
                .iter()
                .map(|m| m.role.code().to_string())
                .collect(),
            found
                .memberships
                .iter()
                .find_map(|m| m.service_id)
                .map(|s| s.to_string())
                .unwrap_or_default(),
        )
    });
    let summary = vec![
        super::home::Row {
            key: t.get("users-email"),
            value: found.user.email.clone(),
        },
        super::home::Row {
            key: t.get("users-roles"),
            value: describe_memberships(t, &found.memberships, &services).join(", "),
        },
        super::home::Row {
            key: t.get("users-status"),
            value: t.get(if found.user.active {
                "users-active"
            } else {
                "users-inactive"
            }),
        },
        super::home::Row {
            key: t.get("users-created"),
            value: t.date_time(found.user.created_at),
        },
        super::home::Row {
            key: t.get("users-second-factor"),
            value: match second_factor {
                Some(left) => t.with("users-second-factor-on", "left", &left.to_string()),
                None if found
                    .memberships
                    .iter()
                    .any(|m| m.role.needs_second_factor()) =>
                {
                    t.get("users-second-factor-at-next")
                }
                None => t.get("users-second-factor-off"),
            },
        },
    ];
    let tokens = state.app.user_tokens(actor, id).await.or_fail(ctx)?;
    let revoke = |hash: &str| format!("/admin/users/{id}/tokens/{hash}/revoke");
    let tokens = super::tokens::rows(
        t,
        &tokens,
        state.app.clock.now(),
        actor
            .can(Action::ManageUsers)
            .then_some(&revoke as &dyn Fn(&str) -> String),
    );
    let mut page = Page::new(ctx, "users-title", "/admin/users").with_errors(&errors);
    page.title = found.user.display_name.clone();
    Ok(UserPage {
        page,
        banner: banner_id.map(|b| t.with(b, "name", &found.user.display_name)),
        errors,
        summary,
        can_manage: actor.can(Action::ManageUsers) && found.user.active,
        is_self: found.user.id == actor.user.id,
        roles: role_choices(t, &checked_roles),
        services: service_choices(t, &services, &selected_service),
        action_roles: format!("/admin/users/{id}/roles"),
        action_deactivate: format!("/admin/users/{id}/deactivate"),
        action_details: format!("/admin/users/{id}/details"),
        action_second_factor: format!("/admin/users/{id}/second-factor/reset"),
        has_second_factor: second_factor.is_some(),
        tokens,
        display_name,
        email,
        user: found,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<UserQuery>,
) -> Result<Response, Failure> {
    let id = parse_id(&ctx, &id)?;
    let banner = if q.added.is_some() {
        Some("users-added")
    } else if q.saved.is_some() {
        Some("users-roles-saved")
    } else if q.deactivated.is_some() {
        Some("users-deactivated")
    } else if q.details.is_some() {
        Some("users-details-saved")
    } else if q.second_factor.is_some() {
        Some("users-second-factor-reset")
    } else if q.token_revoked.is_some() {
        Some("users-token-revoked")
    } else {
        None
    };
    let page = user_page(
        &state,
        &ctx,
        id,
        FormErrors::default(),
        banner,
        Submitted::default(),
    )
    .await?;
    Ok(render(&page, StatusCode::OK))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RolesForm {
    roles: Vec<String>,
    service: String,
}

pub async fn set_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<RolesForm>,
) -> Result<Response, Failure> {
    let id = parse_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    match state
        .app
        .set_roles(
            actor,
            &ctx.meta,
            id,
            &submitted_roles(&form.roles, &form.service),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = user_page(
                &state,
                &ctx,
                id,
                errors,
                None,
                Submitted {
                    roles: Some((form.roles, form.service)),
                    ..Submitted::default()
                },
            )
            .await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

pub async fn deactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = parse_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    match state.app.deactivate_user(actor, &ctx.meta, id).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?deactivated=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = user_page(&state, &ctx, id, errors, None, Submitted::default()).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// Resets a user's second factor (a lost phone): they set up a new one at their next
/// sign-in, and are signed out everywhere now.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = parse_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    state
        .app
        .remove_second_factor(actor, &ctx.meta, id)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to(&format!("/admin/users/{id}?second_factor=1")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DetailsForm {
    display_name: String,
    email: String,
}

/// Changes a user's name or email address (a typing mistake, a new address).
pub async fn update_details(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<DetailsForm>,
) -> Result<Response, Failure> {
    let id = parse_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    match state
        .app
        .update_user_details(actor, &ctx.meta, id, &form.display_name, &form.email)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?details=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let submitted = Submitted {
                details: Some((form.display_name, form.email)),
                ..Submitted::default()
            };
            let page = user_page(&state, &ctx, id, errors, None, submitted).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}
