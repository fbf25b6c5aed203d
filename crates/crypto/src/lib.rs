//! Zegel's cryptography, in one place and free of I/O: envelope encryption of message
//! content, key-encryption keys, one-time codes and their HMACs, access-code hashing and
//! random tokens. Callers never touch a cipher directly.

mod codes;
mod envelope;
mod keyring;
mod random;
mod secrets;
mod stream;
mod tokens;
mod totp;

pub use codes::{CodeHasher, generate_code};
pub use envelope::DataKey;
pub use keyring::{Keyring, KeyringError};
pub use random::random_bytes;
pub use secrets::{hash_access_code, hash_secret, verify_access_code, verify_secret};
pub use stream::{
    AttachmentKey, CHUNK, HEADER, SEALED_CHUNK, SEGMENT_BYTES, SEGMENT_CHUNKS, SegmentOpener,
    SegmentSealer, chunk_count, segment_count, stored_size,
};
pub use tokens::{Token, TokenHash, same_secret};
pub use totp::{TotpSecret, totp_code_at};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// Wrong key, tampered or truncated data: deliberately one error, so nothing leaks which.
    #[error("decryption failed: wrong key or damaged data")]
    Decrypt,
    #[error("the access code hash is not valid")]
    BadHash,
}
