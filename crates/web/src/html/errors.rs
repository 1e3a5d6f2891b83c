//! Friendly error pages in the user's language that say nothing about the system.

use super::{Page, render};
use crate::api::problem::Problem;
use crate::context::Ctx;
use crate::i18n::Tr;
use askama::Template;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use homeward_app::AppError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    body: String,
    /// The request's id, to read out to whoever looks into it.
    reference: Option<String>,
}

fn status_and_text(e: &AppError) -> (StatusCode, &'static str, &'static str) {
    match e {
        AppError::Forbidden => (StatusCode::FORBIDDEN, "error-403-title", "error-403-body"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "error-404-title", "error-404-body"),
        AppError::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "error-503-title",
            "error-503-body",
        ),
        AppError::StepUp => (StatusCode::FORBIDDEN, "error-403-title", "error-step-up"),
        AppError::Invalid(fields) => {
            let body = fields
                .first()
                .map(|f| f.message)
                .unwrap_or("error-400-body");
            (StatusCode::BAD_REQUEST, "error-400-title", body)
        }
        AppError::NotSignedIn => (
            StatusCode::UNAUTHORIZED,
            "error-401-title",
            "sign-in-expired",
        ),
        AppError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-500-title",
                "error-500-body",
            )
        }
    }
}

/// The error page for a failed request, with the signed-in user's header.
pub fn page(ctx: &Ctx, e: AppError) -> Response {
    if matches!(e, AppError::NotSignedIn) {
        return Redirect::to("/sign-in").into_response();
    }
    if matches!(e, AppError::StepUp) {
        // Back to this page once the code is entered.
        return Redirect::to(&super::sign_in::confirm_href(&ctx.path_and_query)).into_response();
    }
    let (status, title, body) = status_and_text(&e);
    render(
        &ErrorPage {
            page: Page::new(ctx, title, ""),
            body: ctx.tr.get(body),
            reference: Some(ctx.meta.request_id.clone())
                .filter(|id| !id.is_empty())
                .map(|id| ctx.tr.with("error-reference", "id", &id)),
        },
        status,
    )
}

/// The error page when all that is known is the language (before the actor is known).
pub fn bare(tr: Tr, request_id: &str, e: AppError) -> Response {
    let ctx = Ctx {
        actor: None,
        tr,
        meta: homeward_app::RequestMeta {
            request_id: request_id.to_string(),
            ..Default::default()
        },
        path_and_query: "/".into(),
    };
    page(&ctx, e)
}

/// No route matched.
pub async fn not_found(parts: Parts) -> Response {
    let ctx = Ctx::anonymous(&parts);
    if parts.uri.path().starts_with("/api/") {
        Problem::new(ctx.tr, AppError::NotFound).into_response()
    } else {
        page(&ctx, AppError::NotFound)
    }
}

/// A handler panicked. Nothing about the request is known here, so the page speaks both
/// languages. Nothing is rendered through templates, which could be what failed.
pub fn panic_page(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let en = Tr(homeward_domain::locale::Locale::English);
    let cy = Tr(homeward_domain::locale::Locale::Welsh);
    let body = format!(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t_en}</title><link rel=\"stylesheet\" href=\"{css}\"></head><body>\
         <main id=\"main\" class=\"hw-width hw-main\"><h1>{t_en}</h1><p>{b_en}</p>\
         <div lang=\"cy\"><h2>{t_cy}</h2><p>{b_cy}</p></div><p><a href=\"/\">{home}</a></p></main></body></html>",
        t_en = en.get("error-500-title"),
        b_en = en.get("error-500-body"),
        t_cy = cy.get("error-500-title"),
        b_cy = cy.get("error-500-body"),
        home = en.get("error-back-home"),
        css = crate::assets::css_url(),
    );
    (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response()
}
