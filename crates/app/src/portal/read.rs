//! Reading and replying, for a recipient with a valid session.

use zegel_crypto::Token;
use zegel_domain::{Language, MessageState};
use zegel_store::Reply;

use super::{LinkContext, PortalError, SESSION_IDLE_SECONDS};
use crate::jobs::JobPayload;
use crate::send::content_label;
use crate::sent::{decrypt_field, reply_label};
use crate::{App, AppError, AttachmentInfo};

pub const MAX_REPLY_CHARS: usize = 50_000;

#[derive(Debug, Clone)]
pub struct ReadView {
    pub organisation: String,
    pub org_id: String,
    pub brand: crate::Brand,
    pub sender_name: String,
    pub subject: String,
    pub body: String,
    pub expires_at: i64,
    pub language: Language,
    /// The message's files.
    pub attachments: Vec<AttachmentInfo>,
    /// This recipient's own replies; other recipients' replies are not theirs to see.
    pub replies: Vec<ReplyView>,
}

#[derive(Debug, Clone)]
pub struct ReplyView {
    pub body: String,
    pub created_at: i64,
    pub attachments: Vec<AttachmentInfo>,
}

impl App {
    /// The message, for the holder of a valid session for this link.
    pub async fn read(&self, link: &str, session: &str) -> Result<ReadView, PortalError> {
        let context = self.session_context(link, session).await?;
        let key = self
            .data_key(&context.message)?
            .ok_or_else(|| ended(&context))?;
        let id = &context.message.id;
        let subject = decrypt_field(
            Some(&key),
            context.message.subject_ct.as_deref(),
            &content_label(id, "subject"),
        )?;
        let body = decrypt_field(
            Some(&key),
            context.message.body_ct.as_deref(),
            &content_label(id, "body"),
        )?;
        let delivery_id = &context.delivery.delivery.id;
        let (attachments, reply_files): (Vec<_>, Vec<_>) = self
            .attachment_infos(&key, id)
            .await?
            .into_iter()
            .partition(|a| a.reply_id.is_none());
        let mut replies = Vec::new();
        for reply in self.store.replies(id).await? {
            if &reply.delivery_id == delivery_id
                && let Some(body) = decrypt_field(
                    Some(&key),
                    reply.body_ct.as_deref(),
                    &reply_label(&reply.id),
                )?
            {
                replies.push(ReplyView {
                    body,
                    created_at: reply.created_at,
                    attachments: reply_files
                        .iter()
                        .filter(|a| a.reply_id.as_deref() == Some(reply.id.as_str()))
                        .cloned()
                        .collect(),
                });
            }
        }
        if self.store.mark_opened(delivery_id, self.now()).await? {
            let actor = format!("recipient:{delivery_id}");
            self.audit(
                &context.organisation.id,
                &actor,
                "message.opened",
                &context.message.id,
                serde_json::json!({}),
            )
            .await?;
        }
        Ok(ReadView {
            organisation: context.organisation.name.clone(),
            org_id: context.organisation.id.clone(),
            brand: self.brand(&context.organisation.id).await?,
            sender_name: self.shown_sender(&context.message, &context.sender).await?,
            subject: subject.unwrap_or_default(),
            body: body.unwrap_or_default(),
            expires_at: context.message.expires_at,
            language: context.language(),
            attachments,
            replies,
        })
    }

    /// Stores a reply encrypted under the message key and forwards it to the sender. Files
    /// uploaded for `reply_id` (see [`App::portal_reply_file`]) go with it; a reply needs
    /// text or at least one file.
    pub async fn reply(
        &self,
        link: &str,
        session: &str,
        reply_id: &str,
        text: &str,
    ) -> Result<String, PortalError> {
        let text = text.trim();
        let files = self
            .store
            .attachments(&self.resolve_link(link).await?.message.id)
            .await?
            .into_iter()
            .filter(|a| a.reply_id.as_deref() == Some(reply_id) && a.state == "ready")
            .count();
        if text.is_empty() && files == 0 {
            return Err(AppError::Invalid(vec!["empty".into()]).into());
        }
        if text.chars().count() > MAX_REPLY_CHARS {
            return Err(AppError::Invalid(vec!["too long".into()]).into());
        }
        let context = self.session_context(link, session).await?;
        let key = self
            .data_key(&context.message)?
            .ok_or_else(|| ended(&context))?;
        let id = reply_id.to_owned();
        let now = self.now();
        let reply = Reply {
            body_ct: Some(key.seal(text.as_bytes(), reply_label(&id).as_bytes())),
            id: id.clone(),
            message_id: context.message.id.clone(),
            delivery_id: context.delivery.delivery.id.clone(),
            created_at: now,
        };
        self.store
            .create_reply(
                &reply,
                &JobPayload::NotifyReply {
                    reply_id: id.clone(),
                }
                .to_job(now),
            )
            .await?;
        self.job_wakeup.notify_one();
        tracing::info!(message_id = %context.message.id, "recipient replied");
        let actor = format!("recipient:{}", context.delivery.delivery.id);
        self.audit(
            &context.organisation.id,
            &actor,
            "reply.sent",
            &context.message.id,
            serde_json::json!({ "files": files }),
        )
        .await?;
        Ok(context.sender.display_name)
    }

    /// Resolves the link and checks that `session` belongs to it and is not idle too long.
    pub(crate) async fn session_context(
        &self,
        link: &str,
        session: &str,
    ) -> Result<LinkContext, PortalError> {
        let context = self.resolve_link(link).await?;
        let token = Token::from_presented(session).ok_or(PortalError::NeedsVerification)?;
        let hash = token.hash();
        let found = self
            .store
            .session(hash.as_bytes())
            .await?
            .filter(|s| s.delivery_id == context.delivery.delivery.id)
            .ok_or(PortalError::NeedsVerification)?;
        let now = self.now();
        if now - found.last_seen_at > SESSION_IDLE_SECONDS {
            self.store.delete_session(hash.as_bytes()).await?;
            return Err(PortalError::SessionEnded);
        }
        self.store.touch_session(hash.as_bytes(), now).await?;
        match context.state() {
            MessageState::Sent => Ok(context),
            _ => Err(ended(&context)),
        }
    }
}

/// The specific answer for a verified recipient whose message is gone.
fn ended(context: &LinkContext) -> PortalError {
    let sender_name = context.sender.display_name.clone();
    match context.state() {
        MessageState::Revoked => PortalError::Revoked { sender_name },
        _ => PortalError::Expired { sender_name },
    }
}
