//! `POST /api/v1/sms/reports/{provider}`: delivery reports from the SMS provider. Not behind
//! an API token: each provider authenticates its reports its own way (signature, Basic auth
//! or API-key header), checked in the provider's code.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use zegel_app::App;
use zegel_sms::IncomingReport;

use super::error::ApiError;

pub async fn receive(
    State(app): State<App>,
    Path(provider): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let report = IncomingReport {
        // Signatures cover the URL the provider was given, which starts with the public URL.
        url: format!("{}{}", app.public_url, uri),
        headers: headers
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect(),
        body: body.to_vec(),
    };
    app.record_sms_report(&provider, &report).await?;
    Ok(StatusCode::NO_CONTENT)
}
