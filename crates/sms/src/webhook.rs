//! A generic provider for organisations with their own SMS gateway: Zegel posts JSON
//! `{"to", "text", "reference"}` to a URL, signed with `X-Zegel-Timestamp` and
//! `X-Zegel-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. The gateway
//! answers 2xx with `{"id"}` and posts reports `{"id", "status"}` back, signed the same way.
//! Timestamps older than five minutes are refused, so a captured request cannot be replayed.

use async_trait::async_trait;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::reports::{same, single};
use crate::{
    AcceptedSms, DeliveryReport, IncomingReport, OutgoingSms, ReportError, SmsError, SmsProvider,
    http,
};

const TOLERANCE_SECONDS: i64 = 300;

pub struct Webhook {
    url: String,
    secret: String,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct Accepted {
    id: String,
}

#[derive(Deserialize)]
struct Report {
    id: String,
    status: String,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

impl Webhook {
    pub fn new(url: &str, secret: &str) -> Self {
        Self {
            url: url.to_owned(),
            secret: secret.to_owned(),
            client: http::client(),
        }
    }

    pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }
}

#[async_trait]
impl SmsProvider for Webhook {
    fn name(&self) -> &'static str {
        "webhook"
    }

    async fn send(&self, sms: &OutgoingSms) -> Result<AcceptedSms, SmsError> {
        let body = serde_json::to_vec(
            &json!({"to": sms.to.e164(), "text": sms.text, "reference": sms.reference}),
        )
        .expect("JSON serialises");
        let timestamp = now().to_string();
        let response = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Zegel-Timestamp", &timestamp)
            .header(
                "X-Zegel-Signature",
                Self::signature(&self.secret, &timestamp, &body),
            )
            .body(body)
            .send()
            .await
            .map_err(http::unreachable)?;
        let accepted: Accepted = http::read_json(response, |_| None).await?;
        Ok(AcceptedSms {
            provider_message_id: accepted.id,
        })
    }

    fn read_report(&self, report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError> {
        let timestamp = report
            .headers
            .get("x-zegel-timestamp")
            .ok_or(ReportError::Unauthenticated)?;
        let presented = report
            .headers
            .get("x-zegel-signature")
            .ok_or(ReportError::Unauthenticated)?;
        let fresh = timestamp
            .parse::<i64>()
            .is_ok_and(|t| (now() - t).abs() <= TOLERANCE_SECONDS);
        let expected = Self::signature(&self.secret, timestamp, &report.body);
        if !fresh || !same(presented.as_bytes(), expected.as_bytes()) {
            return Err(ReportError::Unauthenticated);
        }
        let report: Report = serde_json::from_slice(&report.body)
            .map_err(|e| ReportError::Malformed(e.to_string()))?;
        Ok(single(report.id, &report.status))
    }
}
