use axum::Json;
use axum::extract::{Path, State};
use zegel_app::{App, RecipientSummary, VerificationInput};

use super::auth::ApiUser;
use super::error::{ApiError, ErrorBody};

/// Set how an address proves who it is, for the whole organisation.
///
/// For example switch a recipient from an access code to SMS. The change is written to the
/// audit trail; the number or code itself is not.
#[utoipa::path(put, path = "/api/v1/recipients/{email}/verification", params(("email" = String, Path)),
    request_body = VerificationInput,
    responses((status = 200, body = RecipientSummary), (status = 422, body = ErrorBody)))]
pub async fn change_verification(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(email): Path<String>,
    Json(check): Json<VerificationInput>,
) -> Result<Json<RecipientSummary>, ApiError> {
    Ok(Json(app.change_verification(&user, &email, check).await?))
}
