//! The staff API's contract: authentication, validation that reports every problem at
//! once, ownership, and the OpenAPI document.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, SENDER, spawn_app};

on_both_backends!(
    the_api_needs_a_valid_token,
    invalid_requests_list_every_problem_and_store_nothing,
    senders_see_only_their_own_messages,
    parallel_sends_to_one_new_address_all_succeed,
);

async fn the_api_needs_a_valid_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/messages", app.base_url);
    for auth in [
        None,
        Some("Bearer nonsense"),
        Some(&*format!("Bearer {}", "A".repeat(43))),
    ] {
        let mut request = client.get(&url);
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized");
    }
}

async fn invalid_requests_list_every_problem_and_store_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/messages",
            Some(json!({
                "subject": "  ",
                "body": "x",
                "to": [
                    {"email": "not-an-address"},
                    {"email": "n@example.nl", "verification": {"method": "access_code", "access_code": "kort"}},
                    {"email": "o@example.nl", "verification": {"method": "access_code"}}
                ],
                "cc": [{"email": "N@example.nl"}],
                "expires_in_days": 31
            })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problems: Vec<String> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let expected = [
        "subject: must not be empty",
        "expires_in_days: expiry may be at most 30 days",
        "to[0]: 'not-an-address' is not a valid e-mail address",
        "to[1]: the access code must be at least 8 characters long",
        "to[2]: an access code must be agreed",
        "cc[0]: n@example.nl appears more than once",
    ];
    for expectation in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(expectation)),
            "missing '{expectation}' in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    let (_, list) = app.api(Method::GET, "/api/v1/messages", None).await;
    assert_eq!(list, json!([]));
    assert_eq!(app.app.store.pending_jobs().await.unwrap(), 0);

    // Malformed JSON is refused with a client error, not a crash.
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/messages", app.base_url))
        .bearer_auth(&app.token)
        .header("content-type", "application/json")
        .body("{\"subject\": ")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
}

async fn senders_see_only_their_own_messages(backend: Backend) {
    let app = spawn_app(backend).await;
    let sent = app.send_simple("p@example.nl", "Mijn bericht", "B").await;
    let id = sent["id"].as_str().unwrap();
    let (_, list) = app.api(Method::GET, "/api/v1/messages", None).await;
    assert_eq!(list[0]["subject"], "Mijn bericht");
    assert_eq!(list[0]["recipients"][0]["email"], "p@example.nl");

    app.app
        .create_user(
            "Zorg & Welzijn",
            "bert@zorg.example",
            "Bert",
            zegel_app::Language::Nl,
        )
        .await
        .unwrap();
    let other = app
        .app
        .create_api_token("bert@zorg.example", "t")
        .await
        .unwrap();
    let client = reqwest::Client::new();
    for (method, path) in [
        (Method::GET, format!("/api/v1/messages/{id}")),
        (Method::POST, format!("/api/v1/messages/{id}/revoke")),
    ] {
        let response = client
            .request(method, format!("{}{path}", app.base_url))
            .bearer_auth(other.expose())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let theirs: serde_json::Value = client
        .get(format!("{}/api/v1/messages", app.base_url))
        .bearer_auth(other.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, json!([]));
    let _ = SENDER;
}

#[tokio::test]
async fn openapi_document_and_probes_are_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/openapi.json", app.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/messages",
        "/api/v1/messages/{id}",
        "/api/v1/messages/{id}/revoke",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["SendRequest"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    for probe in ["/healthz", "/readyz"] {
        let response = reqwest::get(format!("{}{probe}", app.base_url))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}

async fn parallel_sends_to_one_new_address_all_succeed(backend: Backend) {
    let app = std::sync::Arc::new(spawn_app(backend).await);
    let sends = (0..8).map(|n| {
        let app = app.clone();
        tokio::spawn(async move {
            let body = json!({"subject": format!("Bericht {n}"), "body": "x", "to": [{"email": "nieuw@client.example"}]});
            app.api(Method::POST, "/api/v1/messages", Some(body)).await.0
        })
    });
    for send in sends.collect::<Vec<_>>() {
        assert_eq!(
            send.await.unwrap(),
            StatusCode::CREATED,
            "two staff members may write to a new address at once"
        );
    }
    let (_, list) = app.api(Method::GET, "/api/v1/messages", None).await;
    assert_eq!(list.as_array().unwrap().len(), 8);
}
