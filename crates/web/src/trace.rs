//! Request logging that never writes a portal link or token: spans carry the route pattern
//! (`/m/{link}`), not the URI.

use axum::extract::MatchedPath;
use axum::http::Request;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;

type MakeSpan = fn(&Request<axum::body::Body>) -> tracing::Span;

pub fn layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, MakeSpan> {
    TraceLayer::new_for_http().make_span_with(span as MakeSpan)
}

fn span(request: &Request<axum::body::Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or("<unmatched>");
    tracing::info_span!("http", method = %request.method(), route)
}
