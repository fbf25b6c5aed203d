//! Prometheus metrics at `/metrics`: requests by route and status with their latency, jobs
//! waiting, done and failed, mail and SMS sent, failed verifications. Routes are patterns
//! (`/m/{link}`), never paths, so no link or token reaches the metrics.

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;
use zegel_app::App;

/// The process-wide recorder (metrics are global; several servers in one test process share it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0])
            .expect("valid buckets")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder (a test harness's) may be installed already; ours still renders.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

pub fn routes() -> Router<App> {
    handle();
    Router::new().route("/metrics", get(render))
}

async fn render(State(app): State<App>) -> String {
    if let Ok(waiting) = app.store.pending_jobs().await {
        metrics::gauge!("zegel_jobs_queued").set(waiting as f64);
    }
    handle().render()
}

/// Counts each request and measures its latency.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "<unmatched>".to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("zegel_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("zegel_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
