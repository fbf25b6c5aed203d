//! Data-subject rights for the people Zegel's organisations write to: access and
//! portability (everything held about an address or number, as JSON), rectification of
//! contact data, and erasure (crypto-shredding what only they received, pseudonymising the
//! rest). Each request is audited with counts only.

use serde::{Deserialize, Serialize};
use zegel_domain::{EmailAddress, Language, PhoneNumber};
use zegel_store::{Recipient, User};

use crate::send::content_label;
use crate::sent::{decrypt_field, reply_label};
use crate::{App, AppError, AppResult, new_id};

/// Who the request is about: an e-mail address or a phone number.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct SubjectQuery {
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubjectExport {
    pub recipients: Vec<RecipientData>,
    pub messages: Vec<MessageData>,
    pub sms: Vec<SmsData>,
    pub events: Vec<EventData>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecipientData {
    pub email: String,
    pub phone: Option<String>,
    pub verification_method: String,
    pub language: String,
    pub known_since: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageData {
    pub id: String,
    pub state: String,
    /// `None` when the content no longer exists (expired, revoked, erased).
    pub subject: Option<String>,
    pub body: Option<String>,
    pub sent_at: i64,
    pub expires_at: i64,
    pub notified_at: Option<i64>,
    pub opened_at: Option<i64>,
    pub replies: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SmsData {
    pub sent_at: i64,
    pub status: String,
    /// Kept at most seven days; the masked form after that.
    pub phone: Option<String>,
    pub phone_masked: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventData {
    pub action: String,
    pub at: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct Rectification {
    pub email: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErasureReport {
    pub recipients: usize,
    pub messages_shredded: usize,
    /// Records left in place because a legal hold keeps them.
    pub kept_under_legal_hold: usize,
}

impl App {
    async fn subjects(&self, user: &User, query: &SubjectQuery) -> AppResult<Vec<Recipient>> {
        match (&query.email, &query.phone) {
            (Some(email), None) => {
                let email = EmailAddress::parse(email)
                    .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
                Ok(self
                    .store
                    .recipient(&user.org_id, email.as_str())
                    .await?
                    .into_iter()
                    .collect())
            }
            (None, Some(phone)) => {
                let phone = PhoneNumber::parse_mobile(phone, &self.sms_policy.allowed_regions)
                    .map_err(|e| AppError::Invalid(vec![format!("phone: {e}")]))?;
                Ok(self
                    .store
                    .recipients_by_phone(&user.org_id, phone.e164())
                    .await?)
            }
            _ => Err(AppError::Invalid(vec!["give either email or phone".into()])),
        }
    }

    /// Everything the organisation holds about the person, readable and portable.
    pub async fn export_subject(
        &self,
        user: &User,
        query: &SubjectQuery,
    ) -> AppResult<SubjectExport> {
        let subjects = self.subjects(user, query).await?;
        let mut export = SubjectExport {
            recipients: Vec::new(),
            messages: Vec::new(),
            sms: Vec::new(),
            events: Vec::new(),
        };
        for recipient in &subjects {
            export.recipients.push(RecipientData {
                email: recipient.email.clone(),
                phone: recipient.phone.clone(),
                verification_method: recipient.verification_method.clone(),
                language: recipient.language.clone(),
                known_since: recipient.created_at,
            });
            for delivery in self.store.deliveries_of_recipient(&recipient.id).await? {
                let d = &delivery.delivery;
                let Some(message) = self.store.message(&d.message_id).await? else {
                    continue;
                };
                let key = self.data_key(&message)?;
                let mut replies = Vec::new();
                for reply in self
                    .store
                    .replies(&message.id)
                    .await?
                    .into_iter()
                    .filter(|r| r.delivery_id == d.id)
                {
                    replies.extend(decrypt_field(
                        key.as_ref(),
                        reply.body_ct.as_deref(),
                        &reply_label(&reply.id),
                    )?);
                }
                export.messages.push(MessageData {
                    subject: decrypt_field(
                        key.as_ref(),
                        message.subject_ct.as_deref(),
                        &content_label(&message.id, "subject"),
                    )?,
                    body: decrypt_field(
                        key.as_ref(),
                        message.body_ct.as_deref(),
                        &content_label(&message.id, "body"),
                    )?,
                    id: message.id.clone(),
                    state: message.state.clone(),
                    sent_at: message.created_at,
                    expires_at: message.expires_at,
                    notified_at: d.notified_at,
                    opened_at: d.opened_at,
                    replies,
                });
                let actor = format!("recipient:{}", d.id);
                let about = self.store.audit_events_about(&user.org_id, &d.id).await?;
                let by = self.store.audit_events_by(&user.org_id, &actor).await?;
                let mut records: Vec<_> = about.iter().chain(by.iter()).collect();
                records.sort_by_key(|e| e.seq);
                records.dedup_by_key(|e| e.seq);
                export.events.extend(records.into_iter().map(|e| EventData {
                    action: e.action.clone(),
                    at: e.created_at,
                }));
            }
            for sms in self.store.sms_of_recipient(&recipient.id).await? {
                export.sms.push(SmsData {
                    sent_at: sms.created_at,
                    status: sms.status,
                    phone: sms.phone,
                    phone_masked: sms.phone_masked,
                });
            }
        }
        let detail =
            serde_json::json!({"recipients": subjects.len(), "messages": export.messages.len()});
        self.audit(
            &user.org_id,
            &user.id,
            "data_subject.exported",
            "data-subject",
            detail,
        )
        .await?;
        Ok(export)
    }

    /// Corrects the person's contact data.
    pub async fn rectify_subject(
        &self,
        user: &User,
        query: &SubjectQuery,
        change: Rectification,
    ) -> AppResult<usize> {
        let subjects = self.subjects(user, query).await?;
        let email = change
            .email
            .as_deref()
            .map(EmailAddress::parse)
            .transpose()
            .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
        let language = change
            .language
            .as_deref()
            .map(|l| {
                Language::from_tag(l).ok_or_else(|| {
                    AppError::Invalid(vec![format!("language '{l}' is not nl or en")])
                })
            })
            .transpose()?;
        for recipient in &subjects {
            let new_email = email
                .as_ref()
                .map_or(recipient.email.clone(), |e| e.to_string());
            let new_language = language.map_or(recipient.language.clone(), |l| l.code().to_owned());
            self.store
                .rectify_recipient(&recipient.id, &new_email, &new_language)
                .await?;
        }
        let detail = serde_json::json!({"recipients": subjects.len(), "email_changed": email.is_some(), "language_changed": language.is_some()});
        self.audit(
            &user.org_id,
            &user.id,
            "data_subject.rectified",
            "data-subject",
            detail,
        )
        .await?;
        Ok(subjects.len())
    }

    /// Erases the person from the organisation's records.
    pub async fn erase_subject(
        &self,
        user: &User,
        query: &SubjectQuery,
    ) -> AppResult<ErasureReport> {
        let subjects = self.subjects(user, query).await?;
        let now = self.now();
        let (held, subjects): (Vec<Recipient>, Vec<Recipient>) = subjects
            .into_iter()
            .partition(|r| r.legal_hold_until.is_some_and(|until| until > now));
        let mut messages_shredded = 0;
        for recipient in &subjects {
            let pseudonym = format!("erased-{}@erased.invalid", new_id());
            messages_shredded += self
                .store
                .erase_recipient(&recipient.id, &pseudonym, self.now())
                .await?
                .len();
        }
        let report = ErasureReport {
            recipients: subjects.len(),
            messages_shredded,
            kept_under_legal_hold: held.len(),
        };
        let detail = serde_json::json!({"recipients": report.recipients, "messages_shredded": report.messages_shredded, "kept_under_legal_hold": report.kept_under_legal_hold});
        self.audit(
            &user.org_id,
            &user.id,
            "data_subject.erased",
            "data-subject",
            detail,
        )
        .await?;
        Ok(report)
    }
}
