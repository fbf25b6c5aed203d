//! Whether a message goes securely: the sender's choice, overruled by the organisation's
//! detection level when it holds personal data for someone outside the organisation.

use serde::Serialize;
use zegel_detect::{Level, OrganisationRules};
use zegel_store::{Organisation, User};

use crate::{App, AppError, AppResult};

/// Why Zegel acted on a message's content: entity types only, never the values.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DetectionReport {
    /// Entity types found, e.g. `BSN`, `MEDICAL`; `ORGANISATION_RULE` for the
    /// organisation's own keywords and patterns.
    pub personal_data: Vec<String>,
    /// The organisation's level: `audit`, `suggest`, `warn` or `block`.
    pub level: String,
    /// `secure_sending_switched_on`, `secure_sending_advised`, `sent_unsecured_after_confirmation`
    /// or `recorded`.
    pub action: String,
}

pub(crate) struct Protection {
    pub secure: bool,
    pub report: Option<DetectionReport>,
}

impl App {
    /// Decides for a message the sender asked to send unsecured.
    pub(crate) async fn protection(
        &self,
        org: &Organisation,
        sender: &User,
        text: &str,
        recipients: &[&str],
        confirmed_unsecured: bool,
    ) -> AppResult<Protection> {
        let level = Level::parse(&org.detection_level).unwrap_or(Level::Block);
        let list = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
        let domains = self.store.organisation_domains(&org.id).await?;
        let rules = OrganisationRules::new(
            level,
            domains,
            &list(&org.detection_keywords),
            &list(&org.detection_patterns),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let decision = rules.assess(text, recipients);
        if !decision.sensitive {
            return Ok(Protection {
                secure: false,
                report: None,
            });
        }
        let personal_data: Vec<String> =
            decision.reasons().into_iter().map(str::to_owned).collect();
        let (secure, action) = match level {
            Level::Block => (true, "secure_sending_switched_on"),
            Level::Warn if !confirmed_unsecured => {
                return Err(AppError::Conflict(format!(
                    "the message holds personal data ({}) for a recipient outside the organisation; \
                     send it securely, or confirm sending it unsecured with confirm_unsecured",
                    personal_data.join(", ")
                )));
            }
            Level::Warn => (false, "sent_unsecured_after_confirmation"),
            Level::Suggest => (false, "secure_sending_advised"),
            Level::Audit => (false, "recorded"),
        };
        let report = DetectionReport {
            personal_data,
            level: level.as_str().to_owned(),
            action: action.to_owned(),
        };
        let detail = serde_json::json!({"personal_data": report.personal_data, "level": report.level, "action": report.action});
        self.audit(
            &org.id,
            &sender.id,
            "message.personal_data_detected",
            &sender.id,
            detail,
        )
        .await?;
        Ok(Protection {
            secure,
            report: Some(report),
        })
    }
}
