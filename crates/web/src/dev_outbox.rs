//! `/dev/outbox`: every e-mail the server would have sent, for development without a mail
//! server. Only mounted when no SMTP server is configured.

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use std::sync::Arc;
use zegel_app::App;
use zegel_mail::{DevOutbox, OutboxEntry};

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    entries: Vec<OutboxEntry>,
}

/// Splits text into plain parts and links, so links in the outbox can be followed.
fn segments(text: &str) -> Vec<(bool, String)> {
    let mut parts = Vec::new();
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            parts.push((false, " ".to_owned()));
        }
        for (line_index, piece) in word.split('\n').enumerate() {
            if line_index > 0 {
                parts.push((false, "\n".to_owned()));
            }
            let is_link = piece.starts_with("http://") || piece.starts_with("https://");
            parts.push((is_link, piece.to_owned()));
        }
    }
    parts
}

pub fn routes(outbox: Arc<DevOutbox>) -> Router<App> {
    Router::new().route(
        "/dev/outbox",
        get(move || {
            let outbox = outbox.clone();
            async move { page(&outbox) }
        }),
    )
}

fn page(outbox: &DevOutbox) -> Response {
    match outbox.entries() {
        Ok(entries) => super::portal::render_page(StatusCode::OK, &OutboxPage { entries }),
        Err(error) => {
            tracing::error!(%error, "dev outbox unreadable");
            super::portal::render_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &OutboxPage { entries: vec![] },
            )
        }
    }
}
