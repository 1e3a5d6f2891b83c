//! The organisation's audit trail, newest first.

use super::{Failure, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

pub struct AuditRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub record: String,
    pub outcome: String,
    pub from: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    rows: Vec<AuditRow>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let records = state
        .app
        .recent_audit(actor, &ctx.meta)
        .await
        .or_fail(&ctx)?;
    let t = ctx.tr;
    // "person.list" reads as "Viewed the list of people"; a refused page keeps its address.
    let action = |code: &str| match code.strip_prefix("route.") {
        Some(route) => format!("{} ({route})", t.get("audit-do-route")),
        None => t.get_or(&format!("audit-do-{}", code.replace('.', "-")), code),
    };
    let kind = |code: &str| t.get_or(&format!("audit-kind-{code}"), code);
    let rows = records
        .into_iter()
        .map(|r| AuditRow {
            when: t.date_time(r.event.at),
            who: r.event.actor_label,
            action: action(&r.event.action),
            record: match &r.event.resource_id {
                Some(id) => format!("{} {id}", kind(&r.event.resource_kind)),
                None => kind(&r.event.resource_kind),
            },
            outcome: t.get(&format!("outcome-{}", r.event.outcome.code())),
            from: r.event.ip.unwrap_or_default(),
        })
        .collect();
    Ok(render(
        &AuditPage {
            page: Page::new(&ctx, "audit-title", "/audit"),
            rows,
        },
        StatusCode::OK,
    ))
}
