use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use zegel_app::{App, MessageDetail, MessageSummary, SendRequest, SentMessage};

use super::auth::ApiUser;
use super::error::{ApiError, ErrorBody};

/// Send a secure message.
///
/// Each recipient gets a notification e-mail with a personal link; nothing of the content
/// leaves Zegel. Every problem with the request is reported at once.
#[utoipa::path(post, path = "/api/v1/messages", request_body = SendRequest, responses(
    (status = 201, body = SentMessage),
    (status = 401, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "the request is not valid; `problems` lists why"),
))]
pub async fn send(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Json(request): Json<SendRequest>,
) -> Result<(StatusCode, Json<SentMessage>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.send_message(&user, request).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// At most this many messages, newest first (1–500, default 50).
    limit: Option<i64>,
}

/// The caller's sent messages with per-recipient status.
#[utoipa::path(get, path = "/api/v1/messages", params(ListQuery), responses(
    (status = 200, body = Vec<MessageSummary>),
    (status = 401, body = ErrorBody),
))]
pub async fn list(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<MessageSummary>>, ApiError> {
    Ok(Json(app.list_sent(&user, query.limit.unwrap_or(50)).await?))
}

/// One sent message with its body and the recipients' replies.
#[utoipa::path(get, path = "/api/v1/messages/{id}", params(("id" = String, Path)), responses(
    (status = 200, body = MessageDetail),
    (status = 404, body = ErrorBody),
))]
pub async fn detail(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<MessageDetail>, ApiError> {
    Ok(Json(app.sent_message(&user, &id).await?))
}

/// Revoke access for all recipients at once. The content is destroyed and cannot return.
#[utoipa::path(post, path = "/api/v1/messages/{id}/revoke", params(("id" = String, Path)), responses(
    (status = 200, body = MessageSummary),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "already revoked or expired"),
))]
pub async fn revoke(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<MessageSummary>, ApiError> {
    Ok(Json(app.revoke(&user, &id).await?))
}

/// Unlock a recipient who was locked out after too many wrong codes.
#[utoipa::path(post, path = "/api/v1/messages/{id}/recipients/{delivery_id}/unlock",
    params(("id" = String, Path), ("delivery_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    app.unlock_recipient(&user, &id, &delivery_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
