//! Signing in and out, and choosing the language.

use super::{FormErrors, Page, render};
use crate::AppState;
use crate::context::{
    CHALLENGE_COOKIE, CSRF_COOKIE, Ctx, DEVICE_COOKIE, LANG_COOKIE, REMEMBER_COOKIE, SESSION_COOKIE,
};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, Form};
use homeward_app::auth::{SignInFailure, SignInStep, SignedIn};
use homeward_app::second_factor::CodeFailure;
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
    /// Back from a second-factor step that waited too long or was tried too often.
    again: Option<String>,
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
    } else if q.again.is_some() {
        Some(ctx.tr.get("sign-in-again"))
    } else {
        None
    };
    let page = SignInPage {
        page: Page::new(&ctx, "sign-in-title", ""),
        errors: FormErrors::default(),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        csrf: crate::guard::masked(&csrf),
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
    let remembered = jar.get(REMEMBER_COOKIE).map(|c| c.value().to_string());
    let result = state
        .app
        .sign_in(
            &form.email,
            &form.password,
            device.as_deref(),
            remembered.as_deref(),
            &ctx.meta,
        )
        .await;
    let next = safe_next(form.next.as_deref());
    let failure = match result {
        Ok(Ok(SignInStep::SignedIn(signed_in))) => {
            return signed_in_response(&state, &ctx, signed_in, &next).await;
        }
        Ok(Ok(SignInStep::Code {
            challenge,
            new_device_token,
        })) => {
            return challenge_response(&challenge, new_device_token, "/sign-in/code", &next);
        }
        Ok(Ok(SignInStep::SetUp {
            challenge,
            new_device_token,
        })) => {
            return challenge_response(&challenge, new_device_token, "/sign-in/set-up", &next);
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
        csrf: crate::guard::masked(&csrf),
        banner: None,
    };
    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Signed in: a new session cookie (ending any session this browser had, so a session id
/// planted before sign-in is worthless after it), and on to where they were going.
async fn signed_in_response(
    state: &AppState,
    ctx: &Ctx,
    signed_in: SignedIn,
    next: &str,
) -> Response {
    if let Some(previous) = &ctx.actor
        && let Err(e) = state.app.sign_out(previous, &ctx.meta).await
    {
        return super::errors::page(ctx, e);
    }
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, session_cookies(&signed_in));
    headers.append(SET_COOKIE, cookie(CSRF_COOKIE, "", Some(0)));
    headers.append(SET_COOKIE, cookie(CHALLENGE_COOKIE, "", Some(0)));
    if let Some(device) = signed_in.new_device_token {
        headers.append(SET_COOKIE, cookie(DEVICE_COOKIE, &device, Some(YEAR)));
    }
    if let Some(remember) = signed_in.remembered_token {
        let days = u32::try_from(homeward_domain::totp::REMEMBER_DAYS).unwrap_or(30);
        headers.append(
            SET_COOKIE,
            cookie(REMEMBER_COOKIE, &remember, Some(days * 24 * 60 * 60)),
        );
    }
    (headers, Redirect::to(next)).into_response()
}

fn session_cookies(signed_in: &SignedIn) -> HeaderValue {
    cookie(SESSION_COOKIE, &signed_in.session_token, None)
}

/// The password was right: the challenge cookie, and on to the code (or the set-up).
fn challenge_response(
    challenge: &str,
    new_device_token: Option<String>,
    to: &str,
    next: &str,
) -> Response {
    let mut headers = HeaderMap::new();
    let minutes = u32::try_from(homeward_domain::totp::CHALLENGE_MINUTES).unwrap_or(10);
    headers.append(
        SET_COOKIE,
        cookie(CHALLENGE_COOKIE, challenge, Some(minutes * 60)),
    );
    if let Some(device) = new_device_token {
        headers.append(SET_COOKIE, cookie(DEVICE_COOKIE, &device, Some(YEAR)));
    }
    let to = format!("{to}?next={}", url_escape(next));
    (headers, Redirect::to(&to)).into_response()
}

fn url_escape(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage {
    page: Page,
    errors: FormErrors,
    csrf: String,
    next: String,
    /// The same, for a link's query.
    next_q: String,
    /// A recovery code rather than one from the app.
    recovery: bool,
    remember: bool,
}

#[derive(Template)]
#[template(path = "sign_in_set_up.html")]
struct SetUpPage {
    page: Page,
    errors: FormErrors,
    csrf: String,
    next: String,
    email: String,
    secret: String,
    uri: String,
}

#[derive(Template)]
#[template(path = "sign_in_recovery_codes.html")]
struct RecoveryCodesPage {
    page: Page,
    codes: Vec<String>,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeQuery {
    next: Option<String>,
    recovery: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    next: Option<String>,
    recovery: Option<String>,
    remember: Option<String>,
}

fn challenge_of(jar: &CookieJar) -> String {
    jar.get(CHALLENGE_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default()
}

pub(crate) fn csrf_of(jar: &CookieJar) -> String {
    jar.get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default()
}

/// Back to the start, saying why: the sign-in waited too long or was tried too often.
fn start_again(next: &str) -> Response {
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, cookie(CHALLENGE_COOKIE, "", Some(0)));
    (
        headers,
        Redirect::to(&format!("/sign-in?again=1&next={}", url_escape(next))),
    )
        .into_response()
}

/// The code from their authenticator app (or a recovery code).
pub async fn code_form(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Query(q): Query<CodeQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    match state.app.second_factor_waiting(&challenge_of(&jar)).await {
        Ok(true) => {}
        Ok(false) => return start_again(&next),
        Err(e) => return super::errors::page(&ctx, e),
    }
    let page = CodePage {
        page: Page::new(&ctx, "sign-in-code-title", ""),
        errors: FormErrors::default(),
        csrf: crate::guard::masked(&csrf_of(&jar)),
        next_q: url_escape(&next),
        next,
        recovery: q.recovery.is_some(),
        remember: false,
    };
    render(&page, StatusCode::OK)
}

pub async fn code_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let recovery = form.recovery.is_some();
    let remember = form.remember.as_deref() == Some("yes");
    let result = state
        .app
        .sign_in_with_code(
            &challenge_of(&jar),
            &form.code,
            recovery,
            remember,
            &ctx.meta,
        )
        .await;
    let errors = match result {
        Ok(Ok(signed_in)) => return signed_in_response(&state, &ctx, signed_in, &next).await,
        Ok(Err(CodeFailure::StartAgain)) => return start_again(&next),
        Ok(Err(failure)) => code_errors(&ctx, failure, recovery),
        Err(e) => return super::errors::page(&ctx, e),
    };
    let page = CodePage {
        page: Page::new(&ctx, "sign-in-code-title", "").with_errors(&errors),
        errors,
        csrf: crate::guard::masked(&csrf_of(&jar)),
        next_q: url_escape(&next),
        next,
        recovery,
        remember,
    };
    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

fn code_errors(ctx: &Ctx, failure: CodeFailure, recovery: bool) -> FormErrors {
    let message = match (failure, recovery) {
        (CodeFailure::NotACode, false) => ctx.tr.get("error-code-six-digits"),
        (CodeFailure::NotACode, true) => ctx.tr.get("error-recovery-code-empty"),
        (CodeFailure::Wrong { tries_left }, false) => {
            ctx.tr
                .with("error-code-wrong", "tries", &tries_left.to_string())
        }
        (CodeFailure::Wrong { tries_left }, true) => ctx.tr.with(
            "error-recovery-code-wrong",
            "tries",
            &tries_left.to_string(),
        ),
        (CodeFailure::StartAgain, _) => ctx.tr.get("sign-in-start-again"),
    };
    FormErrors::message("code", message)
}

/// The set-up page for the challenge this browser holds (the same key each time it is
/// shown), or back to the start if the challenge is gone.
async fn set_up_page(
    state: &AppState,
    ctx: &Ctx,
    jar: &CookieJar,
    next: String,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let set_up = match state.app.second_factor_set_up(&challenge_of(jar)).await {
        Ok(Some(s)) => s,
        Ok(None) => return start_again(&next),
        Err(e) => return super::errors::page(ctx, e),
    };
    let page = SetUpPage {
        page: Page::new(ctx, "sign-in-set-up-title", "").with_errors(&errors),
        errors,
        csrf: crate::guard::masked(&csrf_of(jar)),
        next,
        email: set_up.email,
        secret: set_up.secret,
        uri: set_up.uri,
    };
    render(&page, status)
}

/// Setting up the second factor that their role needs: the secret to add to an app, then
/// the first code from it.
pub async fn set_up_form(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Query(q): Query<CodeQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    set_up_page(
        &state,
        &ctx,
        &jar,
        next,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn set_up_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let challenge = challenge_of(&jar);
    let result = state
        .app
        .set_up_second_factor(&challenge, &form.code, &ctx.meta)
        .await;
    let errors = match result {
        Ok(Ok(done)) => {
            // Signed in; the recovery codes are shown once, before going on.
            let mut response = signed_in_response(&state, &ctx, done.signed_in, &next).await;
            if response.status().is_redirection() {
                let page = RecoveryCodesPage {
                    page: Page::new(&ctx, "sign-in-recovery-title", ""),
                    codes: done.recovery_codes,
                    next: next.clone(),
                };
                let headers = std::mem::take(response.headers_mut());
                let mut shown = render(&page, StatusCode::OK);
                for (name, value) in headers.iter() {
                    if name == SET_COOKIE {
                        shown.headers_mut().append(SET_COOKIE, value.clone());
                    }
                }
                return shown;
            }
            return response;
        }
        Ok(Err(CodeFailure::StartAgain)) => return start_again(&next),
        Ok(Err(failure)) => code_errors(&ctx, failure, false),
        Err(e) => return super::errors::page(&ctx, e),
    };
    set_up_page(
        &state,
        &ctx,
        &jar,
        next,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Where to enter the code again before going on to `next`.
pub fn confirm_href(next: &str) -> String {
    format!(
        "/sign-in/confirm?next={}",
        url_escape(&safe_next(Some(next)))
    )
}

#[derive(Template)]
#[template(path = "sign_in_confirm.html")]
struct ConfirmPage {
    page: Page,
    errors: FormErrors,
    next: String,
}

/// Entering the code again before exporting or naming people to partners.
pub async fn confirm_form(ctx: Ctx, Query(q): Query<CodeQuery>) -> Response {
    let page = ConfirmPage {
        page: Page::new(&ctx, "sign-in-confirm-title", ""),
        errors: FormErrors::default(),
        next: safe_next(q.next.as_deref()),
    };
    render(&page, StatusCode::OK)
}

pub async fn confirm_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<CodeForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let Some(actor) = &ctx.actor else {
        return Redirect::to("/sign-in").into_response();
    };
    let errors = match state
        .app
        .confirm_second_factor(actor, &ctx.meta, &form.code)
        .await
    {
        Ok(Ok(())) => return Redirect::to(&next).into_response(),
        Ok(Err(CodeFailure::NotACode)) => FormErrors::one(ctx.tr, "code", "error-code-six-digits"),
        Ok(Err(_)) => FormErrors::one(ctx.tr, "code", "error-code-wrong-again"),
        Err(e) => return super::errors::page(&ctx, e),
    };
    let page = ConfirmPage {
        page: Page::new(&ctx, "sign-in-confirm-title", "").with_errors(&errors),
        errors,
        next,
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
