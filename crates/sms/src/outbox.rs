//! Development without an SMS provider: every SMS lands on the dev outbox page, beside the
//! e-mails.

use async_trait::async_trait;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use zegel_mail::{DevOutbox, OutboxEntry};

use crate::{
    AcceptedSms, DeliveryReport, IncomingReport, OutgoingSms, ReportError, SmsError, SmsProvider,
};

pub struct DevSmsOutbox {
    outbox: Arc<DevOutbox>,
    counter: AtomicU64,
}

impl DevSmsOutbox {
    pub fn new(outbox: Arc<DevOutbox>) -> Self {
        Self {
            outbox,
            counter: AtomicU64::new(0),
        }
    }
}

#[async_trait]
impl SmsProvider for DevSmsOutbox {
    fn name(&self) -> &'static str {
        "dev"
    }

    async fn send(&self, sms: &OutgoingSms) -> Result<AcceptedSms, SmsError> {
        let id = format!(
            "dev-{}-{}",
            sms.reference,
            self.counter.fetch_add(1, Ordering::Relaxed)
        );
        let entry = OutboxEntry::now(
            "sms",
            sms.to.e164(),
            "Zegel",
            &format!("SMS to {}", sms.to.masked()),
            &sms.text,
        );
        self.outbox
            .write(&entry, &id)
            .await
            .map_err(|e| SmsError::Configuration(e.to_string()))?;
        Ok(AcceptedSms {
            provider_message_id: id,
        })
    }

    fn read_report(&self, _report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError> {
        Err(ReportError::Unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zegel_domain::PhoneNumber;

    #[tokio::test]
    async fn sms_show_on_the_dev_outbox_page_beside_the_mail() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Arc::new(DevOutbox::new(dir.path()).unwrap());
        let provider = DevSmsOutbox::new(outbox.clone());
        let sms = OutgoingSms {
            to: PhoneNumber::parse_mobile("0612345678", &["NL".to_owned()]).unwrap(),
            text: "012345 is uw code".into(),
            reference: "c1".into(),
        };
        let accepted = provider.send(&sms).await.unwrap();
        assert!(accepted.provider_message_id.starts_with("dev-c1"));
        let entries = outbox.entries().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].channel, "sms");
        assert_eq!(entries[0].to, "+31612345678");
        assert_eq!(entries[0].text, "012345 is uw code");
    }
}
