//! API tokens over the API: the caller's own (list, make, revoke), and an admin's view of a
//! user's (list, revoke). The token itself is in the answer that makes it, and nowhere else.

use super::json::ApiJson;
use super::problem::Problem;
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use homeward_domain::ids::UserId;
use homeward_store::ListedToken;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A token as listed: never the token itself.
#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    /// The token's reference, for revoking it (a hash of the token, not the token).
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// Who revoked it.
    pub revoked_by: Option<String>,
}

impl From<&ListedToken> for TokenDto {
    fn from(t: &ListedToken) -> Self {
        Self {
            id: t.token.token_hash.clone(),
            label: t.token.label.clone(),
            created_at: t.token.created_at.to_string(),
            expires_at: t.token.expires_at.to_string(),
            revoked_at: t.revoked.as_ref().map(|r| r.at.to_string()),
            revoked_by: t.revoked.as_ref().map(|r| r.by_label.clone()),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewTokenRequest {
    /// What the token is for, e.g. "The home's tablet".
    #[schema(min_length = 1, max_length = 300)]
    pub label: String,
    /// Days until it stops working: 1 to 90; 90 if not given.
    #[schema(minimum = 1, maximum = 90)]
    pub days: Option<i64>,
}

/// A token just made. `token` is shown this once.
#[derive(Serialize, ToSchema)]
pub struct NewTokenDto {
    pub id: String,
    pub token: String,
    pub label: String,
    pub expires_at: String,
}

/// The caller's own API tokens, newest first, revoked ones included.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "tokens", responses(
    (status = 200, body = [TokenDto]),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn mine(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<TokenDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let tokens = state.app.my_tokens(actor).await.map_err(fail)?;
    Ok(Json(tokens.iter().map(TokenDto::from).collect()))
}

/// Makes an API token for the caller. Needs the authenticator code entered in this session
/// within the last 15 minutes (403 `step-up` otherwise).
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "tokens", request_body = NewTokenRequest, responses(
    (status = 201, body = NewTokenDto),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn make(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewTokenRequest>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let made = state
        .app
        .make_my_token(
            actor,
            &ctx.meta,
            &body.label,
            body.days.unwrap_or(homeward_app::tokens::DEFAULT_DAYS),
        )
        .await
        .map_err(fail)?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenDto {
            id: made.token.token_hash,
            token: made.secret,
            label: made.token.label,
            expires_at: made.token.expires_at.to_string(),
        }),
    )
        .into_response())
}

/// Revokes one of the caller's own tokens. It stops working at once.
#[utoipa::path(post, path = "/api/v1/me/tokens/{token}/revoke", tag = "tokens", params(("token" = String, Path)), responses(
    (status = 204),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn revoke_mine(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<StatusCode, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    state
        .app
        .revoke_my_token(actor, &ctx.meta, &token)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}

fn user_id(ctx: &Ctx, raw: &str) -> Result<UserId, Problem> {
    super::problem::path_id(ctx.tr, raw)
}

/// A user's API tokens, for the organisation's admins and managers.
#[utoipa::path(get, path = "/api/v1/users/{id}/tokens", tag = "tokens", params(("id" = String, Path)), responses(
    (status = 200, body = [TokenDto]),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn of_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<TokenDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = user_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let tokens = state.app.user_tokens(actor, id).await.map_err(fail)?;
    Ok(Json(tokens.iter().map(TokenDto::from).collect()))
}

/// Revokes a user's token (an admin's decision: someone left, a device was lost).
#[utoipa::path(post, path = "/api/v1/users/{id}/tokens/{token}/revoke", tag = "tokens", params(("id" = String, Path), ("token" = String, Path)), responses(
    (status = 204),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn revoke_users(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, token)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = user_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    state
        .app
        .revoke_user_token(actor, &ctx.meta, id, &token)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}
