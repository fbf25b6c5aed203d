//! One error type for the API: a stable code and a message for the caller; internal
//! details go to the log only.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use zegel_app::AppError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable: `not_found`, `unauthorized`, `invalid`, `conflict`, `too_large`,
    /// `internal`.
    pub code: &'static str,
    pub message: String,
    /// For `invalid`: every problem found, so all can be fixed at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, problems) = match self.0 {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "not found".to_owned(),
                vec![],
            ),
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid API token is required".to_owned(),
                vec![],
            ),
            AppError::Invalid(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "the request is not valid".to_owned(),
                problems,
            ),
            AppError::Conflict(message) => (StatusCode::CONFLICT, "conflict", message, vec![]),
            AppError::TooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_large", message, vec![])
            }
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong; it has been logged".to_owned(),
                    vec![],
                )
            }
        };
        let mut response = (
            status,
            Json(ErrorBody {
                code,
                message,
                problems,
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                "Bearer".parse().expect("valid header"),
            );
        }
        response
    }
}
