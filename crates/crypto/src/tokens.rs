use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::fmt;

use crate::random_bytes;

/// A 256-bit bearer secret (portal link, session id, API token), shown to its holder once.
/// The database keeps only its [`TokenHash`].
pub struct Token(String);

/// SHA-256 of a token. Tokens carry 256 random bits, so a plain hash suffices to make a
/// leaked database useless for forging links.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl Token {
    pub fn generate() -> Self {
        Self::from_bytes(random_bytes::<32>())
    }

    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts a token from the outside world; anything that cannot be one is rejected early.
    pub fn from_presented(value: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(value).ok()?;
        (decoded.len() == 32).then(|| Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

/// Compares two secrets (such as a CSRF token and its cookie) in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl TokenHash {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_round_trip() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43);
        let presented = Token::from_presented(a.expose()).unwrap();
        assert!(presented.hash() == a.hash());
        assert!(Token::from_presented("too-short").is_none());
        assert!(Token::from_presented(&"A".repeat(43)).is_some());
        assert!(Token::from_presented("not base64 !!").is_none());
    }
}
