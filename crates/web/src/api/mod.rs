//! The JSON API under `/api/v1`, authenticated with `Authorization: Bearer <token>`, and its
//! OpenAPI document at `/api/openapi.json`.

mod auth;
mod error;
mod messages;
mod recipients;
mod sms_reports;

use axum::Json;
use axum::Router;
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
        .route(
            "/api/v1/messages/{id}/recipients/{delivery_id}/unlock",
            post(messages::unlock),
        )
        .route(
            "/api/v1/recipients/{email}/verification",
            put(recipients::change_verification),
        )
        .route("/api/v1/sms/reports/{provider}", post(sms_reports::receive))
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
        recipients::change_verification
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
        zegel_app::RecipientSummary,
        error::ErrorBody,
    )),
    modifiers(&BearerScheme),
    security(("bearer" = []))
)]
struct ApiDoc;

pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
