//! Zegel's cryptography, in one place and free of I/O: envelope encryption of message
//! content, key-encryption keys, one-time codes and their HMACs, access-code hashing and
//! random tokens. Callers never touch a cipher directly.

mod access_code;
mod codes;
mod envelope;
mod keyring;
mod random;
mod stream;
mod tokens;

pub use access_code::{hash_access_code, verify_access_code};
pub use codes::{CodeHasher, generate_code};
pub use envelope::DataKey;
pub use keyring::{Keyring, KeyringError};
pub use random::random_bytes;
pub use stream::{
    AttachmentKey, CHUNK, HEADER, SEALED_CHUNK, SEGMENT_BYTES, SEGMENT_CHUNKS, SegmentOpener,
    SegmentSealer, chunk_count, segment_count, stored_size,
};
pub use tokens::{Token, TokenHash, same_secret};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// Wrong key, tampered or truncated data: deliberately one error, so nothing leaks which.
    #[error("decryption failed: wrong key or damaged data")]
    Decrypt,
    #[error("the access code hash is not valid")]
    BadHash,
}
