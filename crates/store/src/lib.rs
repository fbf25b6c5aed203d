//! Persistence for Zegel: one [`Store`] trait, implemented for SQLite (the embedded default)
//! and PostgreSQL (for several instances), each with its own migration folder. Both
//! implementations share their SQL through one macro, so they cannot drift apart, and the
//! same integration suite runs against both.
//!
//! Background jobs live here too: they are enqueued in the same transaction as the change
//! that causes them, and claimed with a lease so a crashed worker's job is picked up again.

mod admin;
mod attachments;
mod error;
mod gateway;
mod helpdesk;
mod postgres;
mod records;
mod sql_admin;
mod sql_attachments;
mod sql_batch;
mod sql_gateway;
mod sql_helpdesk;
mod sql_impl;
mod sql_staff;
mod sqlite;
mod staff;

use async_trait::async_trait;
use std::sync::Arc;
use zegel_domain::UnixTime;

pub use admin::{AdminStore, OrganisationSettings, SharedMailbox};
pub use attachments::{Attachment, AttachmentStore, Draft, SpaceLimits, SpaceReservation};
pub use error::{StoreError, StoreResult};
pub use gateway::{GatewayMessage, GatewayStore};
pub use helpdesk::{Contact, ContactSignIn, Customer, HelpdeskStore, Ticket, TicketProfile};
pub use postgres::PostgresStore;
pub use records::*;
pub use sqlite::SqliteStore;
pub use staff::{StaffCredentials, StaffSession, StaffStore};

/// Opens the database named by `url` (`sqlite:…` or `postgres://…`) and applies migrations.
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(url).await?)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PostgresStore::connect(url).await?)
    } else {
        return Err(StoreError::UnsupportedUrl);
    };
    store.migrate().await?;
    Ok(store)
}

#[async_trait]
pub trait Store:
    AdminStore + AttachmentStore + GatewayStore + HelpdeskStore + StaffStore + Send + Sync
{
    async fn migrate(&self) -> StoreResult<()>;
    /// A short name of the backend, for logs and `/readyz`.
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;

    // Installation-wide settings.
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    /// Sets `key` unless it is already set; returns whether this call set it.
    async fn init_meta(&self, key: &str, value: &str) -> StoreResult<bool>;
    /// Whether the database holds any organisation: a database with data must not be given a new key.
    async fn has_data(&self) -> StoreResult<bool>;

    // Organisations, users and API tokens.
    async fn create_organisation(&self, org: &Organisation, domains: &[String]) -> StoreResult<()>;
    async fn organisation(&self, id: &str) -> StoreResult<Option<Organisation>>;
    async fn organisation_by_name(&self, name: &str) -> StoreResult<Option<Organisation>>;
    async fn organisation_domains(&self, org_id: &str) -> StoreResult<Vec<String>>;
    async fn create_user(&self, user: &User) -> StoreResult<()>;
    async fn user(&self, id: &str) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn create_api_token(
        &self,
        token_hash: &[u8],
        user_id: &str,
        label: &str,
        now: UnixTime,
    ) -> StoreResult<()>;
    async fn user_by_api_token(&self, token_hash: &[u8]) -> StoreResult<Option<User>>;

    // Recipients known to an organisation.
    async fn recipient(&self, org_id: &str, email: &str) -> StoreResult<Option<Recipient>>;
    async fn insert_recipient(&self, recipient: &Recipient) -> StoreResult<()>;
    async fn update_recipient_method(
        &self,
        id: &str,
        method: &str,
        access_code_hash: Option<&str>,
        phone: Option<&str>,
    ) -> StoreResult<()>;

    // Messages and their deliveries.
    /// Stores messages, their deliveries (with the records of new addresses), the jobs they
    /// cause and their audit records in one transaction: all or nothing. Several at once are a
    /// group commit (one flush to disk for all); a batch that fails is retried one by one so
    /// each message gets its own answer.
    async fn create_messages(&self, batch: &[MessageToStore], mac: AuditMac<'_>)
    -> StoreResult<()>;
    async fn message(&self, id: &str) -> StoreResult<Option<Message>>;
    async fn messages_by_sender(&self, sender_id: &str, limit: i64) -> StoreResult<Vec<Message>>;
    async fn deliveries(&self, message_id: &str) -> StoreResult<Vec<DeliveryView>>;
    async fn delivery(&self, id: &str) -> StoreResult<Option<DeliveryView>>;
    async fn delivery_by_link(&self, link_hash: &[u8]) -> StoreResult<Option<DeliveryView>>;
    async fn mark_notified(&self, delivery_id: &str, now: UnixTime) -> StoreResult<()>;
    /// Records the first download of a file of the message.
    async fn mark_downloaded(&self, delivery_id: &str, now: UnixTime) -> StoreResult<()>;
    /// Records the first opening; true if this was it.
    async fn mark_opened(&self, delivery_id: &str, now: UnixTime) -> StoreResult<bool>;
    /// Ends a sent message as revoked and destroys its key and content; false if it had already ended.
    async fn revoke_message(&self, id: &str, now: UnixTime) -> StoreResult<bool>;
    /// Ends every sent message whose expiry has passed, destroying key and content first.
    async fn expire_due_messages(&self, now: UnixTime) -> StoreResult<Vec<String>>;

    // Verification.
    async fn create_challenge(&self, challenge: &Challenge, job: &NewJob) -> StoreResult<()>;
    async fn latest_challenge(&self, delivery_id: &str) -> StoreResult<Option<Challenge>>;
    /// Atomically spends one try on a live challenge; `None` when it is used up, consumed or expired.
    async fn spend_challenge_try(
        &self,
        challenge_id: &str,
        max_tries: i64,
        now: UnixTime,
    ) -> StoreResult<Option<Challenge>>;
    /// Marks a challenge used; false if another request consumed it first.
    async fn consume_challenge(&self, challenge_id: &str, now: UnixTime) -> StoreResult<bool>;
    /// Atomically counts one failed verification; returns the new total.
    async fn count_failure(&self, delivery_id: &str) -> StoreResult<i64>;
    async fn set_delivery_wait(
        &self,
        delivery_id: &str,
        wait_until: Option<UnixTime>,
        locked_at: Option<UnixTime>,
    ) -> StoreResult<()>;
    async fn clear_failures(&self, delivery_id: &str) -> StoreResult<()>;

    // Portal sessions (only hashes of session ids are stored).
    async fn create_session(
        &self,
        id_hash: &[u8],
        delivery_id: &str,
        now: UnixTime,
    ) -> StoreResult<()>;
    async fn session(&self, id_hash: &[u8]) -> StoreResult<Option<PortalSession>>;
    async fn touch_session(&self, id_hash: &[u8], now: UnixTime) -> StoreResult<()>;
    async fn delete_session(&self, id_hash: &[u8]) -> StoreResult<()>;

    // Replies.
    /// Stores a reply, marks the delivery replied and enqueues the job in one transaction.
    async fn create_reply(&self, reply: &Reply, job: &NewJob) -> StoreResult<()>;
    async fn reply(&self, id: &str) -> StoreResult<Option<Reply>>;
    async fn replies(&self, message_id: &str) -> StoreResult<Vec<Reply>>;

    // SMS.
    /// Within the caps: stores the challenge, the SMS log row and the send job together.
    async fn reserve_sms(
        &self,
        challenge: &Challenge,
        sms: &SmsLog,
        job: &NewJob,
        caps: &SmsCaps,
    ) -> StoreResult<SmsReservation>;
    async fn sms(&self, id: &str) -> StoreResult<Option<SmsLog>>;
    async fn sms_for_delivery(&self, delivery_id: &str) -> StoreResult<Vec<SmsLog>>;
    async fn mark_sms(
        &self,
        id: &str,
        provider: &str,
        provider_message_id: Option<&str>,
        status: &str,
        now: UnixTime,
    ) -> StoreResult<()>;
    /// Applies a delivery report once; false when unknown or already in that (or a final) state.
    async fn record_sms_report(
        &self,
        provider: &str,
        provider_message_id: &str,
        status: &str,
        now: UnixTime,
    ) -> StoreResult<bool>;
    /// Removes the phone numbers of SMS sent at or before `sent_before`; returns how many.
    async fn purge_sms_numbers(&self, sent_before: UnixTime, now: UnixTime) -> StoreResult<u64>;
    /// Records a recipient's "this is not my number"; false if reported within `quiet_seconds`.
    async fn report_wrong_number(
        &self,
        delivery_id: &str,
        now: UnixTime,
        quiet_seconds: i64,
    ) -> StoreResult<bool>;

    /// Deletes challenges (code hashes) created before `before`; returns how many.
    async fn purge_challenges(&self, before: UnixTime) -> StoreResult<u64>;

    /// Messages of an organisation that still hold content, oldest first.
    async fn messages_of_organisation(&self, org_id: &str) -> StoreResult<Vec<Message>>;

    // Data-subject rights.
    async fn recipients_by_phone(&self, org_id: &str, phone: &str) -> StoreResult<Vec<Recipient>>;
    async fn deliveries_of_recipient(&self, recipient_id: &str) -> StoreResult<Vec<DeliveryView>>;
    async fn sms_of_recipient(&self, recipient_id: &str) -> StoreResult<Vec<SmsLog>>;
    async fn rectify_recipient(&self, id: &str, email: &str, language: &str) -> StoreResult<()>;
    /// Erases a person: their record is pseudonymised, their numbers and replies removed,
    /// their sessions ended, and the messages only they received shredded. Returns the ids
    /// of the shredded messages.
    async fn erase_recipient(
        &self,
        id: &str,
        pseudonym: &str,
        now: UnixTime,
    ) -> StoreResult<Vec<String>>;

    // Audit chain.
    /// Appends to the organisation's chain under its lock: the next sequence number and the
    /// previous MAC are read and the record written in one transaction.
    async fn append_audit(
        &self,
        event: &NewAuditEvent,
        mac: AuditMac<'_>,
    ) -> StoreResult<AuditEvent>;
    /// The chain of one organisation, in order.
    async fn audit_events(&self, org_id: &str) -> StoreResult<Vec<AuditEvent>>;
    /// The records about one subject (a message, delivery or recipient id), in order.
    async fn audit_events_about(&self, org_id: &str, subject: &str)
    -> StoreResult<Vec<AuditEvent>>;
    /// The records of one actor (e.g. `recipient:<delivery id>`), in order.
    async fn audit_events_by(&self, org_id: &str, actor: &str) -> StoreResult<Vec<AuditEvent>>;
    async fn audit_head(&self, org_id: &str) -> StoreResult<Option<AuditHead>>;
    async fn audit_heads(&self) -> StoreResult<Vec<AuditHead>>;
    /// Deletes records older than `before` from the start of the chain; returns how many.
    async fn prune_audit(&self, org_id: &str, before: UnixTime) -> StoreResult<u64>;

    // Jobs.
    async fn enqueue(&self, job: &NewJob) -> StoreResult<()>;
    /// Claims the oldest due job for `lease_seconds`; a job whose lease ran out is claimable again.
    async fn claim_job(&self, now: UnixTime, lease_seconds: i64) -> StoreResult<Option<Job>>;
    async fn complete_job(&self, id: i64, now: UnixTime) -> StoreResult<()>;
    async fn retry_job(&self, id: i64, error: &str, run_at: UnixTime) -> StoreResult<()>;
    async fn pending_jobs(&self) -> StoreResult<i64>;
}
