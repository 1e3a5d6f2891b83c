//! The summary for the multi-agency operational group: a period's patterns and episodes as a
//! PDF, each person a letter; or, as a recorded disclosure (to whom, why, on what lawful
//! basis), with their names.

use super::episodes::FilterOption;
use super::patterns::{PatternsQuery, ask_of};
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use homeward_app::AppError;
use homeward_app::FieldError;
use homeward_app::patterns::{Disclosure, PatternsAsk};
use homeward_app::policy::Action;
use jiff::civil::Date;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "patterns_summary.html")]
struct SummaryPage {
    page: Page,
    errors: FormErrors,
    services: Vec<FilterOption>,
    from: String,
    to: String,
    /// May share names (a manager or safeguarding lead).
    can_name: bool,
    /// The disclosure's fields: name, label, hint, value.
    fields: Vec<(&'static str, &'static str, &'static str, String)>,
}

/// The named summary's form: the period and the disclosure.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamedForm {
    pub service: String,
    pub from: String,
    pub to: String,
    pub recipient: String,
    pub purpose: String,
    pub basis: String,
}

/// The calendar month before this one: what a monthly meeting looks back on.
fn last_month(today: Date) -> (Date, Date) {
    let first = today.first_of_month();
    let previous = first
        .checked_sub(jiff::Span::new().months(1))
        .unwrap_or(first);
    (previous, first.yesterday().unwrap_or(first))
}

/// The period asked for (last month if not given), or the problems with it.
fn period(state: &AppState, service: &str, from: &str, to: &str) -> (PatternsAsk, Vec<FieldError>) {
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let (first, last) = last_month(today);
    let q = PatternsQuery {
        service: service.to_string(),
        from: if from.trim().is_empty() {
            first.to_string()
        } else {
            from.to_string()
        },
        to: if to.trim().is_empty() {
            last.to_string()
        } else {
            to.to_string()
        },
        ..PatternsQuery::default()
    };
    let mut problems = Vec::new();
    let ask = ask_of(&q, today, &mut problems);
    (ask, problems)
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    ask: &PatternsAsk,
    errors: FormErrors,
    named: Option<&NamedForm>,
) -> Result<SummaryPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(ctx)?;
    let services: Vec<_> = services
        .into_iter()
        .filter(|s| actor.can_in(Action::ViewPatterns, s.id))
        .collect();
    let value = |f: fn(&NamedForm) -> &String| named.map(|n| f(n).clone()).unwrap_or_default();
    Ok(SummaryPage {
        page: Page::new(ctx, "summary-page-title", "/patterns").with_errors(&errors),
        errors,
        services: super::episodes::service_options(ctx.tr, &services, ask.service),
        from: named.map_or_else(|| ask.from.to_string(), |n| n.from.clone()),
        to: named.map_or_else(|| ask.to.to_string(), |n| n.to.clone()),
        can_name: actor.can(Action::ShareNamedSummary),
        fields: vec![
            (
                "recipient",
                "summary-recipient",
                "summary-recipient-hint",
                value(|n| &n.recipient),
            ),
            (
                "purpose",
                "summary-purpose",
                "summary-purpose-hint",
                value(|n| &n.purpose),
            ),
            (
                "basis",
                "summary-basis",
                "summary-basis-hint",
                value(|n| &n.basis),
            ),
        ],
    })
}

/// The form: the period, the summary with letters, and (for those who may) with names.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    let (ask, problems) = period(&state, &q.service, &q.from, &q.to);
    let errors = FormErrors::from_fields(ctx.tr, &problems);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = page(&state, &ctx, &ask, errors, None).await?;
    Ok(render(&page, status))
}

/// The summary with each person a letter.
pub async fn letters_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let (ask, problems) = period(&state, &q.service, &q.from, &q.to);
    if !problems.is_empty() {
        let errors = FormErrors::from_fields(ctx.tr, &problems);
        let page = page(&state, &ctx, &ask, errors, None).await?;
        return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let pdf = state
        .app
        .group_summary(actor, &ctx.meta, &ask, None, ctx.locale_or(None))
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::pdf(
        pdf,
        "attachment; filename=\"group-summary.pdf\"",
    ))
}

/// The summary with names: a disclosure, recorded.
pub async fn named_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NamedForm>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let (ask, mut problems) = period(&state, &form.service, &form.from, &form.to);
    let disclosure = Disclosure {
        recipient: form.recipient.trim().to_string(),
        purpose: form.purpose.trim().to_string(),
        basis: form.basis.trim().to_string(),
    };
    problems.extend(disclosure.problems());
    let result = if problems.is_empty() {
        state
            .app
            .group_summary(
                actor,
                &ctx.meta,
                &ask,
                Some(&disclosure),
                ctx.locale_or(None),
            )
            .await
    } else {
        Err(AppError::Invalid(Vec::new()))
    };
    match result {
        Ok(pdf) => Ok(crate::headers::pdf(
            pdf,
            "attachment; filename=\"group-summary-named.pdf\"",
        )),
        // Naming people to partners needs the code entered again if it has been a while;
        // then back to this form to send it again.
        Err(AppError::StepUp) => Ok(axum::response::Redirect::to(&super::sign_in::confirm_href(
            "/patterns/summary",
        ))
        .into_response()),
        Err(AppError::Invalid(fields)) => {
            problems.extend(fields);
            let errors = FormErrors::from_fields(ctx.tr, &problems);
            let page = page(&state, &ctx, &ask, errors, Some(&form)).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}
