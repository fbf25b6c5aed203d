//! Which provider to use, from the configuration.

use std::sync::Arc;
use zegel_mail::DevOutbox;

use crate::{Bird, DevSmsOutbox, Disabled, SmsProvider, SpryngV1, SpryngV2, Twilio, Webhook};

/// Provider settings as configured; secrets stay in here and are never logged.
#[derive(Clone, Default)]
pub struct ProviderConfig {
    /// `spryng`, `spryng-v1`, `bird`, `twilio` or `webhook`; none: the dev outbox.
    pub provider: Option<String>,
    pub base_url: Option<String>,
    pub api_key: Option<String>,
    pub account: Option<String>,
    pub channel: Option<String>,
    pub originator: Option<String>,
    pub route: Option<String>,
    pub report_user: Option<String>,
    pub report_secret: Option<String>,
    /// Where providers post delivery reports (Twilio needs it in every send).
    pub report_url: Option<String>,
}

impl ProviderConfig {
    /// Every problem with these settings, for the start-up report.
    pub fn problems(&self) -> Vec<String> {
        build_provider(self, None).err().unwrap_or_default()
    }
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Builds the configured provider, or says every setting that is missing.
pub fn build_provider(
    config: &ProviderConfig,
    outbox: Option<Arc<DevOutbox>>,
) -> Result<Arc<dyn SmsProvider>, Vec<String>> {
    let mut missing = Vec::new();
    let mut need = |value: &Option<String>, key: &str| -> String {
        value.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| {
            missing.push(format!("sms_{key}: needed for this SMS provider"));
            String::new()
        })
    };
    let optional = |value: &Option<String>| value.clone().unwrap_or_default();
    let provider: Arc<dyn SmsProvider> = match config.provider.as_deref() {
        None | Some("") => match outbox {
            Some(outbox) => Arc::new(DevSmsOutbox::new(outbox)),
            // A production server without a provider: SMS is simply not offered.
            None => Arc::new(Disabled),
        },
        // The server opens the outbox folder for this setting; only a check of the settings
        // alone comes here without one.
        Some("outbox") => match outbox {
            Some(outbox) => Arc::new(DevSmsOutbox::new(outbox)),
            None => Arc::new(Disabled),
        },
        Some("spryng") => Arc::new(SpryngV2::new(
            config
                .base_url
                .as_deref()
                .unwrap_or("https://rest.spryngsms.com"),
            &need(&config.api_key, "api_key"),
            &need(&config.account, "account"),
            &need(&config.originator, "originator"),
            &optional(&config.report_user),
            &optional(&config.report_secret),
        )),
        Some("spryng-v1") => Arc::new(SpryngV1::new(
            config
                .base_url
                .as_deref()
                .unwrap_or("https://rest.spryngsms.com"),
            &need(&config.api_key, "api_key"),
            &need(&config.originator, "originator"),
            &optional(&config.route),
            &optional(&config.report_user),
            &optional(&config.report_secret),
        )),
        Some("bird") => Arc::new(Bird::new(
            config.base_url.as_deref().unwrap_or("https://api.bird.com"),
            &need(&config.api_key, "api_key"),
            &need(&config.account, "account"),
            &need(&config.channel, "channel"),
            &optional(&config.report_secret),
        )),
        Some("twilio") => Arc::new(Twilio::new(
            config
                .base_url
                .as_deref()
                .unwrap_or("https://api.twilio.com"),
            &need(&config.account, "account"),
            &need(&config.api_key, "api_key"),
            &need(&config.originator, "originator"),
            config.report_url.clone(),
        )),
        Some("webhook") => Arc::new(Webhook::new(
            &need(&config.base_url, "base_url"),
            &need(&config.report_secret, "report_secret"),
        )),
        Some(other) => {
            return Err(vec![format!(
                "sms_provider: '{other}' is not one of spryng, spryng-v1, bird, twilio, webhook, outbox"
            )]);
        }
    };
    if let Some(originator) = &config.originator
        && zegel_domain::validate_originator(originator).is_err()
    {
        missing.push(format!(
            "sms_originator: '{originator}' must be 1 to 11 letters/digits or an E.164 number"
        ));
    }
    if missing.is_empty() {
        Ok(provider)
    } else {
        Err(missing)
    }
}
