//! Bird Channels API: `POST /workspaces/{workspace}/channels/{channel}/messages` with
//! `Authorization: AccessKey …`, a receiver contact by `identifierValue` and a text body;
//! `202 Accepted` with the message `id`. Reports are Bird webhooks signed with
//! `messagebird-signature` (HMAC-SHA256 over timestamp, URL and body hash, base64).

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::reports::{same, single};
use crate::{
    AcceptedSms, DeliveryReport, IncomingReport, OutgoingSms, ReportError, SmsError, SmsProvider,
    http,
};

pub struct Bird {
    base_url: String,
    access_key: String,
    workspace_id: String,
    channel_id: String,
    signing_key: String,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct Accepted {
    id: String,
}

#[derive(Deserialize)]
struct Event {
    payload: EventPayload,
}

#[derive(Deserialize)]
struct EventPayload {
    id: String,
    status: String,
}

impl Bird {
    pub fn new(
        base_url: &str,
        access_key: &str,
        workspace_id: &str,
        channel_id: &str,
        signing_key: &str,
    ) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            access_key: access_key.to_owned(),
            workspace_id: workspace_id.to_owned(),
            channel_id: channel_id.to_owned(),
            signing_key: signing_key.to_owned(),
            client: http::client(),
        }
    }

    /// Bird's webhook signature: base64(HMAC-SHA256(key, timestamp \n url \n sha256(body))).
    pub fn signature(signing_key: &str, timestamp: &str, url: &str, body: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(signing_key.as_bytes())
            .expect("any key length");
        mac.update(timestamp.as_bytes());
        mac.update(b"\n");
        mac.update(url.as_bytes());
        mac.update(b"\n");
        mac.update(&Sha256::digest(body));
        STANDARD.encode(mac.finalize().into_bytes())
    }
}

#[async_trait]
impl SmsProvider for Bird {
    fn name(&self) -> &'static str {
        "bird"
    }

    async fn send(&self, sms: &OutgoingSms) -> Result<AcceptedSms, SmsError> {
        let url = format!(
            "{}/workspaces/{}/channels/{}/messages",
            self.base_url, self.workspace_id, self.channel_id
        );
        let response = self
            .client
            .post(url)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("AccessKey {}", self.access_key),
            )
            .json(&json!({
                "receiver": {"contacts": [{"identifierValue": sms.to.e164()}]},
                "body": {"type": "text", "text": {"text": sms.text}},
                "reference": sms.reference,
            }))
            .send()
            .await
            .map_err(http::unreachable)?;
        let accepted: Accepted = http::read_json(response, http::message_field).await?;
        Ok(AcceptedSms {
            provider_message_id: accepted.id,
        })
    }

    fn read_report(&self, report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError> {
        let timestamp = report
            .headers
            .get("messagebird-request-timestamp")
            .ok_or(ReportError::Unauthenticated)?;
        let presented = report
            .headers
            .get("messagebird-signature")
            .ok_or(ReportError::Unauthenticated)?;
        let expected = Self::signature(&self.signing_key, timestamp, &report.url, &report.body);
        if self.signing_key.is_empty() || !same(presented.as_bytes(), expected.as_bytes()) {
            return Err(ReportError::Unauthenticated);
        }
        let event: Event = serde_json::from_slice(&report.body)
            .map_err(|e| ReportError::Malformed(e.to_string()))?;
        Ok(single(event.payload.id, &event.payload.status))
    }
}
