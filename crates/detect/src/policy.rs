//! An organisation's rules on top of the detector: how strongly to act on personal data,
//! extra words and patterns that count, and which domains are its own.

use aho_corasick::AhoCorasick;
use regex::RegexSet;

use crate::{EntityType, Verdict, detect_with};

/// What happens when a message for an external recipient holds personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Only recorded; the message goes as the sender chose.
    Audit,
    /// The sender is told secure sending is advised; the message goes as chosen.
    Suggest,
    /// The sender must confirm sending it unsecured, or it is not sent.
    Warn,
    /// Secure sending is switched on, whatever the sender chose.
    Block,
}

impl Level {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "audit" => Some(Level::Audit),
            "suggest" => Some(Level::Suggest),
            "warn" => Some(Level::Warn),
            "block" => Some(Level::Block),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Audit => "audit",
            Level::Suggest => "suggest",
            Level::Warn => "warn",
            Level::Block => "block",
        }
    }
}

#[derive(Debug)]
pub enum RulesError {
    InvalidPattern(String),
}

impl std::error::Error for RulesError {}

impl std::fmt::Display for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RulesError::InvalidPattern(detail) => write!(f, "invalid detection pattern: {detail}"),
        }
    }
}

/// The organisation's detection settings, compiled.
pub struct OrganisationRules {
    pub level: Level,
    pub internal_domains: Vec<String>,
    keywords: Option<AhoCorasick>,
    patterns: Option<RegexSet>,
}

/// The outcome for one outgoing message.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    /// Organisation keywords or patterns matched.
    pub organisation_rule_matched: bool,
    /// Personal data (or an organisation rule) for an external recipient.
    pub sensitive: bool,
}

impl Decision {
    /// Entity types found, for telling the sender why; never the values.
    pub fn reasons(&self) -> Vec<&'static str> {
        let mut reasons: Vec<&'static str> = self
            .verdict
            .entity_types()
            .into_iter()
            .map(EntityType::as_str)
            .collect();
        if self.organisation_rule_matched {
            reasons.push("ORGANISATION_RULE");
        }
        reasons
    }
}

impl OrganisationRules {
    /// `patterns` are regular expressions (linear-time engine: no catastrophic backtracking).
    pub fn new(
        level: Level,
        internal_domains: Vec<String>,
        keywords: &[String],
        patterns: &[String],
    ) -> Result<Self, RulesError> {
        let keywords = (!keywords.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(keywords)
            })
            .transpose()
            .map_err(|e| RulesError::InvalidPattern(e.to_string()))?;
        let patterns = (!patterns.is_empty())
            .then(|| RegexSet::new(patterns))
            .transpose()
            .map_err(|e| RulesError::InvalidPattern(e.to_string()))?;
        Ok(Self {
            level,
            internal_domains: internal_domains
                .into_iter()
                .map(|d| d.to_ascii_lowercase())
                .collect(),
            keywords,
            patterns,
        })
    }

    /// Whether an address is outside the organisation.
    pub fn is_external(&self, address: &str) -> bool {
        let domain = address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        !self.internal_domains.contains(&domain)
    }

    /// Assesses a message (subject and body) for the given recipient addresses.
    pub fn assess(&self, text: &str, recipients: &[&str]) -> Decision {
        let verdict = detect_with(text, &self.internal_domains);
        let organisation_rule_matched = self.keywords.as_ref().is_some_and(|k| k.is_match(text))
            || self.patterns.as_ref().is_some_and(|p| p.is_match(text));
        let external = recipients.iter().any(|r| self.is_external(r));
        let sensitive = external && (verdict.contains_personal_data || organisation_rule_matched);
        Decision {
            verdict,
            organisation_rule_matched,
            sensitive,
        }
    }
}
