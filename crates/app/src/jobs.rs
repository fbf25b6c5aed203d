//! Background jobs: what each kind carries (ids only, or a sealed code) and how it is done.
//! Every handler is idempotent: a job may run again after a crash, and then it either
//! finds its work done or does it again harmlessly (the same Message-ID for the same mail).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use zegel_domain::{Language, MessageState};
use zegel_mail::{CodeMail, NotificationMail, ReplyMail};
use zegel_store::NewJob;

use crate::send::content_label;
use crate::sent::{decrypt_field, reply_label};
use crate::{App, AppError, AppResult, Parties};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum JobPayload {
    /// Tell a recipient a message is waiting.
    Notify { delivery_id: String },
    /// Mail a one-time code; the code is sealed under a KEK-derived key, never stored plain.
    SendCode {
        delivery_id: String,
        challenge_id: String,
        sealed_code: String,
    },
    /// Bring a recipient's reply to the sender's mailbox.
    NotifyReply { reply_id: String },
    /// Send a reserved SMS code (number in the SMS log, code sealed here).
    SendSms { sms_id: String, sealed_code: String },
    /// Tell the sender the recipient says the number is wrong.
    NotifyWrongNumber { delivery_id: String },
    /// Deliver a message the sender sent unsecured, as ordinary e-mail.
    PlainDelivery { delivery_id: String },
    /// Secure or relay a message the SMTP gateway took in.
    ProcessInbound { id: String },
}

impl JobPayload {
    fn kind(&self) -> &'static str {
        match self {
            JobPayload::Notify { .. } => "notify",
            JobPayload::SendCode { .. } => "send_code",
            JobPayload::NotifyReply { .. } => "notify_reply",
            JobPayload::SendSms { .. } => "send_sms",
            JobPayload::NotifyWrongNumber { .. } => "notify_wrong_number",
            JobPayload::PlainDelivery { .. } => "plain_delivery",
            JobPayload::ProcessInbound { .. } => "process_inbound",
        }
    }

    pub(crate) fn to_job(&self, now: i64) -> NewJob {
        NewJob {
            kind: self.kind().to_owned(),
            payload: serde_json::to_string(self).expect("job payloads serialise"),
            run_at: now,
        }
    }

    pub(crate) fn seal_code(app: &App, challenge_id: &str, code: &str) -> String {
        STANDARD.encode(
            app.keyring
                .job_secret_key()
                .seal(code.as_bytes(), challenge_id.as_bytes()),
        )
    }
}

impl App {
    /// Whether a queued code is still the one to send: a newer code replaces it, and one that
    /// lapsed or was used while queued would only confuse.
    pub(crate) async fn challenge_is_current(
        &self,
        delivery_id: &str,
        challenge_id: &str,
    ) -> AppResult<bool> {
        let current = self.store.latest_challenge(delivery_id).await?;
        Ok(current.is_some_and(|c| {
            c.id == challenge_id && c.expires_at > self.now() && c.consumed_at.is_none()
        }))
    }

    pub(crate) fn unseal_code(&self, challenge_id: &str, sealed_code: &str) -> AppResult<String> {
        let sealed = STANDARD
            .decode(sealed_code)
            .map_err(|_| AppError::Internal("unreadable sealed code".into()))?;
        let code = self
            .keyring
            .job_secret_key()
            .open(&sealed, challenge_id.as_bytes())?;
        String::from_utf8(code).map_err(|_| AppError::Internal("unreadable code".into()))
    }

    pub(crate) async fn run_job(&self, payload: &str) -> AppResult<()> {
        let job: JobPayload = serde_json::from_str(payload)
            .map_err(|e| AppError::Internal(format!("unreadable job: {e}")))?;
        match job {
            JobPayload::Notify { delivery_id } => self.notify(&delivery_id).await,
            JobPayload::SendCode {
                delivery_id,
                challenge_id,
                sealed_code,
            } => {
                self.mail_code(&delivery_id, &challenge_id, &sealed_code)
                    .await
            }
            JobPayload::NotifyReply { reply_id } => self.mail_reply(&reply_id).await,
            JobPayload::SendSms {
                sms_id,
                sealed_code,
            } => self.send_sms(&sms_id, &sealed_code).await,
            JobPayload::PlainDelivery { delivery_id } => self.deliver_plain(&delivery_id).await,
            JobPayload::NotifyWrongNumber { delivery_id } => {
                self.mail_wrong_number(&delivery_id).await
            }
            JobPayload::ProcessInbound { id } => self.process_inbound(&id).await,
        }
    }

    /// The delivery, unless it is gone or already notified (a job may run twice).
    async fn unnotified_delivery(
        &self,
        delivery_id: &str,
    ) -> AppResult<Option<zegel_store::DeliveryView>> {
        Ok(self
            .store
            .delivery(delivery_id)
            .await?
            .filter(|v| v.delivery.notified_at.is_none()))
    }

    async fn notify(&self, delivery_id: &str) -> AppResult<()> {
        let Some(view) = self.unnotified_delivery(delivery_id).await? else {
            return Ok(());
        };
        let Parties {
            message,
            sender,
            organisation: org,
        } = self.parties(&view.delivery.message_id).await?;
        if MessageState::parse(&message.state) != Some(MessageState::Sent)
            || view.delivery.revoked_at.is_some_and(|at| at <= self.now())
        {
            return Ok(());
        }
        let link = format!(
            "{}/m/{}",
            self.public_url,
            self.keyring.link_token(delivery_id).expose()
        );
        let shown = self.shown_sender(&message, &sender).await?;
        let brand = self.brand(&org.id).await?;
        let logo_url = brand.has_logo.then(|| {
            format!(
                "{}/brand/{}/logo?v={}",
                self.public_url, org.id, brand.version
            )
        });
        let mail = NotificationMail {
            language: Language::from_tag(&view.language).unwrap_or_default(),
            to: &view.email,
            sender_name: &shown,
            organisation: &org.name,
            link: &link,
            expires_at: message.expires_at,
            message_id: format!("<notify.{delivery_id}@zegel>"),
            brand_colour: brand.colour.as_deref(),
            logo_url: logo_url.as_deref(),
        }
        .render();
        self.mailer.send(&mail).await?;
        self.store.mark_notified(delivery_id, self.now()).await?;
        tracing::info!(delivery_id, "notification sent");
        self.audit(
            &org.id,
            "system",
            "message.notified",
            delivery_id,
            serde_json::json!({"message_id": message.id}),
        )
        .await?;
        Ok(())
    }

    /// An unsecured message: its content goes in the e-mail itself.
    async fn deliver_plain(&self, delivery_id: &str) -> AppResult<()> {
        let Some(view) = self.unnotified_delivery(delivery_id).await? else {
            return Ok(());
        };
        let Parties {
            message,
            sender,
            organisation,
        } = self.parties(&view.delivery.message_id).await?;
        let key = self.data_key(&message)?;
        let id = &message.id;
        let (Some(subject), Some(body)) = (
            decrypt_field(
                key.as_ref(),
                message.subject_ct.as_deref(),
                &content_label(id, "subject"),
            )?,
            decrypt_field(
                key.as_ref(),
                message.body_ct.as_deref(),
                &content_label(id, "body"),
            )?,
        ) else {
            return Ok(());
        };
        let mail = zegel_mail::OutgoingMail {
            to: view.email.clone(),
            from_name: format!("{} ({})", sender.display_name, organisation.name),
            subject,
            text: body,
            html: None,
            message_id: format!("<plain.{delivery_id}@zegel>"),
        };
        self.mailer.send(&mail).await?;
        self.store.mark_notified(delivery_id, self.now()).await?;
        Ok(())
    }

    async fn mail_code(
        &self,
        delivery_id: &str,
        challenge_id: &str,
        sealed_code: &str,
    ) -> AppResult<()> {
        let Some(view) = self.store.delivery(delivery_id).await? else {
            return Ok(());
        };
        if !self.challenge_is_current(delivery_id, challenge_id).await? {
            return Ok(());
        }
        let org = self.parties(&view.delivery.message_id).await?.organisation;
        let code = self.unseal_code(challenge_id, sealed_code)?;
        let mail = CodeMail {
            language: Language::from_tag(&view.language).unwrap_or_default(),
            to: &view.email,
            organisation: &org.name,
            code: &code,
            message_id: format!("<code.{challenge_id}@zegel>"),
        }
        .render();
        self.mailer.send(&mail).await?;
        tracing::info!(delivery_id, "verification code mailed");
        self.audit(
            &org.id,
            "system",
            "code.sent",
            delivery_id,
            serde_json::json!({"channel": "email"}),
        )
        .await?;
        Ok(())
    }

    async fn mail_reply(&self, reply_id: &str) -> AppResult<()> {
        let Some(reply) = self.store.reply(reply_id).await? else {
            return Ok(());
        };
        let Parties {
            message, sender, ..
        } = self.parties(&reply.message_id).await?;
        let recipient = self
            .store
            .delivery(&reply.delivery_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let key = self.data_key(&message)?;
        let subject = decrypt_field(
            key.as_ref(),
            message.subject_ct.as_deref(),
            &content_label(&message.id, "subject"),
        )?;
        let body = decrypt_field(
            key.as_ref(),
            reply.body_ct.as_deref(),
            &reply_label(&reply.id),
        )?;
        // A reply to a shared mailbox's message goes to the mailbox, for all its members.
        let to = match &message.mailbox_id {
            Some(id) => self.store.mailbox(id).await?.map(|m| m.email),
            None => None,
        }
        .unwrap_or_else(|| sender.email.clone());
        let mail = ReplyMail {
            language: Language::from_tag(&sender.language).unwrap_or_default(),
            to: &to,
            recipient: &recipient.email,
            subject_and_reply: subject.as_deref().zip(body.as_deref()),
            message_id: format!("<reply.{reply_id}@zegel>"),
        }
        .render();
        self.mailer.send(&mail).await?;
        tracing::info!(reply_id, "reply forwarded to sender");
        self.audit(
            &message.org_id,
            "system",
            "reply.forwarded",
            reply_id,
            serde_json::json!({"message_id": message.id}),
        )
        .await?;
        Ok(())
    }
}
