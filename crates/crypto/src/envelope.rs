use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::{CryptoError, random_bytes};

const NONCE_LEN: usize = 24;

/// A message's 256-bit data-encryption key (DEK). It encrypts the subject, body and replies of
/// one thread; it is stored only wrapped by the key-encryption key, and destroying that
/// wrapped copy makes all of the thread's ciphertext unreadable (crypto-shredding).
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Self {
        Self(Zeroizing::new(random_bytes::<32>()))
    }

    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// XChaCha20-Poly1305 with a random 192-bit nonce, output `nonce || ciphertext || tag`.
    /// `aad` names what is sealed (for example "message:<id>:subject"), so ciphertexts cannot be
    /// swapped between fields or messages unnoticed.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        seal_with(&self.0, plaintext, aad)
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(&self.0, sealed, aad)
    }
}

pub(crate) fn seal_with(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let nonce_bytes = random_bytes::<NONCE_LEN>();
    let nonce = XNonce::from(nonce_bytes);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
    let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
    sealed.extend_from_slice(&nonce_bytes);
    sealed.extend_from_slice(&ciphertext);
    sealed
}

pub(crate) fn open_with(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < NONCE_LEN {
        return Err(CryptoError::Decrypt);
    }
    let (nonce_bytes, ciphertext) = sealed.split_at(NONCE_LEN);
    let nonce = XNonce::try_from(nonce_bytes).map_err(|_| CryptoError::Decrypt)?;
    XChaCha20Poly1305::new(&(*key).into())
        .decrypt(
            &nonce,
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_with_the_same_key_and_label() {
        let key = DataKey::generate();
        let sealed = key.seal(b"Uitslag onderzoek", b"message:1:body");
        assert!(!sealed.windows(7).any(|w| w == b"Uitslag"));
        assert_eq!(
            key.open(&sealed, b"message:1:body").unwrap(),
            b"Uitslag onderzoek"
        );
    }

    #[test]
    fn detects_tampering_wrong_label_and_wrong_key() {
        let key = DataKey::generate();
        let mut sealed = key.seal(b"secret", b"a");
        assert_eq!(key.open(&sealed, b"b"), Err(CryptoError::Decrypt));
        assert_eq!(
            DataKey::generate().open(&sealed, b"a"),
            Err(CryptoError::Decrypt)
        );
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(key.open(&sealed, b"a"), Err(CryptoError::Decrypt));
        assert_eq!(key.open(&sealed[..10], b"a"), Err(CryptoError::Decrypt));
    }
}
