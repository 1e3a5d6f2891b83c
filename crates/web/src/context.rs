//! What every handler knows about its request: who is acting, in which language, from where.

use crate::i18n::Tr;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::CookieJar;
use homeward_app::{Actor, AppError, RequestMeta};
use homeward_domain::locale::{Locale, negotiate};

pub const SESSION_COOKIE: &str = "__Host-homeward_session";
pub const LANG_COOKIE: &str = "__Host-homeward_lang";
pub const CSRF_COOKIE: &str = "__Host-homeward_csrf";
pub const DEVICE_COOKIE: &str = "__Host-homeward_device";
/// A sign-in whose password was right, waiting for its second factor.
pub const CHALLENGE_COOKIE: &str = "__Host-homeward_challenge";
/// This browser need not be asked for the code again (30 days at most).
pub const REMEMBER_COOKIE: &str = "__Host-homeward_remember";

#[derive(Clone, Debug)]
pub struct Ctx {
    pub actor: Option<Actor>,
    pub tr: Tr,
    pub meta: RequestMeta,
    /// The path and query of this request, for "come back here" links.
    pub path_and_query: String,
}

impl Ctx {
    /// The actor of a route that requires one. The guard has already refused anonymous
    /// requests to such routes, so a missing actor is a bug and answers as "not signed in".
    pub fn actor(&self) -> Result<&Actor, AppError> {
        self.actor.as_ref().ok_or(AppError::NotSignedIn)
    }

    pub fn locale(&self) -> Locale {
        self.tr.0
    }

    /// The language a link asks for (`?lang=cy`), else the page's.
    pub fn locale_or(&self, asked: Option<&str>) -> Locale {
        asked.and_then(Locale::from_code).unwrap_or(self.locale())
    }

    /// The language a request asks for: the remembered choice, else the browser's.
    pub fn locale_from(headers: &HeaderMap) -> Locale {
        let jar = CookieJar::from_headers(headers);
        let chosen = jar.get(LANG_COOKIE).map(|c| c.value().to_string());
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        negotiate(chosen.as_deref(), accept)
    }

    /// A context for requests outside the guard (the fallback): language only, nobody signed in.
    pub fn anonymous(parts: &Parts) -> Self {
        Self {
            actor: None,
            tr: Tr(Self::locale_from(&parts.headers)),
            meta: RequestMeta {
                request_id: parts
                    .extensions
                    .get::<crate::telemetry::RequestId>()
                    .map(|r| r.0.clone())
                    .unwrap_or_default(),
                ..RequestMeta::default()
            },
            path_and_query: parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "/".into()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Ctx>() {
            Some(ctx) => Ok(ctx.clone()),
            None => Ok(Ctx::anonymous(parts)),
        }
    }
}
