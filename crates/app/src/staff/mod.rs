//! Staff signing in to the web app: a password (Argon2id), then a TOTP code or a one-use
//! recovery code; the first sign-in sets the second factor up. Sessions get a new id at every
//! step up, expire after 30 idle minutes and after 12 hours in all, and live in the database,
//! so any instance can serve them.

mod passwords;
mod recovery;
mod sessions;
mod totp;

pub use passwords::MIN_PASSWORD_CHARS;
pub use recovery::RECOVERY_CODES;
pub use sessions::{SessionStage, StaffVisit};
pub use totp::{EnrolOutcome, Enrolment};

use zegel_crypto::Token;

/// Wrong passwords and codes in a row before the account waits.
pub const LOCK_AFTER_FAILURES: i64 = 5;
pub const LOCK_SECONDS: i64 = 15 * 60;

/// What a sign-in step led to.
#[derive(Debug)]
pub enum SignInOutcome {
    /// A (new) session: set its cookie; the stage says which page comes next.
    Session(Token, SessionStage),
    /// Wrong address, password or code: one answer for all, so nothing tells them apart.
    Refused,
    /// Too many failures: the account waits until this time.
    Locked { until: i64 },
}
