//! Proving identity: sending an e-mail code on request, and checking a code or access code
//! with atomic counting, escalating waits and a lock only the sender lifts.

use zegel_crypto::{Token, generate_code, verify_access_code};
use zegel_domain::{FailureConsequence, VerificationMethod};
use zegel_store::Challenge;

use super::{LinkContext, PortalError};
use crate::jobs::JobPayload;
use crate::{App, new_id};

#[derive(Debug)]
pub enum CodeRequestOutcome {
    /// A code is on its way to `destination` (a masked address or number).
    Sent {
        destination: String,
    },
    /// A code went out less than the cooldown ago; no new one is sent.
    RecentlySent {
        destination: String,
    },
    /// This recipient verifies with an access code; nothing is sent.
    NotApplicable,
    /// The SMS caps for this recipient or organisation are reached.
    Capped,
    Wait {
        minutes: i64,
    },
    Locked {
        sender_name: String,
    },
}

#[derive(Debug)]
pub enum VerifyOutcome {
    /// The new session token for the cookie.
    Verified(Token),
    WrongCode,
    CodeExpired,
    NoCodeYet,
    Wait {
        minutes: i64,
    },
    Locked {
        sender_name: String,
    },
}

impl App {
    /// Sends a new e-mail code, but only on this deliberate request and not more often than
    /// the cooldown allows.
    pub async fn request_code(&self, link: &str) -> Result<CodeRequestOutcome, PortalError> {
        let context = self.resolve_link(link).await?;
        context.require_sent()?;
        if let Some(blocked) = self.blocked(&context) {
            return Ok(match blocked {
                Blocked::Wait(minutes) => CodeRequestOutcome::Wait { minutes },
                Blocked::Locked => CodeRequestOutcome::Locked {
                    sender_name: context.sender.display_name.clone(),
                },
            });
        }
        let method = VerificationMethod::parse(&context.delivery.verification_method);
        let destination = match method {
            Some(VerificationMethod::EmailCode) => super::mask_email(&context.delivery.email),
            Some(VerificationMethod::Sms) => match self.sms_destination(&context) {
                Some(phone) => phone.masked(),
                None => return Ok(CodeRequestOutcome::NotApplicable),
            },
            _ => return Ok(CodeRequestOutcome::NotApplicable),
        };
        let delivery_id = &context.delivery.delivery.id;
        let now = self.now();
        let latest = self.store.latest_challenge(delivery_id).await?;
        if latest.is_some_and(|c| now - c.created_at < self.attempts.resend_cooldown_seconds) {
            return Ok(CodeRequestOutcome::RecentlySent { destination });
        }
        let challenge_id = new_id();
        let code = generate_code();
        let challenge = Challenge {
            code_hmac: self.codes.hash(&code, &challenge_id),
            id: challenge_id.clone(),
            delivery_id: delivery_id.clone(),
            created_at: now,
            expires_at: now + self.attempts.code_lifetime_seconds,
            attempts: 0,
            consumed_at: None,
        };
        let sealed_code = JobPayload::seal_code(self, &challenge_id, &code);
        if method == Some(VerificationMethod::Sms) {
            if !self.reserve_sms(&context, &challenge, sealed_code).await? {
                return Ok(CodeRequestOutcome::Capped);
            }
        } else {
            let job = JobPayload::SendCode {
                delivery_id: delivery_id.clone(),
                sealed_code,
                challenge_id,
            };
            self.store
                .create_challenge(&challenge, &job.to_job(now))
                .await?;
        }
        self.job_wakeup.notify_one();
        Ok(CodeRequestOutcome::Sent { destination })
    }

    /// Checks a sent code or the access code; on success starts a new portal session.
    pub async fn verify(&self, link: &str, presented: &str) -> Result<VerifyOutcome, PortalError> {
        let context = self.resolve_link(link).await?;
        context.require_sent()?;
        if let Some(blocked) = self.blocked(&context) {
            return Ok(blocked.into_verify(&context));
        }
        let delivery_id = context.delivery.delivery.id.clone();
        let correct =
            if context.delivery.verification_method == VerificationMethod::AccessCode.as_str() {
                let Some(hash) = &context.delivery.access_code_hash else {
                    return Err(PortalError::Unavailable);
                };
                verify_access_code(presented, hash).map_err(crate::AppError::from)?
            } else {
                let Some(challenge) = self.store.latest_challenge(&delivery_id).await? else {
                    return Ok(VerifyOutcome::NoCodeYet);
                };
                // The try is spent before comparing, in one statement: parallel guesses cannot
                // exceed the limit.
                let Some(live) = self
                    .store
                    .spend_challenge_try(&challenge.id, self.attempts.tries_per_code, self.now())
                    .await?
                else {
                    return Ok(VerifyOutcome::CodeExpired);
                };
                if self.codes.verify(presented, &live.id, &live.code_hmac) {
                    if !self.store.consume_challenge(&live.id, self.now()).await? {
                        return Ok(VerifyOutcome::CodeExpired);
                    }
                    true
                } else {
                    false
                }
            };
        if !correct {
            return self.count_failure(&context).await;
        }
        self.store.clear_failures(&delivery_id).await?;
        let session = Token::generate();
        self.store
            .create_session(session.hash().as_bytes(), &delivery_id, self.now())
            .await?;
        tracing::info!(delivery_id = %delivery_id, "recipient verified");
        let actor = format!("recipient:{delivery_id}");
        let detail = serde_json::json!({"method": context.delivery.verification_method});
        self.audit(
            &context.organisation.id,
            &actor,
            "recipient.verified",
            &context.message.id,
            detail,
        )
        .await?;
        Ok(VerifyOutcome::Verified(session))
    }

    async fn count_failure(&self, context: &LinkContext) -> Result<VerifyOutcome, PortalError> {
        let delivery_id = &context.delivery.delivery.id;
        let failures = self.store.count_failure(delivery_id).await?;
        metrics::counter!("zegel_verification_failures_total").increment(1);
        let now = self.now();
        tracing::info!(delivery_id = %delivery_id, failures, "verification failed");
        let actor = format!("recipient:{delivery_id}");
        let detail = serde_json::json!({"failures": failures});
        self.audit(
            &context.organisation.id,
            &actor,
            "recipient.verification_failed",
            &context.message.id,
            detail,
        )
        .await?;
        Ok(match self.attempts.after_failure(failures, now) {
            FailureConsequence::TryAgain => VerifyOutcome::WrongCode,
            FailureConsequence::WaitUntil(until) => {
                self.store
                    .set_delivery_wait(delivery_id, Some(until), None)
                    .await?;
                VerifyOutcome::Wait {
                    minutes: minutes_until(now, until),
                }
            }
            FailureConsequence::Locked => {
                self.store
                    .set_delivery_wait(delivery_id, None, Some(now))
                    .await?;
                VerifyOutcome::Locked {
                    sender_name: context.sender.display_name.clone(),
                }
            }
        })
    }

    fn blocked(&self, context: &LinkContext) -> Option<Blocked> {
        let delivery = &context.delivery.delivery;
        if delivery.locked_at.is_some() {
            return Some(Blocked::Locked);
        }
        let now = self.now();
        delivery
            .wait_until
            .filter(|until| *until > now)
            .map(|until| Blocked::Wait(minutes_until(now, until)))
    }
}

enum Blocked {
    Wait(i64),
    Locked,
}

impl Blocked {
    fn into_verify(self, context: &LinkContext) -> VerifyOutcome {
        match self {
            Blocked::Wait(minutes) => VerifyOutcome::Wait { minutes },
            Blocked::Locked => VerifyOutcome::Locked {
                sender_name: context.sender.display_name.clone(),
            },
        }
    }
}

/// Whole minutes, rounded up, so "1 minute" never means "now".
fn minutes_until(now: i64, until: i64) -> i64 {
    ((until - now).max(0) + 59) / 60
}
