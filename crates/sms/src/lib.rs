//! Sending SMS codes through real providers, and taking their delivery reports.
//!
//! Every provider follows its own documented HTTP API: Spryng (Messaging API v2 and the
//! legacy REST v1), Bird (Channels API), Twilio (Messages API), a generic signed webhook,
//! and the dev outbox for development. Base URLs are configurable, which is also how the
//! contract tests point a provider at a local HTTP server that answers as the real one does.

mod bird;
mod config;
mod http;
mod outbox;
mod reports;
mod spryng_v1;
mod spryng_v2;
mod twilio;
mod webhook;

use async_trait::async_trait;
use std::collections::HashMap;
use zegel_domain::PhoneNumber;

pub use bird::Bird;
pub use config::{ProviderConfig, build_provider};
pub use outbox::DevSmsOutbox;
pub use reports::{DeliveryReport, DeliveryState, IncomingReport, ReportError};
pub use spryng_v1::SpryngV1;
pub use spryng_v2::SpryngV2;
pub use twilio::Twilio;
pub use webhook::Webhook;

/// One SMS to send. `reference` is ours (the challenge id), echoed in reports where the
/// provider supports it.
#[derive(Debug, Clone)]
pub struct OutgoingSms {
    pub to: PhoneNumber,
    pub text: String,
    pub reference: String,
}

/// The provider's id of an accepted message, used to match delivery reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedSms {
    pub provider_message_id: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SmsError {
    /// The provider is busy (429) or down (5xx, timeout): try again later.
    #[error("the SMS provider asks to retry later: {reason}")]
    RetryLater {
        reason: String,
        after_seconds: Option<u64>,
    },
    /// The provider refused this message (bad number, no credit, bad originator …).
    #[error("the SMS provider rejected the message: {0}")]
    Rejected(String),
    #[error("SMS provider configuration: {0}")]
    Configuration(String),
}

#[async_trait]
pub trait SmsProvider: Send + Sync {
    /// Short stable name, used in the report URL `/api/v1/sms/reports/{name}`.
    fn name(&self) -> &'static str;

    async fn send(&self, sms: &OutgoingSms) -> Result<AcceptedSms, SmsError>;

    /// Authenticates a delivery report and reads the states it carries.
    fn read_report(&self, report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError>;
}

/// No provider configured on a production server: SMS is not offered at all.
pub struct Disabled;

#[async_trait]
impl SmsProvider for Disabled {
    fn name(&self) -> &'static str {
        "disabled"
    }

    async fn send(&self, _sms: &OutgoingSms) -> Result<AcceptedSms, SmsError> {
        Err(SmsError::Configuration(
            "no SMS provider is configured".into(),
        ))
    }

    fn read_report(&self, _report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError> {
        Err(ReportError::Unauthenticated)
    }
}

/// Lower-cased header names, as the web face hands them over.
pub type Headers = HashMap<String, String>;
