//! The gate every route passes through: identify the actor, refuse cross-site and forged
//! requests, and check the route's declared access. Handlers run only after all three.

use crate::context::{CSRF_COOKIE, Ctx, SESSION_COOKIE};
use crate::i18n::Tr;
use crate::routes::{Access, Kind, RouteSpec};
use crate::{AppState, api, html};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use homeward_app::actor::Via;
use homeward_app::{Actor, AppError, RequestMeta};
use std::net::SocketAddr;

#[derive(Clone)]
pub struct Guarded {
    pub state: AppState,
    pub spec: RouteSpec,
}

/// The form field and header that carry the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub async fn guard(State(g): State<Guarded>, request: Request, next: Next) -> Response {
    let route = g.spec.path;
    let mut response = check(g, request, next).await;
    // For the request's metrics, refused or answered: the pattern, never the ids in it.
    response
        .extensions_mut()
        .insert(crate::telemetry::RoutePattern(route));
    response
}

async fn check(g: Guarded, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let tr = Tr(Ctx::locale_from(&parts.headers));
    let is_api = g.spec.kind == Kind::Api;
    let meta = RequestMeta {
        ip: client_ip(&parts, g.state.config.trust_proxy),
        request_id: parts
            .extensions
            .get::<crate::telemetry::RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default(),
    };
    tracing::Span::current().record("route", g.spec.path);
    let request_id = meta.request_id.clone();
    let refuse = |e: AppError| -> Response {
        if is_api {
            api::problem::Problem::new(tr, e).into_response()
        } else {
            html::errors::bare(tr, &request_id, e)
        }
    };

    let actor = match identify(&g.state, &parts.headers, is_api).await {
        Ok(a) => a,
        // A public page (a health check, the sign-in page) answers whoever asks: stale or
        // wrong credentials make the request anonymous, not refused.
        Err(_) if g.spec.access == Access::Public => None,
        Err(e) => return refuse(e),
    };

    let body = if is_unsafe(&parts.method) {
        if !same_origin(&parts.headers) {
            return refuse(AppError::invalid("csrf", "error-csrf-body"));
        }
        let bytes = match axum::body::to_bytes(body, g.spec.max_body).await {
            Ok(b) => b,
            Err(_) if is_api => {
                return api::problem::Problem::with(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    tr.get("problem-too-large"),
                    Vec::new(),
                )
                .into_response();
            }
            Err(_) => {
                return (StatusCode::PAYLOAD_TOO_LARGE, tr.get("problem-too-large"))
                    .into_response();
            }
        };
        let expected = match (&actor, g.spec.access) {
            (
                Some(Actor {
                    via: Via::Session { csrf_token, .. },
                    ..
                }),
                _,
            ) => Some(csrf_token.clone()),
            // A bearer token is not sent by browsers on their own, so it needs no CSRF token.
            (Some(_), _) => None,
            (None, Access::Public) => Some(
                CookieJar::from_headers(&parts.headers)
                    .get(CSRF_COOKIE)
                    .map(|c| c.value().to_string())
                    .unwrap_or_default(),
            ),
            (None, Access::Requires(_)) => None, // refused below as not signed in
        };
        if let Some(expected) = expected {
            let given = submitted_csrf(&parts.headers, parts.uri.query(), &bytes);
            if expected.is_empty() || !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
                return refuse(AppError::invalid("csrf", "error-csrf-body"));
            }
        }
        if let Some(field) = hidden_in_body(&parts.headers, &bytes) {
            return refuse(AppError::invalid(&field, "error-text-hidden"));
        }
        Body::from(bytes)
    } else {
        body
    };
    if let Some(field) = parts.uri.query().and_then(|q| hidden_in_form(q.as_bytes())) {
        return refuse(AppError::invalid(&field, "error-text-hidden"));
    }

    if let Access::Requires(action) = g.spec.access {
        match &actor {
            None if is_api => return refuse(AppError::NotSignedIn),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                // A session cookie that no longer works means the session timed out or was
                // ended: say so on the sign-in page, and drop the dead cookie.
                let stale = CookieJar::from_headers(&parts.headers)
                    .get(SESSION_COOKIE)
                    .is_some();
                let mut query = Vec::new();
                if stale {
                    query.push("expired=1".to_string());
                }
                if parts.method == Method::GET && next != "/" {
                    query.push(format!("next={}", encode(next)));
                }
                let target = if query.is_empty() {
                    "/sign-in".to_string()
                } else {
                    format!("/sign-in?{}", query.join("&"))
                };
                let mut response = Redirect::to(&target).into_response();
                if stale {
                    let clear = html::sign_in::cookie(SESSION_COOKIE, "", Some(0));
                    response.headers_mut().append(header::SET_COOKIE, clear);
                }
                return response;
            }
            Some(a) if !a.can(action) => {
                let what = format!("route.{} {}", g.spec.method, g.spec.path);
                if let Err(e) = g.state.app.record_denied(a, &meta, &what).await {
                    return refuse(e);
                }
                let ctx = Ctx {
                    actor: actor.clone(),
                    tr,
                    meta,
                    path_and_query: parts.uri.to_string(),
                };
                return if is_api {
                    refuse(AppError::Forbidden)
                } else {
                    html::errors::page(&ctx, AppError::Forbidden)
                };
            }
            Some(_) => {}
        }
    }

    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "/".into());
    parts.extensions.insert(Ctx {
        actor,
        tr,
        meta,
        path_and_query,
    });
    next.run(Request::from_parts(parts, body)).await
}

async fn identify(
    state: &AppState,
    headers: &HeaderMap,
    is_api: bool,
) -> Result<Option<Actor>, AppError> {
    if is_api && let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::NotSignedIn)?;
        return state
            .app
            .resolve_api_token(token)
            .await?
            .map(Some)
            .ok_or(AppError::NotSignedIn);
    }
    match CookieJar::from_headers(headers).get(SESSION_COOKIE) {
        Some(cookie) => state.app.resolve_session(cookie.value()).await,
        None => Ok(None),
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers say where a request came from; refuse any that came from another site.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => {
            let origin = origin.to_str().unwrap_or("");
            let host = host.to_str().unwrap_or("");
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
        }
        // Clients that are not browsers send neither header; CSRF tokens still apply.
        _ => true,
    }
}

/// The token from the header (scripts), the query (multipart uploads, whose bodies are not
/// parsed here) or the form body (every other form).
/// The CSRF token as a page carries it: a fresh random mask and the token under it, so the
/// bytes differ on every page. Responses are compressed, and a secret that stood the same on
/// every page beside text an attacker can choose could be guessed from the compressed sizes
/// (BREACH). `unmask` gives the token back.
pub fn masked(token: &str) -> String {
    let mut pad = vec![0u8; token.len()];
    if getrandom::fill(&mut pad).is_err() {
        // Without randomness the token goes unmasked: still checked, only not disguised.
        return token.to_string();
    }
    let under: Vec<u8> = token.bytes().zip(&pad).map(|(t, p)| t ^ p).collect();
    format!("m{}{}", hex::encode(pad), hex::encode(under))
}

/// The token a page's masked value stands for; anything else is taken as given (API clients
/// send the token itself).
fn unmask(given: &str) -> String {
    let Some(body) = given.strip_prefix('m') else {
        return given.to_string();
    };
    let Ok(bytes) = hex::decode(body) else {
        return given.to_string();
    };
    if bytes.is_empty() || bytes.len() % 2 != 0 {
        return given.to_string();
    }
    let (pad, under) = bytes.split_at(bytes.len() / 2);
    let token: Vec<u8> = under.iter().zip(pad).map(|(u, p)| u ^ p).collect();
    String::from_utf8(token).unwrap_or_default()
}

fn submitted_csrf(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> String {
    unmask(&submitted_raw(headers, query, body))
}

fn submitted_raw(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> String {
    if let Some(v) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return v.to_string();
    }
    if let Some(token) =
        query.and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == CSRF_FIELD))
    {
        return token.1.into_owned();
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return String::new();
    }
    form_urlencoded::parse(body)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The first field of a form or JSON body whose text holds a hidden control character (a
/// NUL and the like). Each field's own check says more; this stops what any of them misses
/// before it reaches a handler or a database, the same on every route and both engines.
fn hidden_in_body(headers: &HeaderMap, bytes: &[u8]) -> Option<String> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if kind.starts_with("application/x-www-form-urlencoded") {
        hidden_in_form(bytes)
    } else if kind.starts_with("application/json") {
        let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        hidden_in_json(&value, "body")
    } else {
        None
    }
}

fn is_hidden_text(text: &str) -> bool {
    use homeward_domain::text::{Shape, is_hidden};
    text.chars().any(|c| is_hidden(c, Shape::Lines))
}

fn hidden_in_form(bytes: &[u8]) -> Option<String> {
    form_urlencoded::parse(bytes)
        .find(|(k, v)| is_hidden_text(k) || is_hidden_text(v))
        .map(|(k, _)| k.chars().filter(|c| !c.is_control()).collect())
}

fn hidden_in_json(value: &serde_json::Value, field: &str) -> Option<String> {
    match value {
        serde_json::Value::String(text) => is_hidden_text(text).then(|| field.to_string()),
        serde_json::Value::Array(items) => items.iter().find_map(|v| hidden_in_json(v, field)),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if is_hidden_text(k) {
                Some(k.chars().filter(|c| !c.is_control()).collect())
            } else {
                hidden_in_json(v, k)
            }
        }),
        _ => None,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn client_ip(parts: &axum::http::request::Parts, trust_proxy: bool) -> Option<String> {
    // The nearest proxy appends the address it saw last; earlier entries are the client's say-so.
    if trust_proxy
        && let Some(forwarded) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(last) = forwarded
            .rsplit(',')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        return Some(last.to_string());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_site_requests_are_refused() {
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(same_origin(&h));
        let mut h = HeaderMap::new();
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        h.insert(header::HOST, "homeward.example".parse().unwrap());
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, "https://homeward.example".parse().unwrap());
        assert!(same_origin(&h));
    }

    #[test]
    fn csrf_from_form_or_header() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        assert_eq!(submitted_csrf(&h, None, b"a=1&csrf_token=abc%2Bd"), "abc+d");
        assert_eq!(submitted_csrf(&h, Some("csrf_token=q"), b""), "q");
        h.insert(CSRF_HEADER, "xyz".parse().unwrap());
        assert_eq!(submitted_csrf(&h, None, b"csrf_token=abc"), "xyz");
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn a_masked_token_differs_every_time_and_unmasks_to_itself() {
        let token = "Zm9vYmFyYmF6cXV4LXRva2VuLTEyMzQ1Njc4OTA";
        let (a, b) = (masked(token), masked(token));
        assert_ne!(a, b);
        assert_eq!(unmask(&a), token);
        assert_eq!(unmask(&b), token);
        assert_eq!(unmask(token), token, "the token itself still works");
        assert_ne!(unmask("m00"), token);
    }
}
