//! What every HTTP provider shares: one client with timeouts, and the reading of an answer
//! into success, "retry later" or "rejected".

use reqwest::{Response, StatusCode};
use std::time::Duration;

use crate::SmsError;

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("an HTTP client can be built")
}

/// A failed request never reached the provider, or got no answer: worth retrying.
pub fn unreachable(error: reqwest::Error) -> SmsError {
    SmsError::RetryLater {
        reason: format!("no answer: {}", error.without_url()),
        after_seconds: None,
    }
}

/// Passes a successful response through; turns failures into the right [`SmsError`].
/// `describe` extracts the provider's own error text from a failure body.
pub async fn check(
    response: Response,
    describe: fn(&str) -> Option<String>,
) -> Result<Response, SmsError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let body = response.text().await.unwrap_or_default();
    // Provider error texts can be long; keep the log line readable.
    let detail: String = describe(&body)
        .unwrap_or_else(|| body.clone())
        .chars()
        .take(300)
        .collect();
    let reason = format!("HTTP {}: {}", status.as_u16(), redact_numbers(&detail));
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        Err(SmsError::RetryLater {
            reason,
            after_seconds: retry_after,
        })
    } else if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        Err(SmsError::Configuration(reason))
    } else {
        Err(SmsError::Rejected(reason))
    }
}

/// Checks the answer and reads its JSON body.
pub async fn read_json<T: serde::de::DeserializeOwned>(
    response: Response,
    describe: fn(&str) -> Option<String>,
) -> Result<T, SmsError> {
    check(response, describe)
        .await?
        .json()
        .await
        .map_err(|e| SmsError::Rejected(format!("unreadable answer: {e}")))
}

/// The `message` field of a JSON error body, as Bird and Spryng v1 send it.
pub fn message_field(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value
        .get("message")
        .and_then(|m| m.as_str())
        .map(str::to_owned)
}

/// Providers like to quote the number in their errors; those texts end up in logs and in
/// the job table, where phone numbers must never be. Runs of seven or more digits (spaces
/// and dashes between them allowed) become `[number]`.
pub fn redact_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            let mut digits = 0;
            let mut end = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || "+ -".contains(chars[i])) {
                if chars[i].is_ascii_digit() {
                    digits += 1;
                    end = i + 1;
                }
                i += 1;
            }
            if digits >= 7 {
                out.push_str("[number]");
            } else {
                out.extend(&chars[start..end]);
            }
            out.extend(&chars[end..i]);
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact_numbers;

    #[test]
    fn phone_numbers_are_removed_from_provider_errors() {
        assert_eq!(
            redact_numbers("The 'To' number +31 6 1234 5678 is not valid (code 21211)"),
            "The 'To' number [number] is not valid (code 21211)"
        );
        assert_eq!(
            redact_numbers("recipient 31612345678 blocked"),
            "recipient [number] blocked"
        );
        assert_eq!(redact_numbers("HTTP 429 after 30 s"), "HTTP 429 after 30 s");
    }
}
