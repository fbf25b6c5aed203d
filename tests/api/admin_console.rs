//! The admin console over HTTP: only administrators get in; policies, branding, domains,
//! users, shared mailboxes, recipients and the audit log change what the product does.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::on_both_backends;
use crate::support::staff::PASSWORD;
use crate::support::{Backend, Browser, Page, SENDER, TestApp, spawn_app};

on_both_backends!(
    only_administrators_see_the_console,
    policies_limit_what_senders_may_choose,
    branding_shows_on_the_portal_and_in_notifications,
    domains_and_users_are_managed_here,
    members_send_as_a_shared_mailbox,
    recipients_are_imported_all_or_nothing,
    the_audit_log_shows_changes_and_an_intact_chain,
    a_legal_hold_keeps_records_through_expiry_and_erasure,
    the_archive_downloads_as_one_zip,
);

/// Signs the sender in as an administrator; returns the browser and a CSRF token.
async fn administrator(app: &TestApp) -> (Browser, String) {
    app.app.set_user_role(SENDER, "admin").await.unwrap();
    let mut browser = Browser::new().with_language("en");
    app.first_sign_in(&mut browser).await;
    let csrf = browser.get(&app.url("/admin/policies")).await.csrf();
    (browser, csrf)
}

/// Posts a console form and follows the redirect back to the section.
async fn submit(app: &TestApp, browser: &mut Browser, path: &str, form: &[(&str, &str)]) -> Page {
    browser.submit(&app.url(path), form).await
}

async fn only_administrators_see_the_console(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut staff = Browser::new();
    app.first_sign_in(&mut staff).await;
    assert_eq!(
        staff.get(&app.url("/admin/users")).await.status,
        StatusCode::NOT_FOUND
    );
    let compose = staff.get(&app.url("/app/compose")).await;
    assert!(
        !compose.contains(r#"href="/admin""#),
        "no menu item for staff"
    );
    let csrf = compose.csrf();
    let forged = staff
        .post(
            &app.url("/admin/domains"),
            &[("csrf", &csrf), ("domain", "evil.example")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);

    app.app.set_user_role(SENDER, "admin").await.unwrap();
    let page = staff.get(&app.url("/admin/users")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains(SENDER));
    assert_eq!(
        Browser::new()
            .get(&app.url("/admin/users"))
            .await
            .location
            .as_deref(),
        Some("/app/sign-in")
    );
}

async fn policies_limit_what_senders_may_choose(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf) = administrator(&app).await;
    // Wrong values: every problem named, nothing saved.
    let wrong = browser
        .post(
            &app.url("/admin/policies"),
            &[
                ("csrf", &csrf),
                ("default_expiry_days", "40"),
                ("max_expiry_days", "30"),
                ("detection_level", "block"),
                ("min_access_code_length", "4"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.contains("allow at least one identity check"));
    assert!(wrong.contains("min_access_code_length"));
    assert_eq!(
        app.app
            .policies(&admin_user(&app).await)
            .await
            .unwrap()
            .max_expiry_days,
        30
    );

    let saved = submit(
        &app,
        &mut browser,
        "/admin/policies",
        &[
            ("csrf", &csrf),
            ("default_expiry_days", "7"),
            ("max_expiry_days", "20"),
            ("detection_level", "warn"),
            ("allowed_methods", "email_code"),
            ("allowed_methods", "access_code"),
            ("min_access_code_length", "10"),
            ("sms_day_cap", "50"),
            ("audit_retention_days", "3650"),
        ],
    )
    .await;
    assert!(saved.contains("Saved."), "{}", saved.body);
    let org = app
        .app
        .store
        .organisation_by_name("Zorg & Welzijn")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.audit_retention_days, 3650);
    // Senders now get 7 days by default, at most 20, no SMS, access codes of 10 or more.
    let sent = app.send_simple("jan@example.nl", "Hallo", "Tekst").await;
    let days = (sent["expires_at"].as_i64().unwrap() - app.clock_now()) / 86_400;
    assert_eq!(days, 7);
    let (status, body) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/messages",
            Some(
                json!({"subject": "S", "body": "B", "to": [{"email": "piet@example.nl",
                "verification": {"method": "access_code", "access_code": "kort-123"}}]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("at least 10"), "{body}");
    let (status, body) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/messages",
            Some(json!({"subject": "S", "body": "B", "expires_in_days": 25, "to": [{"email": "piet@example.nl"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let page = browser.get(&app.url("/admin/policies")).await;
    assert!(page.contains(r#"value="warn" checked"#));
    assert!(page.contains(r#"value="sms">"#), "SMS unticked");
}

async fn admin_user(app: &TestApp) -> zegel_app::User {
    app.app.store.user_by_email(SENDER).await.unwrap().unwrap()
}

/// The smallest valid PNG: a 1×1 pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7a, 0x5e, 0xab, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];

async fn branding_shows_on_the_portal_and_in_notifications(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf) = administrator(&app).await;
    let light = Form::new()
        .text("csrf", csrf.clone())
        .text("colour", "#f0e060");
    let refused = browser
        .submit_multipart(&app.url("/admin/branding"), light)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("choose a darker colour"),
        "{}",
        refused.body
    );
    let fake = Form::new().text("csrf", csrf.clone()).part(
        "logo",
        Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("logo.png"),
    );
    let refused = browser
        .submit_multipart(&app.url("/admin/branding"), fake)
        .await;
    assert!(refused.contains("a PNG or JPEG image"));

    let good = Form::new()
        .text("csrf", csrf.clone())
        .text("colour", "#6b1d5c")
        .part("logo", Part::bytes(PNG.to_vec()).file_name("logo.png"));
    let saved = browser
        .submit_multipart(&app.url("/admin/branding"), good)
        .await;
    assert!(saved.contains("Saved."), "{}", saved.body);

    let (_, link) = app
        .send_and_notify("jan@example.nl", "Hallo", "Tekst")
        .await;
    let mail = app.smtp.only_mail_to("jan@example.nl");
    let html = mail.html.expect("an HTML part");
    assert!(
        html.contains("background:#6b1d5c"),
        "the button in the brand colour"
    );
    assert!(html.contains("/brand/"), "the logo");
    let landing = Browser::new().get(&link).await;
    let css_href = landing
        .body
        .split(r#"<link rel="stylesheet" href=""#)
        .nth(2)
        .expect("the brand sheet after the portal's own")
        .split('"')
        .next()
        .unwrap()
        .replace("&#x2f;", "/");
    let css = Browser::new().get(&app.url(&css_href)).await;
    assert!(
        css.body.contains(".top { background: #6b1d5c; }"),
        "{}",
        css.body
    );
    let logo_src = landing
        .body
        .split(r#"<img src=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let logo = Browser::new()
        .fetch(&app.url(&logo_src.replace("&#x2f;", "/")), &[])
        .await;
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), PNG);
}

async fn domains_and_users_are_managed_here(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf) = administrator(&app).await;
    let page = submit(
        &app,
        &mut browser,
        "/admin/domains",
        &[("csrf", &csrf), ("domain", "zorg-west.example")],
    )
    .await;
    assert!(page.contains("zorg-west.example"));
    let page = browser
        .post(
            &app.url("/admin/domains/remove"),
            &[("csrf", &csrf), ("domain", "zorg.example")],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/admin/domains?saved=1"));
    let last = browser
        .post(
            &app.url("/admin/domains/remove"),
            &[("csrf", &csrf), ("domain", "zorg-west.example")],
        )
        .await;
    assert!(last.contains("at least one domain"));

    // A new colleague signs in with the first password and sets up their second step.
    let page = submit(
        &app,
        &mut browser,
        "/admin/users",
        &[
            ("csrf", &csrf),
            ("name", "Bram Visser"),
            ("email", "bram@zorg-west.example"),
            ("language", "nl"),
            ("role", "staff"),
            ("password", "een heel lang wachtwoord"),
        ],
    )
    .await;
    assert!(page.contains("bram@zorg-west.example"), "{}", page.body);
    let bram = app
        .app
        .store
        .user_by_email("bram@zorg-west.example")
        .await
        .unwrap()
        .unwrap();
    let token = app
        .app
        .create_api_token("bram@zorg-west.example", "t")
        .await
        .unwrap();
    let mut bram_browser = Browser::new();
    let csrf_b = bram_browser.get(&app.url("/app/sign-in")).await.csrf();
    let signed = bram_browser
        .post(
            &app.url("/app/sign-in"),
            &[
                ("csrf", &csrf_b),
                ("email", "bram@zorg-west.example"),
                ("password", "een heel lang wachtwoord"),
            ],
        )
        .await;
    assert_eq!(signed.location.as_deref(), Some("/app/enrol"));

    // Deactivated: sign-in, the session and the API token stop working.
    submit(
        &app,
        &mut browser,
        &format!("/admin/users/{}/active", bram.id),
        &[("csrf", &csrf), ("active", "0")],
    )
    .await;
    assert_eq!(
        bram_browser
            .get(&app.url("/app/enrol"))
            .await
            .location
            .as_deref(),
        Some("/app/sign-in")
    );
    let again = bram_browser
        .post(
            &app.url("/app/sign-in"),
            &[
                ("csrf", &csrf_b),
                ("email", "bram@zorg-west.example"),
                ("password", "een heel lang wachtwoord"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let api = reqwest::Client::new()
        .get(app.url("/api/v1/messages"))
        .bearer_auth(token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);

    // An administrator cannot lock themselves out.
    let me = admin_user(&app).await;
    let page = browser
        .post(
            &app.url(&format!("/admin/users/{}/active", me.id)),
            &[("csrf", &csrf), ("active", "0")],
        )
        .await;
    assert!(page.contains("cannot deactivate yourself"));

    // A reset second step: the next sign-in sets it up again.
    submit(
        &app,
        &mut browser,
        &format!("/admin/users/{}/active", bram.id),
        &[("csrf", &csrf), ("active", "1")],
    )
    .await;
    submit(
        &app,
        &mut browser,
        &format!("/admin/users/{}/reset-second-factor", bram.id),
        &[("csrf", &csrf)],
    )
    .await;
    let events = app.audit_events().await;
    for action in [
        "user.added",
        "user.deactivated",
        "user.activated",
        "user.second_factor_reset",
        "organisation.domain_added",
    ] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.actor == me.id),
            "{action}"
        );
    }
}

async fn members_send_as_a_shared_mailbox(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf) = administrator(&app).await;
    let outside = browser
        .post(
            &app.url("/admin/mailboxes"),
            &[
                ("csrf", &csrf),
                ("name", "Zorgteam"),
                ("email", "team@elders.example"),
            ],
        )
        .await;
    assert!(outside.contains("is not at one of the organisation"));
    submit(
        &app,
        &mut browser,
        "/admin/mailboxes",
        &[
            ("csrf", &csrf),
            ("name", "Zorgteam Noord"),
            ("email", "team@zorg.example"),
        ],
    )
    .await;
    let org = admin_user(&app).await.org_id;
    let mailbox = app
        .app
        .store
        .mailboxes_of_organisation(&org)
        .await
        .unwrap()
        .remove(0);
    app.app
        .create_user(
            &org,
            "bram@zorg.example",
            "Bram Visser",
            zegel_app::Language::Nl,
        )
        .await
        .unwrap();
    for member in [SENDER, "bram@zorg.example"] {
        submit(
            &app,
            &mut browser,
            &format!("/admin/mailboxes/{}/members", mailbox.id),
            &[("csrf", &csrf), ("email", member)],
        )
        .await;
    }
    let page = browser.get(&app.url("/admin/mailboxes")).await;
    assert!(
        page.contains("Bram Visser &#60;bram@zorg.example&#62;"),
        "{}",
        page.body
    );

    // Anne sends as the mailbox from the compose form.
    let compose = browser.get(&app.url("/app/compose")).await;
    assert!(compose.contains(&format!(r#"<option value="{}">Zorgteam Noord"#, mailbox.id)));
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("from", mailbox.id.clone())
        .text("to", "jan@example.nl")
        .text("subject", "Afspraak")
        .text("body", "Tot dinsdag.")
        .text("expires_in_days", "7")
        .text("secure", "on")
        .text("check_0", "jan@example.nl")
        .text("method_0", "email_code");
    let sent = browser
        .submit_multipart(&app.url("/app/compose"), form)
        .await;
    assert!(sent.contains("Undo sending"), "{}", sent.body);
    app.clock.advance(11);
    app.run_jobs().await;
    let notification = app.smtp.only_mail_to("jan@example.nl");
    assert!(
        notification.from.contains("Zorgteam Noord"),
        "{}",
        notification.from
    );
    assert!(
        !notification.text.contains("Anne"),
        "recipients see only the mailbox"
    );

    // Bram, the other member, sees it; the reply goes to the mailbox address.
    let bram = app
        .app
        .store
        .user_by_email("bram@zorg.example")
        .await
        .unwrap()
        .unwrap();
    let listed = app.app.list_sent(&bram, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    let mut jan = Browser::new().with_language("en");
    let link = notification.portal_link();
    let page = app.verify_by_email(&mut jan, &link, "jan@example.nl").await;
    assert!(page.contains("Zorgteam Noord"));
    jan.submit(
        &format!("{link}/reply"),
        &[("csrf", &page.csrf()), ("body", "Dank u.")],
    )
    .await;
    app.run_jobs().await;
    let reply = app.smtp.only_mail_to("team@zorg.example");
    assert!(reply.text.contains("Dank u.") || reply.subject.contains("Afspraak"));
    let detail = app.app.sent_message(&bram, &listed[0].id).await.unwrap();
    assert_eq!(detail.replies[0].body.as_deref(), Some("Dank u."));
    // The audit trail names the member who sent it.
    let anne = admin_user(&app).await;
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|e| e.action == "message.sent"
                && e.actor == anne.id
                && e.detail.contains(&mailbox.id))
    );
    // Someone outside the mailbox cannot send as it.
    let (status, _) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/messages",
            Some(json!({"subject": "S", "body": "B", "to": [{"email": "jan@example.nl"}], "mailbox_id": "not-mine"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn recipients_are_imported_all_or_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf) = administrator(&app).await;
    let csv = |text: &str| {
        Form::new().text("csrf", csrf.clone()).part(
            "csv",
            Part::bytes(text.as_bytes().to_vec()).file_name("ontvangers.csv"),
        )
    };
    let bad = "email,method,phone,access_code,language\n\
               jan@example.nl,access_code,,zomer-2026!,nl\n\
               piet@example,email_code,,,en\n\
               kees@example.nl,access_code,,kort,nl\n";
    let refused = browser
        .submit_multipart(&app.url("/admin/recipients/import"), csv(bad))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("line 3"), "{}", refused.body);
    assert!(refused.contains("line 4"));
    let org = admin_user(&app).await.org_id;
    assert!(
        app.app
            .store
            .recipient(&org, "jan@example.nl")
            .await
            .unwrap()
            .is_none(),
        "nothing imported"
    );

    let good = "email,method,phone,access_code,language\n\
                jan@example.nl,access_code,,zomer-2026!,nl\n\
                piet@example.org,email_code,,,en\n";
    let done = browser
        .submit_multipart(&app.url("/admin/recipients/import"), csv(good))
        .await;
    assert!(done.contains("2 recipients imported"), "{}", done.body);
    assert!(done.contains("jan@example.nl") && done.contains("Access code"));
    let piet = app
        .app
        .store
        .recipient(&org, "piet@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(piet.language, "en");
    // The imported access code works on the portal.
    let (_, link) = app
        .send_and_notify("jan@example.nl", "Hallo", "Tekst")
        .await;
    let mut jan = Browser::new().with_language("en");
    let csrf_j = jan.get(&link).await.csrf();
    let page = jan
        .submit(
            &format!("{link}/verify"),
            &[("csrf", &csrf_j), ("code", "zomer-2026!")],
        )
        .await;
    assert!(page.contains("Tekst"), "{}", page.body);

    let changed = submit(
        &app,
        &mut browser,
        "/admin/recipients/method",
        &[
            ("csrf", &csrf),
            ("email", "piet@example.org"),
            ("method", "access_code"),
            ("access_code", "herfst-2026!"),
        ],
    )
    .await;
    assert!(changed.contains("Saved."));
    let piet = app
        .app
        .store
        .recipient(&org, "piet@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(piet.verification_method, "access_code");
}

async fn the_audit_log_shows_changes_and_an_intact_chain(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf) = administrator(&app).await;
    submit(
        &app,
        &mut browser,
        "/admin/domains",
        &[("csrf", &csrf), ("domain", "zorg-oost.example")],
    )
    .await;
    let page = browser.get(&app.url("/admin/audit")).await;
    assert!(page.contains("The audit trail is intact"), "{}", page.body);
    assert!(page.contains("organisation.domain_added"));
    assert!(page.contains(SENDER), "staff named by address");
    assert!(!page.contains(PASSWORD));
}

async fn a_legal_hold_keeps_records_through_expiry_and_erasure(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf) = administrator(&app).await;
    let sent = app
        .send_simple("jan@example.nl", "Dossier", "Stukken")
        .await;
    let id = sent["id"].as_str().unwrap().to_owned();

    let found = browser
        .get(&app.url("/admin/subjects?email=jan%40example.nl"))
        .await;
    assert!(
        found.contains("1 recipient records, 1 messages"),
        "{}",
        found.body
    );
    let json = browser
        .fetch(
            &app.url("/admin/subjects/export?email=jan%40example.nl"),
            &[],
        )
        .await;
    assert_eq!(json.headers()["content-type"], "application/json");
    let export: serde_json::Value = json.json().await.unwrap();
    assert_eq!(export["messages"][0]["subject"], "Dossier");

    let until = app.clock_date(60);
    let held = browser
        .submit(
            &app.url("/admin/subjects/hold"),
            &[
                ("csrf", &csrf),
                ("email", "jan@example.nl"),
                ("until", &until),
                ("reason", "zaak 2026-114"),
            ],
        )
        .await;
    assert!(held.contains("Under a legal hold until"), "{}", held.body);
    // Erasure without the confirmation does nothing; with it, the hold keeps the records.
    let unconfirmed = browser
        .post(
            &app.url("/admin/subjects/erase"),
            &[("csrf", &csrf), ("email", "jan@example.nl")],
        )
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let erased = browser
        .post(
            &app.url("/admin/subjects/erase"),
            &[
                ("csrf", &csrf),
                ("email", "jan@example.nl"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert!(
        erased.contains("0 recipient records, 0 messages destroyed; 1 kept"),
        "{}",
        erased.body
    );
    assert_eq!(app.message(&id).await["subject"], "Dossier");
    // Past its expiry the message is not destroyed while the hold lasts.
    app.clock.advance(15 * 86_400);
    assert!(app.worker.expire_messages().await.unwrap().is_empty());
    let mut browser = Browser::new().with_language("en");
    app.code_step_after_password(&mut browser).await;
    let csrf = browser.get(&app.url("/admin/subjects")).await.csrf();
    browser
        .submit(
            &app.url("/admin/subjects/hold/lift"),
            &[("csrf", &csrf), ("email", "jan@example.nl")],
        )
        .await;
    assert_eq!(
        app.worker.expire_messages().await.unwrap(),
        vec![id.clone()]
    );
    let actions: Vec<String> = app
        .audit_events()
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"recipient.legal_hold_set".to_owned()));
    assert!(actions.contains(&"recipient.legal_hold_lifted".to_owned()));
    assert!(
        !format!("{actions:?}").contains("zaak"),
        "the reason stays out of the audit trail"
    );
}

async fn the_archive_downloads_as_one_zip(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, _) = administrator(&app).await;
    app.send_simple("jan@example.nl", "Eerste", "Een").await;
    app.send_simple("piet@example.nl", "Tweede", "Twee").await;
    let page = browser.get(&app.url("/admin/archive")).await;
    assert!(page.contains("/admin/archive.zip"));
    let zip = browser.fetch(&app.url("/admin/archive.zip"), &[]).await;
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let bytes = zip.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let names = String::from_utf8_lossy(&bytes).matches(".eml").count();
    assert!(
        names >= 4,
        "two files, each named in its header and the directory: {names}"
    );
    let anne = admin_user(&app).await;
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|e| e.action == "archive.exported" && e.actor == anne.id)
    );
}
