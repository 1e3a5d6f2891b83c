//! A query-string extractor for the API: an empty value (`?person=`) means the filter was not
//! given, as a form left blank does, and a value that cannot be read is a problem document
//! naming the query, not plain text.

use super::problem::Problem;
use crate::context::Ctx;
use crate::i18n::Tr;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use homeward_app::AppError;
use serde::de::DeserializeOwned;

pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let tr = Tr(Ctx::locale_from(&parts.headers));
        let given: Vec<(String, String)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        let text = serde_urlencoded::to_string(&given).unwrap_or_default();
        serde_urlencoded::from_str(&text)
            .map(ApiQuery)
            .map_err(|e| {
                // The field the reader stumbled on, when it says; the query otherwise.
                let message = e.to_string();
                let field = message
                    .split('`')
                    .nth(1)
                    .filter(|f| given.iter().any(|(k, _)| k == f))
                    .unwrap_or("query")
                    .to_string();
                Problem::new(tr, AppError::invalid(&field, "error-choice-unknown"))
            })
    }
}
