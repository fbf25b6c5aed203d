//! Legal holds: an administrator keeps a recipient's records (a dispute, an investigation, a
//! duty to keep them) past expiry and through erasure requests, until a date.

use zegel_domain::EmailAddress;
use zegel_store::{Recipient, User};

use crate::{App, AppError, AppResult};

impl App {
    async fn known_recipient(&self, admin: &User, email: &str) -> AppResult<Recipient> {
        self.require_admin(admin)?;
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
        self.store
            .recipient(&admin.org_id, email.as_str())
            .await?
            .ok_or_else(|| {
                AppError::Invalid(vec![format!("the organisation has no recipient {email}")])
            })
    }

    /// Keeps everything of `email` until `until` (a moment in the future), for `reason`.
    pub async fn set_legal_hold(
        &self,
        admin: &User,
        email: &str,
        until: i64,
        reason: &str,
    ) -> AppResult<()> {
        let recipient = self.known_recipient(admin, email).await?;
        let mut problems = Vec::new();
        if until <= self.now() {
            problems.push("the hold must last until a date after today".to_owned());
        }
        if reason.trim().is_empty() {
            problems.push("say why the records must be kept (the audit trail keeps it)".to_owned());
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        self.store
            .set_legal_hold(&recipient.id, Some(until), Some(reason.trim()))
            .await?;
        // The reason is the organisation's own words about a case: kept, not logged.
        self.audit_admin(
            admin,
            "recipient.legal_hold_set",
            &recipient.id,
            serde_json::json!({"until": until}),
        )
        .await
    }

    pub async fn lift_legal_hold(&self, admin: &User, email: &str) -> AppResult<()> {
        let recipient = self.known_recipient(admin, email).await?;
        self.store.set_legal_hold(&recipient.id, None, None).await?;
        self.audit_admin(
            admin,
            "recipient.legal_hold_lifted",
            &recipient.id,
            serde_json::json!({}),
        )
        .await
    }

    /// Until when a recipient is held, if they are.
    pub async fn legal_hold_of(&self, admin: &User, email: &str) -> AppResult<Option<i64>> {
        let recipient = self.known_recipient(admin, email).await?;
        Ok(recipient
            .legal_hold_until
            .filter(|until| *until > self.now()))
    }

    /// The organisation's archive as the console downloads it (the same as `zegel admin
    /// export`), recorded as the administrator's act.
    pub async fn archive_for(&self, admin: &User) -> AppResult<Vec<crate::EmlFile>> {
        self.require_admin(admin)?;
        self.export_organisation_as(&admin.org_id, &admin.id).await
    }
}
