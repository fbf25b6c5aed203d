use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A fresh 6-digit code from the OS RNG, uniformly distributed (rejection sampling, no modulo bias).
pub fn generate_code() -> Zeroizing<String> {
    const RANGE: u32 = 1_000_000;
    // The largest multiple of RANGE that fits in u32; values above it would bias low codes.
    const LIMIT: u32 = u32::MAX - (u32::MAX % RANGE);
    loop {
        let value = u32::from_le_bytes(crate::random_bytes::<4>());
        if value < LIMIT {
            return Zeroizing::new(format!("{:06}", value % RANGE));
        }
    }
}

/// Keyed hash for one-time codes. A 6-digit code hashed without a key could be brute-forced
/// from a stolen database in microseconds; with a key that lives outside it, it cannot.
#[derive(Clone)]
pub struct CodeHasher {
    key: Zeroizing<[u8; 32]>,
}

impl CodeHasher {
    pub fn new(key: [u8; 32]) -> Self {
        Self {
            key: Zeroizing::new(key),
        }
    }

    /// `context` binds the code to its challenge, so a hash cannot be replayed elsewhere.
    pub fn hash(&self, code: &str, context: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.as_ref())
            .expect("HMAC accepts keys of any length");
        mac.update(context.as_bytes());
        mac.update(&[0]);
        mac.update(normalise(code).as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    pub fn verify(&self, code: &str, context: &str, stored: &[u8]) -> bool {
        self.hash(code, context).ct_eq(stored).into()
    }
}

/// People type codes with spaces or copy them with stray whitespace; that is not a wrong code.
fn normalise(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| generate_code().to_string()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.chars().all(|d| d.is_ascii_digit()))
        );
        assert!(codes.len() > 190, "codes repeat too often: {}", codes.len());
    }

    #[test]
    fn verification_needs_the_same_code_key_and_context() {
        let hasher = CodeHasher::new([7; 32]);
        let stored = hasher.hash("123456", "challenge-1");
        assert!(hasher.verify("123456", "challenge-1", &stored));
        assert!(hasher.verify(" 123 456 ", "challenge-1", &stored));
        assert!(!hasher.verify("123457", "challenge-1", &stored));
        assert!(!hasher.verify("123456", "challenge-2", &stored));
        assert!(!CodeHasher::new([8; 32]).verify("123456", "challenge-1", &stored));
    }
}
