//! Spryng Messaging API v2: `POST /v2/messages` with an `X-Api-Key` header, an
//! `accountReference`, recipients in E.164; `202 Accepted` with `messageIds`, errors as
//! `{"errors": [...]}`, `429` to slow down. Delivery reports arrive as PascalCase JSON with
//! numbers without '+', authenticated by Basic auth or an API-key header.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;

use crate::reports::{single, spryng_authenticated};
use crate::{
    AcceptedSms, DeliveryReport, IncomingReport, OutgoingSms, ReportError, SmsError, SmsProvider,
    http,
};

pub struct SpryngV2 {
    base_url: String,
    api_key: String,
    account_reference: String,
    originator: String,
    /// What Spryng must present when it posts delivery reports to us.
    report_user: String,
    report_secret: String,
    client: reqwest::Client,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Accepted {
    message_ids: Vec<String>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    errors: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Report {
    message_id: String,
    status: String,
}

fn describe(body: &str) -> Option<String> {
    let envelope: ErrorEnvelope = serde_json::from_str(body).ok()?;
    let texts: Vec<String> = envelope
        .errors
        .iter()
        .map(|e| {
            e.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| e.to_string())
        })
        .collect();
    Some(texts.join("; "))
}

impl SpryngV2 {
    pub fn new(
        base_url: &str,
        api_key: &str,
        account_reference: &str,
        originator: &str,
        report_user: &str,
        report_secret: &str,
    ) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key: api_key.to_owned(),
            account_reference: account_reference.to_owned(),
            originator: originator.to_owned(),
            report_user: report_user.to_owned(),
            report_secret: report_secret.to_owned(),
            client: http::client(),
        }
    }
}

#[async_trait]
impl SmsProvider for SpryngV2 {
    fn name(&self) -> &'static str {
        "spryng"
    }

    async fn send(&self, sms: &OutgoingSms) -> Result<AcceptedSms, SmsError> {
        let response = self
            .client
            .post(format!("{}/v2/messages", self.base_url))
            .header("X-Api-Key", &self.api_key)
            .json(&json!({
                "accountReference": self.account_reference,
                "originator": self.originator,
                "recipients": [sms.to.e164()],
                "body": sms.text,
                "reference": sms.reference,
            }))
            .send()
            .await
            .map_err(http::unreachable)?;
        let accepted: Accepted = http::read_json(response, describe).await?;
        accepted
            .message_ids
            .into_iter()
            .next()
            .map(|provider_message_id| AcceptedSms {
                provider_message_id,
            })
            .ok_or_else(|| SmsError::Rejected("no message id in the answer".into()))
    }

    fn read_report(&self, report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError> {
        if !spryng_authenticated(&report.headers, &self.report_user, &self.report_secret) {
            return Err(ReportError::Unauthenticated);
        }
        // One report or a batch of them.
        let reports: Vec<Report> = serde_json::from_slice::<Vec<Report>>(&report.body)
            .or_else(|_| serde_json::from_slice::<Report>(&report.body).map(|r| vec![r]))
            .map_err(|e| ReportError::Malformed(e.to_string()))?;
        Ok(reports
            .into_iter()
            .flat_map(|r| single(r.message_id, &r.status))
            .collect())
    }
}
