use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid e-mail address, lower-cased so that one person has one record.
///
/// Deliberately strict: no display names, comments, quoted local parts or control characters,
/// because the address ends up in mail headers and a lenient parser is a header-injection risk.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("'{0}' is not a valid e-mail address")]
    Invalid(String),
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let candidate = input.trim().to_lowercase();
        let invalid = || EmailError::Invalid(input.chars().take(100).collect());
        let (local, domain) = candidate.split_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && domain.len() <= 253
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok && candidate.len() <= 254 {
            Ok(Self(candidate))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_ordinary_addresses() {
        let address = EmailAddress::parse("  Jan.de.Vries+zorg@Example.NL ").unwrap();
        assert_eq!(address.as_str(), "jan.de.vries+zorg@example.nl");
        assert_eq!(address.domain(), "example.nl");
    }

    #[test]
    fn rejects_header_injection_and_malformed_input() {
        for bad in [
            "",
            "jan",
            "jan@",
            "@example.nl",
            "jan@example",
            "jan@@example.nl",
            "jan@example.nl\r\nBcc: x@evil.com",
            "Jan <jan@example.nl>",
            "jan..x@example.nl",
            "jan@-example.nl",
            "jan@exa mple.nl",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "accepted {bad:?}");
        }
    }
}
