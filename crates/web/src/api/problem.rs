//! Problem documents: the API's errors, with a stable code and a title in the caller's language.

use crate::i18n::Tr;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ProblemDocument {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short description in the caller's language (Accept-Language).
    pub title: String,
    pub status: u16,
    /// A stable code for programs to act on.
    pub code: String,
    /// For invalid input: what is wrong with which field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Where the thing the problem is about can be read: for a person already missing, their
    /// open episode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub struct Problem {
    status: StatusCode,
    /// Boxed: a problem travels in every handler's `Result`, which stays small this way.
    doc: Box<ProblemDocument>,
}

/// An id from a path. One that cannot be read names no record: not found, as an id of a
/// record the caller may not see is.
pub fn path_id<T: std::str::FromStr>(tr: Tr, raw: &str) -> Result<T, Problem> {
    raw.parse()
        .map_err(|_| Problem::new(tr, AppError::NotFound))
}

impl Problem {
    pub fn new(tr: Tr, e: AppError) -> Self {
        // A stale save is a conflict to a program, though a form shows it like a field error.
        if let AppError::Invalid(fields) = &e
            && fields.iter().any(|f| {
                f.message == "error-saved-meanwhile" || f.message == "error-policy-saved-meanwhile"
            })
        {
            return Self::with(
                StatusCode::CONFLICT,
                "conflict",
                tr.get("error-saved-meanwhile"),
                Vec::new(),
            );
        }
        let (status, title) = match &e {
            AppError::NotSignedIn => (StatusCode::UNAUTHORIZED, "error-401-title"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "error-403-title"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "error-404-title"),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "problem-invalid"),
            AppError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "error-503-title"),
            AppError::StepUp => (StatusCode::FORBIDDEN, "error-step-up"),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-500-title")
            }
        };
        let errors = match &e {
            AppError::Invalid(fields) => fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.message.into(),
                    message: tr.get(f.message),
                })
                .collect(),
            _ => Vec::new(),
        };
        Self::with(status, e.code(), tr.get(title), errors)
    }

    pub fn with(status: StatusCode, code: &str, title: String, errors: Vec<ProblemField>) -> Self {
        Self {
            status,
            doc: Box::new(ProblemDocument {
                kind: format!("urn:homeward:problem:{code}"),
                title,
                status: status.as_u16(),
                code: code.into(),
                errors,
                instance: None,
            }),
        }
    }

    /// Names the resource the problem is about (RFC 9457 `instance`).
    pub fn about(mut self, instance: String) -> Self {
        self.doc.instance = Some(instance);
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&*self.doc).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
