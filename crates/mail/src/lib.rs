//! Outbound e-mail: what Zegel sends (notifications, codes, replies for staff), rendered
//! from templates in the reader's language, and the ways to send it: a real SMTP server,
//! or the dev outbox, a folder that the dev outbox page shows.

mod eml;
mod outbox;
mod relay;
mod smtp;
mod templates;

use async_trait::async_trait;

pub use eml::{Eml, EmlAttachment};
pub use outbox::{DevOutbox, OutboxEntry};
pub use relay::{RawRelay, SmtpRelay};
pub use smtp::SmtpSender;
pub use templates::{CodeMail, GatewayHeldMail, NotificationMail, ReplyMail, WrongNumberMail};

/// One rendered e-mail, ready to go.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to: String,
    /// Shown as the sender's name; the address is always the configured one.
    pub from_name: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Stable per purpose (for example one notification of one delivery), so a retried send
    /// carries the same Message-ID and mail systems can drop the duplicate.
    pub message_id: String,
}

impl OutgoingMail {
    /// A plain-text mail from Zegel itself to staff (replies, reports).
    pub fn from_zegel(to: &str, subject: String, text: String, message_id: &str) -> Self {
        Self {
            to: to.to_owned(),
            from_name: "Zegel".to_owned(),
            subject,
            text,
            html: None,
            message_id: message_id.to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid mail address or header: {0}")]
    Invalid(String),
    #[error("mail transport failed: {0}")]
    Transport(String),
}

#[async_trait]
pub trait MailSender: Send + Sync {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}
