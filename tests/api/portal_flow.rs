//! The core loop as a recipient lives it: notification, landing, code, message, reply.

use reqwest::Method;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Browser, SENDER, spawn_app};

on_both_backends!(
    recipient_reads_and_replies_with_an_email_code,
    opening_the_link_sends_and_consumes_nothing,
    recipient_with_an_access_code_reads_after_entering_it,
    pages_follow_the_browser_language_and_an_explicit_choice,
    portal_pages_carry_strict_security_headers_and_escape_content,
);

async fn recipient_reads_and_replies_with_an_email_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "jan.jansen@example.nl";
    let (sent, link) = app
        .send_and_notify(
            to,
            "Uitslag van het onderzoek",
            "Beste Jan,\n\nDe uitslag is goed.",
        )
        .await;
    let message_id = sent["id"].as_str().unwrap();

    // The notification (Dutch, the default for a new recipient) names sender and
    // organisation, carries a button, and none of the content.
    let notification = app.smtp.only_mail_to(to);
    assert_eq!(
        notification.subject,
        "Anne Bakker heeft u een beveiligd bericht gestuurd"
    );
    assert_eq!(notification.from, "Anne Bakker (Zorg & Welzijn)");
    assert!(notification.text.contains("Anne Bakker van Zorg & Welzijn"));
    assert!(!notification.text.contains("uitslag") && !notification.text.contains("Uitslag"));
    let html = notification.html.as_deref().unwrap();
    assert!(html.contains(&format!("href=\"{link}\"")) && html.contains("Bericht openen"));

    let mut browser = Browser::new().with_language("en");
    let page = app.verify_by_email(&mut browser, &link, to).await;
    assert!(page.contains("Uitslag van het onderzoek"), "{}", page.body);
    assert!(page.contains("De uitslag is goed."));

    let reply = browser
        .submit(
            &format!("{link}/reply"),
            &[
                ("csrf", &page.csrf()),
                ("body", "Dank u wel, ik bel morgen."),
            ],
        )
        .await;
    assert!(
        reply.contains("Your reply has been sent securely to Anne Bakker"),
        "{}",
        reply.body
    );
    assert!(
        reply.contains("Dank u wel, ik bel morgen."),
        "the reply shows in the thread"
    );

    // The reply reaches the sender's own mailbox and the API.
    app.run_jobs().await;
    let forwarded = app.smtp.only_mail_to(SENDER);
    assert!(forwarded.text.contains("Dank u wel, ik bel morgen."));
    assert!(forwarded.text.contains(to));
    let detail = app.message(message_id).await;
    assert_eq!(detail["replies"][0]["body"], "Dank u wel, ik bel morgen.");
    assert_eq!(detail["replies"][0]["from"], to);
    let status = &detail["recipients"][0];
    for field in ["notified_at", "opened_at", "replied_at"] {
        assert!(status[field].is_i64(), "{field} should be set: {detail}");
    }
}

async fn opening_the_link_sends_and_consumes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "piet@example.nl";
    let (sent, link) = app.send_and_notify(to, "Verslag", "Het verslag.").await;
    let delivery_id = sent["recipients"][0]["delivery_id"].as_str().unwrap();

    // A mail scanner fetches the link, repeatedly and without cookies.
    for _ in 0..3 {
        let page = Browser::new().get(&link).await;
        assert_eq!(page.status, 200);
        assert!(page.contains("Send me a code") || page.contains("Stuur mij een code"));
    }
    let head = reqwest::Client::new().head(&link).send().await.unwrap();
    assert!(head.status().is_success() || head.status() == 405);

    assert_eq!(
        app.run_jobs().await,
        0,
        "no job was enqueued by opening the link"
    );
    assert_eq!(app.smtp.received_by(to).len(), 1, "only the notification");
    assert!(
        app.app
            .store
            .latest_challenge(delivery_id)
            .await
            .unwrap()
            .is_none()
    );
    let detail = app.message(sent["id"].as_str().unwrap()).await;
    assert!(detail["recipients"][0]["opened_at"].is_null());
}

async fn recipient_with_an_access_code_reads_after_entering_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "oma.de.vries@example.nl";
    app.send(json!({
        "subject": "Zorgplan",
        "body": "Het nieuwe zorgplan staat klaar.",
        "to": [{"email": to, "language": "nl", "verification": {"method": "access_code", "access_code": "Zonnebloem-42"}}]
    }))
    .await;
    app.run_jobs().await;
    let notification = app.smtp.only_mail_to(to);
    assert_eq!(
        notification.subject,
        "Anne Bakker heeft u een beveiligd bericht gestuurd"
    );
    let link = notification.portal_link();

    let mut browser = Browser::new();
    let landing = browser.get(&link).await;
    assert!(landing.contains("toegangscode"), "{}", landing.body);
    assert!(!landing.contains("Stuur mij een code"));
    let wrong = browser
        .submit(
            &format!("{link}/verify"),
            &[("csrf", &landing.csrf()), ("code", "Madeliefje-42")],
        )
        .await;
    assert!(wrong.contains("Die code klopt niet"), "{}", wrong.body);
    let right = browser
        .submit(
            &format!("{link}/verify"),
            &[("csrf", &landing.csrf()), ("code", "Zonnebloem-42")],
        )
        .await;
    assert!(
        right.contains("Het nieuwe zorgplan staat klaar."),
        "{}",
        right.body
    );
    assert_eq!(
        app.smtp.received_by(to).len(),
        1,
        "an access code is never sent by Zegel"
    );

    // The method is remembered for the organisation: the next message needs no check set.
    let (status, second) = app
        .api(
            Method::POST,
            "/api/v1/messages",
            Some(json!({"subject": "Tweede", "body": "x", "to": [{"email": to}]})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        second["recipients"][0]["verification_method"],
        "access_code"
    );
}

async fn pages_follow_the_browser_language_and_an_explicit_choice(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, link) = app
        .send_and_notify("kees@example.nl", "Onderwerp", "Tekst")
        .await;

    let english = Browser::new()
        .with_language("en-GB,en;q=0.9")
        .get(&link)
        .await;
    assert!(english.contains(r#"<html lang="en">"#) && english.contains("Send me a code"));
    let dutch = Browser::new().with_language("nl-NL").get(&link).await;
    assert!(dutch.contains(r#"<html lang="nl">"#) && dutch.contains("Stuur mij een code"));

    // An explicit choice wins over the browser, and is remembered.
    let mut browser = Browser::new().with_language("en");
    let chosen = browser.get(&format!("{link}?lang=nl")).await;
    assert!(chosen.contains("Stuur mij een code"));
    let again = browser.get(&link).await;
    assert!(again.contains("Stuur mij een code"));
}

async fn portal_pages_carry_strict_security_headers_and_escape_content(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "xss@example.nl";
    let (_, link) = app
        .send_and_notify(
            to,
            "<b>Onderwerp</b>",
            "<script>alert('x')</script>\n<img src=x onerror=alert(1)>",
        )
        .await;
    let mut browser = Browser::new();
    let page = app.verify_by_email(&mut browser, &link, to).await;
    assert!(
        !page.contains("<script>alert") && !page.contains("<img src=x"),
        "{}",
        page.body
    );
    assert!(
        page.contains("&#60;script&#62;") || page.contains("&lt;script&gt;"),
        "{}",
        page.body
    );

    for page in [&page, &Browser::new().get(&link).await] {
        let header = |name: &str| {
            page.headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let csp = header("content-security-policy").expect("a CSP");
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
        assert_eq!(header("cache-control").as_deref(), Some("no-store"));
    }
}
