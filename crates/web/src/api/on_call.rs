//! A service's on-call rota in the API: who is paged first, from when to when, the default
//! when nobody is on, and how long before the next person is paged.

use super::json::ApiJson;
use super::problem::{Problem, ProblemDocument};
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::{Path, State};
use homeward_app::escalation::RotaInput;
use homeward_app::{AppError, FieldError};
use homeward_domain::escalation::Rota;
use homeward_domain::ids::{ServiceId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ShiftDto {
    pub user_id: Uuid,
    /// Their name, as pages show it (read only).
    #[serde(default, skip_deserializing)]
    pub name: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub from: String,
    /// RFC 3339; after `from`.
    #[schema(format = DateTime)]
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct RotaDto {
    /// 0 while no rota has been set.
    pub version: i64,
    pub shifts: Vec<ShiftDto>,
    /// Paged when nobody is on call; without one, the service's managers are.
    pub default_user_id: Option<Uuid>,
    /// Minutes before an unacknowledged page goes to the next person (1 to 240).
    pub escalate_after_minutes: i64,
}

fn dto(version: i64, rota: &Rota) -> RotaDto {
    RotaDto {
        version,
        shifts: rota
            .shifts
            .iter()
            .map(|s| ShiftDto {
                user_id: s.contact.user.0,
                name: s.contact.label.clone(),
                from: s.from.to_string(),
                to: s.to.to_string(),
            })
            .collect(),
        default_user_id: rota.default_contact.as_ref().map(|c| c.user.0),
        escalate_after_minutes: rota.escalate_after_minutes,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotaUpdate {
    /// The version this change is based on.
    pub based_on: i64,
    pub shifts: Vec<ShiftDto>,
    pub default_user_id: Option<Uuid>,
    pub escalate_after_minutes: i64,
}

fn service_id(ctx: &Ctx, raw: &str) -> Result<ServiceId, Problem> {
    super::problem::path_id(ctx.tr, raw)
}

/// The rota in force for a service.
#[utoipa::path(get, path = "/api/v1/services/{id}/on-call", operation_id = "on_call", tag = "organisation", params(("id" = String, Path)), responses(
    (status = 200, body = RotaDto),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<RotaDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = service_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let (version, rota) = state.app.service_rota(actor, id).await.map_err(fail)?;
    Ok(Json(dto(version, &rota)))
}

/// Sets the rota as its next version. Problems name `shifts.N.to`, `shifts.N.user`,
/// `default_user` or `escalate_after_minutes`.
#[utoipa::path(put, path = "/api/v1/services/{id}/on-call", operation_id = "update_on_call", tag = "organisation", params(("id" = String, Path)), request_body = RotaUpdate, responses(
    (status = 200, body = RotaDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RotaUpdate>,
) -> Result<Json<RotaDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = service_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let mut problems = Vec::new();
    let mut shifts = Vec::new();
    for (i, s) in body.shifts.iter().enumerate() {
        let mut at = |field: &str, text: &str| {
            text.parse::<jiff::Timestamp>()
                .map_err(|_| {
                    problems.push(FieldError {
                        field: format!("shifts.{i}.{field}"),
                        message: "error-time-rfc3339",
                    })
                })
                .ok()
        };
        if let (Some(from), Some(to)) = (at("from", &s.from), at("to", &s.to)) {
            shifts.push((UserId(s.user_id), from, to));
        }
    }
    if !problems.is_empty() {
        return Err(fail(AppError::Invalid(problems)));
    }
    let input = RotaInput {
        shifts,
        default_user: body.default_user_id.map(UserId),
        escalate_after_minutes: body.escalate_after_minutes,
    };
    state
        .app
        .save_rota(actor, &ctx.meta, id, input, body.based_on)
        .await
        .map_err(fail)?;
    let (version, rota) = state.app.service_rota(actor, id).await.map_err(fail)?;
    Ok(Json(dto(version, &rota)))
}
