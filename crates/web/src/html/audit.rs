//! The organisation's audit trail, newest first: who did what to which record, found by
//! person, record, kind, outcome and dates, a page at a time.

use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use crate::listing::{href, uk_day_end, uk_day_start};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_app::FieldError;
use homeward_store::AuditQuery;
use serde::Deserialize;

/// The kinds of record the trail can be narrowed to.
pub const KINDS: [&str; 10] = [
    "person",
    "episode",
    "patterns",
    "user",
    "session",
    "service",
    "organisation",
    "settings",
    "audit_trail",
    "route",
];

const PAGE: i64 = 100;

pub struct AuditRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub record: String,
    /// Everything about this person, when the record is a person.
    pub person_href: Option<String>,
    pub outcome: String,
    pub from: String,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    errors: FormErrors,
    rows: Vec<AuditRow>,
    kinds: Vec<KindOption>,
    filters: AuditFilters,
    filtered: bool,
    next_href: Option<String>,
    first_href: Option<String>,
    csv_href: String,
    /// "Records about Ffion Jones", when narrowed to one person.
    about: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditFilters {
    pub who: String,
    pub record: String,
    pub kind: String,
    pub refused: String,
    pub from: String,
    pub to: String,
    pub older: String,
    /// One person's id: them and their episodes.
    pub person: String,
}

impl AuditFilters {
    /// The filters as a link's query, with `older` where the next page starts.
    fn href(&self, older: Option<i64>) -> String {
        self.href_to("/audit", older)
    }

    fn href_to(&self, path: &str, older: Option<i64>) -> String {
        let given = |v: &String| Some(v.trim().to_string());
        href(
            path,
            &[
                ("person", given(&self.person)),
                ("who", given(&self.who)),
                ("record", given(&self.record)),
                ("kind", given(&self.kind)),
                ("refused", given(&self.refused)),
                ("from", given(&self.from)),
                ("to", given(&self.to)),
                ("older", older.map(|s| s.to_string())),
            ],
        )
    }
}

/// The query the filters ask for, the person it is narrowed to (their name and records),
/// and any problems with the dates.
async fn query_of(
    state: &AppState,
    ctx: &Ctx,
    f: &AuditFilters,
) -> Result<(AuditQuery, Option<(String, Vec<String>)>, Vec<FieldError>), Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let mut problems = Vec::new();
    let mut day = |text: &str, field: &str, parse: fn(&str) -> Option<jiff::Timestamp>| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = parse(text);
        if parsed.is_none() {
            problems.push(FieldError {
                field: field.to_string(),
                message: "error-date-iso",
            });
        }
        parsed
    };
    let from = day(&f.from, "from", uk_day_start);
    let before = day(&f.to, "to", uk_day_end);
    let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let about = match f.person.trim() {
        "" => None,
        id => {
            let id = id
                .parse()
                .map_err(|_| homeward_app::AppError::NotFound)
                .or_fail(ctx)?;
            Some(state.app.audit_records_of(actor, id).await.or_fail(ctx)?)
        }
    };
    let query = AuditQuery {
        who: text(&f.who),
        record: text(&f.record),
        kind: KINDS
            .iter()
            .find(|k| **k == f.kind.trim())
            .map(|k| k.to_string()),
        action: None,
        records: about.as_ref().map(|(_, r)| r.clone()).unwrap_or_default(),
        refused_only: !f.refused.is_empty(),
        from,
        before,
        older_than: f.older.trim().parse().ok(),
        limit: PAGE,
    };
    Ok((query, about, problems))
}

/// Every record the filters find, as a spreadsheet for an investigation.
pub async fn csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<AuditFilters>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let (query, _, problems) = query_of(&state, &ctx, &f).await?;
    if !problems.is_empty() {
        return Err(Failure::new(ctx, homeward_app::AppError::Invalid(problems)));
    }
    let text = state
        .app
        .audit_csv(actor, &ctx.meta, query, ctx.tr.locale())
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::private_file(
        text.into_bytes(),
        "text/csv; charset=utf-8",
        "attachment; filename=\"audit-trail.csv\"",
    ))
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<AuditFilters>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let (query, about, problems) = query_of(&state, &ctx, &f).await?;
    let (from, before) = (query.from, query.before);
    let filtered = about.is_some()
        || query.who.is_some()
        || query.record.is_some()
        || query.kind.is_some()
        || query.refused_only
        || from.is_some()
        || before.is_some();
    let records = if problems.is_empty() {
        state
            .app
            .search_audit(actor, &ctx.meta, query)
            .await
            .or_fail(&ctx)?
    } else {
        Vec::new()
    };
    let names = state.app.audit_names(actor, &records).await.or_fail(&ctx)?;
    let kind = |code: &str| t.get_or(&format!("audit-kind-{code}"), code);
    let next_href = (records.len() as i64 == PAGE)
        .then(|| records.last())
        .flatten()
        .map(|last| f.href(Some(last.seq)));
    let first_href = (!f.older.trim().is_empty()).then(|| f.href(None));
    let rows = records
        .into_iter()
        .map(|r| AuditRow {
            when: t.date_time(r.event.at),
            who: r.event.actor_label,
            action: homeward_app::audit::action_words(t, &r.event.action),
            person_href: (r.event.resource_kind == "person")
                .then_some(r.event.resource_id.as_deref())
                .flatten()
                .filter(|id| names.contains_key(*id))
                .map(|id| format!("/audit?person={id}")),
            record: match &r.event.resource_id {
                Some(id) => match names.get(id) {
                    Some(name) => format!("{}: {name}", kind(&r.event.resource_kind)),
                    None => format!("{} {id}", kind(&r.event.resource_kind)),
                },
                None => kind(&r.event.resource_kind),
            },
            outcome: t.get(&format!("outcome-{}", r.event.outcome.code())),
            from: r.event.ip.unwrap_or_default(),
        })
        .collect();
    let kinds = KINDS
        .iter()
        .map(|k| KindOption {
            value: k,
            label: kind(k),
            selected: f.kind.trim() == *k,
        })
        .collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        &AuditPage {
            errors: FormErrors::from_fields(t, &problems),
            page: Page::new(&ctx, "audit-title", "/audit"),
            rows,
            kinds,
            filters: f.clone(),
            filtered,
            next_href,
            first_href,
            csv_href: f.href_to("/audit.csv", None),
            about: about.map(|(name, _)| t.with("audit-about", "name", &name)),
        },
        status,
    ))
}
