//! Spryng's legacy REST API v1: `POST /v1/messages` with a Bearer token, an `originator`,
//! recipients without '+', an `encoding` and a `route`; answers with the created message
//! object and its `id`. Reports come as for v2 (the same Spryng account settings).

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;

use crate::reports::{single, spryng_authenticated};
use crate::{
    AcceptedSms, DeliveryReport, IncomingReport, OutgoingSms, ReportError, SmsError, SmsProvider,
    http,
};

pub struct SpryngV1 {
    base_url: String,
    token: String,
    originator: String,
    route: String,
    report_user: String,
    report_secret: String,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

#[derive(Deserialize)]
struct Report {
    #[serde(alias = "MessageId", alias = "messageId")]
    id: String,
    #[serde(alias = "Status")]
    status: String,
}

impl SpryngV1 {
    pub fn new(
        base_url: &str,
        token: &str,
        originator: &str,
        route: &str,
        report_user: &str,
        report_secret: &str,
    ) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            originator: originator.to_owned(),
            route: if route.is_empty() {
                "business".to_owned()
            } else {
                route.to_owned()
            },
            report_user: report_user.to_owned(),
            report_secret: report_secret.to_owned(),
            client: http::client(),
        }
    }
}

#[async_trait]
impl SmsProvider for SpryngV1 {
    fn name(&self) -> &'static str {
        "spryng-v1"
    }

    async fn send(&self, sms: &OutgoingSms) -> Result<AcceptedSms, SmsError> {
        let response = self
            .client
            .post(format!("{}/v1/messages", self.base_url))
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&json!({
                // Zegel's texts are GSM-7 by construction, so "plain" never garbles them.
                "encoding": "plain",
                "body": sms.text,
                "route": self.route,
                "originator": self.originator,
                "recipients": [sms.to.digits()],
                "reference": sms.reference,
            }))
            .send()
            .await
            .map_err(http::unreachable)?;
        let created: Created = http::read_json(response, http::message_field).await?;
        Ok(AcceptedSms {
            provider_message_id: created.id,
        })
    }

    fn read_report(&self, report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError> {
        if !spryng_authenticated(&report.headers, &self.report_user, &self.report_secret) {
            return Err(ReportError::Unauthenticated);
        }
        let report: Report = serde_json::from_slice(&report.body)
            .map_err(|e| ReportError::Malformed(e.to_string()))?;
        Ok(single(report.id, &report.status))
    }
}
