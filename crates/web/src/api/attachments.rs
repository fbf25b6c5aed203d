//! Files through the API: a draft, uploads into it (tus-style: announce the size, send the
//! bytes with `Upload-Offset`, ask where it stands after a broken connection), and downloads
//! of sent files with byte ranges.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zegel_app::{App, AppError, DraftCreated, NewUpload, UploadStatus};

use super::auth::ApiUser;
use super::error::{ApiError, ErrorBody};
use crate::download::attachment_response;

const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");

/// Start a draft: a message whose files can be uploaded before it is sent.
///
/// Send it with `POST /api/v1/messages` and `"draft_id"`. Unsent drafts and their files are
/// removed after seven days.
#[utoipa::path(post, path = "/api/v1/drafts", responses(
    (status = 201, body = DraftCreated),
    (status = 401, body = ErrorBody),
))]
pub async fn create_draft(
    State(app): State<App>,
    ApiUser(user): ApiUser,
) -> Result<(StatusCode, Json<DraftCreated>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.create_draft(&user).await?)))
}

/// Announce a file of a draft with its exact size; its space is reserved at once.
///
/// Then send the bytes with `PATCH /api/v1/uploads/{id}`.
#[utoipa::path(post, path = "/api/v1/drafts/{id}/attachments", params(("id" = String, Path)),
    request_body = NewUpload, responses(
    (status = 201, body = UploadStatus, headers(("Location" = String))),
    (status = 404, body = ErrorBody),
    (status = 413, body = ErrorBody, description = "larger than a file, the message or the quota may be"),
    (status = 422, body = ErrorBody),
))]
pub async fn start_upload(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(draft_id): Path<String>,
    Json(upload): Json<NewUpload>,
) -> Result<Response, ApiError> {
    let status = app.start_upload(&user, &draft_id, upload).await?;
    let location = format!("/api/v1/uploads/{}", status.id);
    let mut response = (StatusCode::CREATED, Json(status)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Where an upload stands (also as `HEAD`, with `Upload-Offset` and `Upload-Length`).
#[utoipa::path(get, path = "/api/v1/uploads/{id}", params(("id" = String, Path)), responses(
    (status = 200, body = UploadStatus),
    (status = 404, body = ErrorBody),
))]
pub async fn upload_status(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_offsets(app.upload_status(&user, &id).await?))
}

/// Send bytes of a file, continuing at `Upload-Offset` (the stored bytes so far).
///
/// The body may hold the rest of the file or any part of it. The answer says how far the
/// file now is; bytes are stored in steps of 8 MiB, so after a dropped connection ask with
/// `HEAD` and continue from there.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", params(("id" = String, Path),
    ("Upload-Offset" = u64, Header, description = "where these bytes start")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
    (status = 200, body = UploadStatus),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "the offset is not where the upload stands"),
    (status = 413, body = ErrorBody, description = "more bytes than announced; the file was removed"),
))]
pub async fn append_upload(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let offset = headers
        .get(&UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            AppError::Invalid(vec![
                "Upload-Offset: a header with the byte offset is needed".into(),
            ])
        })?;
    let status = app
        .append_upload(&user, &id, offset, body.into_data_stream())
        .await?;
    Ok(with_offsets(status))
}

/// Remove a file that is not sent yet.
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", params(("id" = String, Path)), responses(
    (status = 204),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "already sent"),
))]
pub async fn discard_upload(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app.discard_upload(&user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Download a file of a sent message (or of a reply to it); supports `Range`.
#[utoipa::path(get, path = "/api/v1/messages/{id}/attachments/{attachment_id}",
    params(("id" = String, Path), ("attachment_id" = String, Path)), responses(
    (status = 200, description = "the file", content_type = "application/octet-stream"),
    (status = 206, description = "the requested range"),
    (status = 404, body = ErrorBody),
    (status = 416, description = "the range lies outside the file"),
))]
pub async fn download(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path((id, attachment_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let download = app.sender_attachment(&user, &id, &attachment_id).await?;
    Ok(attachment_response(download, &headers))
}

fn with_offsets(status: UploadStatus) -> Response {
    let offset = HeaderValue::from(status.offset);
    let length = HeaderValue::from(status.size);
    let mut response = Json(status).into_response();
    response.headers_mut().insert(UPLOAD_OFFSET, offset);
    response.headers_mut().insert(UPLOAD_LENGTH, length);
    response
}
