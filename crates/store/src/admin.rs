//! The admin console's part of the store: an organisation's policies, branding, domains,
//! users and shared mailboxes.

use async_trait::async_trait;
use zegel_domain::UnixTime;

use crate::{AuditEvent, Message, StoreResult, User};

/// Policies and branding beyond the organisation's core columns.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganisationSettings {
    pub org_id: String,
    pub allowed_methods: String,
    pub min_access_code_length: i64,
    pub sms_hour_cap: Option<i64>,
    pub sms_day_cap: Option<i64>,
    pub brand_colour: Option<String>,
    pub brand_logo: Option<Vec<u8>>,
    pub brand_logo_type: Option<String>,
    pub updated_at: UnixTime,
    /// The address whose mail becomes helpdesk tickets; `None`: no intake.
    pub helpdesk_address: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SharedMailbox {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub display_name: String,
    pub created_at: UnixTime,
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    async fn organisation_settings(
        &self,
        org_id: &str,
    ) -> StoreResult<Option<OrganisationSettings>>;
    async fn save_organisation_settings(&self, settings: &OrganisationSettings) -> StoreResult<()>;
    async fn update_organisation_policy(
        &self,
        org_id: &str,
        default_expiry_days: i64,
        max_expiry_days: i64,
        detection_level: &str,
        audit_retention_days: i64,
    ) -> StoreResult<()>;
    /// Conflict when the domain belongs to an organisation already.
    async fn add_domain(&self, org_id: &str, domain: &str) -> StoreResult<()>;
    async fn remove_domain(&self, org_id: &str, domain: &str) -> StoreResult<bool>;

    async fn users_of_organisation(&self, org_id: &str) -> StoreResult<Vec<User>>;
    /// `Some(time)` deactivates (and ends every session); `None` activates again.
    async fn set_user_deactivated(&self, user_id: &str, at: Option<UnixTime>) -> StoreResult<()>;
    /// Removes the second factor and recovery codes: the next sign-in sets them up again.
    async fn reset_second_factor(&self, user_id: &str) -> StoreResult<()>;

    async fn create_mailbox(&self, mailbox: &SharedMailbox) -> StoreResult<()>;
    async fn mailbox(&self, id: &str) -> StoreResult<Option<SharedMailbox>>;
    async fn mailboxes_of_organisation(&self, org_id: &str) -> StoreResult<Vec<SharedMailbox>>;
    async fn mailboxes_of_user(&self, user_id: &str) -> StoreResult<Vec<SharedMailbox>>;
    async fn mailbox_members(&self, mailbox_id: &str) -> StoreResult<Vec<User>>;
    async fn add_mailbox_member(&self, mailbox_id: &str, user_id: &str) -> StoreResult<()>;
    async fn remove_mailbox_member(&self, mailbox_id: &str, user_id: &str) -> StoreResult<()>;
    async fn messages_by_mailbox(&self, mailbox_id: &str, limit: i64) -> StoreResult<Vec<Message>>;

    /// Places a recipient under a legal hold until a time, or lifts it (`None`).
    async fn set_legal_hold(
        &self,
        recipient_id: &str,
        until: Option<UnixTime>,
        reason: Option<&str>,
    ) -> StoreResult<()>;

    /// The organisation's newest audit records, newest first.
    async fn recent_audit_events(&self, org_id: &str, limit: i64) -> StoreResult<Vec<AuditEvent>>;
}
