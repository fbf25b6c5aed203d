//! The organisation's recipients: staff change how an address proves who it is (for
//! example from an access code to SMS), and every change lands in the audit trail.

use serde::Serialize;
use zegel_domain::{EmailAddress, PhoneNumber, RecipientKind};
use zegel_store::User;

use crate::send::{PlannedRecipient, plan_check};
use crate::{App, AppError, AppResult, VerificationInput};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecipientSummary {
    pub email: String,
    pub verification_method: String,
    /// Masked, e.g. `+31 6 ** ** ** 25`.
    pub phone: Option<String>,
    pub has_access_code: bool,
}

impl From<zegel_store::Recipient> for RecipientSummary {
    fn from(recipient: zegel_store::Recipient) -> Self {
        Self {
            phone: recipient
                .phone
                .as_deref()
                .and_then(PhoneNumber::from_stored)
                .map(|p| p.masked()),
            has_access_code: recipient.access_code_hash.is_some(),
            email: recipient.email,
            verification_method: recipient.verification_method,
        }
    }
}

impl App {
    /// Sets the identity check of an address for the whole organisation.
    pub async fn change_verification(
        &self,
        actor: &User,
        email: &str,
        check: VerificationInput,
    ) -> AppResult<RecipientSummary> {
        let (org, plan) = self.plan_verification(actor, email, &check).await?;
        let recipient = self
            .remember_recipient(&org, actor, &plan, self.now())
            .await?;
        // Gateway mail waiting for this recipient's check may go now.
        self.retry_held_gateway_mail(&org.id).await?;
        Ok(RecipientSummary::from(recipient))
    }

    /// Checks a new identity check for an address without setting it.
    pub(crate) async fn plan_verification(
        &self,
        actor: &User,
        email: &str,
        check: &VerificationInput,
    ) -> AppResult<(zegel_store::Organisation, PlannedRecipient)> {
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
        let org = self
            .store
            .organisation(&actor.org_id)
            .await?
            .ok_or_else(|| AppError::Internal("user without organisation".into()))?;
        let known = self.store.recipient(&org.id, email.as_str()).await?;
        let rules = self.check_rules(&org.id).await?;
        let check = plan_check(Some(check), known.as_ref(), &rules)
            .map_err(|problem| AppError::Invalid(vec![problem]))?;
        let plan = PlannedRecipient {
            email,
            kind: RecipientKind::To,
            check,
            language: None,
            known,
        };
        Ok((org, plan))
    }
}
