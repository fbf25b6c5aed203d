//! SMS codes: reserving a send within the caps, sending it through the provider, taking
//! delivery reports, "this is not my number", and forgetting numbers after seven days.

use zegel_domain::{Language, PhoneNumber, VerificationMethod, to_gsm7};
use zegel_i18n::text_with;
use zegel_mail::WrongNumberMail;
use zegel_sms::{IncomingReport, OutgoingSms, ReportError, SmsError};
use zegel_store::{Challenge, SmsLog, SmsReservation};

use crate::jobs::JobPayload;
use crate::portal::{LinkContext, PortalError};
use crate::{App, AppError, AppResult, new_id};

/// How long the SMS log keeps a phone number (the seed's privacy promise).
pub const PHONE_RETENTION_SECONDS: i64 = 7 * 86_400;
/// A recipient's "wrong number" reaches the sender at most once a day.
const WRONG_NUMBER_QUIET_SECONDS: i64 = 86_400;

impl App {
    /// The countries SMS codes may go to, or `None` when this server offers no SMS.
    /// Whether senders can choose an SMS code (a provider is configured).
    pub fn offers_sms(&self) -> bool {
        self.sms_regions().is_some()
    }

    pub(crate) fn sms_regions(&self) -> Option<&[String]> {
        (self.sms.name() != "disabled").then_some(self.sms_policy.allowed_regions.as_slice())
    }

    /// The number an SMS code for this link goes to, when the recipient verifies by SMS and
    /// the number (still) passes the organisation's rules.
    pub(crate) fn sms_destination(&self, context: &LinkContext) -> Option<PhoneNumber> {
        if context.delivery.verification_method != VerificationMethod::Sms.as_str() {
            return None;
        }
        let phone = context.delivery.phone.as_deref()?;
        PhoneNumber::parse_mobile(phone, &self.sms_policy.allowed_regions).ok()
    }

    /// Stores the challenge, its SMS log row and the send job, unless a cap is reached.
    pub(crate) async fn reserve_sms(
        &self,
        context: &LinkContext,
        challenge: &Challenge,
        sealed_code: String,
    ) -> AppResult<bool> {
        let phone = self.sms_destination(context).ok_or(AppError::NotFound)?;
        let sms = SmsLog {
            id: new_id(),
            org_id: context.organisation.id.clone(),
            delivery_id: context.delivery.delivery.id.clone(),
            recipient_id: context.delivery.delivery.recipient_id.clone(),
            challenge_id: challenge.id.clone(),
            phone: Some(phone.e164().to_owned()),
            phone_masked: phone.masked(),
            provider: None,
            provider_message_id: None,
            status: "queued".to_owned(),
            created_at: challenge.created_at,
            updated_at: challenge.created_at,
            purged_at: None,
        };
        let job = JobPayload::SendSms {
            sms_id: sms.id.clone(),
            sealed_code,
        }
        .to_job(challenge.created_at);
        let outcome = self
            .store
            .reserve_sms(
                challenge,
                &sms,
                &job,
                &self.sms_caps(&context.organisation.id).await?,
            )
            .await?;
        if outcome != SmsReservation::Reserved {
            tracing::warn!(delivery_id = %sms.delivery_id, ?outcome, "SMS refused: cap reached");
        }
        Ok(outcome == SmsReservation::Reserved)
    }

    /// The job: sends one reserved SMS. A provider that asks to wait makes the job retry; a
    /// refusal is final and logged as failed.
    pub(crate) async fn send_sms(&self, sms_id: &str, sealed_code: &str) -> AppResult<()> {
        let Some(sms) = self.store.sms(sms_id).await? else {
            return Ok(());
        };
        if sms.status != "queued" {
            return Ok(());
        }
        if !self
            .challenge_is_current(&sms.delivery_id, &sms.challenge_id)
            .await?
        {
            // A newer code replaced this one before it went out: never send a stale code.
            self.store
                .mark_sms(sms_id, self.sms.name(), None, "skipped", self.now())
                .await?;
            return Ok(());
        }
        let Some(phone) = sms.phone.as_deref() else {
            return Ok(());
        };
        let to = PhoneNumber::parse_mobile(phone, &self.sms_policy.allowed_regions)
            .map_err(|e| AppError::Internal(format!("stored number refused: {e}")))?;
        let delivery = self
            .store
            .delivery(&sms.delivery_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let organisation = self
            .parties(&delivery.delivery.message_id)
            .await?
            .organisation;
        let code = self.unseal_code(&sms.challenge_id, sealed_code)?;
        let language = Language::from_tag(&delivery.language).unwrap_or_default();
        let text = text_with(
            language,
            "sms-code",
            &[
                ("code", &code),
                ("organisation", to_gsm7(&organisation.name).trim()),
            ],
        );
        let outgoing = OutgoingSms {
            to,
            text,
            reference: sms.challenge_id.clone(),
        };
        let provider = self.sms.name();
        match self.sms.send(&outgoing).await {
            Ok(accepted) => {
                self.store
                    .mark_sms(
                        sms_id,
                        provider,
                        Some(&accepted.provider_message_id),
                        "accepted",
                        self.now(),
                    )
                    .await?;
                tracing::info!(sms_id, provider, "SMS code accepted by the provider");
                metrics::counter!("zegel_sms_sent_total", "provider" => provider).increment(1);
                self.audit(
                    &sms.org_id,
                    "system",
                    "code.sent",
                    &sms.delivery_id,
                    serde_json::json!({"channel": "sms", "provider": provider}),
                )
                .await?;
                Ok(())
            }
            Err(SmsError::RetryLater { reason, .. }) => {
                Err(AppError::Internal(format!("SMS provider busy: {reason}")))
            }
            Err(error) => {
                tracing::warn!(sms_id, provider, %error, "SMS code refused by the provider");
                self.store
                    .mark_sms(sms_id, provider, None, "failed", self.now())
                    .await?;
                Ok(())
            }
        }
    }

    /// Applies a provider's delivery report; returns how many SMS changed state.
    pub async fn record_sms_report(
        &self,
        provider: &str,
        report: &IncomingReport,
    ) -> AppResult<usize> {
        if provider != self.sms.name() {
            return Err(AppError::NotFound);
        }
        let reports = self.sms.read_report(report).map_err(|error| match error {
            ReportError::Unauthenticated => AppError::Unauthorized,
            ReportError::Malformed(detail) => AppError::Invalid(vec![detail]),
        })?;
        let mut changed = 0;
        for report in reports {
            if self
                .store
                .record_sms_report(
                    provider,
                    &report.provider_message_id,
                    report.state.as_str(),
                    self.now(),
                )
                .await?
            {
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// The recipient says the number is not theirs: tell the sender (once a day at most).
    /// Returns the sender's name for the confirmation.
    pub async fn report_wrong_number(&self, link: &str) -> Result<String, PortalError> {
        let context = self.resolve_link(link).await?;
        context.require_sent()?;
        if self.sms_destination(&context).is_none() {
            return Err(PortalError::Unavailable);
        }
        let delivery_id = &context.delivery.delivery.id;
        if self
            .store
            .report_wrong_number(delivery_id, self.now(), WRONG_NUMBER_QUIET_SECONDS)
            .await?
        {
            let job = JobPayload::NotifyWrongNumber {
                delivery_id: delivery_id.clone(),
            };
            self.store.enqueue(&job.to_job(self.now())).await?;
            self.audit(
                &context.organisation.id,
                &format!("recipient:{delivery_id}"),
                "recipient.reported_wrong_number",
                &context.delivery.delivery.recipient_id,
                serde_json::json!({"message_id": context.message.id}),
            )
            .await?;
            self.job_wakeup.notify_one();
        }
        Ok(context.sender.display_name.clone())
    }

    pub(crate) async fn mail_wrong_number(&self, delivery_id: &str) -> AppResult<()> {
        let delivery = self
            .store
            .delivery(delivery_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let sender = self.parties(&delivery.delivery.message_id).await?.sender;
        let masked = delivery
            .phone
            .as_deref()
            .and_then(PhoneNumber::from_stored)
            .map(|p| p.masked())
            .unwrap_or_default();
        let mail = WrongNumberMail {
            language: Language::from_tag(&sender.language).unwrap_or_default(),
            to: &sender.email,
            recipient: &delivery.email,
            masked_phone: &masked,
            message_id: format!("<wrong-number.{delivery_id}.{}@zegel>", self.now()),
        }
        .render();
        self.mailer.send(&mail).await?;
        Ok(())
    }

    /// Removes phone numbers from SMS log rows older than the retention; returns how many.
    pub async fn purge_phone_numbers(&self) -> AppResult<u64> {
        let now = self.now();
        Ok(self
            .store
            .purge_sms_numbers(now - PHONE_RETENTION_SECONDS, now)
            .await?)
    }
}
