//! The whole loop in a real browser (Debian's chromium, headless): a sender signs in with a
//! password and TOTP, composes to an external recipient with an SMS check; the recipient, on a
//! 320 px phone, opens the notification from the SMTP server, takes the code from the SMS
//! outbox, reads, downloads and replies; the sender sees the reply and revokes. axe-core checks
//! every page on the way (WCAG 2.2 AA).

use std::time::Duration;
use zegel_crypto::TotpSecret;
use zegel_mail::DevOutbox;

use crate::support::chromium::Chromium;
use crate::support::staff::PASSWORD;
use crate::support::{Backend, SENDER, spawn_app_with};

const RECIPIENT: &str = "jan@example.nl";
const FILE: &[u8] = b"Uitslag bloedonderzoek: alles in orde.\n";

/// The newest SMS code in the dev outbox.
fn latest_sms_code(outbox: &std::path::Path) -> String {
    let entries = DevOutbox::new(outbox).unwrap().entries().unwrap();
    let sms = entries
        .iter()
        .rev()
        .find(|e| e.channel == "sms")
        .expect("an SMS");
    sms.text
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .expect("a 6-digit code in the SMS")
        .to_owned()
}

/// Waits for chromium to finish a download into `dir`.
async fn downloaded(dir: &std::path::Path, name: &str) -> Vec<u8> {
    for _ in 0..100 {
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            return bytes;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} was not downloaded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_and_a_recipient_in_chromium() {
    let app = spawn_app_with(Backend::Sqlite, |raw| {
        raw.sms_provider = Some("outbox".into());
    })
    .await;
    app.app.set_password(SENDER, PASSWORD).await.unwrap();
    let attachment_dir = tempfile::tempdir().unwrap();
    let attachment = attachment_dir.path().join("uitslag.txt");
    std::fs::write(&attachment, FILE).unwrap();

    // The sender signs in for the first time: password, then the authenticator set-up.
    let staff = Chromium::desktop().await;
    staff.goto(&app.url("/app/sign-in?lang=en")).await;
    staff.assert_accessible("sign-in").await;
    staff.fill("#email", SENDER).await;
    staff.fill("#password", "not the password").await;
    staff.submit("main form button").await;
    assert!(staff.source().await.contains("is not right"));
    staff.assert_accessible("sign-in refused").await;
    staff.fill("#email", SENDER).await;
    staff.fill("#password", PASSWORD).await;
    staff.submit("main form button").await;
    assert_eq!(
        staff.path().await,
        "/app/enrol",
        "{}",
        staff.text("main").await
    );
    staff.assert_accessible("second-factor set-up").await;
    let secret = TotpSecret::from_base32(&staff.text("#secret").await).unwrap();
    staff.fill("#code", &app.totp(&secret)).await;
    staff.submit("main form button").await;
    assert!(staff.source().await.contains("recovery-codes"));
    staff.assert_accessible("recovery codes").await;

    // Signs out, and in again: now the code step.
    staff.submit(".sign-out button").await;
    staff.fill("#email", SENDER).await;
    staff.fill("#password", PASSWORD).await;
    staff.submit("main form button").await;
    assert_eq!(staff.path().await, "/app/sign-in/code");
    staff.assert_accessible("code step").await;
    app.clock.advance(30);
    staff.fill("#code", &app.totp(&secret)).await;
    staff.submit("main form button").await;
    assert_eq!(staff.path().await, "/app/compose");
    staff.assert_accessible("compose").await;

    // Composes to a new external recipient, with a file and personal data.
    staff.fill("#to", RECIPIENT).await;
    staff.fill("#subject", "Uitslag onderzoek").await;
    staff
        .fill("#body", "Beste Jan, je BSN 111222333 staat in de bijlage.")
        .await;
    let files = staff
        .client
        .find(fantoccini::Locator::Css("#files"))
        .await
        .unwrap();
    files
        .send_keys(&attachment.display().to_string())
        .await
        .unwrap();
    staff.submit("#send").await;
    let review = staff.source().await;
    assert!(review.contains("How does"), "{}", staff.text("main").await);
    assert!(review.contains("How does jan@example.nl prove who they are?"));
    assert!(review.contains("personal data (BSN)"));
    staff.assert_accessible("compose with identity check").await;
    staff.click("input[name=method_0][value=sms]").await;
    staff.fill("#phone_0", "06 1234 5678").await;
    staff.submit("#send").await;
    let sent_path = staff.path().await;
    assert!(sent_path.starts_with("/app/sent/"), "{sent_path}");
    assert!(staff.source().await.contains("Undo sending"));
    staff.assert_accessible("sent message").await;

    // After the undo window the notification goes out over SMTP.
    app.clock.advance(11);
    app.run_jobs().await;
    let link = app.smtp.only_mail_to(RECIPIENT).portal_link();

    // The recipient, on a phone.
    let phone = Chromium::phone().await;
    phone.goto(&format!("{link}?lang=en")).await;
    assert_eq!(phone.viewport_width().await, 320);
    assert!(phone.fits_width().await, "the landing page fits 320 px");
    phone.assert_accessible("portal landing").await;
    phone.submit("form[action$='/code'] button").await;
    app.run_jobs().await;
    phone.assert_accessible("portal code sent").await;
    let code = latest_sms_code(&app.data_dir.path().join("outbox"));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    phone.fill("#code", wrong).await;
    phone.submit("form[action$='/verify'] button").await;
    phone.assert_accessible("portal wrong code").await;
    assert!(phone.fits_width().await, "the error fits 320 px");
    phone.fill("#code", &code).await;
    phone.submit("form[action$='/verify'] button").await;
    let message = phone.source().await;
    assert!(message.contains("Beste Jan, je BSN 111222333 staat in de bijlage."));
    assert!(
        !message.contains("<script"),
        "the portal needs no JavaScript"
    );
    assert!(phone.fits_width().await, "the message page fits 320 px");
    phone.assert_accessible("portal message").await;
    phone.click("a[href*='/files/']").await;
    assert_eq!(
        downloaded(phone.downloads.path(), "uitslag.txt").await,
        FILE
    );
    phone.fill("#reply", "Dank je, ik bel morgen.").await;
    phone.submit("form[action$='/reply'] button").await;
    assert!(phone.source().await.contains("Dank je, ik bel morgen."));
    phone.assert_accessible("portal after reply").await;
    phone.goto(&format!("{link}?lang=nl")).await;
    phone.assert_accessible("portal message in Dutch").await;

    // The sender sees the progress and the reply, then revokes.
    app.run_jobs().await;
    staff.goto(&app.url(&sent_path)).await;
    let detail = staff.source().await;
    assert!(detail.contains("Dank je, ik bel morgen."), "the reply");
    let row = staff.text("#recipients tbody tr").await;
    assert!(
        !row.contains("not yet"),
        "notified, opened, downloaded, replied: {row}"
    );
    staff.assert_accessible("sent message with reply").await;
    staff.goto(&app.url("/app/sent")).await;
    staff.assert_accessible("sent list").await;
    staff.goto(&app.url(&sent_path)).await;
    staff.submit("#revoke").await;
    assert!(staff.text("#state").await.contains("Revoked"));
    staff.assert_accessible("revoked message").await;
    staff.goto(&app.url("/app/compose?lang=nl")).await;
    staff.assert_accessible("compose in Dutch").await;

    phone.goto(&format!("{link}?lang=en")).await;
    assert!(phone.source().await.contains("The sender revoked access"));
    phone.assert_accessible("portal revoked").await;
    phone
        .goto(&app.url("/m/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?lang=nl"))
        .await;
    assert!(phone.source().await.contains("niet beschikbaar"));
    phone.assert_accessible("portal unknown link").await;

    // The admin console, every page, with some content on each.
    app.app.set_user_role(SENDER, "admin").await.unwrap();
    let admin = app.app.store.user_by_email(SENDER).await.unwrap().unwrap();
    let mailbox = app
        .app
        .create_mailbox(&admin, "team@zorg.example", "Zorgteam")
        .await
        .unwrap();
    app.app
        .add_mailbox_member(&admin, &mailbox.id, SENDER)
        .await
        .unwrap();
    app.app
        .update_branding(&admin, "#6b1d5c", None, false)
        .await
        .unwrap();
    for (path, marker) in [
        ("/admin/policies", "detection_level"),
        ("/admin/branding", "#6b1d5c"),
        ("/admin/domains", "zorg.example"),
        ("/admin/users", SENDER),
        ("/admin/mailboxes", "Zorgteam"),
        ("/admin/recipients", RECIPIENT),
        ("/admin/subjects?email=jan%40example.nl", "subject-summary"),
        ("/admin/archive", "archive.zip"),
        ("/admin/audit", "intact"),
    ] {
        for lang in ["en", "nl"] {
            let separator = if path.contains('?') { '&' } else { '?' };
            staff
                .goto(&app.url(&format!("{path}{separator}lang={lang}")))
                .await;
            assert!(staff.source().await.contains(marker), "{path}: {marker}");
            staff.assert_accessible(&format!("{path} ({lang})")).await;
        }
    }
    // The helpdesk: the console section, agents' pages, the public form and check page.
    app.app
        .set_helpdesk_address(&admin, "support@zorg.example")
        .await
        .unwrap();
    let customer = app
        .app
        .create_customer(&admin, "Klant BV", "klant.example")
        .await
        .unwrap();
    app.app
        .add_contact(
            &admin,
            &customer.id,
            "piet@klant.example",
            "Piet Jansen",
            zegel_app::ContactRole::General,
            "",
        )
        .await
        .unwrap();
    let ticket = |from: &str, name: &str, body: &str| zegel_app::IncomingTicket {
        org_id: admin.org_id.clone(),
        from: from.into(),
        name: name.into(),
        subject: "Printer".into(),
        body: body.into(),
        authenticated: true,
        channel: "email",
        kind: None,
    };
    let open = app
        .app
        .take_ticket(ticket(
            "piet@klant.example",
            "Piet Jansen",
            "Collega met BSN 111222333 kan niet printen.",
        ))
        .await
        .unwrap();
    let referred = app
        .app
        .take_ticket(ticket(
            "kees@klant.example",
            "Kees",
            "Het netwerk ligt eruit.",
        ))
        .await
        .unwrap();
    for lang in ["en", "nl"] {
        for path in [
            "/admin/helpdesk".to_owned(),
            "/app/tickets".to_owned(),
            format!("/app/tickets/{}", open.ticket_id),
            format!("/app/tickets/{}", referred.ticket_id),
        ] {
            staff.goto(&app.url(&format!("{path}?lang={lang}"))).await;
            staff.assert_accessible(&format!("{path} ({lang})")).await;
        }
        phone
            .goto(&app.url(&format!("/helpdesk/{}/new?lang={lang}", admin.org_id)))
            .await;
        assert!(phone.fits_width().await);
        phone
            .assert_accessible(&format!("ticket form ({lang})"))
            .await;
    }
    phone.fill("#email", "piet.prive@example.org").await;
    phone.fill("#name", "Piet Jansen").await;
    phone.fill("#subject", "Wachtwoord").await;
    phone.fill("#message", "Ik kan niet inloggen.").await;
    phone.submit("main form button").await;
    phone.assert_accessible("ticket form sent").await;
    let check_mail = app.smtp.only_mail_to("piet.prive@example.org");
    let check_link = check_mail
        .text
        .split_whitespace()
        .find(|w| w.contains("/helpdesk/check/"))
        .unwrap()
        .to_owned();
    phone.goto(&check_link).await;
    phone.assert_accessible("ticket check").await;
    // The contact portal: sign in with a code, then the account page.
    let piet = app
        .app
        .store
        .contact_by_email(&admin.org_id, "piet@klant.example")
        .await
        .unwrap()
        .unwrap();
    app.app
        .grant_portal_account(&admin, &piet.id)
        .await
        .unwrap();
    phone
        .goto(&app.url(&format!("/helpdesk/{}/account?lang=en", admin.org_id)))
        .await;
    phone.assert_accessible("contact sign-in").await;
    phone.fill("#email", "piet@klant.example").await;
    phone.submit("form[action$='/code'] button").await;
    phone.assert_accessible("contact code sent").await;
    let code = app
        .smtp
        .received_by("piet@klant.example")
        .last()
        .unwrap()
        .code();
    phone.fill("#code", &code).await;
    phone.submit("form[action$='/sign-in'] button").await;
    assert!(phone.source().await.contains("my-tickets"));
    assert!(phone.fits_width().await);
    phone.assert_accessible("contact account").await;

    staff.goto(&app.url("/app/compose?lang=en")).await;
    assert!(
        staff.source().await.contains("Zorgteam"),
        "send as the mailbox"
    );
    staff
        .assert_accessible("compose with a shared mailbox")
        .await;
    phone.goto(&format!("{link}?lang=en")).await;
    phone
        .assert_accessible("portal with the brand colour")
        .await;

    staff.quit().await;
    phone.quit().await;
}

/// The check above can fail: a page with known faults gets them reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_reports_the_faults_of_a_faulty_page() {
    let browser = Chromium::desktop().await;
    browser
        .goto("data:text/html,<html><body><img src=x><input type=text></body></html>")
        .await;
    let rules: Vec<String> = browser
        .violations()
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    for rule in ["html-has-lang", "image-alt", "label"] {
        assert!(rules.contains(&rule.to_owned()), "{rule} in {rules:?}");
    }
    browser.quit().await;
}

/// The pages outside the main loop: the page where a sender sets the checks for held gateway
/// mail, and the development outbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_held_mail_page_and_the_outbox_pass_axe() {
    let next_hop = crate::support::SmtpSink::start();
    let hop = next_hop.url();
    let app = spawn_app_with(Backend::Sqlite, move |raw| {
        raw.sms_provider = Some("outbox".into());
        raw.gateway_listen = Some("127.0.0.1:0".into());
        raw.gateway_next_hop = Some(hop);
    })
    .await;
    let raw = format!(
        "From: Anne Bakker <{SENDER}>\r\nTo: {RECIPIENT}\r\nSubject: [secure] Dossier\r\n\
         Message-ID: <held-axe@zorg.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nZie dossier.\r\n"
    );
    let reply = app
        .smtp_submit(true, SENDER, &[RECIPIENT], raw.as_bytes())
        .await;
    assert!(reply.starts_with("250"), "{reply}");
    app.run_jobs().await;
    let told = app.smtp.only_mail_to(SENDER);
    let link = told
        .text
        .split_whitespace()
        .find(|w| w.contains("/gateway/held/"))
        .expect("a link to the held mail")
        .to_owned();
    let browser = Chromium::desktop().await;
    for lang in ["en", "nl"] {
        browser.goto(&format!("{link}?lang={lang}")).await;
        assert!(browser.source().await.contains(RECIPIENT));
        browser
            .assert_accessible(&format!("held gateway mail ({lang})"))
            .await;
    }
    browser.goto(&app.url("/dev/outbox")).await;
    assert!(
        browser.source().await.contains("class=\"outbox\""),
        "{}",
        browser.source().await
    );
    browser.assert_accessible("dev outbox").await;
    browser.quit().await;
}
