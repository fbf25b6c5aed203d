//! The HTTP face of Zegel (axum): the JSON API for staff and integrations under `/api/v1`,
//! the recipient portal under `/m/`, health and readiness probes, and in development the
//! outbox page. Handlers translate HTTP to service calls and back; all behaviour lives in
//! the app crate.

mod admin;
mod api;
mod brand;
mod cookies;
mod dev_outbox;
mod download;
mod health;
mod held;
mod helpdesk;
mod helpdesk_account;
mod language;
mod metrics;
mod portal;
mod security;
pub(crate) mod staff;
mod trace;

use axum::Router;
use std::sync::Arc;
use zegel_app::App;
use zegel_mail::DevOutbox;

pub use api::openapi_document;

/// How the web face is wired beyond the services themselves.
#[derive(Clone, Default)]
pub struct WebOptions {
    /// Set in development when mail goes to the outbox folder: serves `/dev/outbox`.
    pub dev_outbox: Option<Arc<DevOutbox>>,
    /// Whether links are served over HTTPS (adds HSTS).
    pub https: bool,
}

pub fn router(app: App, options: WebOptions) -> Router {
    let mut router = Router::new()
        .merge(health::routes())
        .merge(api::routes())
        .merge(portal::routes())
        .merge(held::routes())
        .merge(staff::routes())
        .merge(admin::routes())
        .merge(brand::routes())
        .merge(helpdesk::routes())
        .merge(helpdesk_account::routes())
        .merge(metrics::routes());
    if let Some(outbox) = options.dev_outbox.clone() {
        router = router.merge(dev_outbox::routes(outbox));
    }
    router
        .with_state(app)
        .layer(axum::middleware::from_fn(move |request, next| {
            security::add_headers(options.https, request, next)
        }))
        .route_layer(axum::middleware::from_fn(metrics::record))
        .layer(trace::layer())
}
