//! Secrets people type (staff passwords, access codes agreed with recipients), hashed with
//! Argon2id so a copy of the database does not give them away.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::CryptoError;

/// Argon2id (the crate's default parameters) in PHC string form, with a random salt.
pub fn hash_secret(secret: &str) -> Result<String, CryptoError> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|_| CryptoError::BadHash)
}

pub fn verify_secret(secret: &str, phc: &str) -> Result<bool, CryptoError> {
    let parsed = PasswordHash::new(phc).map_err(|_| CryptoError::BadHash)?;
    Ok(Argon2::default()
        .verify_password(secret.as_bytes(), &parsed)
        .is_ok())
}

/// An access code as the recipient types it: spaces around it do not count.
pub fn hash_access_code(code: &str) -> Result<String, CryptoError> {
    hash_secret(code.trim())
}

pub fn verify_access_code(code: &str, phc: &str) -> Result<bool, CryptoError> {
    verify_secret(code.trim(), phc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let first = hash_access_code("zomer-2026!").unwrap();
        let second = hash_access_code("zomer-2026!").unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "salt must differ");
        assert_eq!(verify_access_code(" zomer-2026! ", &first), Ok(true));
        assert_eq!(verify_access_code("winter-2026!", &first), Ok(false));
        assert_eq!(
            verify_access_code("x", "not a hash"),
            Err(CryptoError::BadHash)
        );
    }

    #[test]
    fn passwords_keep_their_spaces() {
        let hash = hash_secret(" lange zin als wachtwoord ").unwrap();
        assert_eq!(verify_secret(" lange zin als wachtwoord ", &hash), Ok(true));
        assert_eq!(verify_secret("lange zin als wachtwoord", &hash), Ok(false));
    }
}
