//! Each provider's contract, checked against a local HTTP server that expects the request
//! shape the provider documents and answers as the provider does, errors included.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use wiremock::matchers::{body_json, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use zegel_domain::PhoneNumber;
use zegel_sms::{
    Bird, DeliveryReport, DeliveryState, Headers, IncomingReport, OutgoingSms, ReportError,
    SmsError, SmsProvider, SpryngV1, SpryngV2, Twilio, Webhook,
};

fn sms() -> OutgoingSms {
    OutgoingSms {
        to: PhoneNumber::parse_mobile("06 1234 5678", &["NL".to_owned()]).unwrap(),
        text: "Uw code is 012345. De code is 10 minuten geldig.".into(),
        reference: "challenge-1".into(),
    }
}

fn report(url: &str, headers: &[(&str, &str)], body: &[u8]) -> IncomingReport {
    IncomingReport {
        url: url.to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Headers>(),
        body: body.to_vec(),
    }
}

fn delivered(id: &str) -> Vec<DeliveryReport> {
    vec![DeliveryReport {
        provider_message_id: id.into(),
        state: DeliveryState::Delivered,
    }]
}

async fn spryng_v2(server: &MockServer) -> SpryngV2 {
    SpryngV2::new(
        &server.uri(),
        "key-123",
        "acct-9",
        "ZorgBV",
        "spryng",
        "report-secret",
    )
}

#[tokio::test]
async fn spryng_v2_sends_the_documented_request_and_reads_message_ids() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/messages"))
        .and(header("X-Api-Key", "key-123"))
        .and(body_json(json!({
            "accountReference": "acct-9",
            "originator": "ZorgBV",
            "recipients": ["+31612345678"],
            "body": "Uw code is 012345. De code is 10 minuten geldig.",
            "reference": "challenge-1"
        })))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"messageIds": ["msg-77"]})))
        .expect(1)
        .mount(&server)
        .await;
    let accepted = spryng_v2(&server).await.send(&sms()).await.unwrap();
    assert_eq!(accepted.provider_message_id, "msg-77");
}

#[tokio::test]
async fn spryng_v2_errors_are_rejections_and_429_means_later() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/messages"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2/messages"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"errors": [{"code": "invalid_recipient", "message": "Recipient is not valid"}]}),
        ))
        .mount(&server)
        .await;
    let provider = spryng_v2(&server).await;
    match provider.send(&sms()).await {
        Err(SmsError::RetryLater { after_seconds, .. }) => assert_eq!(after_seconds, Some(30)),
        other => panic!("expected a retry, got {other:?}"),
    }
    match provider.send(&sms()).await {
        Err(SmsError::Rejected(reason)) => {
            assert!(reason.contains("Recipient is not valid"), "{reason}")
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn spryng_reports_need_basic_auth_or_the_api_key_header() {
    let server = MockServer::start().await;
    let provider = spryng_v2(&server).await;
    let body = br#"{"MessageId": "msg-77", "Recipient": "31612345678", "Status": "DELIVERED", "StatusCode": 10}"#;
    let basic = format!("Basic {}", STANDARD.encode("spryng:report-secret"));
    let url = "https://zegel.example/api/v1/sms/reports/spryng";
    assert_eq!(
        provider
            .read_report(&report(url, &[("authorization", &basic)], body))
            .unwrap(),
        delivered("msg-77")
    );
    assert_eq!(
        provider
            .read_report(&report(url, &[("x-api-key", "report-secret")], body))
            .unwrap(),
        delivered("msg-77")
    );
    assert_eq!(
        provider.read_report(&report(url, &[("x-api-key", "guess")], body)),
        Err(ReportError::Unauthenticated)
    );
    assert_eq!(
        provider.read_report(&report(url, &[], body)),
        Err(ReportError::Unauthenticated)
    );
}

#[tokio::test]
async fn spryng_v1_uses_bearer_auth_and_numbers_without_plus() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("Authorization", "Bearer token-1"))
        .and(body_json(json!({
            "encoding": "plain",
            "body": "Uw code is 012345. De code is 10 minuten geldig.",
            "route": "business",
            "originator": "ZorgBV",
            "recipients": ["31612345678"],
            "reference": "challenge-1"
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "v1-5", "encoding": "plain", "credits": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpryngV1::new(&server.uri(), "token-1", "ZorgBV", "", "u", "s");
    assert_eq!(
        provider.send(&sms()).await.unwrap().provider_message_id,
        "v1-5"
    );

    let failing = MockServer::start().await;
    Mock::given(path("/v1/messages"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthenticated."})),
        )
        .mount(&failing)
        .await;
    let provider = SpryngV1::new(&failing.uri(), "wrong", "ZorgBV", "", "u", "s");
    assert!(
        matches!(provider.send(&sms()).await, Err(SmsError::Configuration(reason)) if reason.contains("Unauthenticated"))
    );
}

#[tokio::test]
async fn bird_posts_to_the_channel_with_an_access_key_and_verifies_signed_webhooks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/workspaces/ws-1/channels/ch-2/messages"))
        .and(header("Authorization", "AccessKey ak-3"))
        .and(body_json(json!({
            "receiver": {"contacts": [{"identifierValue": "+31612345678"}]},
            "body": {"type": "text", "text": {"text": "Uw code is 012345. De code is 10 minuten geldig."}},
            "reference": "challenge-1"
        })))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"id": "bird-9", "status": "accepted"})))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Bird::new(&server.uri(), "ak-3", "ws-1", "ch-2", "signing-key");
    assert_eq!(
        provider.send(&sms()).await.unwrap().provider_message_id,
        "bird-9"
    );

    let url = "https://zegel.example/api/v1/sms/reports/bird";
    let body = br#"{"service": "channels", "event": "sms.outbound", "payload": {"id": "bird-9", "status": "delivered"}}"#;
    let signature = Bird::signature("signing-key", "1719823259", url, body);
    let headers = [
        ("messagebird-signature", signature.as_str()),
        ("messagebird-request-timestamp", "1719823259"),
    ];
    assert_eq!(
        provider.read_report(&report(url, &headers, body)).unwrap(),
        delivered("bird-9")
    );
    let tampered = br#"{"service": "channels", "event": "sms.outbound", "payload": {"id": "bird-9", "status": "failed"}}"#;
    assert_eq!(
        provider.read_report(&report(url, &headers, tampered)),
        Err(ReportError::Unauthenticated)
    );
}

#[tokio::test]
async fn twilio_sends_a_form_with_basic_auth_and_checks_callback_signatures() {
    let server = MockServer::start().await;
    let basic = format!("Basic {}", STANDARD.encode("AC123:tok"));
    Mock::given(method("POST"))
        .and(path("/2010-04-01/Accounts/AC123/Messages.json"))
        .and(header("Authorization", basic.as_str()))
        .and(header("Content-Type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("To=%2B31612345678"))
        .and(body_string_contains("From=ZorgBV"))
        .and(body_string_contains(
            "StatusCallback=https%3A%2F%2Fzegel.example%2Fapi%2Fv1%2Fsms%2Freports%2Ftwilio",
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"sid": "SM1", "status": "queued"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let callback = "https://zegel.example/api/v1/sms/reports/twilio";
    let provider = Twilio::new(
        &server.uri(),
        "AC123",
        "tok",
        "ZorgBV",
        Some(callback.into()),
    );
    assert_eq!(
        provider.send(&sms()).await.unwrap().provider_message_id,
        "SM1"
    );
    let body_seen = &server.received_requests().await.unwrap()[0].body;
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body_seen)
        .into_owned()
        .collect();
    assert!(form.contains(&(
        "Body".into(),
        "Uw code is 012345. De code is 10 minuten geldig.".into()
    )));

    let params = vec![
        ("MessageSid".to_owned(), "SM1".to_owned()),
        ("MessageStatus".to_owned(), "delivered".to_owned()),
        ("To".to_owned(), "+31612345678".to_owned()),
    ];
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let signature = Twilio::signature("tok", callback, &params);
    let signed = report(
        callback,
        &[("x-twilio-signature", &signature)],
        body.as_bytes(),
    );
    assert_eq!(provider.read_report(&signed).unwrap(), delivered("SM1"));
    let forged = report(
        callback,
        &[("x-twilio-signature", "bm9wZQ==")],
        body.as_bytes(),
    );
    assert_eq!(
        provider.read_report(&forged),
        Err(ReportError::Unauthenticated)
    );

    // Twilio's documented error body for an invalid number.
    let failing = MockServer::start().await;
    Mock::given(path("/2010-04-01/Accounts/AC123/Messages.json"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400
        })))
        .mount(&failing)
        .await;
    let provider = Twilio::new(&failing.uri(), "AC123", "tok", "ZorgBV", None);
    assert!(
        matches!(provider.send(&sms()).await, Err(SmsError::Rejected(reason)) if reason.contains("21211"))
    );
}

#[tokio::test]
async fn the_generic_webhook_signs_requests_and_refuses_stale_or_forged_reports() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sms"))
        .and(|request: &Request| {
            let timestamp = request.headers.get("x-zegel-timestamp").unwrap().to_str().unwrap();
            let signature = request.headers.get("x-zegel-signature").unwrap().to_str().unwrap();
            signature == Webhook::signature("hook-secret", timestamp, &request.body)
        })
        .and(body_json(json!({"to": "+31612345678", "text": "Uw code is 012345. De code is 10 minuten geldig.", "reference": "challenge-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "gw-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Webhook::new(&format!("{}/sms", server.uri()), "hook-secret");
    assert_eq!(
        provider.send(&sms()).await.unwrap().provider_message_id,
        "gw-1"
    );

    let body = br#"{"id": "gw-1", "status": "delivered"}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = Webhook::signature("hook-secret", &now, body);
    let url = "https://zegel.example/api/v1/sms/reports/webhook";
    let fresh = report(
        url,
        &[
            ("x-zegel-timestamp", &now),
            ("x-zegel-signature", &signature),
        ],
        body,
    );
    assert_eq!(provider.read_report(&fresh).unwrap(), delivered("gw-1"));
    let stale_signature = Webhook::signature("hook-secret", "1000", body);
    let stale = report(
        url,
        &[
            ("x-zegel-timestamp", "1000"),
            ("x-zegel-signature", &stale_signature),
        ],
        body,
    );
    assert_eq!(
        provider.read_report(&stale),
        Err(ReportError::Unauthenticated)
    );
}

#[tokio::test]
async fn an_unreachable_provider_is_retried_later() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let provider = SpryngV2::new(&format!("http://{closed}"), "k", "a", "ZorgBV", "u", "s");
    assert!(matches!(
        provider.send(&sms()).await,
        Err(SmsError::RetryLater { .. })
    ));
}
