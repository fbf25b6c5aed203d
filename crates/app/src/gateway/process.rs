//! Processing a message the gateway took in: secure it, hold it, or relay it unchanged.
//! The job may run more than once; every step checks what an earlier run already did.

use mail_parser::{Message, MessageParser, MimeHeaders};
use zegel_mail::GatewayHeldMail;
use zegel_store::{GatewayMessage, Organisation, User};

use super::{Envelope, key_label, raw_label};
use crate::jobs::JobPayload;
use crate::{App, AppError, AppResult, Language, RecipientInput, SendRequest};

impl App {
    pub(crate) async fn process_inbound(&self, id: &str) -> AppResult<()> {
        let Some(row) = self.store.gateway_message(id).await? else {
            return Ok(());
        };
        if row.state != "pending" {
            return Ok(());
        }
        let settings = self
            .gateway
            .clone()
            .ok_or_else(|| AppError::Internal("gateway mail without gateway settings".into()))?;
        let sender = self
            .store
            .user(&row.sender_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self
            .store
            .organisation(&row.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let raw = self.open_inbound(&row)?;
        let envelope: Envelope = serde_json::from_str(&row.envelope)
            .map_err(|e| AppError::Internal(format!("gateway envelope: {e}")))?;
        let Some(message) = MessageParser::default().parse(&raw) else {
            tracing::warn!(gateway_id = %id, "gateway mail could not be parsed; not sent");
            self.store.finish_gateway_message(id, "failed").await?;
            return Ok(());
        };
        let marking = settings.markers.mark(&envelope.from, &message);
        let secure = match marking.reason {
            Some(_) => true,
            None => {
                self.holds_personal_data(&org, &sender, &message, &envelope)
                    .await?
            }
        };
        if !secure {
            settings
                .next_hop
                .relay(&envelope.from, &envelope.to, &raw)
                .await?;
            self.store.finish_gateway_message(id, "relayed").await?;
            self.audit(
                &org.id,
                &sender.id,
                "gateway.relayed",
                id,
                serde_json::json!({}),
            )
            .await?;
            return Ok(());
        }
        let unknown = self.recipients_without_check(&org, &envelope).await?;
        if !unknown.is_empty() {
            return self.hold(&row, &sender, &unknown).await;
        }
        self.secure_inbound(&row, &sender, &envelope, &message, marking.subject)
            .await?;
        self.store.finish_gateway_message(id, "secured").await?;
        let reason = marking.reason.unwrap_or("personal_data");
        self.audit(
            &org.id,
            &sender.id,
            "gateway.secured",
            id,
            serde_json::json!({"reason": reason}),
        )
        .await?;
        Ok(())
    }

    fn open_inbound(&self, row: &GatewayMessage) -> AppResult<Vec<u8>> {
        let (Some(wrapped), Some(sealed)) = (&row.wrapped_dek, &row.raw_ct) else {
            return Err(AppError::NotFound);
        };
        let key = self.unwrap_key(row.kek_version, wrapped, &key_label(&row.id))?;
        Ok(key.open(sealed, raw_label(&row.id).as_bytes())?)
    }

    /// The detector's verdict with the organisation's rules; a level that would ask the
    /// sender to confirm (`warn`) counts as secure, since nobody can confirm over SMTP.
    async fn holds_personal_data(
        &self,
        org: &Organisation,
        sender: &User,
        message: &Message<'_>,
        envelope: &Envelope,
    ) -> AppResult<bool> {
        let text = format!(
            "{}\n{}",
            message.subject().unwrap_or_default(),
            message.body_text(0).unwrap_or_default()
        );
        let recipients: Vec<&str> = envelope.to.iter().map(String::as_str).collect();
        match self
            .protection(org, sender, &text, &recipients, false)
            .await
        {
            Ok(protection) => Ok(protection.secure),
            Err(AppError::Conflict(_)) => Ok(true),
            Err(other) => Err(other),
        }
    }

    /// Recipients the organisation has no identity check for yet.
    pub(super) async fn recipients_without_check(
        &self,
        org: &Organisation,
        envelope: &Envelope,
    ) -> AppResult<Vec<String>> {
        let mut unknown = Vec::new();
        for address in &envelope.to {
            let address = address.trim().to_ascii_lowercase();
            if self.store.recipient(&org.id, &address).await?.is_none() {
                unknown.push(address);
            }
        }
        Ok(unknown)
    }

    /// Holds the message and tells the sender which recipients need a check (once per hold).
    async fn hold(&self, row: &GatewayMessage, sender: &User, unknown: &[String]) -> AppResult<()> {
        if !self.store.hold_gateway_message(&row.id).await? {
            return Ok(());
        }
        let recipients = unknown.join(", ");
        let how = self.held_mail_link(&row.id);
        let mail = GatewayHeldMail {
            language: Language::from_tag(&sender.language).unwrap_or_default(),
            to: &sender.email,
            recipients: &recipients,
            how: &how,
            message_id: format!("<held.{}.{}@zegel>", row.id, self.now()),
        }
        .render();
        self.mailer.send(&mail).await?;
        self.audit(
            &row.org_id,
            &sender.id,
            "gateway.held",
            &row.id,
            serde_json::json!({"recipients_without_check": unknown.len()}),
        )
        .await
    }

    /// Puts the organisation's held gateway mail back in the queue (after a recipient got an
    /// identity check); each message goes out once all its recipients have one.
    pub(crate) async fn retry_held_gateway_mail(&self, org_id: &str) -> AppResult<()> {
        let now = self.now();
        let jobs: Vec<_> = self
            .store
            .held_gateway_messages(org_id)
            .await?
            .into_iter()
            .map(|id| {
                let job = JobPayload::ProcessInbound { id: id.clone() }.to_job(now);
                (id, job)
            })
            .collect();
        if !jobs.is_empty() && self.store.requeue_gateway_messages(&jobs).await? > 0 {
            self.job_wakeup.notify_one();
        }
        Ok(())
    }

    /// Turns the mail into a secure message, exactly once: the draft and the message take the
    /// gateway message's id, so a second run finds the message already there.
    async fn secure_inbound(
        &self,
        row: &GatewayMessage,
        sender: &User,
        envelope: &Envelope,
        message: &Message<'_>,
        subject: String,
    ) -> AppResult<()> {
        if self.store.message(&row.id).await?.is_some() {
            return Ok(());
        }
        self.draft_for_gateway(sender, &row.id).await?;
        for (index, part) in message.attachments().enumerate() {
            let name = part
                .attachment_name()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("attachment-{}", index + 1));
            let content_type = part
                .content_type()
                .map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or("octet-stream")));
            let upload = crate::NewUpload {
                file_name: name,
                size: part.contents().len() as u64,
                content_type,
            };
            let started = self.start_upload(sender, &row.id, upload).await?;
            let bytes = bytes::Bytes::copy_from_slice(part.contents());
            let body = futures::stream::iter([Ok::<_, std::convert::Infallible>(bytes)]);
            self.append_upload(sender, &started.id, 0, body).await?;
        }
        let listed = |addresses: Option<&mail_parser::Address<'_>>| -> Vec<String> {
            addresses
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.address())
                        .map(str::to_ascii_lowercase)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (to_header, cc_header) = (listed(message.to()), listed(message.cc()));
        let input = |email: &String| RecipientInput {
            email: email.clone(),
            verification: None,
            language: None,
        };
        let lowered: Vec<String> = envelope
            .to
            .iter()
            .map(|a| a.trim().to_ascii_lowercase())
            .collect();
        let (mut to, mut cc, mut bcc) = (Vec::new(), Vec::new(), Vec::new());
        for address in &lowered {
            if to_header.contains(address) {
                to.push(address);
            } else if cc_header.contains(address) {
                cc.push(address);
            } else {
                bcc.push(address);
            }
        }
        // A message always has someone in "to"; else the first other recipient takes that place.
        if to.is_empty() {
            let first = if cc.is_empty() {
                bcc.remove(0)
            } else {
                cc.remove(0)
            };
            to.push(first);
        }
        let request = SendRequest {
            subject: if subject.trim().is_empty() {
                "(no subject)".to_owned()
            } else {
                subject
            },
            body: message.body_text(0).unwrap_or_default().into_owned(),
            to: to.into_iter().map(input).collect(),
            cc: cc.into_iter().map(input).collect(),
            bcc: bcc.into_iter().map(input).collect(),
            expires_in_days: None,
            secure: Some(true),
            confirm_unsecured: false,
            draft_id: Some(row.id.clone()),
            hold_seconds: None,
            mailbox_id: None,
        };
        self.send_message(sender, request).await?;
        Ok(())
    }
}
