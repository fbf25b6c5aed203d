//! Every message ends: by expiry (the worker crypto-shreds it) or by the sender revoking it.
//! A verified recipient is told which; anyone else sees one uniform page for every unusable
//! link.

use reqwest::Method;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Browser, spawn_app};

on_both_backends!(
    the_worker_shreds_expired_messages_and_the_portal_says_so,
    revoking_ends_access_for_every_recipient_at_once,
    unusable_links_all_get_the_same_answer_before_verification,
);

async fn the_worker_shreds_expired_messages_and_the_portal_says_so(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "g@example.nl";
    let sent = app
        .send(json!({"subject": "Kort", "body": "Alleen vandaag", "to": [{"email": to}], "expires_in_days": 1}))
        .await;
    let id = sent["id"].as_str().unwrap();
    app.run_jobs().await;
    let link = app.smtp.only_mail_to(to).portal_link();

    // The recipient opens the message shortly before it expires, and still has it open then.
    app.clock.advance(86_400 - 300);
    assert!(app.worker.expire_messages().await.unwrap().is_empty());
    let mut browser = Browser::new().with_language("en");
    let page = app.verify_by_email(&mut browser, &link, to).await;
    assert!(page.contains("Alleen vandaag"));
    app.clock.advance(600);
    let page = browser.get(&link).await;
    assert_eq!(
        page.status, 410,
        "expired the moment its time passed, before any sweep"
    );
    assert!(page.contains("This message has expired"), "{}", page.body);
    assert!(!page.contains("Alleen vandaag"));

    assert_eq!(
        app.worker.expire_messages().await.unwrap(),
        vec![id.to_owned()]
    );
    let stored = app.app.store.message(id).await.unwrap().unwrap();
    assert_eq!(stored.state, "expired");
    assert!(
        stored.wrapped_dek.is_none() && stored.subject_ct.is_none() && stored.body_ct.is_none()
    );
    let page = browser.get(&link).await;
    assert!(page.contains("This message has expired"), "{}", page.body);

    // Someone without a session gets the uniform page, which names expiry as a reason.
    let stranger = Browser::new().with_language("en").get(&link).await;
    assert_eq!(stranger.status, 404);
    assert!(stranger.contains("Messages are available for a limited time"));

    let detail = app.message(id).await;
    assert_eq!(detail["state"], "expired");
    assert!(detail["subject"].is_null() && detail["body"].is_null());
}

async fn revoking_ends_access_for_every_recipient_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let sent = app
        .send(json!({"subject": "Dossier", "body": "Inhoud van het dossier",
            "to": [{"email": "h1@example.nl"}], "cc": [{"email": "h2@example.nl"}], "bcc": [{"email": "h3@example.nl"}]}))
        .await;
    let id = sent["id"].as_str().unwrap();
    app.run_jobs().await;
    let link = app.smtp.only_mail_to("h1@example.nl").portal_link();
    let mut browser = Browser::new().with_language("en");
    app.verify_by_email(&mut browser, &link, "h1@example.nl")
        .await;
    let csrf = browser.get(&link).await.csrf();

    let (status, revoked) = app
        .api(Method::POST, &format!("/api/v1/messages/{id}/revoke"), None)
        .await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["state"], "revoked");
    assert_eq!(revoked["recipients"].as_array().unwrap().len(), 3);

    let page = browser.get(&link).await;
    assert_eq!(page.status, 410);
    assert!(page.contains("The sender revoked access"), "{}", page.body);
    let reply = browser
        .post(
            &format!("{link}/reply"),
            &[("csrf", &csrf), ("body", "Nog een vraag")],
        )
        .await;
    assert_eq!(reply.status, 410);
    for other in ["h2@example.nl", "h3@example.nl"] {
        let other_link = app.smtp.only_mail_to(other).portal_link();
        assert_eq!(Browser::new().get(&other_link).await.status, 404);
    }
    let stored = app.app.store.message(id).await.unwrap().unwrap();
    assert!(stored.wrapped_dek.is_none());
    let (again, _) = app
        .api(Method::POST, &format!("/api/v1/messages/{id}/revoke"), None)
        .await;
    assert_eq!(again, 409);
}

async fn unusable_links_all_get_the_same_answer_before_verification(backend: Backend) {
    let app = spawn_app(backend).await;
    let revoked = app.send_simple("i1@example.nl", "S", "B").await;
    let expired = app
        .send(json!({"subject": "S", "body": "B", "to": [{"email": "i2@example.nl"}], "expires_in_days": 1}))
        .await;
    app.run_jobs().await;
    let revoked_link = app.smtp.only_mail_to("i1@example.nl").portal_link();
    let expired_link = app.smtp.only_mail_to("i2@example.nl").portal_link();
    app.api(
        Method::POST,
        &format!(
            "/api/v1/messages/{}/revoke",
            revoked["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    app.clock.advance(2 * 86_400);
    app.worker.expire_messages().await.unwrap();
    let _ = expired;

    let unknown_link = format!("{}/m/{}", app.base_url, "A".repeat(43));
    let malformed_link = format!("{}/m/not-a-token", app.base_url);
    let mut answers = Vec::new();
    for link in [&revoked_link, &expired_link, &unknown_link, &malformed_link] {
        let page = Browser::new().with_language("en").get(link).await;
        answers.push((page.status, page.body));
    }
    assert_eq!(answers[0].0, 404);
    assert!(answers[0].1.contains("This message is not available"));
    assert!(
        answers.iter().all(|a| a == &answers[0]),
        "answers differ: {answers:#?}"
    );
    // Posting to an unusable link sends nothing either.
    let mut browser = Browser::new();
    let csrf = browser
        .get(&format!("{}/m/{}", app.base_url, "B".repeat(43)))
        .await;
    assert_eq!(csrf.status, 404);
}
