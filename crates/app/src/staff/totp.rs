//! The second factor: setting TOTP up (QR code, a first code, recovery codes) and checking a
//! TOTP or recovery code after the password.

use zegel_crypto::{DataKey, TotpSecret};

use super::recovery::{RECOVERY_CODES, new_recovery_code};
use super::{SessionStage, SignInOutcome, StaffVisit};
use crate::{App, AppError, AppResult};

/// What the set-up page shows.
pub struct Enrolment {
    /// For the QR code.
    pub otpauth_url: String,
    /// For apps without a camera.
    pub secret_base32: String,
}

/// The end of a set-up.
pub enum EnrolOutcome {
    /// Signed in; the recovery codes are shown this once.
    Done {
        session: zegel_crypto::Token,
        recovery_codes: Vec<String>,
    },
    Refused,
    Locked {
        until: i64,
    },
}

fn secret_label(user_id: &str) -> String {
    format!("totp:{user_id}")
}

impl App {
    fn second_factor_key(&self) -> DataKey {
        self.keyring.second_factor_key()
    }

    /// The secret being set up in this session, made on the first visit of the set-up page
    /// and the same on every reload.
    pub async fn enrolment(&self, visit: &StaffVisit) -> AppResult<Enrolment> {
        let secret = self.pending_secret(visit).await?;
        Ok(Enrolment {
            otpauth_url: secret.otpauth_url(&visit.user.email),
            secret_base32: secret.base32(),
        })
    }

    async fn pending_secret(&self, visit: &StaffVisit) -> AppResult<TotpSecret> {
        if visit.stage != SessionStage::Enrol {
            return Err(AppError::Unauthorized);
        }
        let label = secret_label(&visit.user.id);
        if let Some(sealed) = &visit.session.pending_secret_ct {
            let bytes = self.second_factor_key().open(sealed, label.as_bytes())?;
            return Ok(TotpSecret::from_bytes(bytes));
        }
        let secret = TotpSecret::generate();
        let sealed = self
            .second_factor_key()
            .seal(secret.expose(), label.as_bytes());
        self.store
            .set_staff_session_secret(&visit.session.id_hash, &sealed)
            .await?;
        Ok(secret)
    }

    /// The first code from the app proves it was set up right; then the secret is the user's.
    pub async fn finish_enrolment(
        &self,
        visit: &StaffVisit,
        code: &str,
    ) -> AppResult<EnrolOutcome> {
        if visit.session.pending_secret_ct.is_none() {
            return Ok(EnrolOutcome::Refused);
        }
        let secret = self.pending_secret(visit).await?;
        let Some(step) = secret.check(code, self.now() as u64) else {
            return Ok(
                match self.count_sign_in_failure(&visit.user, "enrol").await? {
                    SignInOutcome::Locked { until } => EnrolOutcome::Locked { until },
                    _ => EnrolOutcome::Refused,
                },
            );
        };
        let recovery_codes: Vec<String> =
            (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<Vec<u8>> = recovery_codes
            .iter()
            .map(|code| self.recovery_code_hash(&visit.user.id, code))
            .collect();
        let sealed = self
            .second_factor_key()
            .seal(secret.expose(), secret_label(&visit.user.id).as_bytes());
        self.store
            .enable_second_factor(&visit.user.id, &sealed, step as i64, &hashes)
            .await?;
        self.store.clear_login_failures(&visit.user.id).await?;
        self.audit(
            &visit.user.org_id,
            &visit.user.id,
            "staff.second_factor_enabled",
            &visit.user.id,
            serde_json::json!({"recovery_codes": RECOVERY_CODES}),
        )
        .await?;
        let session = self.step_up(visit, SessionStage::SignedIn).await?;
        Ok(EnrolOutcome::Done {
            session,
            recovery_codes,
        })
    }

    /// The step after the password: a code from the app, or a recovery code.
    pub async fn second_factor(&self, visit: &StaffVisit, code: &str) -> AppResult<SignInOutcome> {
        if visit.stage != SessionStage::SecondFactor {
            return Err(AppError::Unauthorized);
        }
        let credentials = self
            .store
            .staff_credentials(&visit.user.id)
            .await?
            .ok_or(AppError::Unauthorized)?;
        if let Some(until) = credentials.login_locked_until.filter(|t| *t > self.now()) {
            return Ok(SignInOutcome::Locked { until });
        }
        let sealed = credentials.totp_secret_ct.ok_or(AppError::Unauthorized)?;
        let secret = TotpSecret::from_bytes(
            self.second_factor_key()
                .open(&sealed, secret_label(&visit.user.id).as_bytes())?,
        );
        let by_app = match secret.check(code, self.now() as u64) {
            Some(step) => {
                self.store
                    .accept_totp_step(&visit.user.id, step as i64)
                    .await?
            }
            None => false,
        };
        let by_recovery = !by_app
            && self
                .store
                .use_recovery_code(
                    &visit.user.id,
                    &self.recovery_code_hash(&visit.user.id, code),
                    self.now(),
                )
                .await?;
        if !by_app && !by_recovery {
            return self
                .count_sign_in_failure(&visit.user, "second_factor")
                .await;
        }
        self.store.clear_login_failures(&visit.user.id).await?;
        let detail = serde_json::json!({"factor": if by_app { "totp" } else { "recovery_code" }});
        self.audit(
            &visit.user.org_id,
            &visit.user.id,
            "staff.signed_in",
            &visit.user.id,
            detail,
        )
        .await?;
        let token = self.step_up(visit, SessionStage::SignedIn).await?;
        Ok(SignInOutcome::Session(token, SessionStage::SignedIn))
    }

    /// How many recovery codes the user has left.
    pub async fn recovery_codes_left(&self, visit: &StaffVisit) -> AppResult<i64> {
        Ok(self.store.unused_recovery_codes(&visit.user.id).await?)
    }
}
