use crate::UnixTime;

/// The rules for one-time codes (DESIGN §4): lifetime, tries per code, and what repeated
/// failures for one recipient of one message lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptPolicy {
    pub code_lifetime_seconds: i64,
    pub tries_per_code: i64,
    /// Seconds a recipient must wait before a new e-mail code is sent.
    pub resend_cooldown_seconds: i64,
}

/// What a failed verification leads to, given the failures counted so far (including this one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureConsequence {
    TryAgain,
    WaitUntil(UnixTime),
    /// Only the sender can lift this.
    Locked,
}

impl Default for AttemptPolicy {
    fn default() -> Self {
        Self {
            code_lifetime_seconds: 600,
            tries_per_code: 5,
            resend_cooldown_seconds: 60,
        }
    }
}

impl AttemptPolicy {
    /// Escalating waits: after every fifth failure a longer pause (1 minute, 15 minutes,
    /// 1 hour); the twentieth failure locks.
    pub fn after_failure(&self, failures: i64, now: UnixTime) -> FailureConsequence {
        match failures {
            f if f >= 20 => FailureConsequence::Locked,
            15 => FailureConsequence::WaitUntil(now + 3600),
            10 => FailureConsequence::WaitUntil(now + 900),
            5 => FailureConsequence::WaitUntil(now + 60),
            _ => FailureConsequence::TryAgain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_escalate_and_end_in_a_lock() {
        let policy = AttemptPolicy::default();
        assert_eq!(policy.after_failure(4, 0), FailureConsequence::TryAgain);
        assert_eq!(
            policy.after_failure(5, 0),
            FailureConsequence::WaitUntil(60)
        );
        assert_eq!(policy.after_failure(6, 0), FailureConsequence::TryAgain);
        assert_eq!(
            policy.after_failure(10, 0),
            FailureConsequence::WaitUntil(900)
        );
        assert_eq!(
            policy.after_failure(15, 0),
            FailureConsequence::WaitUntil(3600)
        );
        assert_eq!(policy.after_failure(19, 0), FailureConsequence::TryAgain);
        assert_eq!(policy.after_failure(20, 0), FailureConsequence::Locked);
        assert_eq!(policy.after_failure(21, 0), FailureConsequence::Locked);
    }
}
