//! Liveness and readiness, for load balancers and orchestrators.

use super::dto::Health;
use super::problem::Problem;
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use homeward_app::AppError;

/// The process is up.
#[utoipa::path(get, path = "/healthz", security(()), responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// The process can reach its database.
#[utoipa::path(get, path = "/readyz", security(()), responses(
    (status = 200, body = Health),
    (status = 503, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn readyz(State(state): State<AppState>, ctx: Ctx) -> Response {
    match state.app.store.ping().await {
        Ok(()) => Json(Health {
            status: "ready".into(),
        })
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            Problem::new(ctx.tr, AppError::Unavailable).into_response()
        }
    }
}
