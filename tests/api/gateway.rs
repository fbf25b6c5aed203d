//! The SMTP gateway with real SMTP clients (Python's smtplib, swaks, raw sockets) and a real
//! next-hop SMTP server: what is secured, held or relayed, and what is refused.

use reqwest::{Method, StatusCode};
use serde_json::json;
use std::io::{Read, Write};

use crate::on_both_backends;
use crate::support::{Backend, Browser, SENDER, SmtpSink, TestApp, spawn_app_with};

const RECIPIENT: &str = "jan@client.example";

on_both_backends!(
    marked_mail_from_a_mail_client_becomes_a_secure_message,
    personal_data_for_an_external_recipient_is_secured,
);

/// A server with the gateway on a free port, relaying ordinary mail to `next_hop`.
async fn gateway_app(
    backend: Backend,
    next_hop: &SmtpSink,
    configure: impl FnOnce(&mut zegel_server::RawConfig),
) -> TestApp {
    let hop = next_hop.url();
    spawn_app_with(backend, move |raw| {
        raw.gateway_listen = Some("127.0.0.1:0".into());
        raw.gateway_next_hop = Some(hop);
        configure(raw);
    })
    .await
}

/// Gives the recipient an identity check, so gateway mail to them is not held.
async fn known_recipient(test: &TestApp, email: &str) {
    let (status, body) = test
        .api(
            Method::PUT,
            &format!("/api/v1/recipients/{email}/verification"),
            Some(json!({"method": "email_code"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

fn mail(subject: &str, body: &str, message_id: &str) -> Vec<u8> {
    format!(
        "From: Anne Bakker <{SENDER}>\r\nTo: Jan <{RECIPIENT}>\r\nSubject: {subject}\r\n\
         Message-ID: <{message_id}@zorg.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// A multipart mail with a PDF attached.
fn mail_with_attachment(subject: &str) -> Vec<u8> {
    format!(
        "From: {SENDER}\r\nTo: {RECIPIENT}\r\nSubject: {subject}\r\nMessage-ID: <att-1@zorg.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBeste Jan, zie de bijlage.\r\n\
         --b1\r\nContent-Type: application/pdf; name=\"uitslag.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"uitslag.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         JVBERi0xLjQKJcOkw7zDtsOfCg==\r\n--b1--\r\n"
    )
    .into_bytes()
}

async fn sent_messages(test: &TestApp) -> Vec<serde_json::Value> {
    let (_, list) = test.api(Method::GET, "/api/v1/messages", None).await;
    list.as_array().unwrap().clone()
}

async fn marked_mail_from_a_mail_client_becomes_a_secure_message(backend: Backend) {
    let next_hop = SmtpSink::start();
    let test = gateway_app(backend, &next_hop, |_| {}).await;
    known_recipient(&test, RECIPIENT).await;
    let reply = test
        .smtp_submit(
            true,
            SENDER,
            &[RECIPIENT],
            &mail_with_attachment("[veilig] Uitslag lab"),
        )
        .await;
    assert!(reply.starts_with("250"), "{reply}");
    test.run_jobs().await;

    let notification = test.smtp.only_mail_to(RECIPIENT);
    assert!(notification.text.contains("/m/"), "{notification:?}");
    assert!(
        !notification.text.contains("Uitslag"),
        "no content in the notification"
    );
    let sent = sent_messages(&test).await;
    assert_eq!(sent.len(), 1);
    let detail = test.message(sent[0]["id"].as_str().unwrap()).await;
    assert_eq!(
        detail["subject"], "Uitslag lab",
        "the keyword is removed: {detail}"
    );
    assert_eq!(
        detail["body"].as_str().unwrap().trim(),
        "Beste Jan, zie de bijlage."
    );
    assert_eq!(
        detail["attachments"][0]["file_name"], "uitslag.pdf",
        "{detail}"
    );
    assert_eq!(detail["attachments"][0]["content_type"], "application/pdf");
    assert!(
        next_hop.received().is_empty(),
        "nothing went out unprotected"
    );
    let actions: Vec<String> = test
        .audit_events()
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"gateway.accepted".to_owned())
            && actions.contains(&"gateway.secured".to_owned())
    );
}

async fn personal_data_for_an_external_recipient_is_secured(backend: Backend) {
    let next_hop = SmtpSink::start();
    let test = gateway_app(backend, &next_hop, |_| {}).await;
    known_recipient(&test, RECIPIENT).await;
    let body = "Beste Jan, het BSN van uw moeder is 111222333.";
    let reply = test
        .smtp_submit(true, SENDER, &[RECIPIENT], &mail("Aanvraag", body, "pd-1"))
        .await;
    assert!(reply.starts_with("250"), "{reply}");
    test.run_jobs().await;
    assert_eq!(sent_messages(&test).await.len(), 1);
    assert!(next_hop.received().is_empty());
    assert!(!test.smtp.only_mail_to(RECIPIENT).text.contains("111222333"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ordinary_mail_is_relayed_unchanged_to_the_next_hop() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Sqlite, &next_hop, |_| {}).await;
    let raw = mail("Agenda overleg", "Tot donderdag!", "plain-1");
    let reply = test.smtp_submit(true, SENDER, &[RECIPIENT], &raw).await;
    assert!(reply.starts_with("250"), "{reply}");
    test.run_jobs().await;
    let relayed = next_hop.received();
    assert_eq!(relayed.len(), 1);
    assert_eq!(relayed[0].subject, "Agenda overleg");
    assert_eq!(relayed[0].message_id, "plain-1@zorg.example");
    assert_eq!(relayed[0].text.trim(), "Tot donderdag!");
    assert!(sent_messages(&test).await.is_empty());
    assert!(test.smtp.received_by(RECIPIENT).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recipient_without_a_check_holds_the_message_until_one_is_set() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Sqlite, &next_hop, |_| {}).await;
    let reply = test
        .smtp_submit(
            true,
            SENDER,
            &[RECIPIENT],
            &mail("[secure] Dossier", "Zie dossier.", "held-1"),
        )
        .await;
    assert!(reply.starts_with("250"), "{reply}");
    test.run_jobs().await;
    assert!(
        test.smtp.received_by(RECIPIENT).is_empty(),
        "held, not sent"
    );
    assert!(
        next_hop.received().is_empty(),
        "and never relayed in the clear"
    );
    let told = test.smtp.only_mail_to(SENDER);
    assert!(told.text.contains(RECIPIENT), "{told:?}");
    assert!(
        !told.text.contains("Dossier"),
        "the sender's mail names no content"
    );
    let start = told
        .text
        .find("/gateway/held/")
        .expect("a link to set the check");
    let begin = told.text[..start].rfind("http").unwrap();
    let link = told.text[begin..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();

    // The sender opens the link, picks an access code that is too short, then a good one.
    let mut browser = Browser::new();
    let page = browser.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains(RECIPIENT), "{}", page.body);
    let form = |code: &'static str| {
        vec![
            ("email_0", RECIPIENT),
            ("method_0", "access_code"),
            ("code_0", code),
        ]
    };
    let refused = browser.post(&link, &form("kort")).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.contains("at least 8"), "{}", refused.body);
    test.run_jobs().await;
    assert!(
        test.smtp.received_by(RECIPIENT).is_empty(),
        "nothing set, nothing sent"
    );
    let saved = browser.post(&link, &form("zomer-2026-blauw")).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

    test.run_jobs().await;
    assert_eq!(
        test.smtp.received_by(RECIPIENT).len(),
        1,
        "sent once the check is set"
    );
    assert_eq!(
        test.smtp.received_by(SENDER).len(),
        1,
        "the sender was told once"
    );
    let sent = sent_messages(&test).await;
    assert_eq!(
        sent[0]["recipients"][0]["verification_method"],
        "access_code"
    );
    assert_eq!(
        browser.get(&link).await.status,
        StatusCode::NOT_FOUND,
        "the link has done its work"
    );
    let forged = link.rsplit_once('/').unwrap().0.to_owned() + "/AAAA";
    assert_eq!(browser.get(&forged).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_handed_over_twice_and_a_restart_give_one_secure_message() {
    let next_hop = SmtpSink::start();
    let mut test = gateway_app(Backend::Sqlite, &next_hop, |_| {}).await;
    known_recipient(&test, RECIPIENT).await;
    let raw = mail("[veilig] Uitslag", "Goed nieuws.", "twice-1");
    assert!(
        test.smtp_submit(true, SENDER, &[RECIPIENT], &raw)
            .await
            .starts_with("250")
    );
    // The gateway goes down right after its 250, before anything was processed.
    test.restart().await.unwrap();
    let again = test.smtp_submit(true, SENDER, &[RECIPIENT], &raw).await;
    assert!(again.starts_with("250"), "a retry is acknowledged: {again}");
    test.run_jobs().await;
    test.run_jobs().await;
    assert_eq!(sent_messages(&test).await.len(), 1);
    assert_eq!(test.smtp.received_by(RECIPIENT).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_an_open_relay() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Sqlite, &next_hop, |_| {}).await;
    let raw = mail("Hallo", "x", "relay-1");
    let anonymous = test.smtp_submit(false, SENDER, &[RECIPIENT], &raw).await;
    assert!(anonymous.starts_with("530"), "{anonymous}");
    let spoofed = test
        .smtp_submit(true, "ceo@zorg.example", &[RECIPIENT], &raw)
        .await;
    assert!(spoofed.starts_with("553"), "{spoofed}");

    let mut session = RawSession::open(test.gateway_port());
    session.send("EHLO client.example\r\n");
    let bad = base64(&format!("\0{SENDER}\0wrong-token"));
    for _ in 0..2 {
        assert!(
            session
                .send(&format!("AUTH PLAIN {bad}\r\n"))
                .starts_with("535")
        );
    }
    assert!(
        session
            .send(&format!("AUTH PLAIN {bad}\r\n"))
            .starts_with("421"),
        "closed after three tries"
    );
    assert!(next_hop.received().is_empty());
    assert!(sent_messages(&test).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organisations_mail_server_relays_only_for_its_own_staff() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Sqlite, &next_hop, |raw| {
        raw.gateway_relay_peers = Some("127.0.0.1".into());
    })
    .await;
    let stranger = test
        .smtp_submit(
            false,
            "someone@elsewhere.example",
            &[RECIPIENT],
            &mail("x", "y", "r-1"),
        )
        .await;
    assert!(stranger.starts_with("550"), "{stranger}");
    let staff = test
        .smtp_submit(
            false,
            SENDER,
            &[RECIPIENT],
            &mail("Agenda", "Tot dan.", "r-2"),
        )
        .await;
    assert!(staff.starts_with("250"), "{staff}");
    test.run_jobs().await;
    assert_eq!(next_hop.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smuggling_bare_line_endings_and_oversized_mail_are_refused() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Sqlite, &next_hop, |raw| {
        raw.gateway_max_message_bytes = Some(10_000);
    })
    .await;
    let mut session = RawSession::open(test.gateway_port());
    let ehlo = session.send("EHLO client.example\r\n");
    assert!(ehlo.contains("SIZE 10000"), "{ehlo}");
    let login = base64(&format!("\0{SENDER}\0{}", test.token));
    assert!(
        session
            .send(&format!("AUTH PLAIN {login}\r\n"))
            .starts_with("235")
    );

    // A second message hidden behind "<LF>.<CR><LF>", which some servers take as the end.
    session.begin_message(SENDER, RECIPIENT);
    let smuggled = format!(
        "Subject: hi\r\n\r\nfirst\n.\r\nMAIL FROM:<{SENDER}>\r\nRCPT TO:<victim@elsewhere.example>\r\nDATA\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\n"
    );
    let refused = session.send(&smuggled);
    assert!(refused.starts_with("550 5.6.0"), "{refused}");

    assert!(
        session
            .send(&format!("MAIL FROM:<{SENDER}> SIZE=20000\r\n"))
            .starts_with("552")
    );
    session.begin_message(SENDER, RECIPIENT);
    let big = format!(
        "Subject: big\r\n\r\n{}\r\n.\r\n",
        "0123456789\r\n".repeat(2000)
    );
    assert!(session.send(&big).starts_with("552"));
    assert!(session.send("QUIT\r\n").starts_with("221"));

    test.run_jobs().await;
    let user = test.app.store.user_by_email(SENDER).await.unwrap().unwrap();
    let stored = test
        .app
        .store
        .gateway_messages_of_sender(&user.id)
        .await
        .unwrap();
    assert!(stored.is_empty(), "nothing was taken in");
    assert!(
        next_hop.received().is_empty()
            && test.smtp.received_by("victim@elsewhere.example").is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_with_swaks_and_no_commands_injected_before_the_handshake() {
    let next_hop = SmtpSink::start();
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = (certs.path().join("cert.pem"), certs.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success());
    let (cert_path, key_path) = (cert.display().to_string(), key.display().to_string());
    let test = gateway_app(Backend::Sqlite, &next_hop, move |raw| {
        raw.gateway_tls_cert = Some(cert_path);
        raw.gateway_tls_key = Some(key_path);
    })
    .await;
    known_recipient(&test, RECIPIENT).await;

    let swaks = tokio::process::Command::new("swaks")
        .args([
            "--server",
            "127.0.0.1",
            "--port",
            &test.gateway_port().to_string(),
        ])
        .args([
            "--tls",
            "--auth",
            "PLAIN",
            "--auth-user",
            SENDER,
            "--auth-password",
            &test.token,
        ])
        .args(["--from", SENDER, "--to", RECIPIENT])
        .args([
            "--header",
            "Subject: [veilig] Via swaks",
            "--body",
            "Vertrouwelijk.",
        ])
        .output()
        .await
        .expect("swaks (Debian package swaks) is needed for this test");
    let transcript = String::from_utf8_lossy(&swaks.stdout);
    assert!(swaks.status.success(), "{transcript}");
    assert!(
        transcript.contains("<~  250 2.0.0 Message accepted"),
        "{transcript}"
    );
    test.run_jobs().await;
    assert_eq!(test.smtp.received_by(RECIPIENT).len(), 1);

    // A NOOP sent in the clear right behind STARTTLS must not be answered inside TLS.
    let injected = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(STARTTLS_INJECTION)
        .arg(test.gateway_port().to_string())
        .output()
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&injected.stdout);
    assert!(
        answer.starts_with("250-localhost"),
        "the first answer inside TLS is EHLO's: {answer}"
    );
}

/// Sends STARTTLS and NOOP in one packet, then EHLO inside TLS; prints the first TLS reply.
const STARTTLS_INJECTION: &str = r#"
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
f.readline()
s.sendall(b"EHLO x\r\n")
while not f.readline().startswith(b"250 "):
    pass
s.sendall(b"STARTTLS\r\nNOOP\r\n")
f.readline()
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
t = context.wrap_socket(s, server_hostname="localhost")
t.sendall(b"EHLO x\r\n")
print(t.recv(4096).decode())
"#;

/// A plain SMTP conversation, one command and reply at a time.
struct RawSession {
    stream: std::net::TcpStream,
}

impl RawSession {
    fn open(port: u16) -> Self {
        let mut session = Self {
            stream: std::net::TcpStream::connect(("127.0.0.1", port)).unwrap(),
        };
        session
            .stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        assert!(session.read_reply().starts_with("220"));
        session
    }

    /// MAIL FROM, RCPT TO and DATA, each accepted.
    fn begin_message(&mut self, from: &str, to: &str) {
        assert!(
            self.send(&format!("MAIL FROM:<{from}>\r\n"))
                .starts_with("250")
        );
        assert!(self.send(&format!("RCPT TO:<{to}>\r\n")).starts_with("250"));
        assert!(self.send("DATA\r\n").starts_with("354"));
    }

    /// Sends `text` and returns the whole reply (all its lines).
    fn send(&mut self, text: &str) -> String {
        self.stream.write_all(text.as_bytes()).unwrap();
        self.read_reply()
    }

    fn read_reply(&mut self) -> String {
        let mut reply = String::new();
        let mut byte = [0u8; 1];
        loop {
            match self.stream.read(&mut byte) {
                Ok(1) => reply.push(byte[0] as char),
                _ => return reply,
            }
            // A reply ends with a line whose fourth character is a space.
            if reply.ends_with("\r\n") {
                let last = reply.trim_end().rsplit("\r\n").next().unwrap_or_default();
                if last.len() >= 4 && last.as_bytes()[3] == b' ' || last.len() == 3 {
                    return reply;
                }
            }
        }
    }
}

fn base64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_is_reduced_to_text_and_headers_cannot_add_recipients() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Sqlite, &next_hop, |_| {}).await;
    known_recipient(&test, RECIPIENT).await;
    // An encoded CR LF in the subject tries to add a header; a Bcc header names someone the
    // envelope does not; the body is HTML with a script.
    let raw = format!(
        "From: {SENDER}\r\nTo: {RECIPIENT}\r\nBcc: evil@elsewhere.example\r\n\
         Subject: =?utf-8?q?[veilig]_Verslag=0D=0ABcc:_evil2@elsewhere.example?=\r\n\
         Message-ID: <html-1@zorg.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><p>Beste <b>Jan</b>,</p><script>alert(1)</script><p>zie verslag.</p></body></html>\r\n"
    );
    let reply = test
        .smtp_submit(true, SENDER, &[RECIPIENT], raw.as_bytes())
        .await;
    assert!(reply.starts_with("250"), "{reply}");
    test.run_jobs().await;
    let sent = sent_messages(&test).await;
    assert_eq!(sent.len(), 1);
    let detail = test.message(sent[0]["id"].as_str().unwrap()).await;
    let body = detail["body"].as_str().unwrap();
    assert!(
        body.contains("Beste Jan") && body.contains("zie verslag."),
        "{body}"
    );
    assert!(
        !body.contains('<') && !body.contains("alert"),
        "no markup or script: {body}"
    );
    assert_eq!(
        detail["recipients"].as_array().unwrap().len(),
        1,
        "{detail}"
    );
    for evil in ["evil@elsewhere.example", "evil2@elsewhere.example"] {
        assert!(test.smtp.received_by(evil).is_empty());
    }
    assert!(next_hop.received().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_limit_are_told_to_come_back() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Sqlite, &next_hop, |raw| {
        raw.gateway_max_connections = Some(2);
    })
    .await;
    let first = RawSession::open(test.gateway_port());
    let _second = RawSession::open(test.gateway_port());
    let mut third = std::net::TcpStream::connect(("127.0.0.1", test.gateway_port())).unwrap();
    let mut answer = String::new();
    third.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("421"), "{answer}");
    drop(first);
    // The slot comes free once the first connection has ended.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mut again = std::net::TcpStream::connect(("127.0.0.1", test.gateway_port())).unwrap();
        let mut greeting = [0u8; 3];
        again.read_exact(&mut greeting).unwrap();
        if &greeting == b"220" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot never came free"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Mail from outside for the helpdesk address, handed over by the organisation's mail
/// server, becomes a ticket; only that server's DMARC pass makes the sender an approved
/// contact; mail for anyone else from outside is still refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helpdesk_mail_from_the_organisations_server_becomes_a_ticket() {
    let next_hop = SmtpSink::start();
    let test = gateway_app(Backend::Postgres, &next_hop, |raw| {
        raw.gateway_relay_peers = Some("127.0.0.1".into());
        raw.gateway_authserv_id = Some("mx.zorg.example".into());
    })
    .await;
    test.app.set_user_role(SENDER, "admin").await.unwrap();
    let admin = test.app.store.user_by_email(SENDER).await.unwrap().unwrap();
    test.app
        .set_helpdesk_address(&admin, "support@zorg.example")
        .await
        .unwrap();
    let customer = test
        .app
        .create_customer(&admin, "Klant BV", "klant.example")
        .await
        .unwrap();
    test.app
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
    let ticket_mail = |results: &str, id: &str| {
        format!(
            "Authentication-Results: {results}\r\nFrom: Piet Jansen <piet@klant.example>\r\n\
             To: support@zorg.example\r\nSubject: Printer\r\nMessage-ID: <{id}@klant.example>\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDe printer doet het niet.\r\n"
        )
        .into_bytes()
    };
    let vouched = test
        .smtp_submit(
            false,
            "piet@klant.example",
            &["support@zorg.example"],
            &ticket_mail("mx.zorg.example; spf=pass smtp.mailfrom=klant.example; dmarc=pass header.from=klant.example", "t-1"),
        )
        .await;
    assert!(vouched.starts_with("250"), "{vouched}");
    // The same mail with a header the sender wrote (another authserv-id) is not vouched for.
    let forged = test
        .smtp_submit(
            false,
            "piet@klant.example",
            &["support@zorg.example"],
            &ticket_mail(
                "mx.attacker.example; dmarc=pass header.from=klant.example",
                "t-2",
            ),
        )
        .await;
    assert!(forged.starts_with("250"), "{forged}");
    let org = admin.org_id.clone();
    let mut states: Vec<String> = test
        .app
        .store
        .tickets_of_org(&org, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.state)
        .collect();
    states.sort();
    assert_eq!(states, vec!["checking", "open"]);
    // Not an open relay: outside mail for anyone but the helpdesk is refused.
    let relay = test
        .smtp_submit(
            false,
            "piet@klant.example",
            &[RECIPIENT],
            &mail("x", "y", "t-3"),
        )
        .await;
    assert!(relay.starts_with("550"), "{relay}");
    assert!(next_hop.received().is_empty());
}
