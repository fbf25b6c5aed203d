//! What a sender can do with a message after sending, besides revoking it for everyone:
//! end access for one recipient, move the end date, and reply back to a recipient within the
//! thread.

use zegel_domain::{EmailAddress, SECONDS_PER_DAY};
use zegel_store::User;

use crate::{App, AppError, AppResult, RecipientInput, SendRequest, SentMessage};

/// A message of a thread, as the sender's thread list shows it.
#[derive(Debug, Clone)]
pub struct ThreadEntry {
    pub id: String,
    pub subject: Option<String>,
    pub created_at: i64,
}

impl App {
    /// Ends one recipient's access now; the others keep theirs.
    pub async fn revoke_recipient(
        &self,
        sender: &User,
        message_id: &str,
        delivery_id: &str,
    ) -> AppResult<()> {
        self.end_recipient_access(sender, message_id, delivery_id, self.now())
            .await
    }

    /// Ends one recipient's access at `at`: now, or a moment before the message expires.
    pub async fn end_recipient_access(
        &self,
        sender: &User,
        message_id: &str,
        delivery_id: &str,
        at: i64,
    ) -> AppResult<()> {
        let message = self.owned_message(sender, message_id).await?;
        let delivery = self
            .store
            .delivery(delivery_id)
            .await?
            .filter(|d| d.delivery.message_id == message.id)
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        if at < now || at >= message.expires_at {
            return Err(AppError::Invalid(vec![
                "the end of a recipient's access must be after now and before the message expires"
                    .to_owned(),
            ]));
        }
        if self
            .store
            .revoke_delivery(&delivery.delivery.id, at, now)
            .await?
        {
            let (action, detail) = if at <= now {
                (
                    "delivery.revoked",
                    serde_json::json!({"message_id": message.id}),
                )
            } else {
                (
                    "delivery.revocation_scheduled",
                    serde_json::json!({"message_id": message.id, "at": at}),
                )
            };
            self.audit(&message.org_id, &sender.id, action, delivery_id, detail)
                .await?;
        }
        Ok(())
    }

    /// Moves the moment the message expires (and is destroyed): earlier, or later within the
    /// organisation's maximum from the day it was sent.
    pub async fn set_end_of_access(
        &self,
        sender: &User,
        message_id: &str,
        expires_at: i64,
    ) -> AppResult<i64> {
        let message = self.owned_message(sender, message_id).await?;
        let org = self
            .store
            .organisation(&message.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let latest = message.created_at + org.max_expiry_days * SECONDS_PER_DAY;
        if expires_at <= self.now() || expires_at > latest {
            return Err(AppError::Invalid(vec![format!(
                "the end of access must be after now and at most {} days after sending",
                org.max_expiry_days
            )]));
        }
        if !self
            .store
            .set_message_expiry(&message.id, expires_at)
            .await?
        {
            return Err(AppError::Conflict(format!(
                "the message is already {}",
                message.state
            )));
        }
        self.audit(
            &message.org_id,
            &sender.id,
            "message.expiry_changed",
            &message.id,
            serde_json::json!({"from": message.expires_at, "to": expires_at}),
        )
        .await?;
        Ok(expires_at)
    }

    /// A new secure message to one recipient of `message_id`, in the same thread.
    pub async fn reply_back(
        &self,
        sender: &User,
        message_id: &str,
        delivery_id: &str,
        body: &str,
    ) -> AppResult<SentMessage> {
        let detail = self.sent_message(sender, message_id).await?;
        let recipient = detail
            .summary
            .recipients
            .iter()
            .find(|r| r.delivery_id == delivery_id)
            .ok_or(AppError::NotFound)?;
        let email =
            EmailAddress::parse(&recipient.email).map_err(|e| AppError::Internal(e.to_string()))?;
        let subject = detail
            .summary
            .subject
            .clone()
            .ok_or_else(|| AppError::Conflict("the message no longer exists".into()))?;
        let subject = if subject.to_lowercase().starts_with("re:") {
            subject
        } else {
            format!("Re: {subject}")
        };
        let sent = self
            .send_message(
                sender,
                SendRequest {
                    subject,
                    body: body.to_owned(),
                    to: vec![RecipientInput {
                        email: email.to_string(),
                        verification: None,
                        language: None,
                    }],
                    cc: Vec::new(),
                    bcc: Vec::new(),
                    expires_in_days: None,
                    secure: Some(true),
                    confirm_unsecured: false,
                    draft_id: None,
                    hold_seconds: None,
                    mailbox_id: self.owned_message(sender, message_id).await?.mailbox_id,
                },
            )
            .await?;
        let thread = self
            .store
            .message_thread(message_id)
            .await?
            .unwrap_or_else(|| message_id.to_owned());
        self.store.set_message_thread(&sent.id, &thread).await?;
        Ok(sent)
    }

    /// The sender's messages in the thread of `message_id`, oldest first.
    pub async fn thread_of(&self, sender: &User, message_id: &str) -> AppResult<Vec<ThreadEntry>> {
        let message = self.owned_message(sender, message_id).await?;
        let thread = self
            .store
            .message_thread(&message.id)
            .await?
            .unwrap_or(message.id);
        let mut entries = Vec::new();
        for message in self.store.messages_in_thread(&thread).await? {
            if message.sender_id != sender.id {
                continue;
            }
            let key = self.data_key(&message)?;
            let subject = crate::sent::decrypt_field(
                key.as_ref(),
                message.subject_ct.as_deref(),
                &crate::send::content_label(&message.id, "subject"),
            )?;
            entries.push(ThreadEntry {
                id: message.id,
                subject,
                created_at: message.created_at,
            });
        }
        Ok(entries)
    }
}
