//! Sends that arrive together are stored together (group commit): while the database is
//! busy, every waiting send joins the next transaction. Nothing is lost, nothing doubles, a
//! send that fails leaves the others of its batch, and the audit chain stays whole.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, TestApp, spawn_app};

on_both_backends!(waiting_sends_are_stored_together_and_each_gets_its_own_answer);

/// Holds the database's write lock (SQLite) or the organisation's audit lock (PostgreSQL)
/// until dropped, as a long transaction elsewhere would.
enum Blocker {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Blocker {
    async fn hold(app: &TestApp) -> Self {
        match app.backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                sqlx::query("SELECT 1").execute(&mut *tx).await.unwrap();
                Blocker::Sqlite(tx)
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
                let mut tx = pool.begin().await.unwrap();
                sqlx::query("SELECT id FROM organisations FOR UPDATE")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                Blocker::Postgres(tx)
            }
        }
    }

    async fn release(self) {
        match self {
            Blocker::Sqlite(tx) => tx.rollback().await.unwrap(),
            Blocker::Postgres(tx) => tx.rollback().await.unwrap(),
        }
    }
}

async fn waiting_sends_are_stored_together_and_each_gets_its_own_answer(backend: Backend) {
    let app = &spawn_app(backend).await;
    let draft = &app.draft().await;
    let blocker = Blocker::hold(app).await;

    // 30 sends (10 to one new address, 20 to addresses of their own) and the same draft
    // sent twice, all waiting for the database at once.
    let simple = (0..30).map(|i| {
        let to = if i % 3 == 0 {
            "shared@elsewhere.example".to_owned()
        } else {
            format!("client{i}@elsewhere.example")
        };
        let body = json!({"subject": format!("Bericht {i}"), "body": "Goed nieuws", "to": [{"email": to}]});
        async move { app.api(Method::POST, "/api/v1/messages", Some(body)).await }
    });
    let twice = (0..2).map(|_| {
        let body = json!({"subject": "Scan", "body": "Zie bijlage", "to": [{"email": "scan@elsewhere.example"}], "draft_id": draft});
        async move { app.api(Method::POST, "/api/v1/messages", Some(body)).await }
    });
    let all = async {
        let (simple, twice) = tokio::join!(join_all(simple), join_all(twice));
        simple.into_iter().chain(twice)
    };
    let release = async {
        // Long enough for the sends to queue up behind the held lock; how many join one
        // batch does not change what is checked below.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        blocker.release().await;
    };
    let (answers, ()) = tokio::join!(all, release);
    let answers: Vec<_> = answers.collect();

    for (status, body) in &answers[..30] {
        assert_eq!(*status, StatusCode::CREATED, "{body}");
    }
    let draft_answers: Vec<_> = answers[30..].iter().map(|(status, _)| *status).collect();
    assert_eq!(
        draft_answers
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "a draft is sent once: {draft_answers:?}"
    );
    assert!(
        draft_answers.iter().any(|s| s.is_client_error()),
        "{draft_answers:?}"
    );

    // Every accepted message is stored with its delivery, once.
    for (_, sent) in answers.iter().filter(|(s, _)| *s == StatusCode::CREATED) {
        let message = app.message(sent["id"].as_str().unwrap()).await;
        assert_eq!(
            message["recipients"].as_array().unwrap().len(),
            1,
            "{message}"
        );
    }
    let org = app
        .app
        .store
        .user_by_email(crate::support::SENDER)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    let shared = app
        .app
        .store
        .recipient(&org, "shared@elsewhere.example")
        .await
        .unwrap()
        .expect("one record for the address all ten went to");
    let shared_deliveries = answers[..30]
        .iter()
        .filter(|(_, sent)| sent["recipients"][0]["email"] == "shared@elsewhere.example")
        .count();
    assert_eq!(shared_deliveries, 10);
    assert!(!shared.id.is_empty());

    // One notification per accepted message, and a chain that verifies with one record each.
    assert_eq!(app.run_jobs().await, 31);
    let sent_events = app
        .audit_events()
        .await
        .into_iter()
        .filter(|e| e.action == "message.sent")
        .count();
    assert_eq!(sent_events, 31);
    let reports = app.app.verify_audit().await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");
}
