//! The JSON API under `/api/v1`, authenticated with `Authorization: Bearer <token>`, and its
//! OpenAPI document at `/api/openapi.json`.

mod attachments;
mod auth;
mod data_subjects;
mod error;
mod messages;
pub(crate) mod proof;
mod recipients;
mod sms_reports;

use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use utoipa::OpenApi;
use zegel_app::App;

use auth::BearerScheme;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi_document()) }),
        )
        .route("/api/v1/messages", post(messages::send).get(messages::list))
        .route("/api/v1/messages/{id}", get(messages::detail))
        .route("/api/v1/messages/{id}/revoke", post(messages::revoke))
        .route("/api/v1/messages/{id}/proof", get(proof::proof))
        .route(
            "/api/v1/messages/{id}/attachments/{attachment_id}",
            get(attachments::download),
        )
        .route("/api/v1/drafts", post(attachments::create_draft))
        .route(
            "/api/v1/drafts/{id}/attachments",
            post(attachments::start_upload),
        )
        .route(
            "/api/v1/uploads/{id}",
            get(attachments::upload_status)
                .patch(attachments::append_upload)
                .delete(attachments::discard_upload)
                // Uploads stream; their size is checked against the file's limits as it comes.
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/api/v1/messages/{id}/recipients/{delivery_id}/unlock",
            post(messages::unlock),
        )
        .route(
            "/api/v1/recipients/{email}/verification",
            put(recipients::change_verification),
        )
        .route("/api/v1/sms/reports/{provider}", post(sms_reports::receive))
        .route(
            "/api/v1/data-subjects",
            get(data_subjects::export)
                .patch(data_subjects::rectify)
                .delete(data_subjects::erase),
        )
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Zegel API", description = "Send secure messages and follow what happens to them."),
    paths(
        messages::send,
        messages::list,
        messages::detail,
        messages::revoke,
        messages::unlock,
        proof::proof,
        attachments::create_draft,
        attachments::start_upload,
        attachments::upload_status,
        attachments::append_upload,
        attachments::discard_upload,
        attachments::download,
        recipients::change_verification,
        data_subjects::export,
        data_subjects::rectify,
        data_subjects::erase
    ),
    components(schemas(
        zegel_app::SendRequest,
        zegel_app::RecipientInput,
        zegel_app::VerificationInput,
        zegel_app::SentMessage,
        zegel_app::SentRecipient,
        zegel_app::MessageSummary,
        zegel_app::MessageDetail,
        zegel_app::DeliveryStatus,
        zegel_app::ThreadReply,
        zegel_app::AttachmentInfo,
        zegel_app::DraftCreated,
        zegel_app::NewUpload,
        zegel_app::UploadStatus,
        zegel_app::RecipientSummary,
        zegel_app::SubjectExport,
        zegel_app::RecipientData,
        zegel_app::MessageData,
        zegel_app::SmsData,
        zegel_app::EventData,
        zegel_app::Rectification,
        zegel_app::ErasureReport,
        error::ErrorBody,
    )),
    modifiers(&BearerScheme),
    security(("bearer" = []))
)]
struct ApiDoc;

pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
