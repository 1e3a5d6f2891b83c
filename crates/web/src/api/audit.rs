use super::dto::AuditRecordDto;
use super::problem::Problem;
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::State;

/// The organisation's newest audit records, newest first. Reading them is recorded too.
#[utoipa::path(get, path = "/api/v1/audit", responses(
    (status = 200, body = [AuditRecordDto]),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<AuditRecordDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let records = state
        .app
        .recent_audit(actor, &ctx.meta)
        .await
        .map_err(fail)?;
    Ok(Json(records.iter().map(AuditRecordDto::from).collect()))
}
