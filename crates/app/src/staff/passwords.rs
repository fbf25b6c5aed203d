//! Setting a password and checking it at sign-in.

use std::sync::LazyLock;
use zegel_crypto::{hash_secret, verify_secret};
use zegel_domain::EmailAddress;
use zegel_store::User;

use super::{LOCK_AFTER_FAILURES, LOCK_SECONDS, SessionStage, SignInOutcome};
use crate::{App, AppError, AppResult};

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_BYTES: usize = 1024;

/// Checked when the address is unknown, so a wrong address costs the same time as a wrong
/// password (no enumeration by timing).
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_secret("no such user").expect("hashing a fixed text works"));

impl App {
    /// Sets a user's password (an administrator's or the user's own act); signs them out
    /// everywhere.
    pub async fn set_password(&self, user_email: &str, password: &str) -> AppResult<()> {
        let user = self.user_by_address(user_email).await?;
        let length = password.chars().count();
        if length < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
            return Err(AppError::Invalid(vec![format!(
                "a password needs at least {MIN_PASSWORD_CHARS} characters (a few words make a good one)"
            )]));
        }
        let hash = hash_secret(password)?;
        self.store.set_password_hash(&user.id, &hash).await?;
        self.store.delete_staff_sessions_of(&user.id).await?;
        self.audit(
            &user.org_id,
            &user.id,
            "staff.password_set",
            &user.id,
            serde_json::json!({}),
        )
        .await
    }

    pub(crate) async fn user_by_address(&self, email: &str) -> AppResult<User> {
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
        self.store
            .user_by_email(email.as_str())
            .await?
            .ok_or_else(|| AppError::Invalid(vec![format!("no user '{email}'")]))
    }

    /// The first step: address and password.
    pub async fn sign_in(&self, email: &str, password: &str) -> AppResult<SignInOutcome> {
        let user = match EmailAddress::parse(email) {
            Ok(email) => self
                .store
                .user_by_email(email.as_str())
                .await?
                .filter(|user| user.deactivated_at.is_none()),
            Err(_) => None,
        };
        let credentials = match &user {
            Some(user) => self.store.staff_credentials(&user.id).await?,
            None => None,
        };
        let stored = credentials.as_ref().and_then(|c| c.password_hash.clone());
        let matches =
            verify_secret(password, stored.as_deref().unwrap_or(&DUMMY_HASH)).unwrap_or(false);
        let (Some(user), Some(credentials)) = (user, credentials) else {
            return Ok(SignInOutcome::Refused);
        };
        if let Some(until) = credentials.login_locked_until.filter(|t| *t > self.now()) {
            return Ok(SignInOutcome::Locked { until });
        }
        if !matches || stored.is_none() {
            return self.count_sign_in_failure(&user, "password").await;
        }
        let stage = if credentials.totp_secret_ct.is_some() {
            SessionStage::SecondFactor
        } else {
            SessionStage::Enrol
        };
        let token = self.start_staff_session(&user, stage).await?;
        Ok(SignInOutcome::Session(token, stage))
    }

    /// Counts a wrong password or code and says what the person sees.
    pub(crate) async fn count_sign_in_failure(
        &self,
        user: &User,
        step: &str,
    ) -> AppResult<SignInOutcome> {
        let until = self.now() + LOCK_SECONDS;
        let failures = self
            .store
            .record_login_failure(&user.id, LOCK_AFTER_FAILURES, until)
            .await?;
        metrics::counter!("zegel_staff_sign_in_failures_total").increment(1);
        self.audit(
            &user.org_id,
            &user.id,
            "staff.sign_in_failed",
            &user.id,
            serde_json::json!({"step": step, "failures": failures}),
        )
        .await?;
        Ok(if failures >= LOCK_AFTER_FAILURES {
            SignInOutcome::Locked { until }
        } else {
            SignInOutcome::Refused
        })
    }
}
