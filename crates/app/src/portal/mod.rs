//! The recipient's side: a link leads to a landing page that changes nothing (mail scanners
//! follow links), a deliberate POST sends a code, a verified recipient gets a fresh session,
//! reads the message and replies.
//!
//! Before verification every unusable link (unknown, expired, revoked) gets the same answer,
//! so the portal reveals nothing to someone guessing links. After verification the recipient
//! is told plainly what happened to the message.

pub(crate) mod read;
mod verify;

use zegel_crypto::Token;
use zegel_domain::{Language, MessageState, VerificationMethod};
use zegel_store::{DeliveryView, Message, Organisation, User};

use crate::{App, AppError, Parties};

pub use read::{ReadView, ReplyView};
pub use verify::{CodeRequestOutcome, VerifyOutcome};

/// Idle time after which a portal session ends.
pub const SESSION_IDLE_SECONDS: i64 = 30 * 60;

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// Unknown, expired or revoked, as seen before verification: one answer for all.
    #[error("this link is not available")]
    Unavailable,
    /// No valid session for this link: show the landing page.
    #[error("verification needed")]
    NeedsVerification,
    #[error("the session ended after inactivity")]
    SessionEnded,
    #[error("the message has expired")]
    Expired { sender_name: String },
    #[error("the sender revoked access")]
    Revoked { sender_name: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<zegel_store::StoreError> for PortalError {
    fn from(error: zegel_store::StoreError) -> Self {
        PortalError::App(error.into())
    }
}

/// What the landing page shows.
#[derive(Debug, Clone)]
pub struct Landing {
    pub organisation: String,
    pub org_id: String,
    pub brand: crate::Brand,
    pub sender_name: String,
    pub method: VerificationMethod,
    /// Where a code goes: the masked address, or for SMS the masked number.
    pub destination: String,
    pub language: Language,
    pub has_live_code: bool,
}

/// A link resolved to everything the portal needs about it.
pub(crate) struct LinkContext {
    pub delivery: DeliveryView,
    pub message: Message,
    pub sender: User,
    pub organisation: Organisation,
}

impl LinkContext {
    fn state(&self) -> MessageState {
        if self.delivery.delivery.revoked_at.is_some() {
            return MessageState::Revoked;
        }
        MessageState::parse(&self.message.state).unwrap_or(MessageState::Expired)
    }

    fn language(&self) -> Language {
        Language::from_tag(&self.delivery.language).unwrap_or_default()
    }

    /// The message is still there, or the uniform "not available".
    pub(crate) fn require_sent(&self) -> Result<(), PortalError> {
        if self.state() == MessageState::Sent {
            Ok(())
        } else {
            Err(PortalError::Unavailable)
        }
    }
}

impl App {
    pub(crate) async fn resolve_link(&self, link: &str) -> Result<LinkContext, PortalError> {
        let token = Token::from_presented(link).ok_or(PortalError::Unavailable)?;
        let delivery = self
            .store
            .delivery_by_link(token.hash().as_bytes())
            .await?
            .ok_or(PortalError::Unavailable)?;
        let Parties {
            mut message,
            sender,
            organisation,
        } = self
            .parties(&delivery.delivery.message_id)
            .await
            .map_err(|error| match error {
                AppError::NotFound => PortalError::Unavailable,
                other => PortalError::App(other),
            })?;
        // Past its expiry a message is expired, even before the worker has shredded it.
        if message.state == MessageState::Sent.as_str() && message.expires_at <= self.now() {
            message.state = MessageState::Expired.as_str().to_owned();
        }
        // A recipient's access the sender set to end later has not ended yet.
        let mut delivery = delivery;
        if delivery
            .delivery
            .revoked_at
            .is_some_and(|at| at > self.now())
        {
            delivery.delivery.revoked_at = None;
        }
        Ok(LinkContext {
            delivery,
            message,
            sender,
            organisation,
        })
    }

    /// The landing page of a link. Reads only: a GET by a mail scanner changes nothing.
    pub async fn landing(&self, link: &str) -> Result<Landing, PortalError> {
        let context = self.resolve_link(link).await?;
        context.require_sent()?;
        let has_live_code = self
            .store
            .latest_challenge(&context.delivery.delivery.id)
            .await?
            .is_some_and(|c| {
                c.consumed_at.is_none()
                    && c.expires_at > self.now()
                    && c.attempts < self.attempts.tries_per_code
            });
        Ok(Landing {
            organisation: context.organisation.name.clone(),
            org_id: context.organisation.id.clone(),
            brand: self.brand(&context.organisation.id).await?,
            sender_name: self.shown_sender(&context.message, &context.sender).await?,
            method: VerificationMethod::parse(&context.delivery.verification_method)
                .unwrap_or(VerificationMethod::EmailCode),
            destination: match self.sms_destination(&context) {
                Some(phone) => phone.masked(),
                None => mask_email(&context.delivery.email),
            },
            language: context.language(),
            has_live_code,
        })
    }
}

/// `jan.de.vries@example.nl` → `ja•••@example.nl`: enough to recognise, not to harvest.
pub fn mask_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let visible: String = local
        .chars()
        .take(2.min(local.chars().count().saturating_sub(1)).max(1))
        .collect();
    format!("{visible}•••@{domain}")
}

#[cfg(test)]
mod tests {
    use super::mask_email;

    #[test]
    fn masks_the_local_part() {
        assert_eq!(mask_email("jan.de.vries@example.nl"), "ja•••@example.nl");
        assert_eq!(mask_email("j@example.nl"), "j•••@example.nl");
        assert_eq!(mask_email("jo@example.nl"), "j•••@example.nl");
    }
}
