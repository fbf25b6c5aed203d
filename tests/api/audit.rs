//! The audit trail is a chain: every security-relevant step is in it, without content, and
//! any changed, removed or reordered record is found.

use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Browser, TestApp, spawn_app};
use zegel_app::{NewOrganisationRequest, RetentionReport};

on_both_backends!(
    every_step_is_audited_and_tampering_shows,
    the_retention_schedule_runs_on_the_clock,
);

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

    let events = app.audit_events().await;
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

    // The sender's proof of delivery shows the same steps, per recipient.
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/messages/{}/proof",
            app.base_url,
            sent["id"].as_str().unwrap()
        ))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"proof-"),
        "{disposition}"
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Proof of delivery") && html.contains(to),
        "{html}"
    );
    for step in [
        "message.notified",
        "code.sent",
        "recipient.verification_failed",
        "recipient.verified",
        "message.opened",
        "reply.sent",
        "message.revoked",
    ] {
        assert!(html.contains(step), "{step} missing from the proof");
    }

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

async fn the_retention_schedule_runs_on_the_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    app.app
        .create_organisation(NewOrganisationRequest {
            audit_retention_days: 30,
            ..NewOrganisationRequest::named("Kort Geheugen", &["kort.example"])
        })
        .await
        .unwrap();
    app.app
        .create_user(
            "Kort Geheugen",
            "lid@kort.example",
            "Lid",
            zegel_app::Language::Nl,
        )
        .await
        .unwrap();
    let user = app
        .app
        .store
        .user_by_email("lid@kort.example")
        .await
        .unwrap()
        .unwrap();
    let sent = app
        .app
        .send_message(
            &user,
            serde_json::from_value(json!({"subject": "S", "body": "B", "to": [{"email": "r@example.nl"}], "expires_in_days": 7})).unwrap(),
        )
        .await
        .unwrap();
    app.run_jobs().await;
    let link = app.smtp.only_mail_to("r@example.nl").portal_link();
    let mut browser = Browser::new();
    browser.ask_for_code(&link).await;
    app.run_jobs().await;
    let delivery_id = &sent.recipients[0].delivery_id;
    assert!(
        app.app
            .store
            .latest_challenge(delivery_id)
            .await
            .unwrap()
            .is_some()
    );
    let records_before = app
        .app
        .store
        .audit_events(&user.org_id)
        .await
        .unwrap()
        .len();
    assert!(records_before >= 3);

    app.clock.advance(2 * 86_400);
    let report = app.worker.enforce_retention().await.unwrap();
    assert_eq!(report.challenges_removed, 1);
    assert!(
        app.app
            .store
            .latest_challenge(delivery_id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(report.messages_expired, 0);

    app.clock.advance(6 * 86_400);
    assert_eq!(
        app.worker
            .enforce_retention()
            .await
            .unwrap()
            .messages_expired,
        1
    );

    // After 30 days the old records go; the newest stays and the chain still verifies.
    app.clock.advance(31 * 86_400);
    let report = app.worker.enforce_retention().await.unwrap();
    assert!(
        report.audit_records_removed as usize >= records_before,
        "{report:?}"
    );
    let left = app.app.store.audit_events(&user.org_id).await.unwrap();
    assert_eq!(left.len(), 1, "only the newest record stays: {left:?}");
    let reports = app.app.verify_audit().await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");
    assert_eq!(
        app.worker.enforce_retention().await.unwrap(),
        RetentionReport::default()
    );
}
