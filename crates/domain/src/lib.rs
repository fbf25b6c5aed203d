//! Pure domain types for Zegel: values that parse instead of validate, and the policies
//! (expiry, code attempts) that every face of the product must apply the same way.
//! No I/O and no async here, so every rule is testable on its own.

mod access_code;
mod attempts;
mod email;
mod expiry;
mod language;
mod lookalike;
mod message;
mod phone;
mod sms_text;
mod verification;

pub use access_code::{AccessCode, AccessCodeError};
pub use attempts::{AttemptPolicy, FailureConsequence};
pub use email::{EmailAddress, EmailError};
pub use expiry::{ExpiryError, ExpiryPolicy};
pub use language::Language;
pub use lookalike::looks_like;
pub use message::{MessageState, RecipientKind};
pub use phone::{PhoneError, PhoneNumber};
pub use sms_text::{OriginatorError, is_gsm7, to_gsm7, validate_originator};
pub use verification::VerificationMethod;

/// Seconds since the Unix epoch. The database stores times this way on both backends.
pub type UnixTime = i64;

pub const SECONDS_PER_DAY: i64 = 86_400;
