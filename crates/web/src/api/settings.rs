//! The organisation's settings in the API.

use super::json::ApiJson;
use super::problem::{Problem, ProblemDocument};
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::State;
use homeward_app::settings::CurrentSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SettingsDto {
    /// 0 while the standard settings are in force.
    pub version: i64,
    /// A child's photo older than this many months is flagged for replacing (1 to 36).
    pub photo_age_child_months: i8,
    /// An adult's photo older than this many months is flagged for replacing (1 to 36).
    pub photo_age_adult_months: i8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    /// RFC 3339, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<String>,
}

impl From<&CurrentSettings> for SettingsDto {
    fn from(c: &CurrentSettings) -> Self {
        Self {
            version: c.version,
            photo_age_child_months: c.settings.photo_age_child_months,
            photo_age_adult_months: c.settings.photo_age_adult_months,
            changed_by: c.changed.as_ref().map(|(who, _)| who.clone()),
            changed_at: c.changed.as_ref().map(|(_, at)| at.to_string()),
        }
    }
}

/// New settings, based on the version they change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    pub based_on: i64,
    pub photo_age_child_months: i64,
    pub photo_age_adult_months: i64,
}

/// The organisation's settings in force.
#[utoipa::path(get, path = "/api/v1/settings", tag = "organisation", responses(
    (status = 200, body = SettingsDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Json<SettingsDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let current = state.app.organisation_settings(actor).await.map_err(fail)?;
    Ok(Json(SettingsDto::from(&current)))
}

/// Changes the organisation's settings, as their next version.
#[utoipa::path(put, path = "/api/v1/settings", tag = "organisation", request_body = SettingsUpdate, responses(
    (status = 200, body = SettingsDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<SettingsUpdate>,
) -> Result<Json<SettingsDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    state
        .app
        .save_settings(
            actor,
            &ctx.meta,
            &body.photo_age_child_months.to_string(),
            &body.photo_age_adult_months.to_string(),
            body.based_on,
        )
        .await
        .map_err(fail)?;
    let current = state.app.organisation_settings(actor).await.map_err(fail)?;
    Ok(Json(SettingsDto::from(&current)))
}
