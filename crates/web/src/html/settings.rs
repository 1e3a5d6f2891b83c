//! The organisation's settings page: what is in force, and a form for admins to change it.

use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use homeward_app::AppError;
use homeward_app::policy::Action;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    can_edit: bool,
    version: i64,
    fields: Vec<MonthsField>,
    /// What "promptly" and the guidance's other unnumbered clocks mean here.
    duty_fields: Vec<MonthsField>,
    changed: String,
    /// For admins: the installation's backups.
    backups: Option<BackupsShown>,
}

/// The backups section, in words.
struct BackupsShown {
    last_good: String,
    /// Said when the newest attempt failed.
    failing: Option<String>,
    /// Said when the audit checkpoint cannot be kept, or the trail is shorter than it.
    checkpoint: Vec<String>,
}

/// A number of months: typed into a box by an admin, shown as text to everyone else.
struct MonthsField {
    id: &'static str,
    label: String,
    value: String,
    shown: String,
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    saved: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    photo_age_child_months: String,
    photo_age_adult_months: String,
    #[serde(rename = "_version")]
    version: String,
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    submitted: Option<&SettingsForm>,
    duty_values: Option<&std::collections::BTreeMap<String, String>>,
    banner: Option<String>,
) -> Result<SettingsPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let current = state.app.organisation_settings(actor).await.or_fail(ctx)?;
    let t = ctx.tr;
    let changed = match &current.changed {
        Some((who, when)) => t.args(
            "settings-changed",
            &[("who", who.as_str()), ("when", &t.date_time(*when))],
        ),
        None => t.get("settings-defaults"),
    };
    let backups = if actor.can(Action::ManageSettings) {
        let b = state.app.backup_status(actor).await.or_fail(ctx)?;
        Some(BackupsShown {
            last_good: match &b.last_good {
                Some(g) => t.args(
                    "settings-backup-last-good",
                    &[
                        ("when", t.date_time(g.finished_at).as_str()),
                        ("size", &format!("{:.1}", g.bytes as f64 / 1e6)),
                    ],
                ),
                None => t.get("settings-backup-none"),
            },
            failing: b.failing.as_ref().map(|f| {
                let what = t.args(
                    "settings-backup-failing",
                    &[
                        ("when", t.date_time(f.finished_at).as_str()),
                        ("problem", f.problem.as_deref().unwrap_or_default()),
                    ],
                );
                let run = t.count("settings-backup-failures", b.failures_since_good);
                format!("{what} {run}")
            }),
            checkpoint: [
                b.checkpoint.shorter.map(|(then, now)| {
                    t.args(
                        "settings-checkpoint-shorter",
                        &[
                            ("then", then.to_string().as_str()),
                            ("now", &now.to_string()),
                        ],
                    )
                }),
                b.checkpoint.failing.as_ref().map(|(since, problem)| {
                    t.args(
                        "settings-checkpoint-failing",
                        &[("when", t.date_time(*since).as_str()), ("problem", problem)],
                    )
                }),
            ]
            .into_iter()
            .flatten()
            .collect(),
        })
    } else {
        None
    };
    let s = current.settings;
    let duty_fields = homeward_domain::duties::DutySettings::FIELDS
        .iter()
        .map(|(id, _, _)| {
            let value = duty_values
                .and_then(|v| v.get(*id).cloned())
                .unwrap_or_else(|| s.duties.get(id).unwrap_or_default().to_string());
            MonthsField {
                id,
                label: t.get(&format!("settings-duty-{id}")),
                shown: value.clone(),
                value,
            }
        })
        .collect();
    let (child, adult) = match submitted {
        Some(f) => (
            f.photo_age_child_months.clone(),
            f.photo_age_adult_months.clone(),
        ),
        None => (
            s.photo_age_child_months.to_string(),
            s.photo_age_adult_months.to_string(),
        ),
    };
    Ok(SettingsPage {
        page: Page::new(ctx, "settings-title", "/admin/settings").with_errors(&errors),
        errors,
        banner,
        can_edit: actor.can(Action::ManageSettings),
        version: current.version,
        fields: [
            ("photo_age_child_months", "settings-photo-age-child", child),
            ("photo_age_adult_months", "settings-photo-age-adult", adult),
        ]
        .into_iter()
        .map(|(id, label, value)| MonthsField {
            id,
            label: t.get(label),
            shown: t.count("settings-months", value.parse().unwrap_or_default()),
            value,
        })
        .collect(),
        duty_fields,
        changed,
        backups,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SettingsQuery>,
) -> Result<Response, Failure> {
    let banner = q.saved.map(|_| ctx.tr.get("settings-saved"));
    let page = settings_page(&state, &ctx, FormErrors::default(), None, None, banner).await?;
    Ok(render(&page, StatusCode::OK))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<SettingsForm>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let based_on: i64 = form.version.trim().parse().unwrap_or(-1);
    match state
        .app
        .save_settings(
            actor,
            &ctx.meta,
            &form.photo_age_child_months,
            &form.photo_age_adult_months,
            based_on,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/settings?saved=1").into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = settings_page(&state, &ctx, errors, Some(&form), None, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// Saves the duty clocks (a form of its own on the same page).
pub async fn save_duties(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let values: std::collections::BTreeMap<String, String> = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let based_on: i64 = values
        .get("_version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1);
    match state
        .app
        .save_duty_settings(actor, &ctx.meta, |name| values.get(name).cloned(), based_on)
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/settings?saved=1").into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = settings_page(&state, &ctx, errors, None, Some(&values), None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}
