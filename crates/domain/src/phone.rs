use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, Type};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A mobile number in E.164 form (`+31612345678`) that Zegel may send an SMS code to.
///
/// Parsing refuses what must never receive a code: numbers that are not mobile (fixed
/// lines, premium rate, shared cost, toll free, VoIP, pagers …) and numbers outside the
/// organisation's allowed countries, which is what keeps SMS pumping fraud out.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String")]
pub struct PhoneNumber {
    e164: String,
    region: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhoneError {
    #[error("this is not a valid phone number")]
    Invalid,
    #[error("this is not a mobile number; SMS codes go only to mobile numbers")]
    NotMobile,
    #[error("SMS codes may not be sent to numbers from {0} in this organisation")]
    CountryNotAllowed(String),
}

impl PhoneNumber {
    /// Parses a number as staff type it; numbers without a country code are read as Dutch.
    /// `allowed_regions` holds ISO country codes such as `NL`.
    pub fn parse_mobile(input: &str, allowed_regions: &[String]) -> Result<Self, PhoneError> {
        let parsed = phonenumber::parse(Some(phonenumber::country::Id::NL), input.trim())
            .map_err(|_| PhoneError::Invalid)?;
        if !parsed.is_valid() {
            return Err(PhoneError::Invalid);
        }
        if !matches!(
            parsed.number_type(&DATABASE),
            Type::Mobile | Type::FixedLineOrMobile
        ) {
            return Err(PhoneError::NotMobile);
        }
        let region = parsed
            .country()
            .id()
            .map(|id| format!("{id:?}"))
            .ok_or(PhoneError::Invalid)?;
        if !allowed_regions
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&region))
        {
            return Err(PhoneError::CountryNotAllowed(region));
        }
        Ok(Self {
            e164: parsed.format().mode(Mode::E164).to_string(),
            region,
        })
    }

    /// A number Zegel stored itself (E.164), for display: no policy is applied again.
    pub fn from_stored(e164: &str) -> Option<Self> {
        let parsed = phonenumber::parse(None, e164).ok()?;
        let region = parsed.country().id().map(|id| format!("{id:?}"))?;
        Some(Self {
            e164: parsed.format().mode(Mode::E164).to_string(),
            region,
        })
    }

    /// `+31612345678`
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// `31612345678`: E.164 without the plus, as some providers want it.
    pub fn digits(&self) -> &str {
        &self.e164[1..]
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// `+31 6 ** ** ** 78`: enough for the recipient to recognise, nothing more.
    pub fn masked(&self) -> String {
        let parsed = phonenumber::parse(None, &self.e164).expect("stored numbers parse");
        let country = parsed.code().value().to_string();
        let national = &self.e164[1 + country.len()..];
        let (first, rest) = national.split_at(1);
        let (middle, last) = rest.split_at(rest.len().saturating_sub(2));
        let hidden: Vec<String> = middle
            .as_bytes()
            .chunks(2)
            .map(|chunk| "*".repeat(chunk.len()))
            .collect();
        format!("+{country} {first} {} {last}", hidden.join(" "))
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.e164
    }
}

/// Never prints the number: logs must not hold phone numbers.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["NL".into(), "BE".into()]
    }

    #[test]
    fn accepts_dutch_and_belgian_mobiles_in_any_common_notation() {
        for input in [
            "0612345678",
            "06-12345678",
            "+31 6 1234 5678",
            "0031612345678",
        ] {
            let number = PhoneNumber::parse_mobile(input, &allowed()).unwrap();
            assert_eq!(number.e164(), "+31612345678", "{input}");
            assert_eq!(number.digits(), "31612345678");
            assert_eq!(number.region(), "NL");
        }
        assert_eq!(
            PhoneNumber::parse_mobile("+32 470 12 34 56", &allowed())
                .unwrap()
                .region(),
            "BE"
        );
    }

    #[test]
    fn refuses_fixed_lines_premium_rate_and_other_countries() {
        assert_eq!(
            PhoneNumber::parse_mobile("020 123 4567", &allowed()),
            Err(PhoneError::NotMobile)
        );
        assert_eq!(
            PhoneNumber::parse_mobile("0900 1234567", &allowed()),
            Err(PhoneError::NotMobile)
        );
        assert_eq!(
            PhoneNumber::parse_mobile("0800 1234567", &allowed()),
            Err(PhoneError::NotMobile)
        );
        assert_eq!(
            PhoneNumber::parse_mobile("+49 151 23456789", &allowed()),
            Err(PhoneError::CountryNotAllowed("DE".into()))
        );
        assert_eq!(
            PhoneNumber::parse_mobile("12", &allowed()),
            Err(PhoneError::Invalid)
        );
        assert_eq!(
            PhoneNumber::parse_mobile("call me", &allowed()),
            Err(PhoneError::Invalid)
        );
    }

    #[test]
    fn masks_all_but_the_start_and_the_last_two_digits() {
        let number = PhoneNumber::parse_mobile("0612345625", &allowed()).unwrap();
        assert_eq!(number.masked(), "+31 6 ** ** ** 25");
        assert!(!format!("{number:?}").contains("12345"));
    }
}
