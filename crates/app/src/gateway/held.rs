//! The page a sender reaches from the "your message is waiting" mail: it names the
//! recipients without an identity check and sets one for each, after which the held message
//! goes out. The link carries a MAC of the message id under a KEK-derived key, so only the
//! sender's mailbox has it; it stops working once the message is no longer held.

use zegel_crypto::{Token, same_secret};
use zegel_store::{GatewayMessage, User};

use super::Envelope;
use crate::{App, AppError, AppResult, Language, VerificationInput};

/// What the page shows.
#[derive(Debug, Clone)]
pub struct HeldMail {
    pub sender_name: String,
    pub language: Language,
    /// Recipients still without an identity check.
    pub recipients: Vec<String>,
}

impl App {
    /// The link in the mail to the sender.
    pub(crate) fn held_mail_link(&self, id: &str) -> String {
        let token = self.keyring.held_mail_token(id);
        format!("{}/gateway/held/{id}/{}", self.public_url, token.expose())
    }

    async fn held_row(&self, id: &str, token: &str) -> AppResult<(GatewayMessage, User)> {
        let expected = self.keyring.held_mail_token(id);
        if Token::from_presented(token).is_none() || !same_secret(expected.expose(), token) {
            return Err(AppError::NotFound);
        }
        let row = self
            .store
            .gateway_message(id)
            .await?
            .filter(|row| row.state == "held")
            .ok_or(AppError::NotFound)?;
        let sender = self
            .store
            .user(&row.sender_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((row, sender))
    }

    /// The held message's recipients that still need a check; `NotFound` for a wrong link or
    /// a message that is no longer held.
    pub async fn held_mail(&self, id: &str, token: &str) -> AppResult<HeldMail> {
        let (row, sender) = self.held_row(id, token).await?;
        let envelope: Envelope = serde_json::from_str(&row.envelope)
            .map_err(|e| AppError::Internal(format!("gateway envelope: {e}")))?;
        let org = self
            .store
            .organisation(&row.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(HeldMail {
            recipients: self.recipients_without_check(&org, &envelope).await?,
            language: Language::from_tag(&sender.language).unwrap_or_default(),
            sender_name: sender.display_name,
        })
    }

    /// Sets the checks as the sender; every problem is reported at once and nothing is set
    /// then. The message goes out when every recipient has a check.
    pub async fn release_held_mail(
        &self,
        id: &str,
        token: &str,
        checks: Vec<(String, VerificationInput)>,
    ) -> AppResult<()> {
        let (_, sender) = self.held_row(id, token).await?;
        let mut problems = Vec::new();
        for (email, check) in &checks {
            match self.plan_verification(&sender, email, check).await {
                Ok(_) => {}
                Err(AppError::Invalid(found)) => {
                    problems.extend(found.into_iter().map(|p| format!("{email}: {p}")))
                }
                Err(other) => return Err(other),
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        for (email, check) in checks {
            self.change_verification(&sender, &email, check).await?;
        }
        Ok(())
    }
}
