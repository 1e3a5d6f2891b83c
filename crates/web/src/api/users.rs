use super::dto::{
    Created, MembershipDto, NewUserRequest, RolesRequest, UserDetailsRequest, UserDto,
};
use super::json::ApiJson;
use super::problem::Problem;
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use homeward_app::AppError;
use homeward_app::users::NewUserInput;
use homeward_domain::ids::UserId;

fn user_id(ctx: &Ctx, raw: &str) -> Result<UserId, Problem> {
    super::problem::path_id(ctx.tr, raw)
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Only those whose name or email address contains this (any case).
    pub search: Option<String>,
    /// How many to return: 1 to 200, 50 if not given.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Where the previous page ended: the `after` of its `Link: <…>; rel="next"` header.
    pub after: Option<String>,
}

pub fn encode_user_cursor(c: &homeward_store::UserCursor) -> String {
    crate::listing::encode_cursor(&(&c.display_name, c.id.to_string()))
}

pub fn decode_user_cursor(text: &str) -> Option<homeward_store::UserCursor> {
    let (display_name, id): (String, String) = crate::listing::decode_cursor(text)?;
    Some(homeward_store::UserCursor {
        display_name,
        id: id.parse().ok()?,
    })
}

/// The organisation's user accounts (active and deactivated), by name, a page at a time.
/// When there are more, a `Link` header gives the next page (`rel="next"`). Audited.
#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", params(UserListQuery), responses(
    (status = 200, body = [UserDto], headers(("Link" = String, description = "The next page, when there is one"))),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    super::query::ApiQuery(q): super::query::ApiQuery<UserListQuery>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let limit = crate::listing::page_limit(q.limit).map_err(fail)?;
    let after = match q.after.as_deref() {
        Some(a) => Some(
            decode_user_cursor(a)
                .ok_or_else(|| fail(AppError::invalid("after", "error-choice-unknown")))?,
        ),
        None => None,
    };
    let users = state
        .app
        .users_page(actor, &ctx.meta, q.search.clone(), after, limit)
        .await
        .map_err(fail)?;
    let mut response = Json(users.iter().map(UserDto::from).collect::<Vec<_>>()).into_response();
    if users.len() as i64 == limit
        && let Some(last) = users.last()
    {
        let cursor = encode_user_cursor(&homeward_store::UserCursor {
            display_name: last.user.display_name.clone(),
            id: last.user.id,
        });
        let next = crate::listing::href(
            "/api/v1/users",
            &[
                ("search", q.search.clone()),
                ("limit", Some(limit.to_string())),
                ("after", Some(cursor)),
            ],
        );
        crate::listing::link_next(&mut response, &next);
    }
    Ok(response)
}

/// Adds a user to the caller's organisation.
#[utoipa::path(post, path = "/api/v1/users", operation_id = "create_user", request_body = NewUserRequest, responses(
    (status = 201, body = Created),
    (status = 400, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewUserRequest>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let input = NewUserInput {
        display_name: body.display_name,
        email: body.email,
        password: body.password,
        roles: MembershipDto::to_input(&body.roles),
    };
    let id = state
        .app
        .add_user(actor, &ctx.meta, input)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })).into_response())
}

/// One user account.
#[utoipa::path(get, path = "/api/v1/users/{id}", operation_id = "show_user", params(("id" = String, Path)), responses(
    (status = 200, body = UserDto),
    (status = 404, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<UserDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = user_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let user = state
        .app
        .view_user(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(Json(UserDto::from(&user)))
}

/// Replaces a user's roles.
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", params(("id" = String, Path)), request_body = RolesRequest, responses(
    (status = 204),
    (status = 404, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn set_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RolesRequest>,
) -> Result<StatusCode, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = user_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    state
        .app
        .set_roles(actor, &ctx.meta, id, &MembershipDto::to_input(&body.roles))
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes a user's name and email address (sign-in and paging). 422 names `email` when
/// another account has it.
#[utoipa::path(put, path = "/api/v1/users/{id}", operation_id = "update_user", params(("id" = String, Path)), request_body = UserDetailsRequest, responses(
    (status = 204),
    (status = 404, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserDetailsRequest>,
) -> Result<StatusCode, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = user_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    state
        .app
        .update_user_details(actor, &ctx.meta, id, &body.display_name, &body.email)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivates a user and ends their sessions and API tokens at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", params(("id" = String, Path)), responses(
    (status = 204),
    (status = 404, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn deactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = user_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    state
        .app
        .deactivate_user(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}
