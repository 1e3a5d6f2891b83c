//! Every request has a name: a random id on every log line it causes (a tracing span), in
//! the `X-Request-Id` response header and on its error page, so a care worker can read it out
//! and an operator can find what happened. Each answered request is counted and timed by its
//! route's pattern for `/metrics`.

use crate::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::time::Instant;
use tracing::Instrument as _;

/// The id given to a request, in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The pattern of the route that answered, set by the guard on the response.
#[derive(Clone, Copy, Debug)]
pub struct RoutePattern(pub &'static str);

fn new_id() -> String {
    let mut bytes = [0u8; 8];
    // Without randomness the request still runs; its name is only less unique.
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

pub async fn name_requests(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = new_id();
    let method = request.method().clone();
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %method,
        route = tracing::field::Empty
    );
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let route = response
        .extensions()
        .get::<RoutePattern>()
        .map_or("unmatched", |r| r.0);
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state
        .app
        .metrics
        .observe_request(method.as_str(), route, status, seconds);
    // One line a request: the route's pattern, never its ids or query (nothing personal).
    span.in_scope(|| {
        tracing::info!(
            route,
            status,
            ms = (seconds * 1000.0).round() as u64,
            "answered"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The metrics, for monitoring on this machine only: a request from elsewhere, or one that
/// came through a proxy (which would make the outside world look local), is not found.
pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let local = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| addr.ip().is_loopback());
    let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|h| request.headers().contains_key(*h));
    if !local || proxied {
        let (parts, _) = request.into_parts();
        return crate::html::errors::not_found(parts).await;
    }
    match state.app.metrics_text().await {
        Ok(text) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot count the outbox for the metrics");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
