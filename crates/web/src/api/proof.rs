use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use zegel_app::{App, Proof};
use zegel_domain::Language;
use zegel_i18n::{Texts, format_date, text_with};

use super::auth::ApiUser;
use super::error::{ApiError, ErrorBody};

#[derive(Template)]
#[template(path = "proof.html")]
struct ProofPage {
    t: Texts,
    lang: &'static str,
    proof: Proof,
    sent_by: String,
    state: String,
    expires: String,
    integrity: String,
}

/// `2026-11-23 19:15:02` (UTC) for the report's table.
fn utc(unix: &i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(*unix)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// Proof of delivery for a message, as an HTML document to download and keep.
#[utoipa::path(get, path = "/api/v1/messages/{id}/proof", params(("id" = String, Path)), responses(
    (status = 200, content_type = "text/html", description = "the report"), (status = 404, body = ErrorBody)))]
pub async fn proof(
    State(app): State<App>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let proof = app.proof_of_delivery(&user, &id).await?;
    Ok(proof_document(proof)?)
}

/// The report as a document to download and keep (the API and the staff app serve it).
pub fn proof_document(proof: Proof) -> Result<Response, zegel_app::AppError> {
    let language = Language::from_tag(&proof.language).unwrap_or_default();
    let t = Texts(language);
    let page = ProofPage {
        sent_by: text_with(
            language,
            "proof-sent-by",
            &[
                ("sender", &proof.sender_name),
                ("organisation", &proof.organisation),
                ("date", &format_date(language, proof.sent_at)),
            ],
        ),
        state: t.with("proof-state", "state", &proof.state),
        expires: t.with(
            "proof-expires",
            "date",
            &format_date(language, proof.expires_at),
        ),
        integrity: text_with(
            language,
            "proof-integrity",
            &[
                ("seq", &proof.chain_seq.to_string()),
                ("mac", &proof.chain_mac),
            ],
        ),
        lang: language.code(),
        proof,
        t,
    };
    let html = page
        .render()
        .map_err(|e| zegel_app::AppError::Internal(e.to_string()))?;
    let disposition = format!(
        "attachment; filename=\"proof-{}.html\"",
        page.proof.message_id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        html,
    )
        .into_response())
}
