//! Debian's chromium, headless, driven through chromedriver with fantoccini; and axe-core
//! (from npm, `tests/browser/node_modules`) run in the same browser on a page.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Chromium {
    pub client: Client,
    pub downloads: tempfile::TempDir,
    driver: Child,
    _profile: tempfile::TempDir,
}

const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/browser/node_modules/axe-core/axe.min.js"
);

impl Chromium {
    /// A desktop browser window.
    pub async fn desktop() -> Self {
        Self::start(None).await
    }

    /// A phone 320 CSS pixels wide (Chrome's device emulation), as a recipient often uses.
    pub async fn phone() -> Self {
        Self::start(Some(320)).await
    }

    async fn start(phone_width: Option<u32>) -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver (Debian package chromium-driver) is needed for the browser tests",
            );
        let profile = tempfile::tempdir().unwrap();
        let downloads = tempfile::tempdir().unwrap();
        // The flags the machine's notes give for a closed network, and a fresh profile.
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": args,
            "prefs": {
                "download.default_directory": downloads.path().display().to_string(),
                "download.prompt_for_download": false,
            },
        });
        if let Some(width) = phone_width {
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": 640, "pixelRatio": 2.0}});
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        downloads,
                        driver,
                        _profile: profile,
                    };
                }
                Err(error) => last_error = Some(error.to_string()),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromium did not start: {last_error:?}");
    }

    /// Ends the session, which closes chromium.
    pub async fn quit(self) {
        self.client.clone().close().await.unwrap();
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks a link or submit button and waits until the next page has replaced this one.
    pub async fn submit(&self, css: &str) {
        let old_page = self.client.find(Locator::Css("html")).await.unwrap();
        self.click(css).await;
        for _ in 0..200 {
            // The old document's element goes stale once the new page is there.
            if old_page.tag_name().await.is_err() {
                self.client
                    .wait()
                    .for_element(Locator::Css("body"))
                    .await
                    .unwrap();
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{css}: no new page after the click");
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    pub async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    /// Runs axe-core on the page and fails with every WCAG 2.2 A/AA violation it finds.
    pub async fn assert_accessible(&self, page: &str) {
        assert_eq!(
            self.violations().await,
            Value::Array(vec![]),
            "{page}: axe found WCAG violations"
        );
    }

    /// axe-core's WCAG 2.2 A/AA violations on the page: rule, help text and elements.
    pub async fn violations(&self) -> Value {
        let axe = std::fs::read_to_string(AXE)
            .expect("axe-core: run `npm ci --prefix tests/browser` (scripts/test does)");
        self.client.execute(&axe, vec![]).await.unwrap();
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
              .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help,
                  nodes: v.nodes.map(n => n.target.join(' ')) }))))
              .catch(e => done([{ id: 'axe-error', help: String(e), nodes: [] }]));";
        self.client.execute_async(script, vec![]).await.unwrap()
    }

    /// Whether the page fits a viewport of its width: nothing sticks out sideways.
    pub async fn fits_width(&self) -> bool {
        let answer = self
            .client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        answer == Value::Bool(true)
    }

    pub async fn viewport_width(&self) -> i64 {
        self.client
            .execute("return window.innerWidth;", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap()
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
