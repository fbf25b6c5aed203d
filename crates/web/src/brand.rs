//! An organisation's logo and colour, public because notification mails show them too.
//! Nothing here says more than an organisation's own mail already does.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use zegel_app::App;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/brand/{org_id}/logo", get(logo))
        .route("/brand/{org_id}/style.css", get(style))
}

const CACHE: &str = "public, max-age=86400";

async fn logo(State(app): State<App>, Path(org_id): Path<String>) -> Response {
    match app.logo(&org_id).await {
        Ok(Some(logo)) => (
            [
                (header::CONTENT_TYPE, logo.content_type),
                (header::CACHE_CONTROL, CACHE.to_owned()),
            ],
            logo.bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "logo lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The header in the organisation's colour (checked on saving: white text stays readable).
async fn style(State(app): State<App>, Path(org_id): Path<String>) -> Response {
    match app.brand(&org_id).await {
        Ok(brand) => {
            let css = brand
                .colour
                .map(|colour| format!(".top {{ background: {colour}; }}\n"))
                .unwrap_or_default();
            (
                [
                    (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                    (header::CACHE_CONTROL, CACHE),
                ],
                css,
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "brand lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
