//! Email that could not be delivered: each message that used every try, with the address
//! that failed and why, for the organisation's managers and admins to correct and send again.

use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use homeward_app::{AppError, FieldError};
use serde::Deserialize;

pub struct DeadRow {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub when: String,
    pub error: String,
    pub action: String,
    /// What is in the address box: the failed address, or what was typed.
    pub address: String,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "mail_undelivered.html")]
struct UndeliveredPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    rows: Vec<DeadRow>,
}

#[derive(Deserialize, Default)]
pub struct UndeliveredQuery {
    sent: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResendForm {
    address: String,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    typed: Option<(&str, &str)>,
    banner: Option<String>,
) -> Result<UndeliveredPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let rows = state
        .app
        .undelivered_mail(actor)
        .await
        .or_fail(ctx)?
        .into_iter()
        .map(|d| {
            let id = d.message.id.to_string();
            let field = format!("address-{id}");
            let problem = errors
                .all()
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, m)| m.clone());
            let address = match typed {
                Some((which, text)) if which == id => text.to_string(),
                _ => d.message.to_address.clone(),
            };
            DeadRow {
                action: format!("/mail/undelivered/{id}/resend"),
                to: d.message.to_address,
                subject: d.message.subject,
                when: t.date_time(d.message.created_at),
                error: d.last_error.unwrap_or_default(),
                address,
                problem,
                id,
            }
        })
        .collect();
    Ok(UndeliveredPage {
        page: Page::new(ctx, "mail-undelivered-title", "/").with_errors(&errors),
        errors,
        banner,
        rows,
    })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<UndeliveredQuery>,
) -> Result<Response, Failure> {
    let banner = q.sent.map(|_| ctx.tr.get("mail-resent"));
    let p = page(&state, &ctx, FormErrors::default(), None, banner).await?;
    Ok(render(&p, StatusCode::OK))
}

pub async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ResendForm>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let message: uuid::Uuid = id
        .parse()
        .map_err(|_| Failure::new(ctx.clone(), AppError::NotFound))?;
    match state
        .app
        .resend_mail(actor, &ctx.meta, message, &form.address)
        .await
    {
        Ok(()) => Ok(Redirect::to("/mail/undelivered?sent=1").into_response()),
        Err(AppError::Invalid(fields)) => {
            let fields: Vec<FieldError> = fields
                .into_iter()
                .map(|f| FieldError {
                    field: format!("address-{message}"),
                    message: f.message,
                })
                .collect();
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let p = page(
                &state,
                &ctx,
                errors,
                Some((&message.to_string(), &form.address)),
                None,
            )
            .await?;
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}
