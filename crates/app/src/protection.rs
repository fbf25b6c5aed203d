//! Whether a message goes securely: the sender's choice, overruled by the organisation's
//! detection level when it holds personal data for someone outside the organisation.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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

/// Compiled detection rules per organisation, kept while its settings stay the same
/// (compiling keywords and patterns costs more than checking a message).
#[derive(Default)]
pub(crate) struct RulesCache(Mutex<HashMap<String, (String, Arc<OrganisationRules>)>>);

impl App {
    pub(crate) async fn organisation_rules(
        &self,
        org: &Organisation,
        level: Level,
    ) -> AppResult<Arc<OrganisationRules>> {
        let domains = self.store.organisation_domains(&org.id).await?;
        let settings = format!(
            "{}\n{}\n{}\n{}",
            org.detection_level,
            domains.join(","),
            org.detection_keywords,
            org.detection_patterns
        );
        if let Some((cached, rules)) = self.rules.0.lock().expect("not poisoned").get(&org.id)
            && *cached == settings
        {
            return Ok(rules.clone());
        }
        let list = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
        let rules = Arc::new(
            OrganisationRules::new(
                level,
                domains,
                &list(&org.detection_keywords),
                &list(&org.detection_patterns),
            )
            .map_err(|e| AppError::Internal(e.to_string()))?,
        );
        self.rules
            .0
            .lock()
            .expect("not poisoned")
            .insert(org.id.clone(), (settings, rules.clone()));
        Ok(rules)
    }

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
        let rules = self.organisation_rules(org, level).await?;
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
