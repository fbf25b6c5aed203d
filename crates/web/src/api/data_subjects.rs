use axum::Json;
use axum::extract::{Query, State};
use zegel_app::{App, ErasureReport, Rectification, SubjectExport, SubjectQuery};

use super::auth::ApiUser;
use super::error::{ApiError, ErrorBody};

/// Everything held about a person (access and portability), by e-mail address or phone number.
#[utoipa::path(get, path = "/api/v1/data-subjects", params(SubjectQuery), responses(
    (status = 200, body = SubjectExport), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Query(query): Query<SubjectQuery>,
) -> Result<Json<SubjectExport>, ApiError> {
    Ok(Json(app.export_subject(&user, &query).await?))
}

/// Correct a person's contact data; answers how many records changed.
#[utoipa::path(patch, path = "/api/v1/data-subjects", params(SubjectQuery), request_body = Rectification,
    responses((status = 200, body = serde_json::Value), (status = 422, body = ErrorBody)))]
pub async fn rectify(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Query(query): Query<SubjectQuery>,
    Json(change): Json<Rectification>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let changed = app.rectify_subject(&user, &query, change).await?;
    Ok(Json(serde_json::json!({"recipients": changed})))
}

/// Erase a person: what only they received is crypto-shredded, the rest pseudonymised.
#[utoipa::path(delete, path = "/api/v1/data-subjects", params(SubjectQuery), responses(
    (status = 200, body = ErasureReport), (status = 422, body = ErrorBody)))]
pub async fn erase(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Query(query): Query<SubjectQuery>,
) -> Result<Json<ErasureReport>, ApiError> {
    Ok(Json(app.erase_subject(&user, &query).await?))
}
