//! Zegel's services: send, open, verify, read, reply, revoke, expire, and the background jobs
//! that deliver mail. They speak to the outside only through ports (store, mail, clock, keys)
//! and know nothing of HTTP, so the web, the CLI and the worker all share one behaviour.

mod admin;
mod archive;
mod attachments;
mod audit;
mod clock;
mod compose;
mod console;
mod data_subjects;
mod error;
mod gateway;
mod helpdesk;
mod jobs;
mod mailboxes;
pub(crate) mod portal;
mod proof;
mod protection;
mod recipients;
mod send;
mod send_queue;
mod sender_actions;
mod sent;
mod sms;
mod staff;
mod worker;

use std::sync::Arc;
use zegel_crypto::{CodeHasher, Keyring};
use zegel_domain::AttemptPolicy;
use zegel_mail::MailSender;
use zegel_sms::SmsProvider;
use zegel_store::{SmsCaps, Store};

pub use admin::NewOrganisationRequest;
pub use archive::EmlFile;
pub use attachments::{
    AttachmentDownload, AttachmentInfo, AttachmentLimits, Download, DraftCreated, FormFileInfo,
    NewUpload, UploadStatus, clean_file_name,
};
pub use audit::ChainReport;
pub use clock::{Clock, ManualClock, SystemClock};
pub use compose::{ComposeReview, UNDO_SECONDS, UndoneMessage};
pub use console::{
    AuditView, Brand, CheckRules, ImportReport, Logo, MailboxView, PolicyUpdate, PolicyView,
};
pub use data_subjects::{
    ErasureReport, EventData, MessageData, RecipientData, Rectification, SmsData, SubjectExport,
    SubjectQuery,
};
pub use error::{AppError, AppResult};
pub use gateway::{Accepted, Envelope, GatewaySettings, HeldMail, SecureMarkers};
pub use helpdesk::{
    CheckOutcome, ContactRole, CustomerView, IncomingTicket, IntakeOutcome, OffboardingReport,
    TicketView,
};
pub use portal::read::MAX_REPLY_CHARS;
pub use portal::{CodeRequestOutcome, Landing, PortalError, ReadView, ReplyView, VerifyOutcome};
pub use proof::{Proof, RecipientProof};
pub use protection::DetectionReport;
pub use recipients::RecipientSummary;
pub use send::{RecipientInput, SendRequest, SentMessage, SentRecipient, VerificationInput};
pub use sender_actions::ThreadEntry;
pub use sent::{DeliveryStatus, MessageDetail, MessageSummary, ThreadReply};
pub use staff::{
    EnrolOutcome, Enrolment, MIN_PASSWORD_CHARS, RECOVERY_CODES, SessionStage, SignInOutcome,
    StaffVisit,
};
pub use worker::{RetentionReport, Worker};
pub use zegel_crypto::Token;
pub use zegel_domain::Language;
pub use zegel_store::{Contact, User};

/// Everything a service needs, cheap to clone into each request.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub keyring: Arc<Keyring>,
    pub mailer: Arc<dyn MailSender>,
    pub sms: Arc<dyn SmsProvider>,
    pub sms_policy: SmsPolicy,
    pub clock: Arc<dyn Clock>,
    pub blobs: zegel_blob::BlobStore,
    pub attachment_limits: AttachmentLimits,
    /// Set when the SMTP gateway runs.
    pub gateway: Option<GatewaySettings>,
    /// How long a worker holds a claimed job before another may take it over.
    pub job_lease_seconds: i64,
    rules: Arc<protection::RulesCache>,
    settings_cache: Arc<console::SettingsCache>,
    /// Base of every link in mail, without a trailing slash.
    pub public_url: String,
    pub attempts: AttemptPolicy,
    codes: CodeHasher,
    /// Wakes the in-process worker when a request enqueued a job, so mail goes out at once.
    pub job_wakeup: Arc<tokio::sync::Notify>,
    sends: Arc<send_queue::SendQueue>,
}

impl App {
    pub fn new(
        store: Arc<dyn Store>,
        keyring: Arc<Keyring>,
        mailer: Arc<dyn MailSender>,
        sms: Arc<dyn SmsProvider>,
        clock: Arc<dyn Clock>,
        blobs: zegel_blob::BlobStore,
        public_url: &str,
    ) -> Self {
        let codes = keyring.code_hasher();
        let sends = Arc::new(send_queue::SendQueue::new(store.clone(), keyring.clone()));
        Self {
            store,
            keyring,
            mailer: Arc::new(CountingMailer(mailer)),
            sms,
            sms_policy: SmsPolicy::default(),
            clock,
            blobs,
            attachment_limits: AttachmentLimits::default(),
            gateway: None,
            job_lease_seconds: worker::LEASE_SECONDS,
            rules: Arc::default(),
            settings_cache: Arc::default(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            attempts: AttemptPolicy::default(),
            codes,
            job_wakeup: Arc::new(tokio::sync::Notify::new()),
            sends,
        }
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// Where SMS codes may go and how many: the defence against SMS pumping.
#[derive(Debug, Clone)]
pub struct SmsPolicy {
    /// ISO country codes of numbers that may receive codes.
    pub allowed_regions: Vec<String>,
    pub caps: SmsCaps,
}

impl Default for SmsPolicy {
    fn default() -> Self {
        Self {
            allowed_regions: ["NL", "BE", "DE", "LU"].map(String::from).to_vec(),
            caps: SmsCaps {
                per_recipient_hour: 5,
                per_recipient_day: 10,
                per_organisation_hour: 500,
                per_organisation_day: 2000,
            },
        }
    }
}

/// A message with the people it is from: what every mail and portal page names.
pub(crate) struct Parties {
    pub message: zegel_store::Message,
    pub sender: User,
    pub organisation: zegel_store::Organisation,
}

impl App {
    /// The message with its sender and organisation; `NotFound` if any of them is gone.
    pub(crate) async fn parties(&self, message_id: &str) -> AppResult<Parties> {
        let message = self
            .store
            .message(message_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let sender = self
            .store
            .user(&message.sender_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let organisation = self
            .store
            .organisation(&message.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Parties {
            message,
            sender,
            organisation,
        })
    }
}

/// Counts every mail that leaves, for `/metrics`.
struct CountingMailer(Arc<dyn MailSender>);

#[async_trait::async_trait]
impl MailSender for CountingMailer {
    async fn send(&self, mail: &zegel_mail::OutgoingMail) -> Result<(), zegel_mail::MailError> {
        self.0.send(mail).await?;
        metrics::counter!("zegel_mail_sent_total").increment(1);
        Ok(())
    }
}

/// A new random identifier for a row.
/// A record id: UUIDv7, time-ordered with 74 random bits. New rows land at the end of the
/// id indexes instead of on a random page each, which keeps the pages a write touches (and a
/// checkpoint must copy) few at millions of messages. Ids are not secrets: links and codes are.
fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The id of a reply about to be written, so its files can be uploaded first.
pub fn new_reply_id() -> String {
    new_id()
}
