//! The code rules of DESIGN §4: lifetime, tries per code, atomic counting, escalating waits,
//! a lock the sender lifts, CSRF on every form, and the session cookie.

use reqwest::Method;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Browser, Page, spawn_app};

on_both_backends!(
    an_email_code_expires_after_ten_minutes_and_is_single_use,
    a_code_allows_five_tries_even_when_guessed_in_parallel,
    repeated_failures_make_the_recipient_wait_then_lock_until_the_sender_unlocks,
    forms_without_the_csrf_token_do_nothing,
    a_new_code_is_not_sent_within_the_cooldown,
    the_session_cookie_is_strict_and_ends_after_thirty_idle_minutes,
);

async fn an_email_code_expires_after_ten_minutes_and_is_single_use(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "a@example.nl";
    let (_, link) = app.send_and_notify(to, "S", "B").await;
    let mut browser = Browser::new().with_language("en");
    let landing = browser.get(&link).await;
    let sent = browser
        .post(&format!("{link}/code"), &[("csrf", &landing.csrf())])
        .await;
    assert!(
        sent.contains("A new code is on its way to a•••@example.nl"),
        "{}",
        sent.body
    );
    app.run_jobs().await;
    let code = app.smtp.received_by(to).last().unwrap().code();

    app.clock.advance(601);
    let late = browser
        .post(
            &format!("{link}/verify"),
            &[("csrf", &landing.csrf()), ("code", &code)],
        )
        .await;
    assert!(late.contains("This code has expired"), "{}", late.body);

    // A fresh code works once; a second browser cannot reuse it.
    let again = browser
        .post(&format!("{link}/code"), &[("csrf", &landing.csrf())])
        .await;
    assert!(again.contains("A new code is on its way"));
    app.run_jobs().await;
    let code = app.smtp.received_by(to).last().unwrap().code();
    let ok = browser
        .post(
            &format!("{link}/verify"),
            &[("csrf", &landing.csrf()), ("code", &code)],
        )
        .await;
    assert_eq!(ok.status, 303);
    let mut other = Browser::new().with_language("en");
    let other_landing = other.get(&link).await;
    let reuse = other
        .post(
            &format!("{link}/verify"),
            &[("csrf", &other_landing.csrf()), ("code", &code)],
        )
        .await;
    assert!(reuse.contains("This code has expired"), "{}", reuse.body);
}

async fn a_code_allows_five_tries_even_when_guessed_in_parallel(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "b@example.nl";
    let (sent, link) = app.send_and_notify(to, "S", "B").await;
    let delivery_id = sent["recipients"][0]["delivery_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut browser = Browser::new();
    let landing = browser.get(&link).await;
    browser
        .post(&format!("{link}/code"), &[("csrf", &landing.csrf())])
        .await;
    app.run_jobs().await;
    let code = app.smtp.received_by(to).last().unwrap().code();
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // Twelve wrong guesses at once: only five may be counted against the code.
    let mut guesses = Vec::new();
    for _ in 0..12 {
        let app = app.app.clone();
        let link = link.rsplit('/').next().unwrap().to_owned();
        guesses.push(tokio::spawn(async move {
            app.verify(&link, wrong).await.unwrap()
        }));
    }
    for guess in guesses {
        guess.await.unwrap();
    }
    let challenge = app
        .app
        .store
        .latest_challenge(&delivery_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(challenge.attempts, 5, "tries are counted atomically");

    // The right code no longer opens this challenge.
    app.clock.advance(3600);
    let late = browser
        .post(
            &format!("{link}/verify"),
            &[("csrf", &landing.csrf()), ("code", &code)],
        )
        .await;
    assert_ne!(late.status, 303);
}

async fn repeated_failures_make_the_recipient_wait_then_lock_until_the_sender_unlocks(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let to = "c@example.nl";
    let sent = app
        .send(
            json!({"subject": "S", "body": "Geheim", "to": [{"email": to,
            "verification": {"method": "access_code", "access_code": "Correct-Horse-9"}}]}),
        )
        .await;
    app.run_jobs().await;
    let link = app.smtp.only_mail_to(to).portal_link();
    let mut browser = Browser::new().with_language("en");
    let csrf = browser.get(&link).await.csrf();
    for attempt in 1..=20 {
        let page = try_code(&mut browser, &link, &csrf, "wrong-code-1").await;
        match attempt {
            1..=4 => assert!(
                page.contains("That code is not right"),
                "{attempt}: {}",
                page.body
            ),
            20 => assert!(
                page.contains("this message is now locked"),
                "{attempt}: {}",
                page.body
            ),
            _ if attempt % 5 == 0 => {
                assert!(
                    page.contains("You can try again in"),
                    "{attempt}: {}",
                    page.body
                );
                // Even the right code is refused while waiting.
                let waiting = try_code(&mut browser, &link, &csrf, "Correct-Horse-9").await;
                assert!(waiting.contains("You can try again in"), "{}", waiting.body);
                app.clock.advance(3601);
            }
            _ => assert!(
                page.contains("That code is not right"),
                "{attempt}: {}",
                page.body
            ),
        }
    }
    let locked = try_code(&mut browser, &link, &csrf, "Correct-Horse-9").await;
    assert!(
        locked.contains("Please ask Anne Bakker to unlock it"),
        "{}",
        locked.body
    );
    let detail = app.message(sent["id"].as_str().unwrap()).await;
    assert_eq!(detail["recipients"][0]["locked"], true);

    let (status, _) = app
        .api(
            Method::POST,
            &format!(
                "/api/v1/messages/{}/recipients/{}/unlock",
                sent["id"].as_str().unwrap(),
                sent["recipients"][0]["delivery_id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let opened = try_code(&mut browser, &link, &csrf, "Correct-Horse-9").await;
    assert_eq!(opened.status, 303, "{}", opened.body);
}

async fn try_code(browser: &mut Browser, link: &str, csrf: &str, code: &str) -> Page {
    browser
        .post(&format!("{link}/verify"), &[("csrf", csrf), ("code", code)])
        .await
}

async fn forms_without_the_csrf_token_do_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "d@example.nl";
    let (_, link) = app.send_and_notify(to, "S", "B").await;
    let mut browser = Browser::new().with_language("en");
    browser.get(&link).await;
    for form in [vec![], vec![("csrf", "forged")]] {
        let page = browser.post(&format!("{link}/code"), &form).await;
        assert_eq!(page.status, 403);
        assert!(page.contains("This page was open for too long"));
    }
    // A page from another site has no cookie at all.
    let mut stranger = Browser::new();
    let page = stranger
        .post(&format!("{link}/code"), &[("csrf", "x")])
        .await;
    assert_eq!(page.status, 403);
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(app.smtp.received_by(to).len(), 1);
}

async fn a_new_code_is_not_sent_within_the_cooldown(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "e@example.nl";
    let (_, link) = app.send_and_notify(to, "S", "B").await;
    let mut browser = Browser::new().with_language("en");
    let csrf = browser.get(&link).await.csrf();
    browser
        .post(&format!("{link}/code"), &[("csrf", &csrf)])
        .await;
    let second = browser
        .post(&format!("{link}/code"), &[("csrf", &csrf)])
        .await;
    assert!(
        second.contains("A code was sent less than a minute ago"),
        "{}",
        second.body
    );
    app.run_jobs().await;
    assert_eq!(
        app.smtp.received_by(to).len(),
        2,
        "notification and one code"
    );
    app.clock.advance(61);
    let third = browser
        .post(&format!("{link}/code"), &[("csrf", &csrf)])
        .await;
    assert!(third.contains("A new code is on its way"));
    app.run_jobs().await;
    assert_eq!(app.smtp.received_by(to).len(), 3);
}

async fn the_session_cookie_is_strict_and_ends_after_thirty_idle_minutes(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "f@example.nl";
    let (_, link) = app.send_and_notify(to, "Onderwerp", "Inhoud 123").await;
    let mut browser = Browser::new().with_language("en");
    app.verify_by_email(&mut browser, &link, to).await;
    let session_cookie = browser
        .set_cookie_headers
        .iter()
        .find(|c| c.starts_with("__Host-zegel-session="))
        .expect("a session cookie")
        .to_owned();
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            session_cookie.contains(attribute),
            "{session_cookie} lacks {attribute}"
        );
    }
    assert!(!session_cookie.contains("Domain"));

    // A second verification gets a new session id.
    let first = browser.cookies["__Host-zegel-session"].clone();
    let mut again = Browser::new();
    app.clock.advance(61);
    app.verify_by_email(&mut again, &link, to).await;
    assert_ne!(first, again.cookies["__Host-zegel-session"]);

    app.clock.advance(28 * 60);
    assert!(browser.get(&link).await.contains("Inhoud 123"));
    app.clock.advance(31 * 60);
    let expired = browser.get(&link).await;
    assert!(!expired.contains("Inhoud 123"));
    assert!(
        expired.contains("signed out after 30 minutes"),
        "{}",
        expired.body
    );
}
