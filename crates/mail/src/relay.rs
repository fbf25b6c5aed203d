//! Passing a message on unchanged: what the gateway does with mail that needs no protection.

use async_trait::async_trait;
use lettre::address::Envelope;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::MailError;

#[async_trait]
pub trait RawRelay: Send + Sync {
    /// Hands `raw` to the next hop for the envelope `from` → `to`, byte for byte.
    async fn relay(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), MailError>;
}

/// The organisation's own outgoing mail server, as an SMTP URL (see [`crate::SmtpSender`]).
pub struct SmtpRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpRelay {
    pub fn new(url: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Invalid(format!("next hop url: {e}")))?
            .build();
        Ok(Self { transport })
    }
}

#[async_trait]
impl RawRelay for SmtpRelay {
    async fn relay(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), MailError> {
        let parse = |address: &str| {
            address
                .parse::<Address>()
                .map_err(|_| MailError::Invalid("envelope address".into()))
        };
        let sender = if from.is_empty() {
            None
        } else {
            Some(parse(from)?)
        };
        let recipients = to.iter().map(|a| parse(a)).collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(sender, recipients)
            .map_err(|e| MailError::Invalid(format!("envelope: {e}")))?;
        self.transport
            .send_raw(&envelope, raw)
            .await
            .map_err(|e| MailError::Transport(e.to_string()))?;
        Ok(())
    }
}
