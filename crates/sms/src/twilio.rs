//! Twilio Messages API: `POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded
//! `To`, `From`, `Body`, `StatusCallback`, HTTP Basic auth with the account SID and auth
//! token; `201 Created` with the message `sid`. Status callbacks are form posts signed with
//! `X-Twilio-Signature`: base64(HMAC-SHA1(auth token, URL + each sorted parameter name and
//! value)).

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha1::Sha1;

use crate::reports::{same, single};
use crate::{
    AcceptedSms, DeliveryReport, IncomingReport, OutgoingSms, ReportError, SmsError, SmsProvider,
    http,
};

pub struct Twilio {
    base_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
    status_callback: Option<String>,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

fn describe(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let message = value.get("message")?.as_str()?;
    let code = value.get("code").map(|c| c.to_string()).unwrap_or_default();
    Some(format!("{message} (code {code})"))
}

impl Twilio {
    pub fn new(
        base_url: &str,
        account_sid: &str,
        auth_token: &str,
        from: &str,
        status_callback: Option<String>,
    ) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            from: from.to_owned(),
            status_callback,
            client: http::client(),
        }
    }

    /// The signature Twilio puts in `X-Twilio-Signature` for a form post to `url`.
    pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
        let mut sorted = params.to_vec();
        sorted.sort();
        let mut mac =
            <Hmac<Sha1> as KeyInit>::new_from_slice(auth_token.as_bytes()).expect("any key length");
        mac.update(url.as_bytes());
        for (name, value) in &sorted {
            mac.update(name.as_bytes());
            mac.update(value.as_bytes());
        }
        STANDARD.encode(mac.finalize().into_bytes())
    }
}

#[async_trait]
impl SmsProvider for Twilio {
    fn name(&self) -> &'static str {
        "twilio"
    }

    async fn send(&self, sms: &OutgoingSms) -> Result<AcceptedSms, SmsError> {
        let mut form = vec![
            ("To", sms.to.e164().to_owned()),
            ("From", self.from.clone()),
            ("Body", sms.text.clone()),
        ];
        if let Some(callback) = &self.status_callback {
            form.push(("StatusCallback", callback.clone()));
        }
        let response = self
            .client
            .post(format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                self.base_url, self.account_sid
            ))
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(http::unreachable)?;
        let created: Created = http::read_json(response, describe).await?;
        Ok(AcceptedSms {
            provider_message_id: created.sid,
        })
    }

    fn read_report(&self, report: &IncomingReport) -> Result<Vec<DeliveryReport>, ReportError> {
        let params: Vec<(String, String)> = url::form_urlencoded::parse(&report.body)
            .into_owned()
            .collect();
        let presented = report
            .headers
            .get("x-twilio-signature")
            .ok_or(ReportError::Unauthenticated)?;
        let expected = Self::signature(&self.auth_token, &report.url, &params);
        if !same(presented.as_bytes(), expected.as_bytes()) {
            return Err(ReportError::Unauthenticated);
        }
        let find = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let id =
            find("MessageSid").ok_or_else(|| ReportError::Malformed("no MessageSid".into()))?;
        let status = find("MessageStatus")
            .ok_or_else(|| ReportError::Malformed("no MessageStatus".into()))?;
        Ok(single(id, &status))
    }
}
