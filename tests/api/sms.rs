//! SMS codes end to end: the server sends through Spryng's Messaging API v2 (answered here
//! by a local HTTP server that follows Spryng's documented contract), takes Spryng's
//! delivery reports, keeps to the caps, and forgets phone numbers after seven days.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::on_both_backends;
use crate::support::{Backend, Browser, SENDER, TestApp, spawn_app_with};

on_both_backends!(
    a_recipient_verifies_with_an_sms_code_and_the_sender_sees_its_delivery,
    sms_codes_keep_to_the_cooldown_and_the_hourly_cap,
    only_mobile_numbers_in_allowed_countries_are_accepted,
    phone_numbers_leave_the_sms_log_after_seven_days,
    a_recipient_can_say_the_number_is_not_theirs,
    staff_change_the_identity_check_and_the_change_is_audited,
    a_refusing_provider_fails_the_sms_and_a_busy_one_is_retried,
);

const PHONE: &str = "06 1234 5678";

/// Answers like Spryng v2: 202 with a fresh message id each time.
struct SpryngAccepts(AtomicUsize);

impl Respond for SpryngAccepts {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(202).set_body_json(json!({"messageIds": [format!("spryng-{n}")]}))
    }
}

async fn spryng() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/messages"))
        .and(header("X-Api-Key", "test-key"))
        .respond_with(SpryngAccepts(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    server
}

async fn spawn_with_spryng(backend: Backend, spryng: &MockServer) -> TestApp {
    let uri = spryng.uri();
    spawn_app_with(backend, |raw| {
        raw.sms_provider = Some("spryng".into());
        raw.sms_base_url = Some(uri);
        raw.sms_api_key = Some("test-key".into());
        raw.sms_account = Some("acct-1".into());
        raw.sms_originator = Some("ZorgWelzijn".into());
        raw.sms_report_user = Some("spryng".into());
        raw.sms_report_secret = Some("report-secret".into());
    })
    .await
}

/// The SMS bodies Spryng received, oldest first.
async fn sent_sms(spryng: &MockServer) -> Vec<Value> {
    spryng
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

fn code_of(sms: &Value) -> String {
    sms["body"].as_str().unwrap()[..6].to_owned()
}

async fn send_by_sms(app: &TestApp, to: &str) -> (Value, String) {
    let sent = app
        .send(
            json!({"subject": "Uitslag", "body": "Alles goed.", "to": [{"email": to,
            "verification": {"method": "sms", "phone": PHONE}}]}),
        )
        .await;
    app.run_jobs().await;
    (sent, app.smtp.only_mail_to(to).portal_link())
}

async fn a_recipient_verifies_with_an_sms_code_and_the_sender_sees_its_delivery(backend: Backend) {
    let spryng = spryng().await;
    let app = spawn_with_spryng(backend, &spryng).await;
    let to = "sms1@example.nl";
    let (sent, link) = send_by_sms(&app, to).await;
    assert_eq!(sent["recipients"][0]["verification_method"], "sms");

    let mut browser = Browser::new().with_language("en");
    let landing = browser.get(&link).await;
    assert!(
        landing.contains("We will send a code by text message to +31 6 ** ** ** 78"),
        "{}",
        landing.body
    );
    assert!(landing.contains("Number not right? Tell the sender"));
    assert!(
        !landing.contains("12345678"),
        "the full number is never shown"
    );
    assert!(
        sent_sms(&spryng).await.is_empty(),
        "opening the link sends no SMS"
    );

    let page = browser
        .post(&format!("{link}/code"), &[("csrf", &landing.csrf())])
        .await;
    assert!(
        page.contains("A new code is on its way to +31 6 ** ** ** 78"),
        "{}",
        page.body
    );
    app.run_jobs().await;
    let sms = sent_sms(&spryng).await;
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0]["recipients"], json!(["+31612345678"]));
    assert_eq!(sms[0]["originator"], "ZorgWelzijn");
    assert_eq!(sms[0]["accountReference"], "acct-1");
    let text = sms[0]["body"].as_str().unwrap();
    assert!(zegel_domain::is_gsm7(text), "{text}");
    assert!(
        text.contains("Zorg & Welzijn") && text.contains("10 min"),
        "{text}"
    );
    assert!(!text.contains("http"), "no link in an SMS: {text}");

    let page = browser
        .submit(
            &format!("{link}/verify"),
            &[("csrf", &landing.csrf()), ("code", &code_of(&sms[0]))],
        )
        .await;
    assert!(page.contains("Alles goed."), "{}", page.body);

    // The sender sees the SMS accepted, then delivered once Spryng reports it.
    let id = sent["id"].as_str().unwrap();
    let status = &app.message(id).await["recipients"][0];
    assert_eq!(status["sms_status"], "accepted");
    assert_eq!(status["phone"], "+31 6 ** ** ** 78");
    let report = json!({"MessageId": "spryng-0", "Recipient": "31612345678", "Status": "DELIVERED", "StatusCode": 10});
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/sms/reports/spryng", app.base_url);
    let basic = format!("Basic {}", STANDARD.encode("spryng:report-secret"));
    let forged = client
        .post(&url)
        .header("authorization", "Basic c3ByeW5nOmd1ZXNz")
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.message(id).await["recipients"][0]["sms_status"],
        "accepted"
    );
    for _ in 0..2 {
        let accepted = client
            .post(&url)
            .header("authorization", &basic)
            .json(&report)
            .send()
            .await
            .unwrap();
        assert_eq!(
            accepted.status(),
            StatusCode::NO_CONTENT,
            "reports are applied idempotently"
        );
    }
    let late = json!({"MessageId": "spryng-0", "Recipient": "31612345678", "Status": "SENT"});
    client
        .post(&url)
        .header("x-api-key", "report-secret")
        .json(&late)
        .send()
        .await
        .unwrap();
    assert_eq!(
        app.message(id).await["recipients"][0]["sms_status"],
        "delivered",
        "a late report does not undo delivery"
    );
}

async fn sms_codes_keep_to_the_cooldown_and_the_hourly_cap(backend: Backend) {
    let spryng = spryng().await;
    let app = spawn_with_spryng(backend, &spryng).await;
    let (sent, link) = send_by_sms(&app, "sms2@example.nl").await;
    let mut browser = Browser::new().with_language("en");
    let csrf = browser.get(&link).await.csrf();
    let ask = format!("{link}/code");
    assert!(
        browser
            .post(&ask, &[("csrf", &csrf)])
            .await
            .contains("A new code is on its way")
    );
    assert!(
        browser
            .post(&ask, &[("csrf", &csrf)])
            .await
            .contains("A code was sent less than a minute ago")
    );
    for _ in 0..4 {
        app.clock.advance(61);
        assert!(
            browser
                .post(&ask, &[("csrf", &csrf)])
                .await
                .contains("A new code is on its way")
        );
    }
    app.clock.advance(61);
    let capped = browser.post(&ask, &[("csrf", &csrf)]).await;
    assert!(
        capped.contains("Too many codes were sent for now"),
        "{}",
        capped.body
    );
    app.run_jobs().await;
    assert_eq!(
        sent_sms(&spryng).await.len(),
        1,
        "older queued codes are superseded, only the newest is sent"
    );
    let delivery_id = sent["recipients"][0]["delivery_id"].as_str().unwrap();
    let statuses: Vec<String> = app
        .app
        .store
        .sms_for_delivery(delivery_id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(
        statuses,
        ["skipped", "skipped", "skipped", "skipped", "accepted"]
    );

    app.clock.advance(3600);
    assert!(
        browser
            .post(&ask, &[("csrf", &csrf)])
            .await
            .contains("A new code is on its way")
    );
}

async fn only_mobile_numbers_in_allowed_countries_are_accepted(backend: Backend) {
    let spryng = spryng().await;
    let app = spawn_with_spryng(backend, &spryng).await;
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/messages",
            Some(json!({"subject": "S", "body": "B", "to": [
                {"email": "a@example.nl", "verification": {"method": "sms", "phone": "020 123 4567"}},
                {"email": "b@example.nl", "verification": {"method": "sms", "phone": "0900 1234567"}},
                {"email": "c@example.nl", "verification": {"method": "sms", "phone": "+44 7400 123456"}},
                {"email": "d@example.nl", "verification": {"method": "sms", "phone": "bel me"}},
                {"email": "e@example.nl", "verification": {"method": "sms"}}
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = body["problems"].to_string();
    assert!(
        problems.contains("to[0]: phone: this is not a mobile number"),
        "{problems}"
    );
    assert!(
        problems.contains("to[1]: phone: this is not a mobile number"),
        "{problems}"
    );
    assert!(
        problems.contains("to[2]: phone: SMS codes may not be sent to numbers from GB"),
        "{problems}"
    );
    assert!(
        problems.contains("to[3]: phone: this is not a valid phone number"),
        "{problems}"
    );
    assert!(
        problems.contains("to[4]: a mobile number is needed"),
        "{problems}"
    );
    assert!(
        !problems.contains("1234567"),
        "numbers are not echoed: {problems}"
    );
}

async fn phone_numbers_leave_the_sms_log_after_seven_days(backend: Backend) {
    let spryng = spryng().await;
    let app = spawn_with_spryng(backend, &spryng).await;
    let (sent, link) = send_by_sms(&app, "sms3@example.nl").await;
    let delivery_id = sent["recipients"][0]["delivery_id"].as_str().unwrap();
    let mut browser = Browser::new();
    browser.ask_for_code(&link).await;
    app.run_jobs().await;
    let logged = &app.app.store.sms_for_delivery(delivery_id).await.unwrap()[0];
    assert_eq!(logged.phone.as_deref(), Some("+31612345678"));

    app.clock.advance(7 * 86_400 - 60);
    assert_eq!(app.app.purge_phone_numbers().await.unwrap(), 0);
    app.clock.advance(120);
    assert_eq!(app.app.purge_phone_numbers().await.unwrap(), 1);
    let purged = &app.app.store.sms_for_delivery(delivery_id).await.unwrap()[0];
    assert_eq!(purged.phone, None);
    assert_eq!(purged.phone_masked, "+31 6 ** ** ** 78");
    assert!(purged.purged_at.is_some());
    assert_eq!(purged.status, "accepted", "the rest of the log stays");

    // What is held about the number, asked by the number itself.
    let (status, export) = app
        .api(
            Method::GET,
            "/api/v1/data-subjects?phone=06%2012%2034%2056%2078",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["recipients"][0]["email"], "sms3@example.nl");
    assert_eq!(export["recipients"][0]["phone"], "+31612345678");
    assert_eq!(
        export["sms"],
        json!([{"sent_at": purged.created_at, "status": "accepted", "phone": null, "phone_masked": "+31 6 ** ** ** 78"}])
    );
}

async fn a_recipient_can_say_the_number_is_not_theirs(backend: Backend) {
    let spryng = spryng().await;
    let app = spawn_with_spryng(backend, &spryng).await;
    let to = "sms4@example.nl";
    let (sent, link) = send_by_sms(&app, to).await;
    let mut browser = Browser::new().with_language("en");
    let csrf = browser.get(&link).await.csrf();
    let page = browser
        .post(&format!("{link}/wrong-number"), &[("csrf", &csrf)])
        .await;
    assert!(
        page.contains("We told Anne Bakker that this number is not right"),
        "{}",
        page.body
    );
    app.run_jobs().await;
    let mail = app.smtp.only_mail_to(SENDER);
    assert!(mail.subject.contains(to));
    assert!(
        mail.text.contains("+31 6 ** ** ** 78") && !mail.text.contains("12345678"),
        "{}",
        mail.text
    );
    assert!(
        sent_sms(&spryng).await.is_empty(),
        "no SMS goes to the disputed number"
    );

    // Clicking again does not flood the sender.
    browser
        .post(&format!("{link}/wrong-number"), &[("csrf", &csrf)])
        .await;
    app.run_jobs().await;
    assert_eq!(app.smtp.received_by(SENDER).len(), 1);
    let detail = app.message(sent["id"].as_str().unwrap()).await;
    assert!(detail["recipients"][0]["wrong_number_reported_at"].is_i64());
    let events = app.audit_events().await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "recipient.reported_wrong_number")
            .count(),
        1
    );
}

async fn staff_change_the_identity_check_and_the_change_is_audited(backend: Backend) {
    let spryng = spryng().await;
    let app = spawn_with_spryng(backend, &spryng).await;
    let to = "sms5@example.nl";
    app.send(json!({"subject": "S", "body": "B", "to": [{"email": to,
        "verification": {"method": "access_code", "access_code": "Afgesproken-1"}}]}))
        .await;
    let (status, changed) = app
        .api(
            Method::PUT,
            &format!("/api/v1/recipients/{to}/verification"),
            Some(json!({"method": "sms", "phone": "+31 6 1234 5678"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        changed,
        json!({"email": to, "verification_method": "sms", "phone": "+31 6 ** ** ** 78", "has_access_code": false})
    );

    // Remembered for the organisation: the next message uses SMS without being told.
    let next = app
        .send(json!({"subject": "S2", "body": "B2", "to": [{"email": to}]}))
        .await;
    assert_eq!(next["recipients"][0]["verification_method"], "sms");

    let events = app.audit_events().await;
    let change = events
        .iter()
        .find(|e| e.action == "recipient.verification_changed")
        .expect("an audit event");
    let user_id = app
        .app
        .store
        .user_by_email(SENDER)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(change.actor, user_id);
    let detail: Value = serde_json::from_str(&change.detail).unwrap();
    assert_eq!(detail["from"], "access_code");
    assert_eq!(detail["to"], "sms");
    assert!(!change.detail.contains("12345678") && !change.detail.contains("Afgesproken"));
}

async fn a_refusing_provider_fails_the_sms_and_a_busy_one_is_retried(backend: Backend) {
    let spryng = MockServer::start().await;
    Mock::given(path("/v2/messages"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "10"))
        .up_to_n_times(1)
        .mount(&spryng)
        .await;
    Mock::given(path("/v2/messages"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"errors": [{"message": "Insufficient credits"}]})),
        )
        .mount(&spryng)
        .await;
    let app = spawn_with_spryng(backend, &spryng).await;
    let (sent, link) = send_by_sms(&app, "sms6@example.nl").await;
    let delivery_id = sent["recipients"][0]["delivery_id"].as_str().unwrap();
    let mut browser = Browser::new();
    browser.ask_for_code(&link).await;

    app.run_jobs().await;
    assert_eq!(
        app.app.store.pending_jobs().await.unwrap(),
        1,
        "busy: the job waits for another try"
    );
    assert_eq!(
        app.app.store.sms_for_delivery(delivery_id).await.unwrap()[0].status,
        "queued"
    );
    app.clock.advance(31);
    app.run_jobs().await;
    assert_eq!(
        app.app.store.pending_jobs().await.unwrap(),
        0,
        "a refusal is final"
    );
    assert_eq!(
        app.app.store.sms_for_delivery(delivery_id).await.unwrap()[0].status,
        "failed"
    );
    let detail = app.message(sent["id"].as_str().unwrap()).await;
    assert_eq!(detail["recipients"][0]["sms_status"], "failed");
}
