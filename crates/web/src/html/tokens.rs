//! Your API tokens: make one for another system (shown once), see them all, revoke any.
//! Admins see and revoke a user's tokens on the user's page.

use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use crate::i18n::Tr;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use homeward_app::AppError;
use homeward_store::ListedToken;
use serde::Deserialize;

/// A token as a row of the list.
pub struct TokenRow {
    pub label: String,
    pub made: String,
    pub until: String,
    /// "In use", "Expired" or "Revoked on … by …".
    pub status: String,
    /// Where its revoke button posts, while it still works and the reader may revoke it.
    pub revoke: Option<String>,
}

pub fn rows(
    t: Tr,
    tokens: &[ListedToken],
    now: jiff::Timestamp,
    revoke_href: Option<&dyn Fn(&str) -> String>,
) -> Vec<TokenRow> {
    tokens
        .iter()
        .map(|l| {
            let live = l.revoked.is_none() && l.token.expires_at > now;
            TokenRow {
                label: l.token.label.clone(),
                made: t.date_time(l.token.created_at),
                until: t.date_time(l.token.expires_at),
                status: match &l.revoked {
                    Some(r) => t.args(
                        "tokens-revoked",
                        &[("when", t.date_time(r.at).as_str()), ("who", &r.by_label)],
                    ),
                    None if !live => t.get("tokens-expired"),
                    None => t.get("tokens-in-use"),
                },
                revoke: revoke_href.filter(|_| live).map(|f| f(&l.token.token_hash)),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    /// The token just made, shown this once.
    made: Option<String>,
    rows: Vec<TokenRow>,
    label: String,
    days: Vec<DaysChoice>,
}

struct DaysChoice {
    value: i64,
    label: String,
    checked: bool,
}

#[derive(Deserialize, Default)]
pub struct TokensQuery {
    revoked: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    label: String,
    days: String,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    made: Option<String>,
    banner: Option<String>,
    form: &TokenForm,
) -> Result<TokensPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let tokens = state.app.my_tokens(actor).await.or_fail(ctx)?;
    let t = ctx.tr;
    let revoke = |hash: &str| format!("/account/tokens/{hash}/revoke");
    let chosen: i64 = form
        .days
        .parse()
        .unwrap_or(homeward_app::tokens::DEFAULT_DAYS);
    Ok(TokensPage {
        page: Page::new(ctx, "tokens-title", "").with_errors(&errors),
        errors,
        banner,
        made,
        rows: rows(t, &tokens, state.app.clock.now(), Some(&revoke)),
        label: form.label.clone(),
        days: [7, 30, 90]
            .into_iter()
            .map(|d| DaysChoice {
                value: d,
                label: t.count("tokens-days", d as usize),
                checked: d == chosen,
            })
            .collect(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokensQuery>,
) -> Result<Response, Failure> {
    let banner = q.revoked.map(|_| ctx.tr.get("tokens-revoked-banner"));
    let p = page(
        &state,
        &ctx,
        FormErrors::default(),
        None,
        banner,
        &TokenForm::default(),
    )
    .await?;
    Ok(render(&p, StatusCode::OK))
}

pub async fn make(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TokenForm>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let days = form.days.trim().parse().unwrap_or(0);
    match state
        .app
        .make_my_token(actor, &ctx.meta, &form.label, days)
        .await
    {
        Ok(made) => {
            let p = page(
                &state,
                &ctx,
                FormErrors::default(),
                Some(made.secret),
                None,
                &TokenForm::default(),
            )
            .await?;
            // The secret is on this page only: never kept by a cache or the back button.
            let mut response = render(&p, StatusCode::OK);
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(response)
        }
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let p = page(&state, &ctx, errors, None, None, &form).await?;
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx.clone(), e)),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    state
        .app
        .revoke_my_token(actor, &ctx.meta, &token)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to("/account/tokens?revoked=1").into_response())
}

/// An admin revokes a user's token from the user's page.
pub async fn revoke_users(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, token)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let id: homeward_domain::ids::UserId =
        id.parse().map_err(|_| AppError::NotFound).or_fail(&ctx)?;
    state
        .app
        .revoke_user_token(actor, &ctx.meta, id, &token)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to(&format!("/admin/users/{id}?token_revoked=1")).into_response())
}
