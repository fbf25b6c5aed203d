//! Data-subject rights: access and portability, rectification and erasure, by e-mail address.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Browser, spawn_app};

on_both_backends!(a_person_can_see_correct_and_erase_what_is_held_about_them);

async fn a_person_can_see_correct_and_erase_what_is_held_about_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let person = "betrokkene@example.nl";
    let (solo, link) = app
        .send_and_notify(person, "Alleen voor u", "Uw eigen bericht")
        .await;
    let shared = app
        .send(json!({"subject": "Voor twee", "body": "Gedeeld bericht", "to": [{"email": person}, {"email": "ander@example.nl"}]}))
        .await;
    app.run_jobs().await;
    let mut browser = Browser::new();
    let page = app.verify_by_email(&mut browser, &link, person).await;
    browser
        .submit(
            &format!("{link}/reply"),
            &[("csrf", &page.csrf()), ("body", "Mijn antwoord")],
        )
        .await;

    // Access and portability.
    let (status, export) = app
        .api(
            Method::GET,
            &format!("/api/v1/data-subjects?email={person}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["recipients"][0]["email"], person);
    let messages = export["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    let own = messages.iter().find(|m| m["id"] == solo["id"]).unwrap();
    assert_eq!(own["body"], "Uw eigen bericht");
    assert_eq!(own["replies"], json!(["Mijn antwoord"]));
    let actions: Vec<&str> = export["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"message.notified") && actions.contains(&"recipient.verified"),
        "{actions:?}"
    );

    // Rectification.
    let corrected = "betrokkene.nieuw@example.nl";
    let (status, body) = app
        .api(
            Method::PATCH,
            &format!("/api/v1/data-subjects?email={person}"),
            Some(json!({"email": corrected, "language": "en"})),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"recipients": 1})));
    let (_, old) = app
        .api(
            Method::GET,
            &format!("/api/v1/data-subjects?email={person}"),
            None,
        )
        .await;
    assert_eq!(old["recipients"], json!([]));
    let (_, new) = app
        .api(
            Method::GET,
            &format!("/api/v1/data-subjects?email={corrected}"),
            None,
        )
        .await;
    assert_eq!(new["recipients"][0]["language"], "en");

    // Erasure: what only they received is shredded, the shared message stays for the other.
    let (status, report) = app
        .api(
            Method::DELETE,
            &format!("/api/v1/data-subjects?email={corrected}"),
            None,
        )
        .await;
    assert_eq!(
        (status, report),
        (
            StatusCode::OK,
            json!({"recipients": 1, "messages_shredded": 1, "kept_under_legal_hold": 0})
        )
    );
    let gone = app
        .app
        .store
        .message(solo["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(gone.wrapped_dek.is_none() && gone.body_ct.is_none());
    let kept = app.message(shared["id"].as_str().unwrap()).await;
    assert_eq!(kept["body"], "Gedeeld bericht");
    assert!(kept["recipients"].to_string().contains("ander@example.nl"));
    assert!(
        !kept["recipients"].to_string().contains("betrokkene"),
        "the person is pseudonymised"
    );
    let (_, after) = app
        .api(
            Method::GET,
            &format!("/api/v1/data-subjects?email={corrected}"),
            None,
        )
        .await;
    assert_eq!(after["recipients"], json!([]));
    assert_ne!(
        browser.get(&link).await.status,
        200,
        "their portal session ended"
    );

    let (status, refused) = app
        .api(Method::GET, "/api/v1/data-subjects?phone=020-1234567", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, _) = app.api(Method::GET, "/api/v1/data-subjects", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
