//! Attachments of any size, encrypted as a stream: the STREAM construction (big-endian
//! 32-bit counter and last-block flag in the nonce) over XChaCha20-Poly1305, in 64 KiB
//! chunks, so memory stays constant whatever the file size. A changed, dropped, truncated or
//! reordered chunk makes decryption fail; nothing wrong is ever returned.
//!
//! Stored form: `ZGS1`, a 19-byte random nonce prefix, then the sealed chunks (each 64 KiB
//! plus a 16-byte tag; the last one shorter, possibly only a tag).

use aead_stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::array::Array;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::{CryptoError, DataKey, random_bytes};

pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"ZGS1";
const PREFIX: usize = 19;
pub const HEADER: usize = MAGIC.len() + PREFIX;

/// The key of one attachment, derived from its message's data key: shredding the message
/// key shreds every attachment with it.
pub struct AttachmentKey(Zeroizing<[u8; 32]>);

impl AttachmentKey {
    pub fn derive(message_key: &DataKey, attachment_id: &str) -> Self {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"zegel attachment"), message_key.expose())
            .expand(attachment_id.as_bytes(), &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Self(Zeroizing::new(key))
    }
}

/// Encrypts a stream: feed it bytes, write out what it returns, then `finish`.
pub struct StreamSealer {
    encryptor: EncryptorBE32<XChaCha20Poly1305>,
    pending: Vec<u8>,
}

impl StreamSealer {
    /// The sealer and the header to write before the first chunk.
    pub fn new(key: &AttachmentKey) -> (Self, Vec<u8>) {
        let prefix = random_bytes::<PREFIX>();
        let encryptor = EncryptorBE32::new(&Array::from(*key.0), &Array::from(prefix));
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&prefix);
        (
            Self {
                encryptor,
                pending: Vec::with_capacity(CHUNK),
            },
            header,
        )
    }

    /// Seals every complete chunk; keeps the rest for later.
    pub fn push(&mut self, mut data: &[u8]) -> Vec<u8> {
        let mut sealed = Vec::new();
        while !data.is_empty() {
            let take = (CHUNK - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            // A full chunk is sealed only once more data shows it is not the last one.
            if self.pending.len() == CHUNK && !data.is_empty() {
                sealed.extend(self.seal_pending());
            }
        }
        sealed
    }

    fn seal_pending(&mut self) -> Vec<u8> {
        let chunk = self
            .encryptor
            .encrypt_next(self.pending.as_slice())
            .expect("a 64 KiB chunk always encrypts");
        self.pending.clear();
        chunk
    }

    /// Seals the last chunk (possibly empty).
    pub fn finish(self) -> Vec<u8> {
        self.encryptor
            .encrypt_last(self.pending.as_slice())
            .expect("the last chunk always encrypts")
    }
}

/// Decrypts a stream sealed by [`StreamSealer`], chunk by chunk.
pub struct StreamOpener {
    key: Zeroizing<[u8; 32]>,
    decryptor: Option<DecryptorBE32<XChaCha20Poly1305>>,
    pending: Vec<u8>,
}

impl StreamOpener {
    pub fn new(key: &AttachmentKey) -> Self {
        Self {
            key: key.0.clone(),
            decryptor: None,
            pending: Vec::with_capacity(HEADER + CHUNK + TAG),
        }
    }

    /// Opens every chunk that is certainly not the last; keeps one back until more comes.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.pending.extend_from_slice(data);
        if self.decryptor.is_none() {
            if self.pending.len() < HEADER {
                return Ok(Vec::new());
            }
            if &self.pending[..MAGIC.len()] != MAGIC {
                return Err(CryptoError::Decrypt);
            }
            let prefix: [u8; PREFIX] = self.pending[MAGIC.len()..HEADER].try_into().expect("sized");
            self.decryptor = Some(DecryptorBE32::new(
                &Array::from(*self.key),
                &Array::from(prefix),
            ));
            self.pending.drain(..HEADER);
        }
        let decryptor = self.decryptor.as_mut().expect("set above");
        let mut opened = Vec::new();
        // Strictly more than one sealed chunk buffered: the first is not the last.
        while self.pending.len() > CHUNK + TAG {
            let chunk = decryptor
                .decrypt_next(&self.pending[..CHUNK + TAG])
                .map_err(|_| CryptoError::Decrypt)?;
            opened.extend(chunk);
            self.pending.drain(..CHUNK + TAG);
        }
        Ok(opened)
    }

    /// Opens the last chunk; fails if the stream was cut short or tampered with.
    pub fn finish(self) -> Result<Vec<u8>, CryptoError> {
        let decryptor = self.decryptor.ok_or(CryptoError::Decrypt)?;
        decryptor
            .decrypt_last(self.pending.as_slice())
            .map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AttachmentKey {
        AttachmentKey::derive(&DataKey::generate(), "attachment-1")
    }

    fn seal(key: &AttachmentKey, data: &[u8], feed: usize) -> Vec<u8> {
        let (mut sealer, mut out) = StreamSealer::new(key);
        for piece in data.chunks(feed.max(1)) {
            out.extend(sealer.push(piece));
        }
        out.extend(sealer.finish());
        out
    }

    fn open(key: &AttachmentKey, sealed: &[u8], feed: usize) -> Result<Vec<u8>, CryptoError> {
        let mut opener = StreamOpener::new(key);
        let mut out = Vec::new();
        for piece in sealed.chunks(feed.max(1)) {
            out.extend(opener.push(piece)?);
        }
        out.extend(opener.finish()?);
        Ok(out)
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_at_every_chunk_boundary_and_feed_size() {
        let key = key();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            for feed in [1000, CHUNK, 100_000] {
                let plain = data(len);
                let sealed = seal(&key, &plain, feed);
                let chunks = len.div_ceil(CHUNK).max(1);
                assert_eq!(sealed.len(), HEADER + len + chunks * TAG, "len {len}");
                assert_eq!(
                    open(&key, &sealed, feed + 7).unwrap(),
                    plain,
                    "len {len} feed {feed}"
                );
            }
        }
    }

    #[test]
    fn tampering_truncation_and_reordering_are_refused() {
        let key = key();
        let plain = data(3 * CHUNK + 100);
        let sealed = seal(&key, &plain, CHUNK);
        let block = CHUNK + TAG;

        let mut flipped = sealed.clone();
        flipped[HEADER + block + 5] ^= 1;
        assert_eq!(open(&key, &flipped, 4096), Err(CryptoError::Decrypt));

        let truncated = &sealed[..HEADER + 2 * block];
        assert_eq!(
            open(&key, truncated, 4096),
            Err(CryptoError::Decrypt),
            "a cut at a chunk boundary"
        );
        assert_eq!(
            open(&key, &sealed[..sealed.len() - 1], 4096),
            Err(CryptoError::Decrypt)
        );

        let mut swapped = sealed[..HEADER].to_vec();
        swapped.extend_from_slice(&sealed[HEADER + block..HEADER + 2 * block]);
        swapped.extend_from_slice(&sealed[HEADER..HEADER + block]);
        swapped.extend_from_slice(&sealed[HEADER + 2 * block..]);
        assert_eq!(open(&key, &swapped, 4096), Err(CryptoError::Decrypt));

        let mut dropped = sealed[..HEADER + block].to_vec();
        dropped.extend_from_slice(&sealed[HEADER + 2 * block..]);
        assert_eq!(open(&key, &dropped, 4096), Err(CryptoError::Decrypt));

        let other = AttachmentKey::derive(&DataKey::generate(), "attachment-1");
        assert_eq!(open(&other, &sealed, 4096), Err(CryptoError::Decrypt));
    }

    #[test]
    fn keys_differ_per_attachment_of_one_message() {
        let message = DataKey::generate();
        let sealed = seal(&AttachmentKey::derive(&message, "a"), b"scan.pdf", 10);
        assert!(open(&AttachmentKey::derive(&message, "b"), &sealed, 10).is_err());
        assert_eq!(
            open(&AttachmentKey::derive(&message, "a"), &sealed, 10).unwrap(),
            b"scan.pdf"
        );
    }
}
