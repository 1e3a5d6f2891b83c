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

/// `3.0` is the integer 3 to JSON (and to the API's document), though not to serde: numbers
/// with nothing after the point become integers before the body is read.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tr = Tr(Ctx::locale_from(req.headers()));
        let malformed = || {
            Problem::with(
                StatusCode::BAD_REQUEST,
                "malformed-body",
                tr.get("error-400-title"),
                Vec::new(),
            )
        };
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(mut value)) => {
                whole_numbers(&mut value);
                // What does not fit the route's shape is a malformed body, as reading it
                // straight would have said.
                serde_json::from_value::<T>(value)
                    .map(ApiJson)
                    .map_err(|_| malformed())
            }
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
                    _ => return Err(malformed()),
                };
                Err(Problem::with(status, code, tr.get(title), Vec::new()))
            }
        }
    }
}
