//! What operators watch: Prometheus metrics at `/metrics`.

use reqwest::StatusCode;

use crate::support::{Backend, Browser, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_jobs_and_mail_without_links() {
    let test = spawn_app(Backend::Sqlite).await;
    let (_, link) = test
        .send_and_notify("jan@client.example", "Uitslag", "Goed nieuws")
        .await;
    let mut browser = Browser::new();
    browser.get(&link).await;
    let token = link.rsplit('/').next().unwrap().to_owned();

    let response = reqwest::get(format!("{}/metrics", test.base_url))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    for expected in [
        r#"zegel_http_requests_total{method="POST",route="/api/v1/messages",status="201"}"#,
        r#"route="/m/{link}""#,
        "zegel_http_request_duration_seconds_bucket",
        "zegel_mail_sent_total",
        r#"zegel_jobs_completed_total{kind="notify"}"#,
        "zegel_jobs_queued",
    ] {
        assert!(text.contains(expected), "no {expected} in:\n{text}");
    }
    assert!(!text.contains(&token), "a portal link reached the metrics");
}
