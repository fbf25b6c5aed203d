//! Recovery codes: ten one-use codes shown once when the second factor is set up, for the day
//! the phone is lost. Stored as HMACs.

use zegel_crypto::random_bytes;

use crate::App;

pub const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new code like `k7mqz-4wd2h` (about 50 random bits).
pub(crate) fn new_recovery_code() -> String {
    let mut letters = Vec::with_capacity(10);
    // Bytes past the last whole multiple of the alphabet are skipped, so every letter is
    // equally likely.
    let limit = 256 - 256 % ALPHABET.len();
    while letters.len() < 10 {
        for byte in random_bytes::<16>() {
            if usize::from(byte) < limit && letters.len() < 10 {
                letters.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    let (first, second) = letters.split_at(5);
    format!(
        "{}-{}",
        first.iter().collect::<String>(),
        second.iter().collect::<String>()
    )
}

/// As typed: case, spaces and the dash do not matter.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl App {
    pub(crate) fn recovery_code_hash(&self, user_id: &str, code: &str) -> Vec<u8> {
        self.codes
            .hash(&normalise(code), &format!("recovery:{user_id}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_two_groups_of_five_from_the_alphabet() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(
            code.chars()
                .filter(|c| *c != '-')
                .all(|c| ALPHABET.contains(&(c as u8)))
        );
        assert_ne!(new_recovery_code(), code);
        assert_eq!(normalise(" K7MQZ 4wd2h"), normalise("k7mqz-4wd2h"));
    }
}
