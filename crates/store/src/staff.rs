//! The staff web app's part of the store: passwords, the second factor, recovery codes and
//! browser sessions.

use async_trait::async_trait;
use zegel_domain::UnixTime;

use crate::{Recipient, StoreResult};

/// What signing in checks for one user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffCredentials {
    pub password_hash: Option<String>,
    pub totp_secret_ct: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub login_failures: i64,
    pub login_locked_until: Option<UnixTime>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffSession {
    pub id_hash: Vec<u8>,
    pub user_id: String,
    /// `password`, `enrol` or `signed_in`.
    pub stage: String,
    pub pending_secret_ct: Option<Vec<u8>>,
    pub created_at: UnixTime,
    pub last_seen_at: UnixTime,
}

#[async_trait]
pub trait StaffStore: Send + Sync {
    async fn staff_credentials(&self, user_id: &str) -> StoreResult<Option<StaffCredentials>>;
    /// Sets a new password; failures and a lock are cleared.
    async fn set_password_hash(&self, user_id: &str, hash: &str) -> StoreResult<()>;
    async fn set_user_role(&self, user_id: &str, role: &str) -> StoreResult<()>;
    /// Counts a wrong password or code in one statement; at `lock_after` failures the account
    /// is locked until `locked_until`. Returns the count.
    async fn record_login_failure(
        &self,
        user_id: &str,
        lock_after: i64,
        locked_until: UnixTime,
    ) -> StoreResult<i64>;
    async fn clear_login_failures(&self, user_id: &str) -> StoreResult<()>;
    /// Accepts a TOTP step only once and only after the last one accepted.
    async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;
    /// Switches the second factor on (or to a new secret) with fresh recovery codes, at once.
    async fn enable_second_factor(
        &self,
        user_id: &str,
        secret_ct: &[u8],
        step: i64,
        recovery_hashes: &[Vec<u8>],
    ) -> StoreResult<()>;
    /// Spends a recovery code; false when it is unknown or used.
    async fn use_recovery_code(
        &self,
        user_id: &str,
        hash: &[u8],
        now: UnixTime,
    ) -> StoreResult<bool>;
    async fn unused_recovery_codes(&self, user_id: &str) -> StoreResult<i64>;

    async fn create_staff_session(&self, session: &StaffSession) -> StoreResult<()>;
    async fn staff_session(&self, id_hash: &[u8]) -> StoreResult<Option<StaffSession>>;
    /// Ends one session and starts its successor (a new id at every step up), at once.
    async fn replace_staff_session(&self, old_hash: &[u8], new: &StaffSession) -> StoreResult<()>;
    /// Keeps a second-factor secret being set up (sealed) with the session.
    async fn set_staff_session_secret(&self, id_hash: &[u8], secret_ct: &[u8]) -> StoreResult<()>;
    async fn touch_staff_session(&self, id_hash: &[u8], now: UnixTime) -> StoreResult<()>;
    async fn delete_staff_session(&self, id_hash: &[u8]) -> StoreResult<()>;
    async fn delete_staff_sessions_of(&self, user_id: &str) -> StoreResult<()>;

    /// Of these addresses, the ones that received personal data from the organisation before.
    async fn recipients_sent_personal_data(
        &self,
        org_id: &str,
        emails: &[String],
    ) -> StoreResult<Vec<String>>;
    async fn mark_sent_personal_data(
        &self,
        org_id: &str,
        emails: &[String],
        now: UnixTime,
    ) -> StoreResult<()>;

    /// Ends one recipient's access at `at` (now, or later); their portal sessions end when
    /// `at` is now. False when their access has ended already.
    async fn revoke_delivery(
        &self,
        delivery_id: &str,
        at: UnixTime,
        now: UnixTime,
    ) -> StoreResult<bool>;
    /// Moves the end of a message still available; false when it is not.
    async fn set_message_expiry(&self, message_id: &str, expires_at: UnixTime)
    -> StoreResult<bool>;
    async fn set_message_thread(&self, message_id: &str, thread_id: &str) -> StoreResult<()>;
    /// The thread a message belongs to: its first message's id.
    async fn message_thread(&self, message_id: &str) -> StoreResult<Option<String>>;
    /// The messages of a thread, oldest first.
    async fn messages_in_thread(&self, thread_id: &str) -> StoreResult<Vec<crate::Message>>;

    /// The organisation's known recipients by address, for the compose form's suggestions.
    async fn recipients_of_organisation(
        &self,
        org_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Recipient>>;
}
