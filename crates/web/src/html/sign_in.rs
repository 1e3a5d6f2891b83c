//! Signing in and out, and choosing the language.

use super::{FormErrors, Page, render};
use crate::AppState;
use crate::context::{CSRF_COOKIE, Ctx, DEVICE_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, Form};
use homeward_app::auth::SignInFailure;
use homeward_app::secrets::random_token;
use homeward_domain::locale::Locale;
use serde::Deserialize;

const YEAR: u32 = 365 * 24 * 60 * 60;

/// A cookie only this host can set or read, never sent cross-site or readable by script.
pub fn cookie(name: &str, value: &str, max_age: Option<u32>) -> HeaderValue {
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Only a path on this site: never an open redirect to somewhere else.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    page: Page,
    errors: FormErrors,
    email: String,
    next: String,
    csrf: String,
    banner: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
    expired: Option<String>,
}

pub async fn show(ctx: Ctx, jar: CookieJar, Query(q): Query<SignInQuery>) -> Response {
    if ctx.actor.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    // Reuse the browser's token if it has one: two tabs open on this page both still work.
    let csrf = match jar.get(CSRF_COOKIE) {
        Some(c) if !c.value().is_empty() => c.value().to_string(),
        _ => match random_token() {
            Ok(t) => t,
            Err(e) => {
                return super::errors::page(&ctx, homeward_app::AppError::Internal(e.to_string()));
            }
        },
    };
    let banner = if q.signed_out.is_some() {
        Some(ctx.tr.get("sign-in-signed-out"))
    } else if q.expired.is_some() {
        Some(ctx.tr.get("sign-in-expired"))
    } else {
        None
    };
    let page = SignInPage {
        page: Page::new(&ctx, "sign-in-title", ""),
        errors: FormErrors::default(),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        csrf: csrf.clone(),
        banner,
    };
    let mut response = render(&page, StatusCode::OK);
    response
        .headers_mut()
        .append(SET_COOKIE, cookie(CSRF_COOKIE, &csrf, None));
    response
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> Response {
    let device = jar.get(DEVICE_COOKIE).map(|c| c.value().to_string());
    let result = state
        .app
        .sign_in(&form.email, &form.password, device.as_deref(), &ctx.meta)
        .await;
    let failure = match result {
        Ok(Ok(signed_in)) => {
            // A new session at every sign-in: any session this browser already had is ended,
            // so a session id planted before sign-in is worthless after it.
            if let Some(previous) = &ctx.actor
                && let Err(e) = state.app.sign_out(previous, &ctx.meta).await
            {
                return super::errors::page(&ctx, e);
            }
            let mut headers = HeaderMap::new();
            headers.append(
                SET_COOKIE,
                cookie(SESSION_COOKIE, &signed_in.session_token, None),
            );
            headers.append(SET_COOKIE, cookie(CSRF_COOKIE, "", Some(0)));
            if let Some(device) = signed_in.new_device_token {
                headers.append(SET_COOKIE, cookie(DEVICE_COOKIE, &device, Some(YEAR)));
            }
            return (headers, Redirect::to(&safe_next(form.next.as_deref()))).into_response();
        }
        Ok(Err(failure)) => failure,
        Err(e) => return super::errors::page(&ctx, e),
    };
    let errors = match failure {
        SignInFailure::BadEmail(message) => FormErrors::one(ctx.tr, "email", message),
        SignInFailure::EmptyPassword => FormErrors::one(ctx.tr, "password", "error-password-empty"),
        SignInFailure::WrongCredentials => FormErrors::one(ctx.tr, "email", "error-sign-in-wrong"),
        SignInFailure::Throttled => FormErrors::one(ctx.tr, "email", "error-sign-in-throttled"),
    };
    let csrf = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    let page = SignInPage {
        page: Page::new(&ctx, "sign-in-title", "").with_errors(&errors),
        errors,
        email: form.email.chars().take(254).collect(),
        next: safe_next(form.next.as_deref()),
        csrf,
        banner: None,
    };
    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

pub async fn sign_out(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Some(actor) = &ctx.actor
        && let Err(e) = state.app.sign_out(actor, &ctx.meta).await
    {
        return super::errors::page(&ctx, e);
    }
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, cookie(SESSION_COOKIE, "", Some(0)));
    (headers, Redirect::to("/sign-in?signed_out=1")).into_response()
}

#[derive(Deserialize, Default)]
pub struct LanguageQuery {
    to: Option<String>,
    next: Option<String>,
}

/// The header's language link. A plain link, so it works without JavaScript.
pub async fn switch_language(Query(q): Query<LanguageQuery>) -> Response {
    let locale =
        q.to.as_deref()
            .and_then(Locale::from_code)
            .unwrap_or_default();
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, cookie(LANG_COOKIE, locale.code(), Some(YEAR)));
    (headers, Redirect::to(&safe_next(q.next.as_deref()))).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/people?x=1")), "/people?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\nSet-Cookie")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
