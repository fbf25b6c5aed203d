//! The organisation's policies: expiry, which identity checks senders may choose, how long
//! an access code must be, SMS caps and the detection level.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use zegel_domain::{AccessCode, ExpiryPolicy, VerificationMethod};
use zegel_store::{OrganisationSettings, SmsCaps, User};

use crate::{App, AppError, AppResult};

/// The shortest access code an organisation may allow (DESIGN §4: 6 only where it says so).
const SHORTEST_ACCESS_CODE: i64 = 6;

/// What an administrator sees and edits.
#[derive(Debug, Clone)]
pub struct PolicyView {
    pub default_expiry_days: i64,
    pub max_expiry_days: i64,
    pub detection_level: String,
    pub allowed_methods: Vec<VerificationMethod>,
    pub min_access_code_length: i64,
    /// Organisation-wide SMS codes per hour and per day; `None`: the server's caps.
    pub sms_hour_cap: Option<i64>,
    pub sms_day_cap: Option<i64>,
    /// How long audit records are kept.
    pub audit_retention_days: i64,
}

/// A change of policies, as typed into the form.
#[derive(Debug, Clone)]
pub struct PolicyUpdate {
    pub default_expiry_days: String,
    pub max_expiry_days: String,
    pub detection_level: String,
    pub allowed_methods: Vec<String>,
    pub min_access_code_length: String,
    pub sms_hour_cap: String,
    pub sms_day_cap: String,
    pub audit_retention_days: String,
}

/// The rules a new identity check must follow in one organisation.
#[derive(Debug, Clone)]
pub struct CheckRules {
    /// `None` when this server offers no SMS.
    pub sms_regions: Option<Vec<String>>,
    pub allowed: Vec<VerificationMethod>,
    pub min_access_code: usize,
}

fn default_settings(org_id: &str, now: i64) -> OrganisationSettings {
    OrganisationSettings {
        org_id: org_id.to_owned(),
        allowed_methods: "email_code,sms,access_code".to_owned(),
        min_access_code_length: AccessCode::DEFAULT_MINIMUM as i64,
        sms_hour_cap: None,
        sms_day_cap: None,
        brand_colour: None,
        brand_logo: None,
        brand_logo_type: None,
        updated_at: now,
        helpdesk_address: None,
    }
}

fn methods(list: &str) -> Vec<VerificationMethod> {
    list.split(',')
        .filter_map(VerificationMethod::parse)
        .collect()
}

/// Settings are read on every send and portal page and change rarely: each instance keeps
/// them for a few seconds. A change made here is seen here at once, elsewhere within that time.
#[derive(Default)]
pub(crate) struct SettingsCache(Mutex<HashMap<String, (Instant, OrganisationSettings)>>);

const SETTINGS_TTL: Duration = Duration::from_secs(10);

impl App {
    /// The organisation's settings, or the defaults when none were saved.
    pub(crate) async fn settings(&self, org_id: &str) -> AppResult<OrganisationSettings> {
        if let Some((at, settings)) = self
            .settings_cache
            .0
            .lock()
            .expect("not poisoned")
            .get(org_id)
            && at.elapsed() < SETTINGS_TTL
        {
            return Ok(settings.clone());
        }
        let settings = self
            .store
            .organisation_settings(org_id)
            .await?
            .unwrap_or_else(|| default_settings(org_id, self.now()));
        self.settings_cache
            .0
            .lock()
            .expect("not poisoned")
            .insert(org_id.to_owned(), (Instant::now(), settings.clone()));
        Ok(settings)
    }

    /// Saves changed settings; this instance sees them at once.
    pub(crate) async fn save_settings(&self, settings: &OrganisationSettings) -> AppResult<()> {
        self.store.save_organisation_settings(settings).await?;
        self.settings_cache
            .0
            .lock()
            .expect("not poisoned")
            .remove(&settings.org_id);
        Ok(())
    }

    pub(crate) async fn check_rules(&self, org_id: &str) -> AppResult<CheckRules> {
        let settings = self.settings(org_id).await?;
        Ok(CheckRules {
            sms_regions: self.sms_regions().map(<[String]>::to_vec),
            allowed: methods(&settings.allowed_methods),
            min_access_code: settings.min_access_code_length.max(SHORTEST_ACCESS_CODE) as usize,
        })
    }

    /// The identity checks a sender in this organisation can choose (SMS only with a provider).
    pub async fn allowed_checks(&self, user: &User) -> AppResult<Vec<VerificationMethod>> {
        let rules = self.check_rules(&user.org_id).await?;
        Ok(rules
            .allowed
            .into_iter()
            .filter(|m| *m != VerificationMethod::Sms || rules.sms_regions.is_some())
            .collect())
    }

    /// The SMS caps for this organisation: the server's, tightened or loosened per organisation.
    pub(crate) async fn sms_caps(&self, org_id: &str) -> AppResult<SmsCaps> {
        let settings = self.settings(org_id).await?;
        let mut caps = self.sms_policy.caps;
        if let Some(hour) = settings.sms_hour_cap {
            caps.per_organisation_hour = hour;
        }
        if let Some(day) = settings.sms_day_cap {
            caps.per_organisation_day = day;
        }
        Ok(caps)
    }

    pub async fn policies(&self, admin: &User) -> AppResult<PolicyView> {
        self.require_admin(admin)?;
        let org = self
            .store
            .organisation(&admin.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let settings = self.settings(&org.id).await?;
        Ok(PolicyView {
            default_expiry_days: org.default_expiry_days,
            max_expiry_days: org.max_expiry_days,
            detection_level: org.detection_level,
            allowed_methods: methods(&settings.allowed_methods),
            min_access_code_length: settings.min_access_code_length,
            sms_hour_cap: settings.sms_hour_cap,
            sms_day_cap: settings.sms_day_cap,
            audit_retention_days: org.audit_retention_days,
        })
    }

    /// Checks every field at once; saves nothing unless all are right.
    pub async fn update_policies(&self, admin: &User, update: PolicyUpdate) -> AppResult<()> {
        self.require_admin(admin)?;
        let mut problems = Vec::new();
        let number =
            |text: &str, name: &str, problems: &mut Vec<String>| match text.trim().parse::<i64>() {
                Ok(value) if value > 0 => Some(value),
                _ => {
                    problems.push(format!("{name}: a whole number above 0"));
                    None
                }
            };
        let optional = |text: &str, name: &str, problems: &mut Vec<String>| {
            if text.trim().is_empty() {
                None
            } else {
                number(text, name, problems)
            }
        };
        let default_days = number(
            &update.default_expiry_days,
            "default_expiry_days",
            &mut problems,
        );
        let max_days = number(&update.max_expiry_days, "max_expiry_days", &mut problems);
        if let (Some(default), Some(max)) = (default_days, max_days)
            && let Err(e) = ExpiryPolicy::new(default as u32, max as u32)
        {
            problems.push(e.to_string());
        }
        if zegel_detect::Level::parse(&update.detection_level).is_none() {
            problems.push("detection_level: one of audit, suggest, warn, block".to_owned());
        }
        let allowed: Vec<VerificationMethod> = update
            .allowed_methods
            .iter()
            .filter_map(|m| VerificationMethod::parse(m))
            .collect();
        if allowed.is_empty() {
            problems.push("allowed_methods: allow at least one identity check".to_owned());
        }
        let min_code = number(
            &update.min_access_code_length,
            "min_access_code_length",
            &mut problems,
        );
        if min_code.is_some_and(|n| !(SHORTEST_ACCESS_CODE..=64).contains(&n)) {
            problems.push(format!(
                "min_access_code_length: between {SHORTEST_ACCESS_CODE} and 64"
            ));
        }
        let retention = number(
            &update.audit_retention_days,
            "audit_retention_days",
            &mut problems,
        );
        if retention.is_some_and(|days| days < 365) {
            problems.push("audit_retention_days: at least 365 (a year)".to_owned());
        }
        let hour_cap = optional(&update.sms_hour_cap, "sms_hour_cap", &mut problems);
        let day_cap = optional(&update.sms_day_cap, "sms_day_cap", &mut problems);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let (default_days, max_days, min_code) = (
            default_days.unwrap_or_default(),
            max_days.unwrap_or_default(),
            min_code.unwrap_or_default(),
        );
        self.store
            .update_organisation_policy(
                &admin.org_id,
                default_days,
                max_days,
                &update.detection_level,
                retention.unwrap_or_default(),
            )
            .await?;
        let mut settings = self.settings(&admin.org_id).await?;
        settings.allowed_methods = allowed
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(",");
        settings.min_access_code_length = min_code;
        settings.sms_hour_cap = hour_cap;
        settings.sms_day_cap = day_cap;
        settings.updated_at = self.now();
        self.save_settings(&settings).await?;
        let detail = serde_json::json!({
            "default_expiry_days": default_days, "max_expiry_days": max_days,
            "detection_level": update.detection_level, "allowed_methods": settings.allowed_methods,
            "min_access_code_length": min_code, "sms_hour_cap": hour_cap, "sms_day_cap": day_cap,
            "audit_retention_days": retention,
        });
        self.audit_admin(
            admin,
            "organisation.policies_changed",
            &admin.org_id,
            detail,
        )
        .await
    }
}
