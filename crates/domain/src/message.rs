use serde::{Deserialize, Serialize};

/// The life of a message: it is sent, and ends revoked or expired. Both ends are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageState {
    Sent,
    Revoked,
    Expired,
}

impl MessageState {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Sent => "sent",
            MessageState::Revoked => "revoked",
            MessageState::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "sent" => Some(MessageState::Sent),
            "revoked" => Some(MessageState::Revoked),
            "expired" => Some(MessageState::Expired),
            _ => None,
        }
    }

    pub fn is_readable(self) -> bool {
        self == MessageState::Sent
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecipientKind {
    To,
    Cc,
    Bcc,
}

impl RecipientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientKind::To => "to",
            RecipientKind::Cc => "cc",
            RecipientKind::Bcc => "bcc",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "to" => Some(RecipientKind::To),
            "cc" => Some(RecipientKind::Cc),
            "bcc" => Some(RecipientKind::Bcc),
            _ => None,
        }
    }
}
