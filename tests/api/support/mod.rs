//! `spawn_app`: the real Zegel server on a free port with a fresh database (SQLite file or a
//! new PostgreSQL database), a real SMTP server, a controllable clock and a worker that the
//! test runs when it wants jobs done.

pub mod browser;
pub mod chromium;
mod python_server;
pub mod s3;
pub mod smtp;
pub mod staff;

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use zegel_app::{App, ManualClock, NewOrganisationRequest, Worker};
use zegel_server::{RawConfig, Running};

pub use browser::{Browser, Page};
pub use smtp::SmtpSink;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend from `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::Backend::Postgres).await
                }
            }
        )*
    };
}

pub const SENDER: &str = "anne@zorg.example";

pub struct TestApp {
    pub base_url: String,
    pub app: App,
    pub clock: ManualClock,
    pub worker: Worker,
    pub smtp: SmtpSink,
    pub token: String,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
    pub backend: Backend,
    config: zegel_server::Config,
    http: reqwest::Client,
    /// The staff sender's TOTP secret once set up through the web app.
    pub totp_secret: std::sync::Mutex<Option<Vec<u8>>>,
    running: Option<Running>,
}

/// The server for PostgreSQL tests; each test gets its own new database on it.
fn postgres_admin_url() -> String {
    std::env::var("ZEGEL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn fresh_database(backend: Backend, data_dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", data_dir.join("zegel.db").display()),
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = postgres_admin_url();
            let mut connection = sqlx::PgConnection::connect(&admin).await.expect(
                "PostgreSQL on 127.0.0.1:5432 (or ZEGEL_TEST_POSTGRES_URL) is needed for the tests",
            );
            let name = format!("zegel_test_{}", uuid::Uuid::new_v4().simple());
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut connection)
                .await
                .unwrap();
            let base = admin.rsplit_once('/').unwrap().0;
            format!("{base}/{name}")
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// As [`spawn_app`], with settings changed first (for example an SMS provider).
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut RawConfig)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, data_dir.path()).await;
    let smtp = SmtpSink::start();
    // Bound here and handed over, so no other test can take the port in between.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base_url = format!("http://127.0.0.1:{port}");
    let mut raw = RawConfig {
        listen: Some(format!("127.0.0.1:{port}")),
        data_dir: Some(data_dir.path().display().to_string()),
        database_url: Some(database_url.clone()),
        public_url: Some(base_url.clone()),
        smtp_url: Some(smtp.url()),
        mail_from: Some("Zegel <zegel@zorg.example>".into()),
        embedded_worker: Some(false),
        ..RawConfig::default()
    };
    configure(&mut raw);
    let config = zegel_server::Config::from_raw(raw).unwrap();
    let clock = ManualClock::new(now());
    let running = zegel_server::start_on(listener, &config, Arc::new(clock.clone()))
        .await
        .unwrap();
    let app = running.app.clone();
    app.create_organisation(NewOrganisationRequest {
        max_expiry_days: 30,
        ..NewOrganisationRequest::named("Zorg & Welzijn", &["zorg.example"])
    })
    .await
    .unwrap();
    app.create_user(
        "Zorg & Welzijn",
        SENDER,
        "Anne Bakker",
        zegel_app::Language::En,
    )
    .await
    .unwrap();
    let token = app
        .create_api_token(SENDER, "tests")
        .await
        .unwrap()
        .expose()
        .to_owned();
    TestApp {
        base_url,
        worker: Worker::new(app.clone()),
        app,
        clock,
        smtp,
        token,
        data_dir,
        database_url,
        backend,
        config,
        http: reqwest::Client::new(),
        totp_secret: std::sync::Mutex::new(None),
        running: Some(running),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl TestApp {
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The port the SMTP gateway listens on (the test must have configured one).
    pub fn gateway_port(&self) -> u16 {
        self.running
            .as_ref()
            .and_then(|r| r.gateway_address)
            .expect("a gateway in this test's configuration")
            .port()
    }

    /// Hands `raw` to the gateway with Python's smtplib, logged in as the sender with the
    /// API token (`login: false`: without AUTH). Returns the final reply, e.g. `250 accepted`.
    pub async fn smtp_submit(&self, login: bool, from: &str, to: &[&str], raw: &[u8]) -> String {
        use tokio::io::AsyncWriteExt;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp_client.py");
        let (user, password) = if login {
            (SENDER, self.token.as_str())
        } else {
            ("-", "-")
        };
        let mut child = tokio::process::Command::new("python3")
            .args([
                script,
                &self.gateway_port().to_string(),
                user,
                password,
                from,
            ])
            .arg(to.join(","))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(raw).await.unwrap();
        drop(stdin);
        let output = child.wait_with_output().await.unwrap();
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// A request to the API with the sender's token, for what [`TestApp::api`] cannot say
    /// (headers, streamed bodies).
    pub fn authed(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
    }

    /// A new draft's id.
    pub async fn draft(&self) -> String {
        let (status, draft) = self
            .api(reqwest::Method::POST, "/api/v1/drafts", None)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        draft["id"].as_str().unwrap().to_owned()
    }

    /// Announces a file in a draft; returns the answer.
    pub async fn announce(&self, draft: &str, name: &str, size: usize) -> (StatusCode, Value) {
        self.api(
            reqwest::Method::POST,
            &format!("/api/v1/drafts/{draft}/attachments"),
            Some(json!({"file_name": name, "size": size, "content_type": "application/pdf"})),
        )
        .await
    }

    /// Sends bytes of an upload starting at `offset`; returns the answer.
    pub async fn patch_upload(&self, id: &str, offset: u64, bytes: Vec<u8>) -> (StatusCode, Value) {
        let response = self
            .authed(reqwest::Method::PATCH, &format!("/api/v1/uploads/{id}"))
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Uploads a whole file into a draft in one request; returns its id.
    pub async fn upload(&self, draft: &str, name: &str, bytes: &[u8]) -> String {
        let (status, announced) = self.announce(draft, name, bytes.len()).await;
        assert_eq!(status, StatusCode::CREATED, "{announced}");
        let id = announced["id"].as_str().unwrap().to_owned();
        let (status, done) = self.patch_upload(&id, 0, bytes.to_vec()).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["complete"], true, "{done}");
        id
    }

    /// Sends a message through the API and fails the test unless it is accepted.
    pub async fn send(&self, body: Value) -> Value {
        let (status, sent) = self
            .api(reqwest::Method::POST, "/api/v1/messages", Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        sent
    }

    /// A simple message to one external recipient verified by e-mail code.
    pub async fn send_simple(&self, to: &str, subject: &str, body: &str) -> Value {
        self.send(json!({"subject": subject, "body": body, "to": [{"email": to}]}))
            .await
    }

    pub async fn message(&self, id: &str) -> Value {
        let (status, detail) = self
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/messages/{id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        detail
    }

    /// The audit chain of the sender's organisation.
    pub async fn audit_events(&self) -> Vec<zegel_store::AuditEvent> {
        let org = self
            .app
            .store
            .user_by_email(SENDER)
            .await
            .unwrap()
            .unwrap()
            .org_id;
        self.app.store.audit_events(&org).await.unwrap()
    }

    /// Runs every due job, as the worker would.
    pub async fn run_jobs(&self) -> usize {
        self.worker.run_due_jobs().await.unwrap()
    }

    /// Sends, delivers the notification and returns the link it carries.
    pub async fn send_and_notify(&self, to: &str, subject: &str, body: &str) -> (Value, String) {
        let sent = self.send_simple(to, subject, body).await;
        self.run_jobs().await;
        let link = self.smtp.only_mail_to(to).portal_link();
        (sent, link)
    }

    /// Verifies with an e-mail code through the portal; the browser then holds a session.
    pub async fn verify_by_email(&self, browser: &mut Browser, link: &str, to: &str) -> Page {
        let landing = browser.get(link).await;
        let before = self.smtp.received_by(to).len();
        browser
            .post(&format!("{link}/code"), &[("csrf", &landing.csrf())])
            .await;
        self.run_jobs().await;
        let mails = self.smtp.received_by(to);
        assert_eq!(mails.len(), before + 1, "one code mail expected");
        let code = mails.last().unwrap().code();
        let page = browser
            .submit(
                &format!("{link}/verify"),
                &[("csrf", &landing.csrf()), ("code", &code)],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page
    }

    /// Stops the server and starts it again on the same data, as after a restart.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
        // The port was free a moment ago; a client socket of a parallel test may hold it
        // briefly, so binding is tried again for a few seconds.
        let mut tries = 0;
        let running = loop {
            match zegel_server::start(&self.config, Arc::new(self.clock.clone())).await {
                Err(error) if tries < 50 && error.to_string().contains("in use") => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                other => break other?,
            }
        };
        self.app = running.app.clone();
        self.worker = Worker::new(self.app.clone());
        self.running = Some(running);
        Ok(())
    }
}
