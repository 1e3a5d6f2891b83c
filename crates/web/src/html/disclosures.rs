//! Information shared about a person: the form to record a share, the person's own list (in
//! plain words, for them or a subject access request), and the organisation's log with its CSV.

use super::episodes::{instant_view, person_id, values_from};
use super::form_view::{FieldView, OptionView};
use super::person::full_name;
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_app::disclosures::{DisclosureInput, Line, LogAsk, PAGE, line};
use homeward_app::episode_form::{Values, instant, instant_values};
use homeward_app::policy::Action;
use homeward_app::{AppError, FieldError};
use homeward_domain::disclosure::{CONDITIONS, CONSENT, Disclosure, LAWFUL_BASES};
use homeward_i18n::Tr;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "disclosure_new.html")]
struct NewPage {
    page: Page,
    errors: FormErrors,
    name: String,
    back_href: String,
    action: String,
    /// What the person's information form says about sharing, if anything.
    consent_note: Option<String>,
    fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "disclosures.html")]
struct PersonPage {
    page: Page,
    name: String,
    back_href: String,
    new_href: Option<String>,
    recorded: bool,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "disclosure_log.html")]
struct LogPage {
    page: Page,
    errors: FormErrors,
    from: String,
    to: String,
    recipient: String,
    csv_href: String,
    next_href: Option<String>,
    lines: Vec<Line>,
}

pub(crate) fn text(
    t: Tr,
    values: &Values,
    errors: &FormErrors,
    name: &str,
    kind: &'static str,
) -> FieldView {
    let mut label = t.get(&format!("disclosure-{name}"));
    if matches!(name, "concern" | "told_person") {
        label = t.with("label-optional", "label", &label);
    }
    FieldView {
        id: name.into(),
        name: name.into(),
        label,
        hint: t.get_or(&format!("disclosure-{name}-hint"), ""),
        kind,
        value: values.get(name).cloned().unwrap_or_default(),
        day: String::new(),
        month: String::new(),
        year: String::new(),
        options: Vec::new(),
        error: errors.for_field(name).map(str::to_string),
        width: "",
        fold: false,
    }
}

pub(crate) fn radios(
    t: Tr,
    values: &Values,
    errors: &FormErrors,
    name: &str,
    codes: &[&str],
) -> FieldView {
    let chosen = values.get(name).map(String::as_str).unwrap_or_default();
    FieldView {
        options: codes
            .iter()
            .enumerate()
            .map(|(i, code)| OptionView {
                id: if i == 0 {
                    name.to_string()
                } else {
                    format!("{name}-{code}")
                },
                value: (*code).into(),
                label: t.get(&format!("disclosure-{name}-{code}")),
                checked: chosen == *code,
            })
            .collect(),
        ..text(t, values, errors, name, "radios")
    }
}

/// What the person's information form says about sharing their information, if anything:
/// for an adult, whether they agreed; for a child, their views.
pub(crate) fn consent_note(t: Tr, view: &homeward_app::people::PersonView) -> Option<String> {
    view.profile.as_ref().and_then(|p| {
        let doc = &p.document;
        match view.person.kind {
            homeward_domain::person::PersonKind::Adult => {
                let agreed = doc.value("capacity", "consents_to_sharing").map(|v| {
                    t.with(
                        "disclosure-form-says-adult",
                        "answer",
                        &t.get(&format!("option-{v}")),
                    )
                });
                // Whether they can decide at all comes first: without capacity, their answer
                // is not consent, and the decision is made in their best interests.
                let capacity = doc.value("capacity", "capacity_to_consent").map(|v| {
                    t.with(
                        "disclosure-form-says-capacity",
                        "answer",
                        &t.get(&format!("option-{v}")),
                    )
                });
                match (capacity, agreed) {
                    (Some(c), Some(a)) => Some(format!("{c} {a}")),
                    (c, a) => c.or(a),
                }
            }
            homeward_domain::person::PersonKind::Child => doc
                .value("sharing_views", "views")
                .map(|v| t.with("disclosure-form-says-child", "views", v)),
        }
    })
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    id: homeward_domain::ids::PersonId,
    values: &Values,
    errors: FormErrors,
) -> Result<NewPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let view = state
        .app
        .view_person(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let t = ctx.tr;
    let consent_note = consent_note(t, &view);
    let mut shared = instant_view(t, "shared", "disclosure-shared", values, &errors);
    shared.hint = t.get("disclosure-shared-hint");
    Ok(NewPage {
        page: Page::new(ctx, "disclosure-new-title", "/people").with_errors(&errors),
        errors: errors.clone(),
        name: full_name(&view.person),
        back_href: format!("/people/{id}/disclosures"),
        action: format!("/people/{id}/disclosures"),
        consent_note,
        fields: vec![
            shared,
            text(t, values, &errors, "what", "textarea"),
            text(t, values, &errors, "recipient", "text"),
            text(t, values, &errors, "purpose", "textarea"),
            radios(t, values, &errors, "consent", CONSENT),
            text(t, values, &errors, "concern", "textarea"),
            radios(t, values, &errors, "lawful_basis", LAWFUL_BASES),
            radios(t, values, &errors, "condition", CONDITIONS),
            text(t, values, &errors, "told_person", "textarea"),
        ],
    })
}

/// The form to record information shared about a person.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let mut values = Values::new();
    instant_values(&mut values, "shared", state.app.clock.now());
    let page = new_page(&state, &ctx, id, &values, FormErrors::default()).await?;
    Ok(render(&page, StatusCode::OK))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    let mut problems = Vec::new();
    let shared_at = match instant(&values, "shared") {
        Ok(at) => at,
        Err(message) => {
            problems.push(FieldError {
                field: "shared".into(),
                message,
            });
            None
        }
    };
    let input = DisclosureInput {
        shared_at,
        disclosure: Disclosure {
            what: get("what"),
            recipient: get("recipient"),
            purpose: get("purpose"),
            lawful_basis: get("lawful_basis"),
            condition: get("condition"),
            consent: get("consent"),
            concern: get("concern"),
            told_person: get("told_person"),
        },
    };
    let result = if problems.is_empty() {
        state
            .app
            .record_disclosure(actor, &ctx.meta, id, &input)
            .await
    } else {
        Err(AppError::Invalid(Vec::new()))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}/disclosures?recorded=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            problems.extend(fields);
            let errors = FormErrors::from_fields(ctx.tr, &problems);
            let page = new_page(&state, &ctx, id, &values, errors).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PersonQuery {
    recorded: Option<String>,
}

/// Everything shared about one person.
pub async fn person_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PersonQuery>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let list = state
        .app
        .person_disclosures(actor, &ctx.meta, id)
        .await
        .or_fail(&ctx)?;
    let person = state
        .app
        .store
        .get_person(actor.org_id(), id)
        .await
        .map_err(AppError::from)
        .or_fail(&ctx)?
        .ok_or(AppError::NotFound)
        .or_fail(&ctx)?;
    let name = full_name(&person);
    let page = PersonPage {
        page: Page::new(&ctx, "disclosures-person-title", "/people"),
        back_href: format!("/people/{id}"),
        new_href: actor
            .can_in(Action::RecordDisclosures, person.service_id)
            .then(|| format!("/people/{id}/disclosures/new")),
        recorded: q.recorded.is_some(),
        lines: list.iter().map(|d| line(ctx.tr, d, name.clone())).collect(),
        name,
    };
    Ok(render(&page, StatusCode::OK))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LogQuery {
    from: String,
    to: String,
    recipient: String,
    after: String,
}

/// The window and words asked for, or the problems with the dates.
fn log_ask(q: &LogQuery, problems: &mut Vec<FieldError>) -> LogAsk {
    let day = |field: &str, value: &str, problems: &mut Vec<FieldError>| {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match value.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(FieldError {
                    field: field.into(),
                    message: "error-date-iso",
                });
                None
            }
        }
    };
    let start = |d: jiff::civil::Date| {
        d.to_zoned(homeward_domain::time::london())
            .ok()
            .map(|z| z.timestamp())
    };
    let from = day("from", &q.from, problems).and_then(start);
    let before = day("to", &q.to, problems)
        .and_then(|d| d.tomorrow().ok())
        .and_then(start);
    let after = q.after.split_once('.').and_then(|(ms, id)| {
        Some((
            homeward_domain::time::from_millis(ms.parse().ok()?),
            id.parse().ok()?,
        ))
    });
    LogAsk {
        from,
        before,
        recipient: Some(q.recipient.trim().to_string()).filter(|r| !r.is_empty()),
        after,
        limit: PAGE,
    }
}

fn log_href(path: &str, q: &LogQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("from", &q.from),
        ("to", &q.to),
        ("recipient", &q.recipient),
    ] {
        if !v.trim().is_empty() {
            out.append_pair(k, v.trim());
        }
    }
    let query = out.finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// The organisation's log of what was shared about anyone, a page at a time.
pub async fn log(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LogQuery>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let mut problems = Vec::new();
    let ask = log_ask(&q, &mut problems);
    let list = if problems.is_empty() {
        state
            .app
            .disclosure_log(actor, &ctx.meta, &ask)
            .await
            .or_fail(&ctx)?
    } else {
        Vec::new()
    };
    let names = state.app.names_of(actor, &list).await.or_fail(&ctx)?;
    let errors = FormErrors::from_fields(ctx.tr, &problems);
    let next_href = (list.len() as i64 == PAGE)
        .then(|| list.last())
        .flatten()
        .map(|d| {
            let base = log_href("/disclosures", &q);
            let join = if base.contains('?') { '&' } else { '?' };
            format!(
                "{base}{join}after={}.{}",
                homeward_domain::time::to_millis(d.shared.at),
                d.id
            )
        });
    let page = LogPage {
        page: Page::new(&ctx, "disclosures-log-title", "/disclosures").with_errors(&errors),
        errors,
        from: q.from.clone(),
        to: q.to.clone(),
        recipient: q.recipient.clone(),
        csv_href: log_href("/disclosures.csv", &q),
        next_href,
        lines: list
            .iter()
            .map(|d| {
                line(
                    ctx.tr,
                    d,
                    names.get(&d.person_id).cloned().unwrap_or_default(),
                )
            })
            .collect(),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(&page, status))
}

/// The same log as CSV, every share in the window (not a page of it).
pub async fn log_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LogQuery>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let mut problems = Vec::new();
    let ask = log_ask(&q, &mut problems);
    if !problems.is_empty() {
        return Err(Failure::new(ctx, AppError::Invalid(problems)));
    }
    let csv = state
        .app
        .disclosure_csv(actor, &ctx.meta, &ask, ctx.locale_or(None))
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::private_file(
        csv.into_bytes(),
        "text/csv; charset=utf-8",
        "attachment; filename=\"disclosures.csv\"",
    ))
}
