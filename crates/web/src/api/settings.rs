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
    /// What "promptly" and the guidance's other unnumbered clocks mean here.
    pub duties: DutySettingsDto,
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
            duties: DutySettingsDto::from(&c.settings.duties),
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
#[utoipa::path(get, path = "/api/v1/settings", operation_id = "settings", tag = "organisation", responses(
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
#[utoipa::path(put, path = "/api/v1/settings", operation_id = "update_settings", tag = "organisation", request_body = SettingsUpdate, responses(
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

/// The duty clocks, in minutes or days as named; each within its range.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DutySettingsDto {
    /// "Immediately": minutes before such a duty is overdue (1 to 120).
    pub immediately_minutes: i64,
    /// "Promptly": minutes (5 to 1440).
    pub promptly_minutes: i64,
    /// Report to police after this many minutes when the plan does not say (0 to 1440).
    pub report_after_minutes: i64,
    /// Days after a return by which the plan is reviewed (1 to 28).
    pub plan_review_days: i64,
    /// Days for a Return Discussion where no national clock is set (1 to 28).
    pub return_discussion_days: i64,
    /// Wales: a return interview is expected from this episode on (1 to 10).
    pub wales_interview_from_episode: i64,
    /// England: a strategy discussion once missing this many times (1 to 20)…
    pub strategy_after_episodes: i64,
    /// …within this many days (1 to 365).
    pub strategy_window_days: i64,
}

impl From<&homeward_domain::duties::DutySettings> for DutySettingsDto {
    fn from(d: &homeward_domain::duties::DutySettings) -> Self {
        Self {
            immediately_minutes: d.immediately_minutes,
            promptly_minutes: d.promptly_minutes,
            report_after_minutes: d.report_after_minutes,
            plan_review_days: d.plan_review_days,
            return_discussion_days: d.return_discussion_days,
            wales_interview_from_episode: d.wales_interview_from_episode,
            strategy_after_episodes: d.strategy_after_episodes,
            strategy_window_days: d.strategy_window_days,
        }
    }
}

/// New duty clocks, based on the settings version they change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DutySettingsUpdate {
    pub based_on: i64,
    pub immediately_minutes: i64,
    pub promptly_minutes: i64,
    pub report_after_minutes: i64,
    pub plan_review_days: i64,
    pub return_discussion_days: i64,
    pub wales_interview_from_episode: i64,
    /// Left as it is when not given.
    #[serde(default)]
    pub strategy_after_episodes: Option<i64>,
    /// Left as it is when not given.
    #[serde(default)]
    pub strategy_window_days: Option<i64>,
}

/// Changes the duty clocks, as the next version of the settings.
#[utoipa::path(put, path = "/api/v1/settings/duties", tag = "organisation", request_body = DutySettingsUpdate, responses(
    (status = 200, body = SettingsDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn update_duties(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<DutySettingsUpdate>,
) -> Result<Json<SettingsDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let d = &body;
    let before = state.app.organisation_settings(actor).await.map_err(fail)?;
    let kept = before.settings.duties;
    let value = |name: &str| -> Option<String> {
        Some(
            match name {
                "immediately_minutes" => d.immediately_minutes,
                "promptly_minutes" => d.promptly_minutes,
                "report_after_minutes" => d.report_after_minutes,
                "plan_review_days" => d.plan_review_days,
                "return_discussion_days" => d.return_discussion_days,
                "wales_interview_from_episode" => d.wales_interview_from_episode,
                "strategy_after_episodes" => d
                    .strategy_after_episodes
                    .unwrap_or(kept.strategy_after_episodes),
                "strategy_window_days" => {
                    d.strategy_window_days.unwrap_or(kept.strategy_window_days)
                }
                _ => return None,
            }
            .to_string(),
        )
    };
    state
        .app
        .save_duty_settings(actor, &ctx.meta, value, body.based_on)
        .await
        .map_err(fail)?;
    let current = state.app.organisation_settings(actor).await.map_err(fail)?;
    Ok(Json(SettingsDto::from(&current)))
}
