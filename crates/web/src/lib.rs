//! The web interface: server-rendered HTML that works without JavaScript, and the JSON API.
//!
//! Every route is declared once in [`routes::table`] with the access it needs; the router is
//! built from that table, so a route cannot exist without a declared access rule, and the
//! authorization tests walk the same table.

pub mod api;
pub mod assets;
pub mod context;
pub mod guard;
pub mod headers;
pub mod html;
pub mod listing;
/// The message catalogue lives in its own crate so PDFs and emails share it.
pub mod i18n {
    pub use homeward_i18n::*;
}
pub mod routes;
pub mod telemetry;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use homeward_app::App;
use std::sync::Arc;

/// How this server is reached, which decides cookie and transport-security settings.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Served over HTTPS (directly or behind a TLS-terminating proxy): send HSTS.
    pub https: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_proxy: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
}

/// Requests larger than this are refused before any handler sees them.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The whole application: every route from the table behind its guard, the fallback, and the
/// security headers on every response.
pub fn router(app: App, config: WebConfig) -> Router {
    let https = config.https;
    let state = AppState {
        app,
        config: Arc::new(config),
    };
    let mut router: Router<AppState> = Router::new();
    for route in routes::table() {
        let spec = route.spec;
        let guarded = route.handler.layer(axum::middleware::from_fn_with_state(
            guard::Guarded {
                state: state.clone(),
                spec,
            },
            guard::guard,
        ));
        router = router.route(spec.path, guarded);
    }
    router
        .fallback(html::errors::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            html::errors::panic_page,
        ))
        .layer(axum::middleware::from_fn_with_state(
            headers::HeaderConfig { https },
            headers::security_headers,
        ))
        // Pages, JSON and PDFs shrink several times over a slow phone connection. Live
        // board updates (server-sent events) and photos are left alone. The CSRF token on
        // each page is masked afresh (`guard::masked`), so compression gives nothing away.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            telemetry::name_requests,
        ))
        .with_state(state)
}
