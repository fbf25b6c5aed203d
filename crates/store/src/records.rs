//! Rows as the store hands them out. Content columns are ciphertext; the app layer decrypts.

use zegel_domain::UnixTime;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub default_expiry_days: i64,
    pub max_expiry_days: i64,
    pub created_at: UnixTime,
    /// `audit`, `suggest`, `warn` or `block` (see the detect crate).
    pub detection_level: String,
    /// JSON arrays of extra keywords and regular expressions that count as sensitive.
    pub detection_keywords: String,
    pub detection_patterns: String,
    pub audit_retention_days: i64,
    /// Bytes of attachments the organisation may keep; `None`: the server's default.
    pub storage_quota_bytes: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub display_name: String,
    pub language: String,
    pub created_at: UnixTime,
    /// `staff` or `admin` (may also use the admin console).
    pub role: String,
    /// A deactivated user can no longer sign in or use an API token.
    pub deactivated_at: Option<UnixTime>,
}

/// An external address as the organisation knows it, with its remembered verification method.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub verification_method: String,
    pub access_code_hash: Option<String>,
    pub language: String,
    pub created_at: UnixTime,
    /// E.164; set only by staff.
    pub phone: Option<String>,
    /// Until then the recipient's messages are kept: not destroyed at expiry nor by erasure.
    pub legal_hold_until: Option<UnixTime>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: String,
    pub org_id: String,
    pub sender_id: String,
    pub subject_ct: Option<Vec<u8>>,
    pub body_ct: Option<Vec<u8>>,
    /// `None` once the message is crypto-shredded.
    pub wrapped_dek: Option<Vec<u8>>,
    pub kek_version: i64,
    pub state: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub ended_at: Option<UnixTime>,
    /// 1: recipients read it on the portal; 0: it went as ordinary e-mail.
    pub secure: i64,
    /// Sent as this shared mailbox.
    pub mailbox_id: Option<String>,
}

/// One recipient of one message: its link, its progress and its failure counter.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub id: String,
    pub message_id: String,
    pub recipient_id: String,
    pub kind: String,
    pub position: i64,
    pub notified_at: Option<UnixTime>,
    pub opened_at: Option<UnixTime>,
    pub replied_at: Option<UnixTime>,
    pub failures: i64,
    pub wait_until: Option<UnixTime>,
    pub locked_at: Option<UnixTime>,
    pub wrong_number_reported_at: Option<UnixTime>,
    pub downloaded_at: Option<UnixTime>,
    /// When the sender ended (or ends) access for this recipient alone.
    pub revoked_at: Option<UnixTime>,
}

/// A delivery joined with what the portal and the notifier need to know about its recipient.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryView {
    #[sqlx(flatten)]
    pub delivery: Delivery,
    pub email: String,
    pub language: String,
    pub verification_method: String,
    pub access_code_hash: Option<String>,
    pub phone: Option<String>,
    /// The state of the latest SMS to this recipient for this message, if any.
    pub sms_status: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub id: String,
    pub recipient_id: String,
    /// The organisation's record of a new address, stored with the message unless the
    /// address got a record meanwhile (the delivery then goes to that one).
    pub new_recipient: Option<Recipient>,
    pub kind: String,
    pub link_hash: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub message: Message,
    pub deliveries: Vec<NewDelivery>,
    /// The message takes over the draft with its id (and its ready attachments).
    pub from_draft: bool,
}

/// One message of a group commit, with the jobs it causes and its audit record.
#[derive(Debug, Clone)]
pub struct MessageToStore {
    pub message: NewMessage,
    pub jobs: Vec<NewJob>,
    pub audit: NewAuditEvent,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Challenge {
    pub id: String,
    pub delivery_id: String,
    pub code_hmac: Vec<u8>,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub attempts: i64,
    pub consumed_at: Option<UnixTime>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PortalSession {
    pub delivery_id: String,
    pub created_at: UnixTime,
    pub last_seen_at: UnixTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Reply {
    pub id: String,
    pub message_id: String,
    pub delivery_id: String,
    pub body_ct: Option<Vec<u8>>,
    pub created_at: UnixTime,
}

/// A background job to enqueue; `payload` is JSON holding ids only, never content.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub payload: String,
    pub run_at: UnixTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
}

/// One SMS as logged: the number is kept at most seven days, the masked form for good.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SmsLog {
    pub id: String,
    pub org_id: String,
    pub delivery_id: String,
    pub recipient_id: String,
    pub challenge_id: String,
    pub phone: Option<String>,
    pub phone_masked: String,
    pub provider: Option<String>,
    pub provider_message_id: Option<String>,
    pub status: String,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
    pub purged_at: Option<UnixTime>,
}

/// Limits on SMS sends, against SMS pumping and cost surprises.
#[derive(Debug, Clone, Copy)]
pub struct SmsCaps {
    pub per_recipient_hour: i64,
    pub per_recipient_day: i64,
    pub per_organisation_hour: i64,
    pub per_organisation_day: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsReservation {
    Reserved,
    RecipientHourlyCap,
    RecipientDailyCap,
    OrganisationHourlyCap,
    OrganisationDailyCap,
}

/// A record to append to an organisation's audit chain.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub org_id: String,
    /// Who did it: a user id, `recipient:<delivery id>`, or `system`.
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON without content, codes or phone numbers.
    pub detail: String,
    pub created_at: UnixTime,
}

/// A record of the audit chain as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEvent {
    pub org_id: String,
    pub seq: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub created_at: UnixTime,
    pub prev_mac: String,
    pub mac: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditHead {
    pub org_id: String,
    pub seq: i64,
    pub mac: String,
    pub pruned_through: i64,
}

/// Computes a record's MAC from its fields and the previous MAC (the key lives outside the store).
pub type AuditMac<'a> = &'a (dyn Fn(&NewAuditEvent, i64, &str) -> String + Sync);
