use std::fmt;
use zeroize::Zeroize;

/// An access code agreed beforehand between sender and recipient (for example by phone).
///
/// Never printed: `Debug` is redacted so a code cannot slip into a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessCodeError {
    #[error("the access code must be at least {minimum} characters long")]
    TooShort { minimum: usize },
    #[error("the access code must be at most 128 characters long")]
    TooLong,
    #[error("the access code may not contain control characters")]
    ControlCharacters,
}

impl AccessCode {
    /// The design's floor: 8 characters, or 6 where an organisation explicitly allows it.
    pub const DEFAULT_MINIMUM: usize = 8;
    pub const ABSOLUTE_MINIMUM: usize = 6;

    pub fn parse(input: &str, minimum: usize) -> Result<Self, AccessCodeError> {
        let minimum = minimum.max(Self::ABSOLUTE_MINIMUM);
        let code = input.trim();
        let length = code.chars().count();
        if code.chars().any(char::is_control) {
            return Err(AccessCodeError::ControlCharacters);
        }
        if length < minimum {
            return Err(AccessCodeError::TooShort { minimum });
        }
        if length > 128 {
            return Err(AccessCodeError::TooLong);
        }
        Ok(Self(code.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for AccessCode {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_minimum_length_with_an_absolute_floor() {
        assert_eq!(
            AccessCode::parse("short12", 8),
            Err(AccessCodeError::TooShort { minimum: 8 })
        );
        assert!(AccessCode::parse("exactly8", 8).is_ok());
        assert!(AccessCode::parse("six666", 6).is_ok());
        assert_eq!(
            AccessCode::parse("four", 2),
            Err(AccessCodeError::TooShort { minimum: 6 })
        );
    }

    #[test]
    fn debug_output_never_shows_the_code() {
        let code = AccessCode::parse("geheim-voor-jou", 8).unwrap();
        assert!(!format!("{code:?}").contains("geheim"));
    }

    #[test]
    fn rejects_control_characters() {
        assert_eq!(
            AccessCode::parse("abc\u{7}defgh", 8),
            Err(AccessCodeError::ControlCharacters)
        );
    }
}
