//! Finds personal data in message text, and decides whether a message holds any.
//!
//! Pure and self-contained: nothing leaves the machine, nothing is loaded at run time. The
//! detector favours precision: numbers must pass their checksums, dates count only as
//! dates of birth, phone numbers, e-mail addresses, bank accounts and addresses in
//! signatures count as the organisation's, and health words count only when tied to a
//! person. Everything is found in one pass of an Aho-Corasick automaton plus a linear scan.

mod checks;
pub mod evaluation;
mod lexicon;
mod policy;
mod recognizers;
mod scan;

use serde::Serialize;

pub use policy::{Decision, Level, OrganisationRules, RulesError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityType {
    Bsn,
    Iban,
    Phone,
    Email,
    DateOfBirth,
    Address,
    Postcode,
    Person,
    CreditCard,
    IdDocument,
    Medical,
    IpAddress,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Bsn => "BSN",
            EntityType::Iban => "IBAN",
            EntityType::Phone => "PHONE",
            EntityType::Email => "EMAIL",
            EntityType::DateOfBirth => "DATE_OF_BIRTH",
            EntityType::Address => "ADDRESS",
            EntityType::Postcode => "POSTCODE",
            EntityType::Person => "PERSON",
            EntityType::CreditCard => "CREDIT_CARD",
            EntityType::IdDocument => "ID_DOCUMENT",
            EntityType::Medical => "MEDICAL",
            EntityType::IpAddress => "IP_ADDRESS",
        }
    }
}

/// A piece of personal data: `start`..`end` in Unicode code points (end exclusive).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub contains_personal_data: bool,
    pub spans: Vec<Span>,
}

impl Verdict {
    /// The entity types found, each once, in a stable order: what a sender may be told.
    pub fn entity_types(&self) -> Vec<EntityType> {
        let mut types: Vec<EntityType> = self.spans.iter().map(|s| s.kind).collect();
        types.sort();
        types.dedup();
        types
    }
}

/// Spans at or above this score count.
pub const THRESHOLD: f64 = 0.5;

/// A span in byte offsets, as recognizers produce them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
    pub score: f64,
}

/// Finds personal data in `text`. Runs in time linear in the length of the text.
pub fn detect(text: &str) -> Verdict {
    detect_with(text, &[])
}

/// As [`detect`], treating e-mail addresses at `internal_domains` as the organisation's own.
pub fn detect_with(text: &str, internal_domains: &[String]) -> Verdict {
    let scan = scan::Scan::new(text);
    let mut found = recognizers::run(&scan, internal_domains);
    found.retain(|f| f.score >= THRESHOLD);
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    // Overlaps: keep the first, longest span; a later one inside it adds nothing.
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        if kept.last().is_none_or(|last| f.start >= last.end) {
            kept.push(f);
        }
    }
    let spans = to_code_points(text, &kept);
    Verdict {
        contains_personal_data: !spans.is_empty(),
        spans,
    }
}

/// Converts byte offsets (sorted) to code-point offsets in one walk over the text.
fn to_code_points(text: &str, found: &[Found]) -> Vec<Span> {
    let mut spans = Vec::with_capacity(found.len());
    let mut byte = 0;
    let mut chars = 0;
    let mut advance = |target: usize| {
        chars += text[byte..target].chars().count();
        byte = target;
        chars
    };
    for f in found {
        let start = advance(f.start);
        let end = advance(f.end);
        spans.push(Span {
            start,
            end,
            kind: f.kind,
            score: f.score,
        });
    }
    spans
}
