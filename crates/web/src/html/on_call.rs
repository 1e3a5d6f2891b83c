//! A service's on-call rota: who is paged now, the shifts, the default when nobody is on, and
//! how long before the next person is paged. Managers change it here; everyone who records
//! episodes can see it.

use super::episodes::instant_view;
use super::form_view::{FieldView, OptionView};
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use crate::i18n::Tr;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_app::episode_form::{Values, instant, instant_values};
use homeward_app::escalation::RotaInput;
use homeward_app::policy::Action;
use homeward_app::{AppError, FieldError};
use homeward_domain::escalation::{Contact, Rota};
use homeward_domain::ids::{ServiceId, UserId};
use serde::Deserialize;

pub struct ShiftRow {
    pub who: String,
    pub from: String,
    pub to: String,
    pub now: bool,
}

/// One shift's inputs: who, from, to, and whether to take it off.
pub struct ShiftForm {
    pub index: usize,
    pub who: FieldView,
    pub from: FieldView,
    pub to: FieldView,
    pub existing: bool,
}

#[derive(Template)]
#[template(path = "on_call.html")]
struct OnCallPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    service: String,
    action: String,
    version: i64,
    on_now: Vec<String>,
    shifts: Vec<ShiftRow>,
    default_contact: String,
    escalate_after: String,
    /// People on this rota whom email cannot reach (for managers), with the failed address.
    unreachable: Vec<String>,
    can_edit: bool,
    forms: Vec<ShiftForm>,
    default_field: FieldView,
    minutes_field: FieldView,
}

#[derive(Deserialize, Default)]
pub struct OnCallQuery {
    saved: Option<String>,
}

fn select(
    t: Tr,
    name: &str,
    label: &str,
    people: &[Contact],
    chosen: &str,
    errors: &FormErrors,
) -> FieldView {
    FieldView {
        id: name.into(),
        name: name.into(),
        label: t.get(label),
        hint: String::new(),
        kind: "select",
        value: chosen.into(),
        day: String::new(),
        month: String::new(),
        year: String::new(),
        options: people
            .iter()
            .map(|c| OptionView {
                id: format!("{name}-{}", c.user),
                value: c.user.to_string(),
                label: c.label.clone(),
                checked: chosen == c.user.to_string(),
            })
            .collect(),
        error: errors.for_field(name).map(str::to_string),
        width: "",
        fold: false,
    }
}

/// The form's values for a rota as it stands (plus one empty row for a new shift).
fn values_of(rota: &Rota) -> Values {
    let mut v = Values::new();
    for (i, s) in rota.shifts.iter().enumerate() {
        v.insert(format!("shift-{i}-user"), s.contact.user.to_string());
        instant_values(&mut v, &format!("shift-{i}-from"), s.from);
        instant_values(&mut v, &format!("shift-{i}-to"), s.to);
    }
    if let Some(c) = &rota.default_contact {
        v.insert("default_user".into(), c.user.to_string());
    }
    v.insert(
        "escalate_after_minutes".into(),
        rota.escalate_after_minutes.to_string(),
    );
    v
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    service: ServiceId,
    values: Option<Values>,
    errors: FormErrors,
    banner: Option<String>,
) -> Result<OnCallPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let (version, rota) = state.app.service_rota(actor, service).await.or_fail(ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(ctx)?;
    let t = ctx.tr;
    let now = state.app.clock.now();
    let can_edit = actor.can_in(Action::ManageOnCall, service);
    let people = if can_edit {
        state
            .app
            .rota_candidates(actor, &ctx.meta, service)
            .await
            .or_fail(ctx)?
    } else {
        Vec::new()
    };
    let values = values.unwrap_or_else(|| values_of(&rota));
    let rows = rota.shifts.len() + 1;
    let forms = (0..rows)
        .map(|i| {
            let who = values
                .get(&format!("shift-{i}-user"))
                .cloned()
                .unwrap_or_default();
            let mut from = instant_view(
                t,
                &format!("shift-{i}-from"),
                "on-call-from",
                &values,
                &errors,
            );
            let mut to = instant_view(t, &format!("shift-{i}-to"), "on-call-to", &values, &errors);
            from.hint = String::new();
            to.hint = String::new();
            ShiftForm {
                index: i,
                who: select(
                    t,
                    &format!("shift-{i}-user"),
                    "on-call-who",
                    &people,
                    &who,
                    &errors,
                ),
                from,
                to,
                existing: i < rota.shifts.len(),
            }
        })
        .collect();
    let chosen = values.get("default_user").cloned().unwrap_or_default();
    let mut minutes_field = select(
        t,
        "escalate_after_minutes",
        "on-call-escalate",
        &[],
        "",
        &errors,
    );
    minutes_field.kind = "number";
    minutes_field.width = "hw-input--2";
    minutes_field.value = values
        .get("escalate_after_minutes")
        .cloned()
        .unwrap_or_default();
    Ok(OnCallPage {
        page: Page::new(ctx, "on-call-title", "/").with_errors(&errors),
        banner,
        service: services
            .iter()
            .find(|s| s.id == service)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        action: format!("/services/{service}/on-call"),
        version,
        on_now: rota.chain(now, &[]).into_iter().map(|c| c.label).collect(),
        shifts: rota
            .shifts
            .iter()
            .map(|s| ShiftRow {
                who: s.contact.label.clone(),
                from: t.date_time(s.from),
                to: t.date_time(s.to),
                now: s.from <= now && now < s.to,
            })
            .collect(),
        default_contact: rota
            .default_contact
            .as_ref()
            .map(|c| c.label.clone())
            .unwrap_or_else(|| t.get("on-call-default-managers")),
        escalate_after: t.with(
            "on-call-escalate-after",
            "minutes",
            &rota.escalate_after_minutes.to_string(),
        ),
        unreachable: state
            .app
            .unreachable_users(actor, &ctx.meta)
            .await
            .or_fail(ctx)?
            .into_iter()
            .filter(|(user, _, _)| {
                rota.shifts.iter().any(|s| s.contact.user == *user)
                    || rota
                        .default_contact
                        .as_ref()
                        .is_some_and(|c| c.user == *user)
                    || can_edit
            })
            .map(|(_, name, address)| {
                t.args(
                    "on-call-unreachable",
                    &[("who", name.as_str()), ("address", address.as_str())],
                )
            })
            .collect(),
        can_edit,
        forms,
        default_field: select(
            t,
            "default_user",
            "on-call-default",
            &people,
            &chosen,
            &errors,
        ),
        minutes_field,
        errors,
    })
}

fn service_id(ctx: &Ctx, raw: &str) -> Result<ServiceId, Failure> {
    raw.parse()
        .map_err(|_| Failure::new(ctx.clone(), AppError::NotFound))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OnCallQuery>,
) -> Result<Response, Failure> {
    let id = service_id(&ctx, &id)?;
    let banner = q.saved.map(|_| ctx.tr.get("on-call-saved"));
    let p = page(&state, &ctx, id, None, FormErrors::default(), banner).await?;
    Ok(render(&p, StatusCode::OK))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = service_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let values: Values = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut problems = Vec::new();
    let mut shifts = Vec::new();
    for i in 0..50 {
        let user = values.get(&format!("shift-{i}-user")).map(|u| u.trim());
        let removed = values.contains_key(&format!("shift-{i}-remove"));
        let Some(user) = user else { break };
        if user.is_empty() || removed {
            continue;
        }
        let mut at = |part: &str| match instant(&values, &format!("shift-{i}-{part}")) {
            Ok(Some(at)) => Some(at),
            Ok(None) => {
                problems.push(FieldError {
                    field: format!("shift-{i}-{part}"),
                    message: "error-time-empty",
                });
                None
            }
            Err(message) => {
                problems.push(FieldError {
                    field: format!("shift-{i}-{part}"),
                    message,
                });
                None
            }
        };
        let (from, to) = (at("from"), at("to"));
        match (user.parse::<UserId>(), from, to) {
            (Ok(user), Some(from), Some(to)) => shifts.push((user, from, to)),
            (Err(_), _, _) => problems.push(FieldError {
                field: format!("shift-{i}-user"),
                message: "error-rota-unknown-user",
            }),
            _ => {}
        }
    }
    let minutes = values
        .get("escalate_after_minutes")
        .and_then(|m| m.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let default_user = values
        .get("default_user")
        .filter(|u| !u.is_empty())
        .and_then(|u| u.parse::<UserId>().ok());
    let based_on = values
        .get("_version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let result = if problems.is_empty() {
        let input = RotaInput {
            shifts,
            default_user,
            escalate_after_minutes: minutes,
        };
        state
            .app
            .save_rota(actor, &ctx.meta, id, input, based_on)
            .await
    } else {
        Err(AppError::Invalid(problems))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/services/{id}/on-call?saved=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            // The rota's own problems name `shifts.N.to`; the form's fields are `shift-N-to`.
            let fields: Vec<FieldError> = fields
                .into_iter()
                .map(|f| FieldError {
                    field: f.field.replace("shifts.", "shift-").replace('.', "-"),
                    message: f.message,
                })
                .collect();
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let p = page(&state, &ctx, id, Some(values), errors, None).await?;
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}
