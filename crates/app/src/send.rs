//! Sending a secure message: validate everything at once, remember each recipient's
//! verification method for the organisation, encrypt, and store the message together with
//! its notification jobs in one transaction.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use zegel_crypto::{DataKey, hash_access_code};
use zegel_domain::{
    AccessCode, EmailAddress, ExpiryPolicy, Language, MessageState, PhoneNumber, RecipientKind,
    VerificationMethod,
};
use zegel_store::{
    Message, MessageToStore, NewDelivery, NewMessage, Organisation, Recipient, User,
};

use crate::console::CheckRules;
use crate::jobs::JobPayload;
use crate::{App, AppError, AppResult, new_id};

pub const MAX_SUBJECT_CHARS: usize = 500;
pub const MAX_BODY_BYTES: usize = 1_000_000;
pub const MAX_RECIPIENTS: usize = 100;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SendRequest {
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub to: Vec<RecipientInput>,
    #[serde(default)]
    pub cc: Vec<RecipientInput>,
    #[serde(default)]
    pub bcc: Vec<RecipientInput>,
    /// Days until the message expires; the organisation's default when absent.
    pub expires_in_days: Option<u32>,
    /// `false` sends it as ordinary e-mail, unless it holds personal data for an external
    /// recipient and the organisation's detection level says otherwise. Default `true`.
    pub secure: Option<bool>,
    /// With detection level `warn`: the sender confirms sending personal data unsecured.
    #[serde(default)]
    pub confirm_unsecured: bool,
    /// A draft (from `POST /api/v1/drafts`) whose uploaded files go with the message; the
    /// message takes the draft's id. A message with files is always sent secure.
    pub draft_id: Option<String>,
    /// Seconds to wait before notifying anyone (at most 60): the sender's undo window.
    #[serde(default)]
    pub hold_seconds: Option<u32>,
    /// Send as this shared mailbox (the sender must be a member): recipients see the
    /// mailbox, and every member sees the message and its replies.
    #[serde(default)]
    pub mailbox_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RecipientInput {
    pub email: String,
    /// How this recipient proves who they are; when absent, what the organisation remembered
    /// for the address, or an e-mail code for a new address.
    pub verification: Option<VerificationInput>,
    /// `nl` or `en`: the language of the notification and portal for a new recipient.
    #[schema(value_type = Option<String>)]
    pub language: Option<Language>,
}

/// How a recipient proves who they are. The phone number and access code come from staff,
/// never from the recipient.
#[derive(Clone, Deserialize, utoipa::ToSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum VerificationInput {
    EmailCode,
    /// Agreed with the recipient beforehand (at least 8 characters); may be left out when the
    /// organisation already has one for this address.
    AccessCode {
        access_code: Option<String>,
    },
    /// A mobile number in an allowed country; may be left out when the organisation already
    /// has one for this address.
    Sms {
        phone: Option<String>,
    },
}

impl std::fmt::Debug for VerificationInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerificationInput::EmailCode => f.write_str("EmailCode"),
            VerificationInput::AccessCode { .. } => f.write_str("AccessCode(<redacted>)"),
            VerificationInput::Sms { .. } => f.write_str("Sms(<redacted>)"),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SentMessage {
    pub id: String,
    pub expires_at: i64,
    /// Whether recipients read it on the portal (true) or got it as ordinary e-mail.
    pub secure: bool,
    /// Present when the content was found to hold personal data for an external recipient.
    pub detection: Option<crate::DetectionReport>,
    pub recipients: Vec<SentRecipient>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SentRecipient {
    pub delivery_id: String,
    pub email: String,
    #[schema(value_type = String)]
    pub kind: RecipientKind,
    #[schema(value_type = String)]
    pub verification_method: VerificationMethod,
}

/// A recipient after validation: what to store and how they will verify.
pub(crate) struct PlannedRecipient {
    pub email: EmailAddress,
    pub kind: RecipientKind,
    pub check: PlannedCheck,
    pub language: Option<Language>,
    /// The organisation's record of the address when the plan was made, if any.
    pub known: Option<Recipient>,
}

/// The identity check decided for one recipient.
pub(crate) struct PlannedCheck {
    pub method: VerificationMethod,
    /// A new access code to hash and remember; `None` keeps the remembered one.
    pub access_code: Option<AccessCode>,
    /// A new number; `None` keeps the remembered one.
    pub phone: Option<PhoneNumber>,
}

impl App {
    pub async fn send_message(
        &self,
        sender: &User,
        request: SendRequest,
    ) -> AppResult<SentMessage> {
        let org = self
            .store
            .organisation(&sender.org_id)
            .await?
            .ok_or_else(|| AppError::Internal("sender without organisation".into()))?;
        let now = self.now();
        let mut problems = Vec::new();
        let subject = request.subject.trim().to_owned();
        if subject.is_empty() {
            problems.push("subject: must not be empty".to_owned());
        } else if subject.chars().count() > MAX_SUBJECT_CHARS {
            problems.push(format!("subject: at most {MAX_SUBJECT_CHARS} characters"));
        }
        if request.body.len() > MAX_BODY_BYTES {
            problems.push(format!("body: at most {MAX_BODY_BYTES} bytes"));
        }
        let policy = ExpiryPolicy {
            default_days: org.default_expiry_days as u32,
            maximum_days: org.max_expiry_days as u32,
        };
        let expires_at = policy
            .expires_at(now, request.expires_in_days)
            .map_err(|e| problems.push(format!("expires_in_days: {e}")))
            .unwrap_or_default();
        let planned = self.plan_recipients(&org, &request, &mut problems).await?;
        if let Some(mailbox) = &request.mailbox_id
            && !self.is_member(sender, mailbox).await?
        {
            problems.push("mailbox_id: you are not a member of this shared mailbox".to_owned());
        }
        let draft = match &request.draft_id {
            Some(id) => Some(self.draft_to_send(sender, id, &mut problems).await?),
            None => None,
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let has_files = draft.as_ref().is_some_and(|(_, _, files)| *files > 0);
        let protection = if request.secure.unwrap_or(true) || has_files {
            crate::protection::Protection {
                secure: true,
                report: None,
            }
        } else {
            let addresses: Vec<String> = planned.iter().map(|p| p.email.to_string()).collect();
            let addresses: Vec<&str> = addresses.iter().map(String::as_str).collect();
            let text = format!("{subject}\n{}", request.body);
            self.protection(&org, sender, &text, &addresses, request.confirm_unsecured)
                .await?
        };

        let mut deliveries = Vec::new();
        let mut jobs = Vec::new();
        let mut sent = Vec::new();
        for mut plan in planned {
            // A new address's record is stored with the message, in its transaction.
            let known = plan.known.take();
            let (recipient_id, new_recipient) = match self
                .recipient_record(&org, sender, &plan, known, now)
                .await?
            {
                Remembered::Known(known) => (known.id, None),
                Remembered::New(new) => (new.id.clone(), Some(new)),
            };
            let delivery_id = new_id();
            let link_hash = self
                .keyring
                .link_token(&delivery_id)
                .hash()
                .as_bytes()
                .to_vec();
            let job = if protection.secure {
                JobPayload::Notify {
                    delivery_id: delivery_id.clone(),
                }
            } else {
                JobPayload::PlainDelivery {
                    delivery_id: delivery_id.clone(),
                }
            };
            jobs.push(job.to_job(now + i64::from(request.hold_seconds.unwrap_or(0).min(60))));
            sent.push(SentRecipient {
                delivery_id: delivery_id.clone(),
                email: plan.email.to_string(),
                kind: plan.kind,
                verification_method: plan.check.method,
            });
            deliveries.push(NewDelivery {
                id: delivery_id,
                recipient_id,
                new_recipient,
                kind: plan.kind.as_str().to_owned(),
                link_hash,
            });
        }

        let from_draft = draft.is_some();
        let (id, data_key, kek_version, wrapped_dek) = match draft {
            Some((draft, key, _)) => (draft.id, key, draft.kek_version, draft.wrapped_dek),
            None => {
                let id = new_id();
                let key = DataKey::generate();
                let (version, wrapped) = self.keyring.wrap(&key, message_key_label(&id).as_bytes());
                (id, key, i64::from(version), wrapped)
            }
        };
        let message = Message {
            subject_ct: Some(
                data_key.seal(subject.as_bytes(), content_label(&id, "subject").as_bytes()),
            ),
            body_ct: Some(data_key.seal(
                request.body.as_bytes(),
                content_label(&id, "body").as_bytes(),
            )),
            wrapped_dek: Some(wrapped_dek),
            kek_version,
            id: id.clone(),
            org_id: org.id.clone(),
            sender_id: sender.id.clone(),
            state: MessageState::Sent.as_str().to_owned(),
            created_at: now,
            expires_at,
            ended_at: None,
            secure: i64::from(protection.secure),
            mailbox_id: request.mailbox_id.clone(),
        };
        let detail = serde_json::json!({"recipients": sent.len(), "secure": protection.secure, "expires_at": expires_at, "mailbox_id": request.mailbox_id});
        let event = self.audit_event(&org.id, &sender.id, "message.sent", &id, detail);
        self.sends
            .store(MessageToStore {
                message: NewMessage {
                    message,
                    deliveries,
                    from_draft,
                },
                jobs,
                audit: event,
            })
            .await?;
        self.job_wakeup.notify_one();
        tracing::info!(message_id = %id, recipients = sent.len(), "secure message sent");
        Ok(SentMessage {
            id,
            expires_at,
            secure: protection.secure,
            detection: protection.report,
            recipients: sent,
        })
    }

    /// The sender's draft, its key and how many files it holds; every file must be complete.
    async fn draft_to_send(
        &self,
        sender: &User,
        id: &str,
        problems: &mut Vec<String>,
    ) -> AppResult<(zegel_store::Draft, DataKey, usize)> {
        let (draft, key) = self
            .owned_draft(sender, id)
            .await
            .map_err(|error| match error {
                AppError::NotFound => AppError::Invalid(vec![
                    "draft_id: no such draft (it may have been sent already or removed)".into(),
                ]),
                other => other,
            })?;
        let files = self.store.attachments(&draft.id).await?;
        let unfinished = files.iter().filter(|a| a.state == "uploading").count();
        if unfinished > 0 {
            problems.push(format!(
                "draft_id: {unfinished} file(s) are still uploading; finish or remove them first"
            ));
        }
        Ok((draft, key, files.len()))
    }

    async fn plan_recipients(
        &self,
        org: &Organisation,
        request: &SendRequest,
        problems: &mut Vec<String>,
    ) -> AppResult<Vec<PlannedRecipient>> {
        let groups = [
            (RecipientKind::To, &request.to),
            (RecipientKind::Cc, &request.cc),
            (RecipientKind::Bcc, &request.bcc),
        ];
        if request.to.is_empty() {
            problems.push("to: at least one recipient is needed".to_owned());
        }
        let total: usize = groups.iter().map(|(_, list)| list.len()).sum();
        if total > MAX_RECIPIENTS {
            problems.push(format!("at most {MAX_RECIPIENTS} recipients per message"));
        }
        let rules = self.check_rules(&org.id).await?;
        let mut seen = HashSet::new();
        let mut planned = Vec::new();
        for (kind, list) in groups {
            for (index, input) in list.iter().enumerate() {
                let place = format!("{}[{index}]", kind.as_str());
                let email = match EmailAddress::parse(&input.email) {
                    Ok(email) => email,
                    Err(e) => {
                        problems.push(format!("{place}: {e}"));
                        continue;
                    }
                };
                if !seen.insert(email.clone()) {
                    problems.push(format!("{place}: {email} appears more than once"));
                    continue;
                }
                let known = self.store.recipient(&org.id, email.as_str()).await?;
                match plan_check(input.verification.as_ref(), known.as_ref(), &rules) {
                    Ok(check) => planned.push(PlannedRecipient {
                        email,
                        kind,
                        check,
                        language: input.language,
                        known,
                    }),
                    Err(problem) => problems.push(format!("{place}: {problem}")),
                }
            }
        }
        Ok(planned)
    }

    /// Creates or updates the organisation's record of this address, so the next sender
    /// does not have to set the identity check again. A change is written to the audit trail.
    pub(crate) async fn remember_recipient(
        &self,
        org: &Organisation,
        actor: &User,
        plan: &PlannedRecipient,
        now: i64,
    ) -> AppResult<Recipient> {
        let known = self.store.recipient(&org.id, plan.email.as_str()).await?;
        match self.recipient_record(org, actor, plan, known, now).await? {
            Remembered::Known(recipient) => Ok(recipient),
            Remembered::New(recipient) => match self.store.insert_recipient(&recipient).await {
                Ok(()) => Ok(recipient),
                // Another request added this address a moment ago: go on with theirs.
                Err(zegel_store::StoreError::Conflict) => {
                    let theirs = self.store.recipient(&org.id, plan.email.as_str()).await?;
                    match self.recipient_record(org, actor, plan, theirs, now).await? {
                        Remembered::Known(theirs) => Ok(theirs),
                        Remembered::New(_) => Err(AppError::Internal("recipient vanished".into())),
                    }
                }
                Err(other) => Err(other.into()),
            },
        }
    }

    /// The organisation's record of this address (`known`), updated to the plan's identity
    /// check, or a new record for the caller to store.
    async fn recipient_record(
        &self,
        org: &Organisation,
        actor: &User,
        plan: &PlannedRecipient,
        known: Option<Recipient>,
        now: i64,
    ) -> AppResult<Remembered> {
        let check = &plan.check;
        let new_hash = check
            .access_code
            .as_ref()
            .map(|code| hash_access_code(code.expose()))
            .transpose()?;
        let new_phone = check.phone.as_ref().map(|p| p.e164().to_owned());
        let method = check.method.as_str();
        let Some(mut known) = known else {
            return Ok(Remembered::New(Recipient {
                id: new_id(),
                org_id: org.id.clone(),
                email: plan.email.to_string(),
                verification_method: method.to_owned(),
                access_code_hash: new_hash,
                language: plan.language.unwrap_or_default().code().to_owned(),
                created_at: now,
                phone: new_phone,
                legal_hold_until: None,
            }));
        };
        // Keep only what the method needs: no stale codes or numbers.
        let hash = (check.method == VerificationMethod::AccessCode)
            .then(|| new_hash.clone().or(known.access_code_hash.clone()))
            .flatten();
        let phone = (check.method == VerificationMethod::Sms)
            .then(|| new_phone.clone().or(known.phone.clone()))
            .flatten();
        if known.verification_method != method
            || known.access_code_hash != hash
            || known.phone != phone
        {
            self.store
                .update_recipient_method(&known.id, method, hash.as_deref(), phone.as_deref())
                .await?;
            let detail = serde_json::json!({
                "from": known.verification_method,
                "to": method,
                "new_access_code": new_hash.is_some(),
                "new_phone": new_phone.is_some() && new_phone != known.phone,
            });
            self.audit(
                &org.id,
                &actor.id,
                "recipient.verification_changed",
                &known.id,
                detail,
            )
            .await?;
            known.verification_method = method.to_owned();
            known.access_code_hash = hash;
            known.phone = phone;
        }
        Ok(Remembered::Known(known))
    }
}

/// An organisation's record of an address, as a send needs it.
enum Remembered {
    /// Stored already (and updated where the plan changed it).
    Known(Recipient),
    /// Not stored yet.
    New(Recipient),
}

/// Decides the identity check for one recipient from the request, what the organisation
/// remembers for the address, and the organisation's rules.
pub(crate) fn plan_check(
    requested: Option<&VerificationInput>,
    known: Option<&Recipient>,
    rules: &CheckRules,
) -> Result<PlannedCheck, String> {
    let check = decide_check(requested, known, rules)?;
    if !rules.allowed.contains(&check.method) {
        return Err(format!(
            "the organisation does not allow the identity check '{}'; choose one of {}",
            check.method.as_str(),
            rules
                .allowed
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(check)
}

fn decide_check(
    requested: Option<&VerificationInput>,
    known: Option<&Recipient>,
    rules: &CheckRules,
) -> Result<PlannedCheck, String> {
    let sms_regions = rules.sms_regions.as_deref();
    let keep = |method| PlannedCheck {
        method,
        access_code: None,
        phone: None,
    };
    let has_code = known.is_some_and(|r| r.access_code_hash.is_some());
    let has_phone = known.is_some_and(|r| r.phone.is_some());
    match requested {
        None => Ok(keep(
            known
                .and_then(|r| VerificationMethod::parse(&r.verification_method))
                .filter(|method| *method != VerificationMethod::Sms || sms_regions.is_some())
                .unwrap_or(VerificationMethod::EmailCode),
        )),
        Some(VerificationInput::EmailCode) => Ok(keep(VerificationMethod::EmailCode)),
        Some(VerificationInput::AccessCode {
            access_code: Some(code),
        }) => {
            let code = AccessCode::parse(code, rules.min_access_code).map_err(|e| e.to_string())?;
            Ok(PlannedCheck {
                access_code: Some(code),
                ..keep(VerificationMethod::AccessCode)
            })
        }
        Some(VerificationInput::AccessCode { access_code: None }) if has_code => {
            Ok(keep(VerificationMethod::AccessCode))
        }
        Some(VerificationInput::AccessCode { access_code: None }) => {
            Err("an access code must be agreed with this recipient and given here".to_owned())
        }
        Some(VerificationInput::Sms { .. }) if sms_regions.is_none() => Err(
            "this server has no SMS provider configured; choose another identity check".to_owned(),
        ),
        Some(VerificationInput::Sms { phone: Some(phone) }) => {
            let phone = PhoneNumber::parse_mobile(phone, sms_regions.unwrap_or_default())
                .map_err(|e| format!("phone: {e}"))?;
            Ok(PlannedCheck {
                phone: Some(phone),
                ..keep(VerificationMethod::Sms)
            })
        }
        Some(VerificationInput::Sms { phone: None }) if has_phone => {
            Ok(keep(VerificationMethod::Sms))
        }
        Some(VerificationInput::Sms { phone: None }) => {
            Err("a mobile number is needed for an SMS code to this recipient".to_owned())
        }
    }
}

pub(crate) fn message_key_label(message_id: &str) -> String {
    format!("message:{message_id}:key")
}

pub(crate) fn content_label(message_id: &str, field: &str) -> String {
    format!("message:{message_id}:{field}")
}
