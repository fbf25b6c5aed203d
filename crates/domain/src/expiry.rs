use crate::{SECONDS_PER_DAY, UnixTime};

/// An organisation's expiry rules: every message expires, never later than the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryPolicy {
    pub default_days: u32,
    pub maximum_days: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExpiryError {
    #[error("expiry must be at least 1 day")]
    TooShort,
    #[error("expiry may be at most {maximum_days} days for this organisation")]
    TooLong { maximum_days: u32 },
    #[error(
        "the default expiry ({default_days} days) must lie between 1 day and the maximum ({maximum_days} days)"
    )]
    InvalidPolicy {
        default_days: u32,
        maximum_days: u32,
    },
}

impl ExpiryPolicy {
    pub fn new(default_days: u32, maximum_days: u32) -> Result<Self, ExpiryError> {
        if default_days == 0 || default_days > maximum_days {
            return Err(ExpiryError::InvalidPolicy {
                default_days,
                maximum_days,
            });
        }
        Ok(Self {
            default_days,
            maximum_days,
        })
    }

    /// The moment a message sent `now` expires, given the days the sender asked for (if any).
    pub fn expires_at(
        &self,
        now: UnixTime,
        requested_days: Option<u32>,
    ) -> Result<UnixTime, ExpiryError> {
        let days = requested_days.unwrap_or(self.default_days);
        if days == 0 {
            return Err(ExpiryError::TooShort);
        }
        if days > self.maximum_days {
            return Err(ExpiryError::TooLong {
                maximum_days: self.maximum_days,
            });
        }
        Ok(now + i64::from(days) * SECONDS_PER_DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_default_and_enforces_maximum() {
        let policy = ExpiryPolicy::new(14, 30).unwrap();
        assert_eq!(
            policy.expires_at(1000, None),
            Ok(1000 + 14 * SECONDS_PER_DAY)
        );
        assert_eq!(
            policy.expires_at(1000, Some(30)),
            Ok(1000 + 30 * SECONDS_PER_DAY)
        );
        assert_eq!(
            policy.expires_at(1000, Some(31)),
            Err(ExpiryError::TooLong { maximum_days: 30 })
        );
        assert_eq!(policy.expires_at(1000, Some(0)), Err(ExpiryError::TooShort));
    }

    #[test]
    fn rejects_a_default_above_the_maximum() {
        assert!(ExpiryPolicy::new(40, 30).is_err());
        assert!(ExpiryPolicy::new(0, 30).is_err());
    }
}
