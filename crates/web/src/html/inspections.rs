//! Inspections. For a provider's managers: the inspections opened to inspectorates, the form
//! to open one, the button to end it, and what the inspectors opened. For an inspector: the
//! inspections open to their inspectorate, and the button to read one (and to leave it).

use super::disclosures::text;
use super::episodes::{instant_view, values_from};
use super::form_view::{FieldView, OptionView};
use super::home::Row;
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_app::episode_form::{Values, instant};
use homeward_app::inspections::{InspectionInput, InspectionLine};
use homeward_app::policy::Action;
use homeward_app::{AppError, FieldError};
use homeward_domain::ids::{OrgId, ServiceId};
use homeward_i18n::Tr;
use serde::Deserialize;

/// One inspection as a row of the provider's list.
pub struct InspectionRow {
    pub inspectorate: String,
    pub reference: String,
    pub homes: String,
    pub until: String,
    pub by: String,
    pub status: String,
    pub views_href: String,
    pub end_action: Option<String>,
}

fn inspection_row(t: Tr, line: &InspectionLine, may_end: bool) -> InspectionRow {
    let i = &line.inspection;
    let status = match (&i.ended, line.live) {
        (_, true) => t.get("access-live"),
        (Some(e), false) => t.args(
            "access-ended-because",
            &[("when", &t.date_time(e.at)), ("why", &e.reason)],
        ),
        (None, false) => t.get("access-expired"),
    };
    InspectionRow {
        inspectorate: line.inspectorate_name.clone(),
        reference: i.reference.clone(),
        homes: line
            .service_name
            .clone()
            .unwrap_or_else(|| t.get("inspection-all-homes")),
        until: t.date_time(i.ends_at),
        by: t.args(
            "access-given-by",
            &[
                ("who", &i.granted_by_label),
                ("when", &t.date_time(i.granted_at)),
            ],
        ),
        status,
        views_href: format!("/access/inspections/{}", i.id),
        end_action: (line.live && may_end).then(|| format!("/access/inspections/{}/end", i.id)),
    }
}

#[derive(Template)]
#[template(path = "inspections_given.html")]
struct GivenPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    rows: Vec<InspectionRow>,
    action: Option<String>,
    fields: Vec<FieldView>,
}

async fn given_page(
    state: &AppState,
    ctx: &Ctx,
    values: &Values,
    errors: FormErrors,
    banner: Option<String>,
) -> Result<GivenPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let lines = state.app.inspections(actor, &ctx.meta).await.or_fail(ctx)?;
    let may_open = actor.can(Action::GiveAccess);
    let mut fields = Vec::new();
    if may_open {
        let inspectorates = state.app.inspectorates(actor).await.or_fail(ctx)?;
        let chosen = values.get("inspectorate").cloned().unwrap_or_default();
        let mut who = text(t, values, &errors, "inspectorate", "select");
        who.label = t.get("inspection-inspectorate");
        who.hint = String::new();
        who.options = inspectorates
            .iter()
            .map(|o| OptionView {
                id: format!("inspectorate-{}", o.id),
                value: o.id.to_string(),
                label: o.name.clone(),
                checked: chosen == o.id.to_string(),
            })
            .collect();
        let services = state
            .app
            .store
            .list_services(actor.org_id())
            .await
            .map_err(AppError::from)
            .or_fail(ctx)?;
        let scope = actor.scope_for(Action::GiveAccess);
        let picked = values.get("service").cloned().unwrap_or_default();
        let mut homes = text(t, values, &errors, "service", "radios");
        homes.label = t.get("inspection-homes");
        homes.hint = String::new();
        if scope.is_none() {
            homes.options.push(OptionView {
                id: "service".into(),
                value: String::new(),
                label: t.get("inspection-all-homes"),
                checked: picked.is_empty(),
            });
        }
        for s in services
            .iter()
            .filter(|s| scope.as_ref().is_none_or(|l| l.contains(&s.id)))
        {
            homes.options.push(OptionView {
                id: if homes.options.is_empty() {
                    "service".into()
                } else {
                    format!("service-{}", s.id)
                },
                value: s.id.to_string(),
                label: s.name.clone(),
                checked: picked == s.id.to_string(),
            });
        }
        let mut reference = text(t, values, &errors, "reference", "text");
        reference.label = t.get("inspection-reference");
        reference.hint = t.get("inspection-reference-hint");
        let mut ends = instant_view(t, "ends", "inspection-ends", values, &errors);
        ends.hint = t.get("inspection-ends-hint");
        fields = vec![who, homes, reference, ends];
    }
    let may_end = |line: &InspectionLine| state.app.may_end_inspection(actor, &line.inspection);
    Ok(GivenPage {
        page: Page::new(ctx, "inspections-given-title", "/access/inspections").with_errors(&errors),
        errors: errors.clone(),
        banner,
        rows: lines
            .iter()
            .map(|l| inspection_row(t, l, may_end(l)))
            .collect(),
        action: may_open.then(|| "/access/inspections".to_string()),
        fields,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

/// The values the form starts with: all homes (or the manager's first), ending in five days
/// at five in the afternoon.
fn fresh_values(state: &AppState) -> Values {
    let mut values = Values::new();
    let end = homeward_domain::time::in_london(state.app.clock.now()).date()
        + jiff::Span::new().days(homeward_domain::inspection::USUAL_DAYS);
    values.insert("ends-day".into(), end.day().to_string());
    values.insert("ends-month".into(), end.month().to_string());
    values.insert("ends-year".into(), end.year().to_string());
    values.insert("ends-time".into(), "17:00".into());
    values
}

/// The provider's inspections, with the form to open one.
pub async fn given(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, Failure> {
    let banner = match q.done.as_str() {
        "opened" => Some(ctx.tr.get("inspection-opened")),
        "ended" => Some(ctx.tr.get("inspection-ended")),
        _ => None,
    };
    let page = given_page(
        &state,
        &ctx,
        &fresh_values(&state),
        FormErrors::default(),
        banner,
    )
    .await?;
    Ok(render(&page, StatusCode::OK))
}

/// Opens an inspection, or shows the form again with what is wrong.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    let mut problems = Vec::new();
    let ends = match instant(&values, "ends") {
        Ok(at) => at,
        Err(message) => {
            problems.push(FieldError {
                field: "ends".into(),
                message,
            });
            None
        }
    };
    let service = match get("service").as_str() {
        "" => None,
        s => match s.parse::<uuid::Uuid>() {
            Ok(u) => Some(ServiceId(u)),
            Err(_) => {
                problems.push(FieldError {
                    field: "service".into(),
                    message: "error-inspection-service",
                });
                None
            }
        },
    };
    let input = InspectionInput {
        inspectorate: get("inspectorate").parse::<uuid::Uuid>().ok().map(OrgId),
        service,
        reference: get("reference"),
        ends,
    };
    let result = if problems.is_empty() {
        state.app.open_inspection(actor, &ctx.meta, &input).await
    } else {
        Err(AppError::Invalid(Vec::new()))
    };
    match result {
        Ok(_) => Ok(Redirect::to("/access/inspections?done=opened").into_response()),
        Err(AppError::StepUp) => {
            Ok(Redirect::to(&super::sign_in::confirm_href("/access/inspections")).into_response())
        }
        Err(AppError::Invalid(fields)) => {
            problems.extend(fields);
            let errors = FormErrors::from_fields(ctx.tr, &problems);
            let page = given_page(&state, &ctx, &values, errors, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// Ends an inspection now, with the reason given.
pub async fn end(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = super::uuid_in_path(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let reason = values.get("reason").cloned().unwrap_or_default();
    match state
        .app
        .end_inspection(actor, &ctx.meta, id, &reason)
        .await
    {
        Ok(()) => Ok(Redirect::to("/access/inspections?done=ended").into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = given_page(&state, &ctx, &fresh_values(&state), errors, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "inspection_views.html")]
struct ViewsPage {
    page: Page,
    row: InspectionRow,
    views: Vec<Row>,
}

/// One inspection and everything its inspectors opened, latest first.
pub async fn views(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = super::uuid_in_path(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let (line, views) = state
        .app
        .inspection_views(actor, &ctx.meta, id)
        .await
        .or_fail(&ctx)?;
    let page = ViewsPage {
        page: Page::new(&ctx, "inspection-views-title", "/access/inspections"),
        row: inspection_row(t, &line, false),
        views: views
            .iter()
            .map(|r| Row {
                key: t.date_time(r.event.at),
                value: format!(
                    "{} · {}{}",
                    r.event.actor_label,
                    t.get_or(
                        &format!("audit-do-{}", r.event.action.replace('.', "-")),
                        &r.event.action
                    ),
                    r.event
                        .resource_id
                        .as_ref()
                        .map(|id| format!(" · {} {id}", r.event.resource_kind))
                        .unwrap_or_default()
                ),
            })
            .collect(),
    };
    Ok(render(&page, StatusCode::OK))
}

/// An inspection as the inspector's list shows it.
pub struct OpenRow {
    pub provider: String,
    pub reference: String,
    pub homes: String,
    pub until: String,
    pub action: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "inspections.html")]
struct InspectorPage {
    page: Page,
    rows: Vec<OpenRow>,
    inside: bool,
}

/// The inspections open to the inspector's inspectorate now.
pub async fn open_list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let list = state.app.open_inspections(actor).await.or_fail(&ctx)?;
    let current = actor.inspecting.as_ref().map(|i| i.inspection.id);
    let page = InspectorPage {
        page: Page::new(&ctx, "inspections-title", "/inspections"),
        inside: current.is_some(),
        rows: list
            .iter()
            .map(|o| OpenRow {
                provider: o.provider_name.clone(),
                reference: o.inspection.reference.clone(),
                homes: if o.inspection.service_id.is_some() {
                    t.get("inspection-one-home")
                } else {
                    t.get("inspection-all-homes")
                },
                until: t.date_time(o.inspection.ends_at),
                action: format!("/inspections/{}/open", o.inspection.id),
                current: current == Some(o.inspection.id),
            })
            .collect(),
    };
    Ok(render(&page, StatusCode::OK))
}

/// Starts reading the provider's records under the inspection: to its people.
pub async fn enter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = super::uuid_in_path(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    state
        .app
        .enter_inspection(actor, &ctx.meta, id)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to("/people").into_response())
}

/// Stops reading under an inspection.
pub async fn leave(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    state
        .app
        .leave_inspection(actor, &ctx.meta)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to("/inspections").into_response())
}
