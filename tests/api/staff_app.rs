//! The staff web app over HTTP: signing in with a password and a second factor, locks and
//! session limits, and the compose form's questions, undo and sent view.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::on_both_backends;
use crate::support::staff::PASSWORD;
use crate::support::{Backend, Browser, spawn_app};

on_both_backends!(
    sign_in_with_password_and_authenticator,
    wrong_passwords_lock_the_account_for_a_while,
    sessions_end_when_idle_and_on_sign_out,
    compose_asks_for_checks_and_warnings_then_sends_with_undo,
    a_sender_revokes_one_recipient_moves_the_end_and_replies_back,
    personal_data_switches_secure_sending_on_before_anything_goes,
);

async fn sign_in_with_password_and_authenticator(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new();
    // Nothing of the app without signing in.
    let page = browser.get(&app.url("/app/sent")).await;
    assert_eq!(page.location.as_deref(), Some("/app/sign-in"));

    let (secret, recovery) = app.first_sign_in(&mut browser).await;
    let first_session = browser.cookies["__Host-zegel-staff"].clone();
    let sent = browser.get(&app.url("/app/sent")).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(sent.contains("Anne Bakker"));

    // A second sign-in asks for the code; the session id changes at the step up.
    let mut other = Browser::new();
    let answer = app.password_step(&mut other, PASSWORD).await;
    assert_eq!(answer.location.as_deref(), Some("/app/sign-in/code"));
    let half = other.cookies["__Host-zegel-staff"].clone();
    assert_eq!(
        other.get(&app.url("/app/sent")).await.location.as_deref(),
        Some("/app/sign-in"),
        "the password alone opens nothing"
    );
    // The code used at set-up cannot be used again in the same 30 seconds.
    let replay = app.code_step(&mut other, &app.totp(&secret)).await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(30);
    let signed_in = app.code_step(&mut other, &app.totp(&secret)).await;
    assert_eq!(signed_in.location.as_deref(), Some("/app/compose"));
    assert_ne!(other.cookies["__Host-zegel-staff"], half);
    assert_ne!(other.cookies["__Host-zegel-staff"], first_session);
    let cookie = other
        .set_cookie_headers
        .iter()
        .find(|h| h.starts_with("__Host-zegel-staff="))
        .unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }

    // A recovery code works once.
    let mut third = Browser::new();
    app.password_step(&mut third, PASSWORD).await;
    let answer = app.code_step(&mut third, &recovery[0].to_uppercase()).await;
    assert_eq!(answer.location.as_deref(), Some("/app/compose"));
    let mut fourth = Browser::new();
    app.password_step(&mut fourth, PASSWORD).await;
    let again = app.code_step(&mut fourth, &recovery[0]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.contains("not right"));

    // The audit trail has the sign-ins, never a password or a code.
    let events = app.audit_events().await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"staff.second_factor_enabled"));
    assert!(actions.contains(&"staff.signed_in"));
    let all = format!("{events:?}");
    assert!(!all.contains(PASSWORD) && !all.contains(&recovery[0]));
}

async fn wrong_passwords_lock_the_account_for_a_while(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new();
    let (secret, _) = app.first_sign_in(&mut browser).await;
    let mut attacker = Browser::new().with_language("en");
    for attempt in 1..=5 {
        let page = app.password_step(&mut attacker, "wrong password!").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        if attempt < 5 {
            assert!(page.contains("e-mail address or password is not right"));
        } else {
            assert!(page.contains("Too many attempts"), "{}", page.body);
        }
    }
    // Locked: even the right password waits.
    let page = app.password_step(&mut attacker, PASSWORD).await;
    assert!(page.contains("Too many attempts"));
    // An unknown address gets the same answer as a wrong password.
    let csrf = attacker.get(&app.url("/app/sign-in")).await.csrf();
    let unknown = attacker
        .post(
            &app.url("/app/sign-in"),
            &[
                ("csrf", &csrf),
                ("email", "nobody@zorg.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(unknown.contains("e-mail address or password is not right"));

    app.clock.advance(16 * 60);
    let mut later = Browser::new();
    let answer = app.password_step(&mut later, PASSWORD).await;
    assert_eq!(answer.location.as_deref(), Some("/app/sign-in/code"));
    let done = app.code_step(&mut later, &app.totp(&secret)).await;
    assert_eq!(done.location.as_deref(), Some("/app/compose"));
}

async fn sessions_end_when_idle_and_on_sign_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new();
    app.first_sign_in(&mut browser).await;
    app.clock.advance(29 * 60);
    assert_eq!(
        browser.get(&app.url("/app/sent")).await.status,
        StatusCode::OK
    );
    app.clock.advance(29 * 60);
    assert_eq!(
        browser.get(&app.url("/app/sent")).await.status,
        StatusCode::OK,
        "using the app keeps the session alive"
    );
    app.clock.advance(31 * 60);
    assert_eq!(
        browser.get(&app.url("/app/sent")).await.location.as_deref(),
        Some("/app/sign-in")
    );

    // Half signed in (password only), then signed out: the session is gone for good.
    let mut again = Browser::new();
    app.password_step(&mut again, PASSWORD).await;
    let page = again.get(&app.url("/app/sign-in/code")).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let stolen = again.cookies["__Host-zegel-staff"].clone();
    let out = again
        .post(&app.url("/app/sign-out"), &[("csrf", &csrf)])
        .await;
    assert!(out.contains("You are signed out"));
    let mut thief = Browser::new();
    thief.cookies.insert("__Host-zegel-staff".into(), stolen);
    assert_eq!(
        thief
            .get(&app.url("/app/sign-in/code"))
            .await
            .location
            .as_deref(),
        Some("/app/sign-in"),
        "a signed-out session is gone from the database"
    );
}

fn compose_form(csrf: &str, fields: &[(&str, &str)]) -> Form {
    let mut form = Form::new().text("csrf", csrf.to_owned());
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    form
}

async fn compose_asks_for_checks_and_warnings_then_sends_with_undo(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new();
    app.first_sign_in(&mut browser).await;
    // The organisation knows one address already.
    app.send_and_notify("jan.jansen@example.nl", "Eerder", "Hallo")
        .await;

    let compose = browser.get(&app.url("/app/compose")).await;
    assert!(
        compose.contains(r#"<option value="jan.jansen@example.nl">"#),
        "suggestions"
    );
    assert!(compose.contains("Secure sending is on"));
    let csrf = compose.csrf();
    let fields = [
        ("to", "jan.jansen@exmaple.nl, piet@example.org"),
        ("subject", "Uitslag"),
        ("body", "BSN 111222333, de uitslag is goed."),
        ("expires_in_days", "7"),
        ("secure", "on"),
    ];
    let form = compose_form(&csrf, &fields).part(
        "files",
        Part::bytes(b"uitslag".to_vec()).file_name("uitslag.txt"),
    );
    let review = browser
        .submit_multipart(&app.url("/app/compose"), form)
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(review.contains("How does piet@example.org prove who they are?"));
    assert!(
        review.contains("It looks like jan.jansen@example.nl"),
        "typo warning"
    );
    assert!(review.contains("never received personal data"));
    assert!(review.contains("personal data (BSN)"), "{}", review.body);
    assert!(
        review.contains("uitslag.txt"),
        "the file is kept in the draft"
    );
    let draft_marker = r#"name="draft_id" value=""#;
    let draft = review.body[review.body.find(draft_marker).unwrap() + draft_marker.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(!draft.is_empty());
    assert_eq!(
        app.smtp.received().len(),
        1,
        "nothing sent yet but the earlier message"
    );

    // Answer the checks (an access code for piet, e-mail code for the typo) and confirm.
    let mut answered = fields.to_vec();
    answered.extend([
        ("draft_id", draft.as_str()),
        ("confirmed", "1"),
        ("check_0", "jan.jansen@exmaple.nl"),
        ("method_0", "email_code"),
        ("check_1", "piet@example.org"),
        ("method_1", "access_code"),
        ("access_1", "zomer-2026!"),
    ]);
    let sent = browser
        .submit_multipart(&app.url("/app/compose"), compose_form(&csrf, &answered))
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.contains("Undo sending"), "{}", sent.body);
    assert!(sent.contains("uitslag.txt"));
    let message_id = sent
        .body
        .split("/app/sent/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    // Within the undo window nothing goes out; Undo brings the text back.
    assert_eq!(app.run_jobs().await, 0);
    let undo = browser
        .post(
            &app.url(&format!("/app/sent/{message_id}/undo")),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(undo.contains("Sending was undone"), "{}", undo.body);
    assert!(undo.contains("BSN 111222333, de uitslag is goed."));
    assert!(undo.contains("Attach the files again"));
    app.clock.advance(11);
    app.run_jobs().await;
    assert_eq!(
        app.smtp.received().len(),
        1,
        "an undone message notifies nobody"
    );
    let detail = app.message(&message_id).await;
    assert_eq!(detail["state"], "revoked");

    // Sent again: the checks are remembered now, so no questions but the send.
    let again = [
        ("to", "piet@example.org"),
        ("subject", "Uitslag"),
        ("body", "De uitslag is goed."),
        ("expires_in_days", "7"),
        ("secure", "on"),
    ];
    let sent = browser
        .submit_multipart(&app.url("/app/compose"), compose_form(&csrf, &again))
        .await;
    assert!(sent.contains("Undo sending"), "{}", sent.body);
    app.clock.advance(11);
    app.run_jobs().await;
    assert_eq!(app.smtp.received().len(), 2);
    let org = app
        .app
        .store
        .organisation_by_name("Zorg & Welzijn")
        .await
        .unwrap()
        .unwrap();
    let piet = app
        .app
        .store
        .recipient(&org.id, "piet@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(piet.verification_method, "access_code");
    let list = browser.get(&app.url("/app/sent")).await;
    assert!(list.contains("Uitslag") && list.contains("Revoked"));
}

async fn a_sender_revokes_one_recipient_moves_the_end_and_replies_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new();
    app.first_sign_in(&mut browser).await;
    let sent = app
        .send(serde_json::json!({
            "subject": "Afspraak", "body": "Dinsdag om tien uur.",
            "to": [{"email": "jan@example.nl"}, {"email": "piet@example.nl"}]
        }))
        .await;
    app.run_jobs().await;
    let id = sent["id"].as_str().unwrap();
    let jan = sent["recipients"][0]["delivery_id"].as_str().unwrap();
    let first_recipients = sent["recipients"].clone();
    let page_url = app.url(&format!("/app/sent/{id}"));
    let page = browser.get(&page_url).await;
    let csrf = page.csrf();

    // Piet keeps access; Jan's ends now, also for a session he already had.
    let jan_link = app.smtp.only_mail_to("jan@example.nl").portal_link();
    let mut jan_browser = Browser::new().with_language("en");
    app.verify_by_email(&mut jan_browser, &jan_link, "jan@example.nl")
        .await;
    browser
        .post(
            &app.url(&format!("/app/sent/{id}/revoke/{jan}")),
            &[("csrf", &csrf)],
        )
        .await;
    let after = browser.get(&page_url).await;
    assert!(after.contains("revoked"), "{}", after.body);
    // The proof of delivery, per recipient, to keep.
    let proof = browser
        .fetch(&app.url(&format!("/app/sent/{id}/proof")), &[])
        .await;
    assert_eq!(proof.status(), StatusCode::OK);
    assert!(
        proof.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let proof = proof.text().await.unwrap();
    assert!(proof.contains("jan@example.nl") && proof.contains("piet@example.nl"));
    // His session is gone with his access: he gets the answer anyone without one gets.
    let jan_page = jan_browser.get(&jan_link).await;
    assert!(
        jan_page.contains("This message is not available"),
        "{}",
        jan_page.body
    );
    assert!(!jan_page.contains("Dinsdag"));
    let piet_link = app.smtp.only_mail_to("piet@example.nl").portal_link();
    let mut piet_browser = Browser::new().with_language("en");
    let piet_page = app
        .verify_by_email(&mut piet_browser, &piet_link, "piet@example.nl")
        .await;
    assert!(piet_page.contains("Dinsdag om tien uur."));

    // The end moves to a chosen day; past the maximum is refused.
    let in_three_days = app.clock_date(3);
    let moved = browser
        .post(
            &app.url(&format!("/app/sent/{id}/end")),
            &[("csrf", &csrf), ("date", &in_three_days)],
        )
        .await;
    assert!(moved.contains("now available until"), "{}", moved.body);
    let too_late = app.clock_date(45);
    let refused = browser
        .post(
            &app.url(&format!("/app/sent/{id}/end")),
            &[("csrf", &csrf), ("date", &too_late)],
        )
        .await;
    assert!(refused.contains("within the organisation"));
    // Reply back: a new message in the same thread, to the chosen recipient only.
    let sent = app
        .send(serde_json::json!({"subject": "Vraag", "body": "Kunt u bellen?", "to": [{"email": "piet@example.nl"}]}))
        .await;
    let second = sent["id"].as_str().unwrap();
    let piet = sent["recipients"][0]["delivery_id"].as_str().unwrap();
    let answer = browser
        .post(
            &app.url(&format!("/app/sent/{second}/reply")),
            &[
                ("csrf", &csrf),
                ("delivery_id", piet),
                ("body", "Ik bel u morgen."),
            ],
        )
        .await;
    let location = answer.location.expect("to the new message");
    let follow_up = browser.get(&app.url(&location)).await;
    assert!(follow_up.contains("Re: Vraag"), "{}", follow_up.body);
    assert!(follow_up.contains("This thread"));
    assert!(
        follow_up.contains(&format!("/app/sent/{second}")),
        "links the first message"
    );
    app.run_jobs().await;
    let subjects: Vec<String> = app
        .smtp
        .received_by("piet@example.nl")
        .iter()
        .map(|m| m.subject.clone())
        .collect();
    // Notification, code, "Vraag", and now the reply back.
    assert_eq!(subjects.len(), 4, "{subjects:?}");

    // Piet's own access ends on a later day (not after the message itself).
    let piet_delivery = first_recipients[1]["delivery_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoke_piet = app.url(&format!("/app/sent/{id}/revoke/{piet_delivery}"));
    let refused = browser
        .post(
            &revoke_piet,
            &[("csrf", &csrf), ("date", &app.clock_date(5))],
        )
        .await;
    assert!(
        refused.contains("before the message expires"),
        "{}",
        refused.body
    );
    browser
        .post(
            &revoke_piet,
            &[("csrf", &csrf), ("date", &app.clock_date(2))],
        )
        .await;
    assert!(browser.get(&page_url).await.contains("Access ends"));
    let fresh = Browser::new().with_language("en").get(&piet_link).await;
    assert!(
        fresh.contains("Send me a code") || fresh.contains("code"),
        "{}",
        fresh.body
    );
    app.clock.advance(2 * 86_400);
    let fresh = Browser::new().with_language("en").get(&piet_link).await;
    assert!(
        fresh.contains("This message is not available"),
        "{}",
        fresh.body
    );

    // The moved end holds: the message expires then.
    app.clock.advance(86_400 + 1);
    assert_eq!(
        app.worker.expire_messages().await.unwrap(),
        vec![id.to_owned()]
    );
    assert_eq!(app.message(id).await["state"], "expired");
}

async fn personal_data_switches_secure_sending_on_before_anything_goes(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new();
    app.first_sign_in(&mut browser).await;
    let csrf = browser.get(&app.url("/app/compose")).await.csrf();
    // The toggle is off (no "secure" field), the content holds an IBAN for someone outside.
    let fields = [
        ("to", "jan@example.nl"),
        ("subject", "Terugbetaling"),
        ("body", "We storten het op NL91 ABNA 0417 1643 00."),
        ("expires_in_days", "7"),
        ("check_0", "jan@example.nl"),
        ("method_0", "email_code"),
        ("confirmed", "1"),
    ];
    let page = browser
        .submit_multipart(&app.url("/app/compose"), compose_form(&csrf, &fields))
        .await;
    assert!(
        page.contains("Secure sending is on because the message holds personal data (IBAN)"),
        "{}",
        page.body
    );
    assert!(page.contains(r#"name="secure" id="secure" checked"#));
    assert_eq!(app.run_jobs().await, 0, "nothing sent yet");
    // Sent as it now stands: securely, through the portal.
    let mut again = fields.to_vec();
    again.push(("secure", "on"));
    let sent = browser
        .submit_multipart(&app.url("/app/compose"), compose_form(&csrf, &again))
        .await;
    assert!(sent.contains("Undo sending"), "{}", sent.body);
    app.clock.advance(11);
    app.run_jobs().await;
    let mail = app.smtp.only_mail_to("jan@example.nl");
    assert!(!mail.text.contains("NL91"), "the IBAN stays on the portal");
    mail.portal_link();
}
