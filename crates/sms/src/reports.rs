//! Delivery reports: what a provider tells us afterwards about an SMS, and the checks that
//! it really comes from the provider.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq;

use crate::Headers;

/// A report as it arrived over HTTP.
#[derive(Debug, Clone)]
pub struct IncomingReport {
    /// The full public URL the provider posted to (Twilio signs it).
    pub url: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Accepted,
    Sent,
    Delivered,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Accepted => "accepted",
            DeliveryState::Sent => "sent",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    /// Reads the many words providers use for the same few states.
    pub fn from_provider_word(word: &str) -> Option<Self> {
        match word.to_ascii_lowercase().as_str() {
            "accepted" | "queued" | "scheduled" | "buffered" | "pending" => {
                Some(DeliveryState::Accepted)
            }
            "sent" | "sending" | "processed" | "submitted" => Some(DeliveryState::Sent),
            "delivered" | "received" => Some(DeliveryState::Delivered),
            "failed" | "undelivered" | "rejected" | "expired" | "canceled" | "cancelled"
            | "undeliverable" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub provider_message_id: String,
    pub state: DeliveryState,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("the report is not authenticated")]
    Unauthenticated,
    #[error("the report cannot be read: {0}")]
    Malformed(String),
}

/// One report as a list, or none when the provider's word is not a state we track.
pub(crate) fn single(provider_message_id: String, status: &str) -> Vec<DeliveryReport> {
    DeliveryState::from_provider_word(status)
        .map(|state| DeliveryReport {
            provider_message_id,
            state,
        })
        .into_iter()
        .collect()
}

/// Spryng authenticates reports with Basic auth or an API-key header, as configured in its
/// portal; either carries our report secret.
pub(crate) fn spryng_authenticated(headers: &Headers, user: &str, secret: &str) -> bool {
    !secret.is_empty()
        && (basic_auth_matches(headers, user, secret)
            || header_matches(headers, "x-api-key", secret))
}

pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Whether `Authorization: Basic …` carries exactly this user and password.
pub(crate) fn basic_auth_matches(headers: &Headers, user: &str, password: &str) -> bool {
    let expected = STANDARD.encode(format!("{user}:{password}"));
    headers
        .get("authorization")
        .and_then(|value| value.strip_prefix("Basic "))
        .is_some_and(|presented| same(presented.trim().as_bytes(), expected.as_bytes()))
}

pub(crate) fn header_matches(headers: &Headers, name: &str, secret: &str) -> bool {
    headers
        .get(name)
        .is_some_and(|presented| same(presented.trim().as_bytes(), secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_words_map_to_states() {
        assert_eq!(
            DeliveryState::from_provider_word("DELIVERED"),
            Some(DeliveryState::Delivered)
        );
        assert_eq!(
            DeliveryState::from_provider_word("undelivered"),
            Some(DeliveryState::Failed)
        );
        assert_eq!(
            DeliveryState::from_provider_word("queued"),
            Some(DeliveryState::Accepted)
        );
        assert_eq!(
            DeliveryState::from_provider_word("sent"),
            Some(DeliveryState::Sent)
        );
        assert_eq!(DeliveryState::from_provider_word("mystery"), None);
    }

    #[test]
    fn basic_auth_needs_both_parts() {
        let mut headers = Headers::new();
        headers.insert(
            "authorization".into(),
            format!("Basic {}", STANDARD.encode("zegel:s3cret")),
        );
        assert!(basic_auth_matches(&headers, "zegel", "s3cret"));
        assert!(!basic_auth_matches(&headers, "zegel", "s3cre"));
        assert!(!basic_auth_matches(&headers, "other", "s3cret"));
    }
}
