//! What a sender sees of their messages: per-recipient progress, the thread, and the
//! actions they can take (revoke for everyone, unlock a locked recipient).

use serde::Serialize;
use zegel_crypto::DataKey;
use zegel_store::{DeliveryView, Message, User};

use crate::send::{content_label, message_key_label};
use crate::{App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryStatus {
    pub delivery_id: String,
    pub email: String,
    pub kind: String,
    pub verification_method: String,
    pub notified_at: Option<i64>,
    pub opened_at: Option<i64>,
    pub replied_at: Option<i64>,
    /// When the recipient first downloaded a file of the message.
    pub downloaded_at: Option<i64>,
    /// Locked after too many wrong codes; only the sender can unlock.
    pub locked: bool,
    /// For SMS: the masked number, and the state of the latest code SMS
    /// (`queued`, `accepted`, `sent`, `delivered`, `failed`).
    pub phone: Option<String>,
    pub sms_status: Option<String>,
    /// When the recipient last said the number is not theirs.
    pub wrong_number_reported_at: Option<i64>,
    /// When the sender ended this recipient's access (the others keep theirs).
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageSummary {
    pub id: String,
    /// `None` once the message is revoked or expired: its content no longer exists.
    pub subject: Option<String>,
    pub state: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub recipients: Vec<DeliveryStatus>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThreadReply {
    pub id: String,
    pub from: String,
    pub body: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageDetail {
    #[serde(flatten)]
    pub summary: MessageSummary,
    pub body: Option<String>,
    /// The message's files and the files recipients attached to replies (`reply_id` set).
    pub attachments: Vec<crate::AttachmentInfo>,
    pub replies: Vec<ThreadReply>,
}

impl App {
    pub async fn list_sent(&self, sender: &User, limit: i64) -> AppResult<Vec<MessageSummary>> {
        let limit = limit.clamp(1, 500);
        let mut messages = self.store.messages_by_sender(&sender.id, limit).await?;
        // And what the user's shared mailboxes sent, by any member.
        for mailbox in self.store.mailboxes_of_user(&sender.id).await? {
            for message in self.store.messages_by_mailbox(&mailbox.id, limit).await? {
                if !messages.iter().any(|m| m.id == message.id) {
                    messages.push(message);
                }
            }
        }
        messages.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        messages.truncate(limit as usize);
        let mut summaries = Vec::new();
        for message in messages {
            let key = self.data_key(&message)?;
            summaries.push(self.summary(&message, key.as_ref()).await?);
        }
        Ok(summaries)
    }

    pub async fn sent_message(&self, sender: &User, id: &str) -> AppResult<MessageDetail> {
        let message = self.owned_message(sender, id).await?;
        let key = self.data_key(&message)?;
        let summary = self.summary(&message, key.as_ref()).await?;
        let body = decrypt_field(
            key.as_ref(),
            message.body_ct.as_deref(),
            &content_label(&message.id, "body"),
        )?;
        let mut replies = Vec::new();
        for reply in self.store.replies(&message.id).await? {
            let from = summary
                .recipients
                .iter()
                .find(|d| d.delivery_id == reply.delivery_id)
                .map(|d| d.email.clone())
                .unwrap_or_default();
            replies.push(ThreadReply {
                body: decrypt_field(
                    key.as_ref(),
                    reply.body_ct.as_deref(),
                    &reply_label(&reply.id),
                )?,
                id: reply.id,
                from,
                created_at: reply.created_at,
            });
        }
        let attachments = match &key {
            Some(key) => self.attachment_infos(key, &message.id).await?,
            None => Vec::new(),
        };
        Ok(MessageDetail {
            summary,
            body,
            attachments,
            replies,
        })
    }

    /// Revokes access for all recipients at once: the message key and content are destroyed.
    pub async fn revoke(&self, sender: &User, id: &str) -> AppResult<MessageSummary> {
        self.end_message(sender, id, "message.revoked").await
    }

    /// Destroys a message's key and content; `action` names why in the audit trail.
    pub(crate) async fn end_message(
        &self,
        sender: &User,
        id: &str,
        action: &str,
    ) -> AppResult<MessageSummary> {
        let message = self.owned_message(sender, id).await?;
        if !self.store.revoke_message(&message.id, self.now()).await? {
            return Err(AppError::Conflict(format!(
                "the message is already {}",
                message.state
            )));
        }
        tracing::info!(message_id = %message.id, action, "message ended by its sender");
        // The key is gone already; the ciphertext goes now, or at the worker's next sweep.
        if let Err(error) = self.delete_shredded_blobs().await {
            tracing::warn!(%error, "attachment blobs left for the sweep");
        }
        self.audit(
            &message.org_id,
            &sender.id,
            action,
            &message.id,
            serde_json::json!({}),
        )
        .await?;
        let revoked = self.owned_message(sender, id).await?;
        self.summary(&revoked, None).await
    }

    /// Lifts the lock (and pending waits) of a recipient who entered too many wrong codes.
    pub async fn unlock_recipient(
        &self,
        sender: &User,
        message_id: &str,
        delivery_id: &str,
    ) -> AppResult<()> {
        let message = self.owned_message(sender, message_id).await?;
        let delivery = self
            .store
            .delivery(delivery_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if delivery.delivery.message_id != message.id {
            return Err(AppError::NotFound);
        }
        self.store.clear_failures(delivery_id).await?;
        self.audit(
            &message.org_id,
            &sender.id,
            "recipient.unlocked",
            delivery_id,
            serde_json::json!({"message_id": message.id}),
        )
        .await?;
        Ok(())
    }

    /// A message of this sender, or of a shared mailbox they are a member of; anyone else's
    /// is "not found", never "forbidden".
    pub(crate) async fn owned_message(&self, sender: &User, id: &str) -> AppResult<Message> {
        let message = self.store.message(id).await?.ok_or(AppError::NotFound)?;
        if message.sender_id == sender.id {
            return Ok(message);
        }
        match &message.mailbox_id {
            Some(mailbox) if self.is_member(sender, mailbox).await? => Ok(message),
            _ => Err(AppError::NotFound),
        }
    }

    /// The message's data key, or `None` when it has been shredded.
    pub(crate) fn data_key(&self, message: &Message) -> AppResult<Option<DataKey>> {
        let Some(wrapped) = &message.wrapped_dek else {
            return Ok(None);
        };
        Ok(Some(self.unwrap_key(
            message.kek_version,
            wrapped,
            &message_key_label(&message.id),
        )?))
    }

    /// A data key wrapped by the KEK of version `kek_version` under `label`.
    pub(crate) fn unwrap_key(
        &self,
        kek_version: i64,
        wrapped: &[u8],
        label: &str,
    ) -> AppResult<DataKey> {
        let version =
            u32::try_from(kek_version).map_err(|_| AppError::Internal("bad KEK version".into()))?;
        Ok(self.keyring.unwrap(version, wrapped, label.as_bytes())?)
    }

    async fn summary(&self, message: &Message, key: Option<&DataKey>) -> AppResult<MessageSummary> {
        let deliveries = self.store.deliveries(&message.id).await?;
        Ok(MessageSummary {
            id: message.id.clone(),
            subject: decrypt_field(
                key,
                message.subject_ct.as_deref(),
                &content_label(&message.id, "subject"),
            )?,
            state: message.state.clone(),
            created_at: message.created_at,
            expires_at: message.expires_at,
            recipients: deliveries.iter().map(delivery_status).collect(),
        })
    }
}

fn delivery_status(view: &DeliveryView) -> DeliveryStatus {
    let d = &view.delivery;
    DeliveryStatus {
        delivery_id: d.id.clone(),
        email: view.email.clone(),
        kind: d.kind.clone(),
        verification_method: view.verification_method.clone(),
        notified_at: d.notified_at,
        opened_at: d.opened_at,
        replied_at: d.replied_at,
        downloaded_at: d.downloaded_at,
        locked: d.locked_at.is_some(),
        phone: view
            .phone
            .as_deref()
            .and_then(zegel_domain::PhoneNumber::from_stored)
            .map(|p| p.masked()),
        sms_status: view.sms_status.clone(),
        wrong_number_reported_at: d.wrong_number_reported_at,
        revoked_at: d.revoked_at,
    }
}

/// Decrypts one sealed text field; `None` when key or ciphertext no longer exist.
pub(crate) fn decrypt_field(
    key: Option<&DataKey>,
    sealed: Option<&[u8]>,
    label: &str,
) -> AppResult<Option<String>> {
    let (Some(key), Some(sealed)) = (key, sealed) else {
        return Ok(None);
    };
    let plain = key.open(sealed, label.as_bytes())?;
    String::from_utf8(plain)
        .map(Some)
        .map_err(|_| AppError::Internal("decrypted text is not UTF-8".into()))
}

pub(crate) fn reply_label(reply_id: &str) -> String {
    format!("reply:{reply_id}:body")
}
