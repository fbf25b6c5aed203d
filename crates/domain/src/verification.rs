use serde::{Deserialize, Serialize};

/// How a recipient proves who they are on the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// A 6-digit code sent to the recipient's address after a deliberate click.
    EmailCode,
    /// A code agreed beforehand, never sent by Zegel.
    AccessCode,
    /// A 6-digit code sent by SMS to a number the sender set.
    Sms,
}

impl VerificationMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationMethod::EmailCode => "email_code",
            VerificationMethod::AccessCode => "access_code",
            VerificationMethod::Sms => "sms",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "email_code" => Some(VerificationMethod::EmailCode),
            "access_code" => Some(VerificationMethod::AccessCode),
            "sms" => Some(VerificationMethod::Sms),
            _ => None,
        }
    }
}
