//! A JSON body extractor whose failures are problem documents, not plain text.

use super::problem::Problem;
use crate::context::Ctx;
use crate::i18n::Tr;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tr = Tr(Ctx::locale_from(req.headers()));
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                let (status, code, title) = match &rejection {
                    JsonRejection::MissingJsonContentType(_) => (
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported-media-type",
                        "problem-unsupported",
                    ),
                    JsonRejection::BytesRejection(_) => (
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too-large",
                        "problem-too-large",
                    ),
                    _ => (StatusCode::BAD_REQUEST, "malformed-body", "error-400-title"),
                };
                Err(Problem::with(status, code, tr.get(title), Vec::new()))
            }
        }
    }
}
