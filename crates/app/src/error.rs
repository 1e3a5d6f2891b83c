//! Errors every use case can return. Each has a stable code; interfaces map codes to a message
//! in the user's language and to an HTTP status, in one place each.

use homeward_store::StoreError;

/// A problem with one field of a form, named by the message id that explains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field as the page names it (`email`, `medication-2-name`).
    pub field: String,
    pub message: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("the database is unavailable")]
    Unavailable,
    /// The code from the authenticator app must be entered again first.
    #[error("the second factor must be entered again")]
    StepUp,
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The stable code, used in problem documents and logs.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotSignedIn => "not-signed-in",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::Invalid(_) => "invalid",
            AppError::Unavailable => "unavailable",
            AppError::StepUp => "step-up",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: &str, message: &'static str) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_string(),
            message,
        }])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                AppError::Unavailable
            }
            StoreError::Conflict(what) => {
                AppError::Internal(format!("unexpected conflict: {what}"))
            }
            StoreError::Internal(detail) => AppError::Internal(detail),
        }
    }
}
