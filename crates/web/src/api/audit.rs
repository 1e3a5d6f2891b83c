use super::dto::AuditRecordDto;
use super::problem::Problem;
use crate::AppState;
use crate::context::Ctx;
use crate::listing::{href, link_next, page_limit, uk_day_end, uk_day_start};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use homeward_app::AppError;
use homeward_store::AuditQuery;
use serde::Deserialize;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    /// Only records made by someone whose address contains this (any case).
    pub who: Option<String>,
    /// Only records whose reference contains this (a person's or an episode's id).
    pub record: Option<String>,
    /// Only this kind of record: person, episode, user, session, service, organisation,
    /// settings, audit_trail or route.
    pub kind: Option<String>,
    /// Only what was refused.
    pub refused: Option<bool>,
    /// Only from this day (YYYY-MM-DD, UK time).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Only up to the end of this day (YYYY-MM-DD, UK time).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// How many to return: 1 to 200, 50 if not given.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Only records older than this `seq`: the `older` of the `Link: <…>; rel="next"` header.
    pub older: Option<i64>,
}

/// The organisation's audit trail, newest first, filtered in the database, a page at a time.
/// When there are more, a `Link` header gives the next (older) page. Reading it is recorded
/// too.
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "audit_trail", params(AuditListQuery), responses(
    (status = 200, body = [AuditRecordDto], headers(("Link" = String, description = "The next, older page, when there is one"))),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    super::query::ApiQuery(q): super::query::ApiQuery<AuditListQuery>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let limit = page_limit(q.limit).map_err(fail)?;
    let day = |text: &Option<String>,
               field: &'static str,
               parse: fn(&str) -> Option<jiff::Timestamp>| match text {
        Some(d) => parse(d)
            .map(Some)
            .ok_or_else(|| fail(AppError::invalid(field, "error-date-iso"))),
        None => Ok(None),
    };
    let kind = match q.kind.as_deref() {
        Some(k) if crate::html::audit::KINDS.contains(&k) => Some(k.to_string()),
        Some(_) => return Err(fail(AppError::invalid("kind", "error-choice-unknown"))),
        None => None,
    };
    let query = AuditQuery {
        who: q.who.clone(),
        record: q.record.clone(),
        kind,
        action: None,
        records: Vec::new(),
        refused_only: q.refused.unwrap_or(false),
        from: day(&q.from, "from", uk_day_start)?,
        before: day(&q.to, "to", uk_day_end)?,
        older_than: q.older,
        limit,
    };
    let records = state
        .app
        .search_audit(actor, &ctx.meta, query)
        .await
        .map_err(fail)?;
    let mut response =
        Json(records.iter().map(AuditRecordDto::from).collect::<Vec<_>>()).into_response();
    if records.len() as i64 == limit
        && let Some(last) = records.last()
    {
        let next = href(
            "/api/v1/audit",
            &[
                ("who", q.who.clone()),
                ("record", q.record.clone()),
                ("kind", q.kind.clone()),
                ("refused", q.refused.map(|r| r.to_string())),
                ("from", q.from.clone()),
                ("to", q.to.clone()),
                ("limit", Some(limit.to_string())),
                ("older", Some(last.seq.to_string())),
            ],
        );
        link_next(&mut response, &next);
    }
    Ok(response)
}
