//! The staff second factor: TOTP (RFC 6238, SHA-1, 6 digits, 30-second steps, one step of
//! clock skew either way), the settings every authenticator app understands.

use totp_rs::{Builder, Secret, Totp};
use zeroize::Zeroizing;

use crate::random_bytes;

/// 160 random bits, as RFC 4226 recommends.
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl TotpSecret {
    pub fn generate() -> Self {
        Self(Zeroizing::new(random_bytes::<20>().to_vec()))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret as an authenticator app takes it by hand.
    pub fn from_base32(text: &str) -> Option<Self> {
        let secret = Secret::try_from_base32(text.trim()).ok()?;
        Some(Self::from_bytes(secret.to_vec()))
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as people type it into an app that cannot scan a QR code.
    pub fn base32(&self) -> String {
        Secret::from(self.0.to_vec()).to_base32()
    }

    fn totp(&self, account: &str) -> Option<Totp> {
        Builder::new()
            .with_secret(self.0.to_vec())
            .with_issuer(Some("Zegel"))
            .with_account_name(account.to_owned())
            .build()
            .ok()
    }

    /// The `otpauth://` address an authenticator app reads from the QR code.
    pub fn otpauth_url(&self, account: &str) -> String {
        self.totp(account)
            .and_then(|totp| totp.to_url().ok())
            .expect("a 160-bit secret and an e-mail address make a valid TOTP address")
    }

    /// The time step the code belongs to, when it is right at `unix_time`. The caller accepts
    /// each step once (RFC 6238 §5.2).
    pub fn check(&self, code: &str, unix_time: u64) -> Option<u64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        self.totp("")?.check(&code, unix_time)
    }
}

/// The code an authenticator shows at `unix_time` (for tests and tools).
pub fn totp_code_at(secret: &TotpSecret, unix_time: u64) -> String {
    secret
        .totp("")
        .expect("a 160-bit secret makes a valid TOTP")
        .generate(unix_time)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vector_for_sha1() {
        // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // its last six digits are the 6-digit code.
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(totp_code_at(&secret, 59), "287082");
        assert_eq!(secret.check("287 082", 59), Some(1));
    }

    #[test]
    fn one_step_of_skew_either_way_and_no_more() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let previous = totp_code_at(&secret, now - 30);
        let next = totp_code_at(&secret, now + 30);
        let stale = totp_code_at(&secret, now - 90);
        assert_eq!(secret.check(&previous, now), Some(now / 30 - 1));
        assert_eq!(secret.check(&next, now), Some(now / 30 + 1));
        assert_eq!(secret.check(&stale, now), None);
        assert_eq!(secret.check("abcdef", now), None);
    }

    #[test]
    fn the_app_address_names_zegel_and_the_account() {
        let secret = TotpSecret::generate();
        let url = secret.otpauth_url("anne@zorg.nl");
        assert!(
            url.starts_with("otpauth://totp/Zegel:anne%40zorg.nl?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={}", secret.base32())));
        assert!(url.contains("issuer=Zegel"));
        let typed = TotpSecret::from_base32(&secret.base32()).unwrap();
        assert_eq!(typed.expose(), secret.expose());
    }
}
