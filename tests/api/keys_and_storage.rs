//! What lands on disk: no plaintext content anywhere, a key file only the owner can read, and
//! no start without the key an existing database was made with.

use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Browser, spawn_app};

on_both_backends!(no_plaintext_content_reaches_the_database_or_data_folder);

const CANARY_SUBJECT: &str = "CANARY-SUBJECT-7f3a9c";
const CANARY_BODY: &str = "CANARY-BODY-b81e44 with BSN 111222333";
const CANARY_REPLY: &str = "CANARY-REPLY-0c5d21";

/// Every byte the database holds: its files for SQLite, a full dump for PostgreSQL.
fn database_bytes(app: &crate::support::TestApp) -> Vec<u8> {
    match app.backend {
        Backend::Sqlite => files_under(app.data_dir.path()),
        Backend::Postgres => {
            let dump = std::process::Command::new("pg_dump")
                .args(["--data-only", &app.database_url])
                .output()
                .expect("pg_dump is needed to scan the PostgreSQL database");
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            assert!(dump.stdout.len() > 1000, "the dump holds the data");
            dump.stdout
        }
    }
}

fn files_under(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            bytes.extend(files_under(&path));
        } else {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

async fn no_plaintext_content_reaches_the_database_or_data_folder(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "l@example.nl";
    let sent = app
        .send(json!({"subject": CANARY_SUBJECT, "body": CANARY_BODY, "to": [{"email": to}]}))
        .await;
    app.run_jobs().await;
    let link = app.smtp.only_mail_to(to).portal_link();
    let mut browser = Browser::new();
    let page = app.verify_by_email(&mut browser, &link, to).await;
    assert!(page.contains(CANARY_SUBJECT) && page.contains(CANARY_BODY));
    browser
        .submit(
            &format!("{link}/reply"),
            &[("csrf", &page.csrf()), ("body", CANARY_REPLY)],
        )
        .await;
    // The sender can read it all back: the content exists, only encrypted.
    let detail = app.message(sent["id"].as_str().unwrap()).await;
    assert_eq!(detail["replies"][0]["body"], CANARY_REPLY);

    let stored = database_bytes(&app);
    let data_folder = files_under(app.data_dir.path());
    for canary in [
        CANARY_SUBJECT,
        "CANARY-BODY-b81e44",
        "111222333",
        CANARY_REPLY,
    ] {
        assert!(!contains(&stored, canary), "{canary} found in the database");
        assert!(
            !contains(&data_folder, canary),
            "{canary} found in the data folder"
        );
    }
    // The recipient's notification carried none of it either.
    for raw in app.smtp.raw().iter().filter(|raw| contains(raw, to)) {
        assert!(
            !contains(raw, "CANARY"),
            "content leaked into a mail to the recipient"
        );
    }
}

#[tokio::test]
async fn the_key_file_is_private_and_required_for_an_existing_database() {
    let mut app = spawn_app(Backend::Sqlite).await;
    let key_file = app.data_dir.path().join("keys");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&key_file).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);

    // With the key, a restart reads the old message; without it, the server refuses to start.
    let (_, link) = app
        .send_and_notify("m@example.nl", "S", "Na herstart")
        .await;
    app.restart().await.unwrap();
    let mut browser = Browser::new();
    let page = app
        .verify_by_email(&mut browser, &link, "m@example.nl")
        .await;
    assert!(page.contains("Na herstart"));

    std::fs::remove_file(&key_file).unwrap();
    let error = format!(
        "{:#}",
        app.restart().await.expect_err("started without its key")
    );
    assert!(
        error.contains("key file") && error.contains("missing"),
        "{error}"
    );
    assert!(
        !key_file.exists(),
        "no new key was written in place of the missing one"
    );

    // Another installation's key is refused too.
    std::fs::write(&key_file, zegel_crypto_keyring_text()).unwrap();
    let error = format!(
        "{:#}",
        app.restart().await.expect_err("started with a foreign key")
    );
    assert!(
        error.contains("does not belong to this database"),
        "{error}"
    );
}

fn zegel_crypto_keyring_text() -> String {
    "v1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n".to_owned()
}
