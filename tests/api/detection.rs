//! Personal-data detection wired into sending: a message the sender wanted to send as
//! ordinary e-mail goes securely when it holds personal data for an external recipient,
//! and the answer says why without repeating the data.

use reqwest::{Method, StatusCode};
use serde_json::json;
use zegel_app::NewOrganisationRequest;

use crate::on_both_backends;
use crate::support::{Backend, SENDER, TestApp, spawn_app};

on_both_backends!(
    personal_data_for_an_external_recipient_switches_secure_sending_on,
    a_message_without_personal_data_goes_as_ordinary_mail,
    the_organisations_level_and_own_rules_decide,
);

async fn send_unsecured(
    app: &TestApp,
    token: &str,
    to: &str,
    body: &str,
    confirm: bool,
) -> (StatusCode, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/messages", app.base_url))
        .bearer_auth(token)
        .json(&json!({"subject": "Aanvraag", "body": body, "to": [{"email": to}], "secure": false, "confirm_unsecured": confirm}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn personal_data_for_an_external_recipient_switches_secure_sending_on(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "ouder@example.nl";
    let body = "Het BSN van uw zoon is 111222333 en hij heeft diabetes.";
    let (status, sent) = send_unsecured(&app, &app.token, to, body, false).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["secure"], true);
    assert_eq!(
        sent["detection"],
        json!({"personal_data": ["BSN", "MEDICAL"], "level": "block", "action": "secure_sending_switched_on"})
    );
    assert!(
        !sent.to_string().contains("111222333"),
        "the answer never repeats the data"
    );
    app.run_jobs().await;
    let mail = app.smtp.only_mail_to(to);
    assert!(
        mail.text.contains("/m/") && !mail.text.contains("111222333"),
        "a notification, not the content"
    );

    // Internal recipients are not outside the organisation: the sender's choice stands.
    let (_, internal) = send_unsecured(&app, &app.token, "collega@zorg.example", body, false).await;
    assert_eq!(internal["secure"], false);
    assert!(internal["detection"].is_null());
}

async fn a_message_without_personal_data_goes_as_ordinary_mail(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "leverancier@example.com";
    let (status, sent) = send_unsecured(
        &app,
        &app.token,
        to,
        "De vergadering is verplaatst naar donderdag.",
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["secure"], false);
    app.run_jobs().await;
    let mail = app.smtp.only_mail_to(to);
    assert_eq!(mail.subject, "Aanvraag");
    assert!(
        mail.text
            .contains("De vergadering is verplaatst naar donderdag.")
    );
    assert!(!mail.text.contains("/m/"));
    let detail = app.message(sent["id"].as_str().unwrap()).await;
    assert!(detail["recipients"][0]["notified_at"].is_i64());
}

async fn the_organisations_level_and_own_rules_decide(backend: Backend) {
    let app = spawn_app(backend).await;
    app.app
        .create_organisation(NewOrganisationRequest {
            detection_level: "warn".into(),
            detection_keywords: vec!["jeugdzorgdossier".into()],
            detection_patterns: vec![r"\bJZ-\d{6}\b".into()],
            ..NewOrganisationRequest::named("Jeugdzorg Noord", &["jeugdzorg.example"])
        })
        .await
        .unwrap();
    app.app
        .create_user(
            "Jeugdzorg Noord",
            "kim@jeugdzorg.example",
            "Kim",
            zegel_app::Language::Nl,
        )
        .await
        .unwrap();
    let token = app
        .app
        .create_api_token("kim@jeugdzorg.example", "t")
        .await
        .unwrap()
        .expose()
        .to_owned();

    let (status, refused) = send_unsecured(
        &app,
        &token,
        "x@example.nl",
        "Zie het jeugdzorgdossier, kenmerk JZ-123456.",
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("ORGANISATION_RULE"),
        "{refused}"
    );
    assert!(!refused.to_string().contains("JZ-123456"));
    app.run_jobs().await;
    assert!(
        app.smtp.received().is_empty(),
        "a refused message is not sent"
    );

    let (status, confirmed) = send_unsecured(
        &app,
        &token,
        "x@example.nl",
        "Zie het jeugdzorgdossier.",
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(confirmed["secure"], false);
    assert_eq!(
        confirmed["detection"]["action"],
        "sent_unsecured_after_confirmation"
    );

    let org = app
        .app
        .store
        .user_by_email("kim@jeugdzorg.example")
        .await
        .unwrap()
        .unwrap()
        .org_id;
    let events = app.app.store.audit_events(&org).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "message.personal_data_detected"
                && e.detail.contains("ORGANISATION_RULE"))
    );
    assert!(
        events
            .iter()
            .all(|e| !e.detail.contains("jeugdzorgdossier"))
    );

    // A broken pattern or level is refused when the organisation is set up.
    let broken = app
        .app
        .create_organisation(NewOrganisationRequest {
            detection_level: "maybe".into(),
            detection_patterns: vec!["(".into()],
            ..NewOrganisationRequest::named("Kapot", &["kapot.example"])
        })
        .await;
    let problems = format!("{:?}", broken.err().unwrap());
    assert!(problems.contains("detection level 'maybe'"), "{problems}");
    let _ = (SENDER, Method::GET);
}
