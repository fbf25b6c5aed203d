//! Helpdesk intake: tickets only from approved contact persons, a code for a known contact
//! writing from elsewhere, referral for anyone else, third-party data removed, agents' work,
//! and the January offboarding with a controllable clock.

use reqwest::StatusCode;
use zegel_app::{Clock, IncomingTicket};

use crate::on_both_backends;
use crate::support::{Backend, Browser, SENDER, TestApp, spawn_app};

on_both_backends!(
    contacts_are_added_at_a_general_contacts_request,
    a_vouched_approved_contact_opens_a_ticket_and_an_agent_answers,
    a_known_contact_from_elsewhere_proves_it_by_a_code,
    unknown_senders_are_referred_and_may_still_be_taken_as_an_incident,
    third_party_personal_data_is_removed_at_intake,
    january_moves_the_tickets_of_contacts_who_left,
    contacts_with_an_account_sign_in_file_tickets_and_add_colleagues,
    ict_contacts_file_technical_tickets_only,
);

const HELPDESK: &str = "support@zorg.example";

/// An administrator who set up the helpdesk with one customer and two contacts.
async fn helpdesk(app: &TestApp) -> (Browser, String, String) {
    app.app.set_user_role(SENDER, "admin").await.unwrap();
    let mut browser = Browser::new().with_language("en");
    app.first_sign_in(&mut browser).await;
    let csrf = browser.get(&app.url("/admin/helpdesk")).await.csrf();
    let page = browser
        .submit(
            &app.url("/admin/helpdesk/address"),
            &[("csrf", &csrf), ("address", HELPDESK)],
        )
        .await;
    assert!(page.contains("Saved."), "{}", page.body);
    browser
        .submit(
            &app.url("/admin/helpdesk/customers"),
            &[
                ("csrf", &csrf),
                ("name", "Klant BV"),
                ("domains", "klant.example"),
            ],
        )
        .await;
    let org = app
        .app
        .store
        .user_by_email(SENDER)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    let customer = app.app.store.customers(&org).await.unwrap().remove(0);
    let contacts = app.url(&format!(
        "/admin/helpdesk/customers/{}/contacts",
        customer.id
    ));
    browser
        .submit(
            &contacts,
            &[
                ("csrf", &csrf),
                ("name", "Piet Jansen"),
                ("email", "piet@klant.example"),
                ("role", "general"),
            ],
        )
        .await;
    let page = browser
        .submit(
            &contacts,
            &[
                ("csrf", &csrf),
                ("name", "Ilse de Boer"),
                ("email", "ilse@klant.example"),
                ("role", "ict"),
                ("requested_by", "piet@klant.example"),
            ],
        )
        .await;
    assert!(page.contains("Ilse de Boer"), "{}", page.body);
    (browser, csrf, org)
}

fn mail(org: &str, from: &str, name: &str, body: &str, vouched: bool) -> IncomingTicket {
    IncomingTicket {
        org_id: org.to_owned(),
        from: from.to_owned(),
        name: name.to_owned(),
        subject: "Printer".to_owned(),
        body: body.to_owned(),
        authenticated: vouched,
        channel: "email",
        kind: None,
    }
}

async fn contacts_are_added_at_a_general_contacts_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf, org) = helpdesk(&app).await;
    let customer = app.app.store.customers(&org).await.unwrap().remove(0);
    let contacts = app.url(&format!(
        "/admin/helpdesk/customers/{}/contacts",
        customer.id
    ));
    // Not at the request of a general contact (Ilse is ICT; nobody named): refused.
    for requested_by in ["", "ilse@klant.example", "stranger@klant.example"] {
        let page = browser
            .post(
                &contacts,
                &[
                    ("csrf", &csrf),
                    ("name", "Kees"),
                    ("email", "kees@klant.example"),
                    ("role", "ict"),
                    ("requested_by", requested_by),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{requested_by}"
        );
    }
    let ilse = app
        .app
        .store
        .contact_by_email(&org, "ilse@klant.example")
        .await
        .unwrap()
        .unwrap();
    let piet = app
        .app
        .store
        .contact_by_email(&org, "piet@klant.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ilse.added_by, format!("contact:{}", piet.id));
    assert_eq!(ilse.role, "ict");
    // The public form exists only while the organisation takes tickets.
    assert_eq!(
        Browser::new()
            .get(&app.url(&format!("/helpdesk/{org}/new")))
            .await
            .status,
        StatusCode::OK
    );
    browser
        .submit(
            &app.url("/admin/helpdesk/address"),
            &[("csrf", &csrf), ("address", "")],
        )
        .await;
    assert_eq!(
        Browser::new()
            .get(&app.url(&format!("/helpdesk/{org}/new")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn a_vouched_approved_contact_opens_a_ticket_and_an_agent_answers(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf, org) = helpdesk(&app).await;
    let outcome = app
        .app
        .take_ticket(mail(
            &org,
            "piet@klant.example",
            "Piet Jansen",
            "De printer doet het niet.",
            true,
        ))
        .await
        .unwrap();
    assert_eq!(outcome.state, "open");
    let ack = app.smtp.only_mail_to("piet@klant.example");
    assert!(
        ack.text.contains("We received your ticket"),
        "{:?}",
        ack.text
    );
    // The same address without the mail server's word: a code to the registered address.
    let unvouched = app
        .app
        .take_ticket(mail(
            &org,
            "piet@klant.example",
            "Piet Jansen",
            "Nog een vraag.",
            false,
        ))
        .await
        .unwrap();
    assert_eq!(unvouched.state, "checking");

    let list = browser.get(&app.url("/app/tickets")).await;
    assert!(
        list.contains("Printer") && list.contains("Klant BV"),
        "{}",
        list.body
    );
    let ticket_url = app.url(&format!("/app/tickets/{}", outcome.ticket_id));
    let page = browser.get(&ticket_url).await;
    assert!(page.contains("De printer doet het niet."));
    assert!(page.contains("Approved contact: piet@klant.example (general)"));
    browser
        .submit(
            &format!("{ticket_url}/reply"),
            &[("csrf", &csrf), ("body", "We komen morgen langs.")],
        )
        .await;
    app.run_jobs().await;
    let notification = app
        .smtp
        .received_by("piet@klant.example")
        .into_iter()
        .find(|m| m.text.contains("/m/"))
        .expect("a secure reply");
    assert!(
        !notification.text.contains("We komen morgen langs."),
        "the reply is on the portal"
    );
    let page = browser.get(&ticket_url).await;
    assert!(page.contains("Waiting for the customer"));
    browser
        .submit(
            &format!("{ticket_url}/status"),
            &[("csrf", &csrf), ("state", "closed")],
        )
        .await;
    assert!(browser.get(&ticket_url).await.contains("Closed"));
}

async fn a_known_contact_from_elsewhere_proves_it_by_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, org) = helpdesk(&app).await;
    let mut person = Browser::new().with_language("en");
    let form_url = app.url(&format!("/helpdesk/{org}/new"));
    let csrf = person.get(&form_url).await.csrf();
    let thanks = person
        .post(
            &form_url,
            &[
                ("csrf", &csrf),
                ("email", "pjansen@prive.example"),
                ("name", "Piet Jansen"),
                ("subject", "Wachtwoord"),
                ("message", "Ik kan niet inloggen."),
            ],
        )
        .await;
    assert!(thanks.contains("we sent a code"), "{}", thanks.body);
    let code = app.smtp.only_mail_to("piet@klant.example").code();
    let link_mail = app.smtp.only_mail_to("pjansen@prive.example");
    let link = link_mail
        .text
        .split_whitespace()
        .find(|w| w.contains("/helpdesk/check/"))
        .unwrap()
        .to_owned();
    assert!(
        !link_mail.text.contains(&code),
        "the code goes only to the registered address"
    );
    let page = person.get(&link).await;
    let csrf = page.csrf();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert!(
        person
            .post(&link, &[("csrf", &csrf), ("code", wrong)])
            .await
            .contains("not right")
    );
    let done = person
        .post(&link, &[("csrf", &csrf), ("code", &code)])
        .await;
    assert!(done.contains("your ticket is confirmed"), "{}", done.body);
    assert!(
        person.get(&link).await.contains("does not work"),
        "the link works once"
    );
    let ticket = app
        .app
        .store
        .tickets_of_org(&org, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(ticket.state, "open");
    let piet = app
        .app
        .store
        .contact_by_email(&org, "piet@klant.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.contact_id.as_deref(), Some(piet.id.as_str()));
}

async fn unknown_senders_are_referred_and_may_still_be_taken_as_an_incident(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf, org) = helpdesk(&app).await;
    let outcome = app
        .app
        .take_ticket(mail(
            &org,
            "kees@klant.example",
            "Kees Bakker",
            "Het netwerk ligt eruit!",
            true,
        ))
        .await
        .unwrap();
    assert_eq!(outcome.state, "referred");
    let referral = app.smtp.only_mail_to("kees@klant.example");
    assert!(
        referral
            .text
            .contains("ask your organisation's administrators")
    );
    for secret in ["Piet", "piet@", "Ilse", "ilse@"] {
        assert!(
            !referral.text.contains(secret),
            "the list stays private: {secret}"
        );
    }
    let ticket_url = app.url(&format!("/app/tickets/{}", outcome.ticket_id));
    let page = browser.get(&ticket_url).await;
    assert!(page.contains("Referred") && page.contains("Not an approved contact."));
    let refused = browser
        .post(
            &format!("{ticket_url}/reply"),
            &[("csrf", &csrf), ("body", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let piet = app
        .app
        .store
        .contact_by_email(&org, "piet@klant.example")
        .await
        .unwrap()
        .unwrap();
    browser
        .submit(
            &format!("{ticket_url}/accept"),
            &[("csrf", &csrf), ("contact_id", &piet.id)],
        )
        .await;
    let page = browser.get(&ticket_url).await;
    assert!(page.contains("In CC: piet@klant.example"), "{}", page.body);
    browser
        .submit(
            &format!("{ticket_url}/reply"),
            &[("csrf", &csrf), ("body", "We kijken ernaar.")],
        )
        .await;
    app.run_jobs().await;
    assert!(
        app.smtp
            .received_by("kees@klant.example")
            .iter()
            .any(|m| m.text.contains("/m/"))
    );
    assert!(
        app.smtp
            .received_by("piet@klant.example")
            .iter()
            .any(|m| m.text.contains("/m/")),
        "the contact in CC"
    );
}

async fn third_party_personal_data_is_removed_at_intake(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, _, org) = helpdesk(&app).await;
    let outcome = app
        .app
        .take_ticket(mail(
            &org,
            "piet@klant.example",
            "Piet Jansen",
            "Mijn collega met BSN 111222333 kan niet inloggen. Bel mij: piet@klant.example.",
            true,
        ))
        .await
        .unwrap();
    assert_eq!(outcome.removed, vec!["BSN".to_owned()]);
    let page = browser
        .get(&app.url(&format!("/app/tickets/{}", outcome.ticket_id)))
        .await;
    assert!(!page.contains("111222333"));
    assert!(page.contains("kan niet inloggen") && page.contains("piet@klant.example"));
    assert!(page.contains("Personal data of others was removed from this ticket at intake (BSN)"));
    let answer = app.smtp.only_mail_to("piet@klant.example");
    assert!(answer.text.contains("send your question again without it"));
    assert!(!answer.text.contains("111222333"));
}

async fn january_moves_the_tickets_of_contacts_who_left(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, csrf, org) = helpdesk(&app).await;
    app.app
        .take_ticket(mail(
            &org,
            "ilse@klant.example",
            "Ilse de Boer",
            "De server is traag.",
            true,
        ))
        .await
        .unwrap();
    let ilse = app
        .app
        .store
        .contact_by_email(&org, "ilse@klant.example")
        .await
        .unwrap()
        .unwrap();
    browser
        .submit(
            &app.url(&format!("/admin/helpdesk/contacts/{}/deactivate", ilse.id)),
            &[("csrf", &csrf)],
        )
        .await;
    // A contact who left is no approved contact any more.
    let after = app
        .app
        .take_ticket(mail(
            &org,
            "ilse@klant.example",
            "Ilse de Boer",
            "Nog iets.",
            true,
        ))
        .await
        .unwrap();
    assert_eq!(after.state, "referred");
    // Not January: nothing happens.
    assert_eq!(app.app.yearly_offboarding().await.unwrap(), None);
    let now = time::OffsetDateTime::from_unix_timestamp(app.clock.now()).unwrap();
    let january = time::Date::from_calendar_date(now.year() + 1, time::Month::January, 10)
        .unwrap()
        .midnight()
        .assume_utc()
        .unix_timestamp();
    app.clock.advance(january - app.clock.now());
    let report = app
        .app
        .yearly_offboarding()
        .await
        .unwrap()
        .expect("runs in January");
    assert_eq!(report.contacts, 1);
    assert_eq!(report.tickets_moved, 2);
    assert!(
        app.app
            .store
            .contact_by_email(&org, "ilse@klant.example")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.app
            .store
            .profile_by_email(&org, "ilse@klant.example")
            .await
            .unwrap()
            .is_none()
    );
    let customer = app.app.store.customers(&org).await.unwrap().remove(0);
    let general = app
        .app
        .store
        .general_profile(&customer.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.app
            .store
            .tickets_of_profile(&general.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        app.app.yearly_offboarding().await.unwrap(),
        None,
        "once a year"
    );
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|e| e.action == "helpdesk.contact_offboarded")
    );
}

/// Signs a contact in on the contact portal with the code from their mail.
async fn contact_sign_in(app: &TestApp, org: &str, email: &str) -> Browser {
    let mut browser = Browser::new().with_language("en");
    let account = app.url(&format!("/helpdesk/{org}/account"));
    let csrf = browser.get(&account).await.csrf();
    let sent = browser
        .post(
            &format!("{account}/code"),
            &[("csrf", &csrf), ("email", email)],
        )
        .await;
    assert!(sent.contains("If this address has an account"));
    let code = app
        .smtp
        .received_by(email)
        .last()
        .expect("a code mail")
        .code();
    let signed = browser
        .post(
            &format!("{account}/sign-in"),
            &[("csrf", &csrf), ("email", email), ("code", &code)],
        )
        .await;
    assert_eq!(
        signed.location.as_deref(),
        Some(format!("/helpdesk/{org}/account").as_str())
    );
    browser
}

async fn contacts_with_an_account_sign_in_file_tickets_and_add_colleagues(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut admin, csrf, org) = helpdesk(&app).await;
    let piet = app
        .app
        .store
        .contact_by_email(&org, "piet@klant.example")
        .await
        .unwrap()
        .unwrap();
    let ilse = app
        .app
        .store
        .contact_by_email(&org, "ilse@klant.example")
        .await
        .unwrap()
        .unwrap();
    admin
        .submit(
            &app.url(&format!("/admin/helpdesk/contacts/{}/account", piet.id)),
            &[("csrf", &csrf)],
        )
        .await;

    // Without an account: the same answer, and no mail.
    let mut stranger = Browser::new().with_language("en");
    let account = app.url(&format!("/helpdesk/{org}/account"));
    let token = stranger.get(&account).await.csrf();
    let answer = stranger
        .post(
            &format!("{account}/code"),
            &[("csrf", &token), ("email", "ilse@klant.example")],
        )
        .await;
    assert!(answer.contains("If this address has an account"));
    assert!(app.smtp.received_by("ilse@klant.example").is_empty());
    let refused = stranger
        .post(
            &format!("{account}/sign-in"),
            &[
                ("csrf", &token),
                ("email", "ilse@klant.example"),
                ("code", "123456"),
            ],
        )
        .await;
    assert!(refused.contains("That did not work"));

    let mut browser = contact_sign_in(&app, &org, "piet@klant.example").await;
    let page = browser.get(&account).await;
    assert!(page.contains("You have no tickets yet."), "{}", page.body);
    let csrf_c = page.csrf();
    browser
        .submit(
            &format!("{account}/tickets"),
            &[
                ("csrf", &csrf_c),
                ("subject", "Scanner"),
                ("message", "De scanner doet het niet."),
            ],
        )
        .await;
    let page = browser.get(&account).await;
    assert!(page.contains("Scanner · Open"), "{}", page.body);
    let page = browser
        .submit(
            &format!("{account}/colleagues"),
            &[
                ("csrf", &csrf_c),
                ("name", "Kees Bakker"),
                ("email", "kees@klant.example"),
                ("role", "ict"),
            ],
        )
        .await;
    assert!(
        page.contains("Your colleague is now a contact person"),
        "{}",
        page.body
    );
    let kees = app
        .app
        .store
        .contact_by_email(&org, "kees@klant.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kees.added_by, format!("contact:{}", piet.id));

    // An ICT contact cannot add colleagues.
    app.app
        .grant_portal_account(
            &app.app.store.user_by_email(SENDER).await.unwrap().unwrap(),
            &ilse.id,
        )
        .await
        .unwrap();
    let mut ilse_browser = contact_sign_in(&app, &org, "ilse@klant.example").await;
    let page = ilse_browser.get(&account).await;
    assert!(!page.contains("Add a colleague"));
    let refused = ilse_browser
        .post(
            &format!("{account}/colleagues"),
            &[
                ("csrf", &page.csrf()),
                ("name", "X"),
                ("email", "x@klant.example"),
                ("role", "general"),
            ],
        )
        .await;
    assert!(refused.contains("only a general contact"));

    // Deactivated: the session ends and no code comes any more.
    admin
        .submit(
            &app.url(&format!("/admin/helpdesk/contacts/{}/deactivate", piet.id)),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(
        browser
            .get(&account)
            .await
            .contains("Sign in for contact persons")
    );
    let mails = app.smtp.received_by("piet@klant.example").len();
    let token = stranger.get(&account).await.csrf();
    stranger
        .post(
            &format!("{account}/code"),
            &[("csrf", &token), ("email", "piet@klant.example")],
        )
        .await;
    assert_eq!(app.smtp.received_by("piet@klant.example").len(), mails);
}

async fn ict_contacts_file_technical_tickets_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, org) = helpdesk(&app).await;
    let order = |from: &str, name: &str| IncomingTicket {
        subject: "Offerte nieuwe laptops".to_owned(),
        ..mail(
            &org,
            from,
            name,
            "Graag een offerte voor tien laptops.",
            true,
        )
    };
    let ilse = app
        .app
        .take_ticket(order("ilse@klant.example", "Ilse de Boer"))
        .await
        .unwrap();
    assert_eq!(ilse.state, "referred");
    let answer = app.smtp.only_mail_to("ilse@klant.example");
    assert!(
        answer
            .text
            .contains("approved by your organisation's general contact persons"),
        "{}",
        answer.text
    );
    let technical = app
        .app
        .take_ticket(mail(
            &org,
            "ilse@klant.example",
            "Ilse de Boer",
            "De server is traag.",
            true,
        ))
        .await
        .unwrap();
    assert_eq!(technical.state, "open");
    let piet = app
        .app
        .take_ticket(order("piet@klant.example", "Piet Jansen"))
        .await
        .unwrap();
    assert_eq!(piet.state, "open");
    let stored = app
        .app
        .store
        .ticket(&piet.ticket_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.kind, "order");
}
