//! Attachments of any size, encrypted as a stream: the STREAM construction (big-endian
//! 32-bit chunk counter and last-chunk flag in the nonce) over XChaCha20-Poly1305, in 64 KiB
//! chunks, so memory stays constant whatever the file size.
//!
//! An attachment is stored as *segments* of [`SEGMENT_CHUNKS`] chunks, so an upload can resume
//! after a dropped connection at the last stored segment. The chunk counter runs across the
//! whole attachment; only the last chunk of the last segment carries the last-chunk flag. Each
//! segment starts with `ZGS1` and its own random 19-byte nonce prefix: a segment written again
//! (a resumed upload) never reuses a nonce. A changed, dropped, truncated or reordered chunk or
//! segment makes decryption fail; nothing wrong is ever returned.
//!
//! The last chunk is padded to a full chunk, so the stored bytes show a file's size only to
//! 64 KiB; the exact size travels in the sealed metadata.

use aead_stream::{NewStream, StreamBE32, StreamPrimitive};
use chacha20poly1305::aead::array::Array;
use chacha20poly1305::aead::inout::InOutBuf;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::{CryptoError, DataKey, random_bytes};

pub const CHUNK: usize = 64 * 1024;
pub const TAG: usize = 16;
/// One sealed chunk as stored.
pub const SEALED_CHUNK: usize = CHUNK + TAG;
/// Chunks per stored segment: 8 MiB of content.
pub const SEGMENT_CHUNKS: u64 = 128;
pub const SEGMENT_BYTES: u64 = SEGMENT_CHUNKS * CHUNK as u64;
const MAGIC: &[u8; 4] = b"ZGS1";
const PREFIX: usize = 19;
/// The bytes before a segment's first chunk.
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

    fn stream(&self, prefix: &[u8; PREFIX]) -> StreamBE32<XChaCha20Poly1305> {
        StreamBE32::new(&Array::from(*self.0), &Array::from(*prefix))
    }
}

/// How many chunks an attachment of `size` bytes has (an empty one has one padded chunk).
pub const fn chunk_count(size: u64) -> u64 {
    if size == 0 {
        1
    } else {
        size.div_ceil(CHUNK as u64)
    }
}

/// How many segments an attachment of `size` bytes is stored in.
pub const fn segment_count(size: u64) -> u64 {
    chunk_count(size).div_ceil(SEGMENT_CHUNKS)
}

/// The bytes stored for an attachment of `size` bytes: what quotas count.
pub const fn stored_size(size: u64) -> u64 {
    chunk_count(size) * SEALED_CHUNK as u64 + segment_count(size) * HEADER as u64
}

fn position(chunk: u64) -> Result<u32, CryptoError> {
    u32::try_from(chunk).map_err(|_| CryptoError::Decrypt)
}

/// Seals the chunks of one segment, numbering them from the segment's place in the attachment.
pub struct SegmentSealer {
    aead: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    next_chunk: u64,
    end_chunk: u64,
}

impl SegmentSealer {
    /// The sealer of segment `segment` and the header to store before its first chunk.
    pub fn new(key: &AttachmentKey, segment: u64) -> (Self, [u8; HEADER]) {
        let prefix = random_bytes::<PREFIX>();
        let mut header = [0u8; HEADER];
        header[..MAGIC.len()].copy_from_slice(MAGIC);
        header[MAGIC.len()..].copy_from_slice(&prefix);
        let first = segment * SEGMENT_CHUNKS;
        let sealer = Self {
            aead: XChaCha20Poly1305::new(&Array::from(*key.0)),
            prefix,
            next_chunk: first,
            end_chunk: first + SEGMENT_CHUNKS,
        };
        (sealer, header)
    }

    /// Whether the segment holds all its chunks.
    pub fn is_full(&self) -> bool {
        self.next_chunk == self.end_chunk
    }

    /// Seals the next chunk (at most [`CHUNK`] bytes; the last one is padded to a full chunk)
    /// into `out`, which holds exactly [`SEALED_CHUNK`] bytes. A full chunk is encrypted
    /// straight from `plain` into `out`: no copy on the way.
    pub fn seal_chunk(&mut self, plain: &[u8], last: bool, out: &mut [u8]) {
        assert!(
            plain.len() <= CHUNK && !self.is_full() && out.len() == SEALED_CHUNK,
            "one chunk at a time"
        );
        assert!(last || plain.len() == CHUNK, "only the last chunk is short");
        let position = position(self.next_chunk).expect("attachments stay below 256 TiB");
        let nonce = stream_nonce(&self.prefix, position, last);
        let (body, tag) = out.split_at_mut(CHUNK);
        let buffer = if plain.len() == CHUNK {
            InOutBuf::new(plain, body).expect("equal lengths")
        } else {
            body[..plain.len()].copy_from_slice(plain);
            body[plain.len()..].fill(0);
            InOutBuf::from(body)
        };
        let sealed_tag = self
            .aead
            .encrypt_inout_detached(&nonce, b"", buffer)
            .expect("a 64 KiB chunk always encrypts");
        tag.copy_from_slice(&sealed_tag);
        self.next_chunk += 1;
    }
}

/// The nonce of STREAM-BE32 (the same as `aead_stream::StreamBE32` builds): the segment's
/// prefix, the chunk's big-endian position, and the last-chunk flag.
fn stream_nonce(prefix: &[u8; PREFIX], position: u32, last: bool) -> XNonce {
    let mut nonce = XNonce::default();
    nonce[..PREFIX].copy_from_slice(prefix);
    nonce[PREFIX..PREFIX + 4].copy_from_slice(&position.to_be_bytes());
    nonce[PREFIX + 4] = u8::from(last);
    nonce
}

/// Opens the chunks of one stored segment.
pub struct SegmentOpener {
    stream: StreamBE32<XChaCha20Poly1305>,
    first_chunk: u64,
}

impl SegmentOpener {
    /// The opener of segment `segment`, from the header stored at its start.
    pub fn new(key: &AttachmentKey, segment: u64, header: &[u8]) -> Result<Self, CryptoError> {
        if header.len() != HEADER || &header[..MAGIC.len()] != MAGIC {
            return Err(CryptoError::Decrypt);
        }
        let prefix: [u8; PREFIX] = header[MAGIC.len()..].try_into().expect("sized");
        Ok(Self {
            stream: key.stream(&prefix),
            first_chunk: segment * SEGMENT_CHUNKS,
        })
    }

    /// Opens chunk `chunk` (counted across the whole attachment) of this segment; `last` says
    /// whether it is the attachment's last chunk. Returns the full (padded) chunk.
    pub fn open_chunk(
        &self,
        chunk: u64,
        last: bool,
        sealed: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() != SEALED_CHUNK
            || chunk < self.first_chunk
            || chunk >= self.first_chunk + SEGMENT_CHUNKS
        {
            return Err(CryptoError::Decrypt);
        }
        let mut buffer = sealed.to_vec();
        self.stream
            .decrypt_in_place(position(chunk)?, last, b"", &mut buffer)
            .map_err(|_| CryptoError::Decrypt)?;
        Ok(buffer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AttachmentKey {
        AttachmentKey::derive(&DataKey::generate(), "attachment-1")
    }

    /// Seals `data` as the blob layer does: one byte vector per segment.
    fn seal(key: &AttachmentKey, data: &[u8]) -> Vec<Vec<u8>> {
        let chunks = chunk_count(data.len() as u64) as usize;
        let mut segments = Vec::new();
        for (segment, first) in (0..chunks).step_by(SEGMENT_CHUNKS as usize).enumerate() {
            let (mut sealer, header) = SegmentSealer::new(key, segment as u64);
            let mut out = header.to_vec();
            for chunk in first..chunks.min(first + SEGMENT_CHUNKS as usize) {
                let end = ((chunk + 1) * CHUNK).min(data.len());
                let plain = &data[(chunk * CHUNK).min(data.len())..end];
                let start = out.len();
                out.resize(start + SEALED_CHUNK, 0);
                sealer.seal_chunk(plain, chunk + 1 == chunks, &mut out[start..]);
            }
            segments.push(out);
        }
        segments
    }

    fn open(
        key: &AttachmentKey,
        segments: &[Vec<u8>],
        size: usize,
    ) -> Result<Vec<u8>, CryptoError> {
        let chunks = chunk_count(size as u64);
        let mut out = Vec::new();
        let mut chunk = 0u64;
        for (index, stored) in segments.iter().enumerate() {
            let opener =
                SegmentOpener::new(key, index as u64, &stored[..HEADER.min(stored.len())])?;
            for sealed in stored[HEADER..].chunks(SEALED_CHUNK) {
                out.extend(opener.open_chunk(chunk, chunk + 1 == chunks, sealed)?);
                chunk += 1;
            }
        }
        if chunk != chunks {
            return Err(CryptoError::Decrypt);
        }
        out.truncate(size);
        Ok(out)
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_at_chunk_and_segment_boundaries() {
        let key = key();
        let segment = SEGMENT_BYTES as usize;
        for len in [
            0,
            1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            segment,
            segment + 1,
            2 * segment + 17,
        ] {
            let plain = data(len);
            let sealed = seal(&key, &plain);
            assert_eq!(sealed.len() as u64, segment_count(len as u64), "len {len}");
            let stored: usize = sealed.iter().map(Vec::len).sum();
            assert_eq!(stored as u64, stored_size(len as u64), "len {len}");
            assert_eq!(open(&key, &sealed, len).unwrap(), plain, "len {len}");
        }
    }

    #[test]
    fn stored_bytes_hide_the_exact_size() {
        let key = key();
        assert_eq!(
            seal(&key, &data(1))[0].len(),
            seal(&key, &data(CHUNK))[0].len()
        );
    }

    #[test]
    fn tampering_truncation_and_reordering_are_refused() {
        let key = key();
        let len = SEGMENT_BYTES as usize + 3 * CHUNK + 100;
        let plain = data(len);
        let sealed = seal(&key, &plain);

        let mut flipped = sealed.clone();
        flipped[1][HEADER + SEALED_CHUNK + 5] ^= 1;
        assert_eq!(open(&key, &flipped, len), Err(CryptoError::Decrypt));

        let mut cut = sealed.clone();
        cut[1].truncate(HEADER + 2 * SEALED_CHUNK);
        assert_eq!(
            open(&key, &cut, len),
            Err(CryptoError::Decrypt),
            "cut at a chunk"
        );
        assert_eq!(
            open(&key, &sealed[..1], SEGMENT_BYTES as usize),
            Err(CryptoError::Decrypt),
            "a whole segment dropped: the first segment's last chunk is not the last"
        );

        let mut swapped = sealed.clone();
        let (a, b) = (HEADER, HEADER + SEALED_CHUNK);
        let first: Vec<u8> = swapped[0][a..b].to_vec();
        let second: Vec<u8> = swapped[0][b..b + SEALED_CHUNK].to_vec();
        swapped[0][a..b].copy_from_slice(&second);
        swapped[0][b..b + SEALED_CHUNK].copy_from_slice(&first);
        assert_eq!(open(&key, &swapped, len), Err(CryptoError::Decrypt));

        let reordered = vec![sealed[1].clone(), sealed[0].clone()];
        assert_eq!(open(&key, &reordered, len), Err(CryptoError::Decrypt));

        let other = AttachmentKey::derive(&DataKey::generate(), "attachment-1");
        assert_eq!(open(&other, &sealed, len), Err(CryptoError::Decrypt));
    }

    #[test]
    fn a_segment_sealed_again_uses_a_new_nonce() {
        let key = key();
        let plain = data(CHUNK);
        assert_ne!(seal(&key, &plain)[0], seal(&key, &plain)[0]);
    }

    #[test]
    fn keys_differ_per_attachment_of_one_message() {
        let message = DataKey::generate();
        let sealed = seal(&AttachmentKey::derive(&message, "a"), b"scan.pdf");
        assert!(open(&AttachmentKey::derive(&message, "b"), &sealed, 8).is_err());
        assert_eq!(
            open(&AttachmentKey::derive(&message, "a"), &sealed, 8).unwrap(),
            b"scan.pdf"
        );
    }
}
