//! Signing a staff member in to the web app the way a person does: password, then the
//! authenticator set-up (or a code), with TOTP codes computed from the secret on the page.

use zegel_app::Clock;
use zegel_crypto::{TotpSecret, totp_code_at};

use super::{Browser, Page, SENDER, TestApp};

pub const PASSWORD: &str = "correct horse battery staple";

/// The TOTP key shown on the set-up page.
pub fn secret_on(page: &Page) -> TotpSecret {
    let marker = r#"id="secret">"#;
    let start = page
        .body
        .find(marker)
        .expect("the set-up page shows the key")
        + marker.len();
    let text = page.body[start..].split('<').next().unwrap();
    TotpSecret::from_base32(text).expect("a base32 key")
}

/// The recovery codes shown once after set-up.
pub fn recovery_codes_on(page: &Page) -> Vec<String> {
    page.body
        .split("<li><code>")
        .skip(1)
        .map(|part| part.split('<').next().unwrap().to_owned())
        .collect()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn totp(&self, secret: &TotpSecret) -> String {
        totp_code_at(secret, self.clock.now() as u64)
    }

    /// Posts the sign-in form; the answer (a redirect on success) as it comes.
    pub async fn password_step(&self, browser: &mut Browser, password: &str) -> Page {
        let csrf = browser.get(&self.url("/app/sign-in")).await.csrf();
        browser
            .post(
                &self.url("/app/sign-in"),
                &[("csrf", &csrf), ("email", SENDER), ("password", password)],
            )
            .await
    }

    /// A first sign-in: sets the password, signs in, sets the authenticator up. Returns the
    /// TOTP secret and the recovery codes.
    pub async fn first_sign_in(&self, browser: &mut Browser) -> (TotpSecret, Vec<String>) {
        self.app.set_password(SENDER, PASSWORD).await.unwrap();
        let answer = self.password_step(browser, PASSWORD).await;
        assert_eq!(
            answer.location.as_deref(),
            Some("/app/enrol"),
            "{}",
            answer.body
        );
        let enrol = browser.get(&self.url("/app/enrol")).await;
        assert!(enrol.contains("<svg"), "a QR code");
        let secret = secret_on(&enrol);
        let code = self.totp(&secret);
        let done = browser
            .post(
                &self.url("/app/enrol"),
                &[("csrf", &enrol.csrf()), ("code", &code)],
            )
            .await;
        let codes = recovery_codes_on(&done);
        *self.totp_secret.lock().unwrap() = Some(secret.expose().to_vec());
        assert_eq!(codes.len(), zegel_app::RECOVERY_CODES, "{}", done.body);
        (secret, codes)
    }

    /// The second-factor step with `code`.
    pub async fn code_step(&self, browser: &mut Browser, code: &str) -> Page {
        let page = browser.get(&self.url("/app/sign-in/code")).await;
        browser
            .post(
                &self.url("/app/sign-in/code"),
                &[("csrf", &page.csrf()), ("code", code)],
            )
            .await
    }
}

impl TestApp {
    /// The date `days` from the test clock's now, as a date field takes it.
    pub fn clock_date(&self, days: i64) -> String {
        let moment = self.clock.now() + days * 86_400;
        let date = time::OffsetDateTime::from_unix_timestamp(moment)
            .unwrap()
            .date();
        format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    }
}

impl TestApp {
    pub fn clock_now(&self) -> i64 {
        self.clock.now()
    }
}

impl TestApp {
    /// Signs in again after the first time: password, then a code from the app. Moves the
    /// clock a step on so the code is a new one.
    pub async fn code_step_after_password(&self, browser: &mut Browser) {
        let secret = self
            .totp_secret
            .lock()
            .unwrap()
            .clone()
            .expect("signed in before");
        self.clock.advance(30);
        let answer = self.password_step(browser, PASSWORD).await;
        assert_eq!(answer.location.as_deref(), Some("/app/sign-in/code"));
        let code = totp_code_at(&TotpSecret::from_bytes(secret), self.clock.now() as u64);
        let done = self.code_step(browser, &code).await;
        assert_eq!(done.location.as_deref(), Some("/app/compose"));
    }
}
