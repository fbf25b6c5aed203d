//! Copies: the recipient downloads the message as .eml while it is available, and the
//! organisation exports its messages and replies as .eml before they expire.

use mail_parser::MessageParser;

use crate::on_both_backends;
use crate::support::{Backend, Browser, SENDER, spawn_app};

on_both_backends!(recipients_and_organisations_keep_eml_copies);

async fn recipients_and_organisations_keep_eml_copies(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "kopie@example.nl";
    let (sent, link) = app
        .send_and_notify(to, "Uitslag è", "Regel één\nRegel twee")
        .await;
    let mut browser = Browser::new();
    assert_ne!(
        browser.get(&format!("{link}/message.eml")).await.headers["content-type"],
        "message/rfc822",
        "only after verification"
    );
    let page = app.verify_by_email(&mut browser, &link, to).await;
    assert!(page.contains("message.eml"));
    browser
        .submit(
            &format!("{link}/reply"),
            &[("csrf", &page.csrf()), ("body", "Dank")],
        )
        .await;

    let download = reqwest::Client::new()
        .get(format!("{link}/message.eml"))
        .header(
            "cookie",
            browser
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(download.headers()["content-type"], "message/rfc822");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let bytes = download.bytes().await.unwrap();
    let copy = MessageParser::default().parse(&bytes[..]).unwrap();
    assert_eq!(copy.subject(), Some("Uitslag è"));
    let body = copy.body_text(0).unwrap();
    assert!(
        body.contains("Regel één") && body.contains("Regel twee"),
        "{body}"
    );
    assert_eq!(
        copy.from().unwrap().first().unwrap().address(),
        Some(SENDER)
    );

    let files = app.app.export_organisation("Zorg & Welzijn").await.unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let id = sent["id"].as_str().unwrap();
    assert_eq!(names, [format!("{id}.eml"), format!("{id}-reply-1.eml")]);
    let reply = MessageParser::default().parse(&files[1].bytes[..]).unwrap();
    assert_eq!(reply.subject(), Some("Re: Uitslag è"));
    assert!(reply.body_text(0).unwrap().contains("Dank"));

    // Expired messages are gone from the archive too.
    app.clock.advance(15 * 86_400);
    app.worker.expire_messages().await.unwrap();
    assert!(
        app.app
            .export_organisation("Zorg & Welzijn")
            .await
            .unwrap()
            .is_empty()
    );
}
