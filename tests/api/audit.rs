//! The audit trail is a chain: every security-relevant step is in it, without content, and
//! any changed, removed or reordered record is found.

use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Browser, SENDER, TestApp, spawn_app};

on_both_backends!(every_step_is_audited_and_tampering_shows);

/// Runs SQL against the test's own database, as an intruder with database access would.
async fn tamper(app: &TestApp, sql: &'static str) {
    match app.backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
    }
}

async fn problem(app: &TestApp) -> Option<String> {
    let reports = app.app.verify_audit().await.unwrap();
    assert_eq!(reports.len(), 1);
    reports[0].problem.clone()
}

async fn every_step_is_audited_and_tampering_shows(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "audit@example.nl";
    let (sent, link) = app
        .send_and_notify(to, "Geheim onderwerp", "Geheime inhoud")
        .await;
    let mut browser = Browser::new();
    let landing = browser.get(&link).await;
    browser
        .post(&format!("{link}/code"), &[("csrf", &landing.csrf())])
        .await;
    app.run_jobs().await;
    let real = app.smtp.received_by(to).last().unwrap().code();
    let wrong = if real == "000000" { "111111" } else { "000000" };
    browser
        .post(
            &format!("{link}/verify"),
            &[("csrf", &landing.csrf()), ("code", wrong)],
        )
        .await;
    app.clock.advance(61);
    let page = app.verify_by_email(&mut browser, &link, to).await;
    browser
        .submit(
            &format!("{link}/reply"),
            &[("csrf", &page.csrf()), ("body", "Antwoord")],
        )
        .await;
    app.run_jobs().await;
    app.api(
        reqwest::Method::POST,
        &format!("/api/v1/messages/{}/revoke", sent["id"].as_str().unwrap()),
        None,
    )
    .await;

    let org = app
        .app
        .store
        .user_by_email(SENDER)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    let events = app.app.store.audit_events(&org).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "message.sent",
        "message.notified",
        "recipient.verification_failed",
        "code.sent",
        "recipient.verified",
        "message.opened",
        "reply.sent",
        "reply.forwarded",
        "message.revoked",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let everything = serde_json::to_string(
        &events
            .iter()
            .map(|e| json!([e.actor, e.subject, e.detail]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    for secret in ["Geheim", "Antwoord", wrong, real.as_str(), to] {
        assert!(!everything.contains(secret), "{secret} in the audit trail");
    }
    assert_eq!(problem(&app).await, None);

    tamper(&app, "UPDATE audit_log SET detail = '{}' WHERE seq = 3").await;
    assert_eq!(problem(&app).await.as_deref(), Some("record 3 was changed"));
    tamper(&app, "DELETE FROM audit_log WHERE seq = 3").await;
    assert_eq!(
        problem(&app).await.as_deref(),
        Some("record 3 is missing or out of place (found 4)")
    );
    tamper(&app, "UPDATE audit_log SET seq = 3 WHERE seq = 5").await;
    assert_eq!(
        problem(&app).await.as_deref(),
        Some("record 3 does not follow record 2")
    );
}
