//! The services the caller may see, and email that could not be delivered.

use super::json::ApiJson;
use super::problem::{Problem, ProblemDocument};
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_app::AppError;
use homeward_app::policy::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ServiceDto {
    pub id: Uuid,
    pub name: String,
    /// childrens_home, fostering_service, supported_accommodation, home_care or adult_care_home.
    pub kind: String,
    pub registration_number: String,
}

/// The organisation's services that the caller's roles reach, by name.
#[utoipa::path(get, path = "/api/v1/services", operation_id = "list_services", tag = "organisation", responses(
    (status = 200, body = [ServiceDto]),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ServiceDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let (_, services) = state.app.organisation_overview(actor).await.map_err(fail)?;
    let scope = actor.scope_for(Action::ViewOwnHome);
    let mut out: Vec<ServiceDto> = services
        .into_iter()
        .filter(|s| scope.as_ref().is_none_or(|list| list.contains(&s.id)))
        .map(|s| ServiceDto {
            id: s.id.0,
            name: s.name,
            kind: s.kind.code().to_string(),
            registration_number: s.registration_number,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
pub struct UndeliveredDto {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub episode_id: Option<Uuid>,
    /// RFC 3339: when it was written.
    pub created_at: String,
    /// RFC 3339: when the last try failed.
    pub failed_at: String,
    pub last_error: Option<String>,
}

/// Email that used every try without being delivered, newest first: the people it was for
/// have not had it. Send each again with `POST …/{id}/resend`.
#[utoipa::path(get, path = "/api/v1/mail/undelivered", tag = "organisation", responses(
    (status = 200, body = [UndeliveredDto]),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn undelivered(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<UndeliveredDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let dead = state.app.undelivered_mail(actor).await.map_err(fail)?;
    Ok(Json(
        dead.into_iter()
            .map(|d| UndeliveredDto {
                id: d.message.id,
                to: d.message.to_address,
                subject: d.message.subject,
                episode_id: d.message.episode_id.map(|e| e.0),
                created_at: d.message.created_at.to_string(),
                failed_at: d.died_at.to_string(),
                last_error: d.last_error,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    /// Where to send it: the corrected address, or the same one once its problem is fixed.
    pub address: String,
}

/// Sends an undelivered email again. A second request for the same one is a 404: it has
/// been dealt with.
#[utoipa::path(post, path = "/api/v1/mail/undelivered/{id}/resend", tag = "organisation", params(("id" = String, Path)), request_body = ResendRequest, responses(
    (status = 202),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResendRequest>,
) -> Result<StatusCode, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let id: Uuid = id.parse().map_err(|_| fail(AppError::NotFound))?;
    state
        .app
        .resend_mail(actor, &ctx.meta, id, &body.address)
        .await
        .map_err(fail)?;
    Ok(StatusCode::ACCEPTED)
}
