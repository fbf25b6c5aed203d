//! Copies of messages as `.eml`: the recipient's own copy while the message is available
//! (NTA 7516 asks for one), and the organisation's archive export before messages expire.

use zegel_mail::Eml;
use zegel_store::Message;

use crate::portal::PortalError;
use crate::send::content_label;
use crate::sent::{decrypt_field, reply_label};
use crate::{App, AppError, AppResult};

/// One `.eml` file: a name and its bytes.
pub struct EmlFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl App {
    /// The recipient's copy of the message they are reading.
    pub async fn recipient_copy(&self, link: &str, session: &str) -> Result<EmlFile, PortalError> {
        let view = self.read(link, session).await?;
        let context = self.resolve_link(link).await?;
        let key = self
            .data_key(&context.message)?
            .ok_or(PortalError::NeedsVerification)?;
        let files = self.eml_files(&key, &context.message.id, None).await?;
        let bytes = Eml {
            from_name: &format!("{} ({})", view.sender_name, view.organisation),
            from_address: &context.sender.email,
            to: std::slice::from_ref(&context.delivery.email),
            subject: &view.subject,
            body: &files.body_with_note(&view.body),
            sent_at: context.message.created_at,
            message_id: format!("<{}@zegel>", context.message.id),
            attachments: files.attachments,
        }
        .render()
        .map_err(AppError::from)?;
        Ok(EmlFile {
            name: "message.eml".to_owned(),
            bytes,
        })
    }

    /// Every message of the organisation that still exists, with its replies, as `.eml` files.
    pub async fn export_organisation(&self, organisation: &str) -> AppResult<Vec<EmlFile>> {
        self.export_organisation_as(organisation, "system").await
    }

    /// The export, recorded in the audit trail as `actor`'s act.
    pub(crate) async fn export_organisation_as(
        &self,
        organisation: &str,
        actor: &str,
    ) -> AppResult<Vec<EmlFile>> {
        let org = self.organisation_by_id_or_name(organisation).await?;
        let mut files = Vec::new();
        for message in self.store.messages_of_organisation(&org.id).await? {
            files.extend(self.message_files(&message).await?);
        }
        self.audit(
            &org.id,
            actor,
            "archive.exported",
            &org.id,
            serde_json::json!({"files": files.len()}),
        )
        .await?;
        Ok(files)
    }

    async fn message_files(&self, message: &Message) -> AppResult<Vec<EmlFile>> {
        let Some(key) = self.data_key(message)? else {
            return Ok(Vec::new());
        };
        let sender = self
            .store
            .user(&message.sender_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let deliveries = self.store.deliveries(&message.id).await?;
        let to: Vec<String> = deliveries.iter().map(|d| d.email.clone()).collect();
        let subject = decrypt_field(
            Some(&key),
            message.subject_ct.as_deref(),
            &content_label(&message.id, "subject"),
        )?
        .unwrap_or_default();
        let body = decrypt_field(
            Some(&key),
            message.body_ct.as_deref(),
            &content_label(&message.id, "body"),
        )?
        .unwrap_or_default();
        let own = self.eml_files(&key, &message.id, None).await?;
        let mut files = vec![EmlFile {
            name: format!("{}.eml", message.id),
            bytes: Eml {
                from_name: &sender.display_name,
                from_address: &sender.email,
                to: &to,
                subject: &subject,
                body: &own.body_with_note(&body),
                sent_at: message.created_at,
                message_id: format!("<{}@zegel>", message.id),
                attachments: own.attachments,
            }
            .render()?,
        }];
        for (index, reply) in self
            .store
            .replies(&message.id)
            .await?
            .into_iter()
            .enumerate()
        {
            let Some(text) = decrypt_field(
                Some(&key),
                reply.body_ct.as_deref(),
                &reply_label(&reply.id),
            )?
            else {
                continue;
            };
            let from = deliveries
                .iter()
                .find(|d| d.delivery.id == reply.delivery_id)
                .map(|d| d.email.clone())
                .unwrap_or_default();
            let attached = self.eml_files(&key, &message.id, Some(&reply.id)).await?;
            files.push(EmlFile {
                name: format!("{}-reply-{}.eml", message.id, index + 1),
                bytes: Eml {
                    from_name: &from,
                    from_address: &from,
                    to: std::slice::from_ref(&sender.email),
                    subject: &format!("Re: {subject}"),
                    body: &attached.body_with_note(&text),
                    sent_at: reply.created_at,
                    message_id: format!("<{}@zegel>", reply.id),
                    attachments: attached.attachments,
                }
                .render()?,
            });
        }
        Ok(files)
    }
}
