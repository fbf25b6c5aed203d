//! Encrypting a stream of bytes into stored segments, with constant memory.

use zegel_crypto::{
    AttachmentKey, CHUNK, HEADER, SEALED_CHUNK, SEGMENT_BYTES, SegmentSealer, stored_size,
};

use crate::segment_buffer::SegmentBuffer;
use crate::{BlobError, BlobResult, BlobStore};

/// The stored bytes of one full segment.
const SEGMENT_STORED: usize = stored_size(SEGMENT_BYTES) as usize;

/// Takes an attachment's bytes in pieces of any size, seals them in 64 KiB chunks and stores
/// each segment as soon as it is full. An upload can stop after any stored segment and go on
/// later from [`AttachmentWriter::offset`] with [`AttachmentWriter::resume`].
pub struct AttachmentWriter {
    blobs: BlobStore,
    attachment: String,
    key: AttachmentKey,
    /// The exact size when the uploader declared it: the end is reached by itself.
    declared: Option<u64>,
    /// Bytes no upload may pass.
    limit: u64,
    received: u64,
    segment: u64,
    sealer: SegmentSealer,
    sealed: SegmentBuffer,
    /// Bytes of the current chunk not yet sealed: it is sealed once it is known not to be the last.
    pending: Vec<u8>,
    /// The previous segment, still being stored while this one is sealed.
    storing: Option<tokio::task::JoinHandle<BlobResult<()>>>,
    finished: bool,
}

impl AttachmentWriter {
    /// A writer for a new attachment.
    pub fn new(
        blobs: &BlobStore,
        attachment: &str,
        key: AttachmentKey,
        declared: Option<u64>,
        limit: u64,
    ) -> Self {
        Self::resume(blobs, attachment, key, declared, limit, 0)
    }

    /// A writer that goes on after `stored_segments` complete segments.
    pub fn resume(
        blobs: &BlobStore,
        attachment: &str,
        key: AttachmentKey,
        declared: Option<u64>,
        limit: u64,
        stored_segments: u64,
    ) -> Self {
        let (sealer, header) = SegmentSealer::new(&key, stored_segments);
        let mut sealed = SegmentBuffer::with_capacity(SEGMENT_STORED);
        sealed.append(HEADER).copy_from_slice(&header);
        Self {
            blobs: blobs.clone(),
            attachment: attachment.to_owned(),
            key,
            declared,
            limit: declared.map_or(limit, |size| size.min(limit)),
            received: stored_segments * SEGMENT_BYTES,
            segment: stored_segments,
            sealer,
            sealed,
            pending: Vec::with_capacity(CHUNK),
            storing: None,
            finished: false,
        }
    }

    /// The bytes received so far, in whole stored segments: where a resumed upload starts.
    pub fn offset(&self) -> u64 {
        if self.finished {
            self.received
        } else {
            self.stored_segments() * SEGMENT_BYTES
        }
    }

    /// Segments certainly stored so far (not counting one still being written).
    pub fn stored_segments(&self) -> u64 {
        self.segment - u64::from(self.storing.is_some())
    }

    /// Bytes received so far, stored or not.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The size the uploader announced, if any.
    pub fn declared_size(&self) -> Option<u64> {
        self.declared
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Takes the next bytes. Fails without storing them when they pass the limit (or the
    /// declared size); the attachment then stays incomplete. With a declared size the last
    /// segment is stored as soon as the last byte arrives.
    pub async fn write(&mut self, mut data: &[u8]) -> BlobResult<()> {
        if self.finished && !data.is_empty() || self.received + data.len() as u64 > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        self.received += data.len() as u64;
        while !data.is_empty() {
            if self.pending.len() == CHUNK {
                self.seal_pending(false).await?;
            }
            if self.pending.is_empty() && data.len() > CHUNK {
                // A whole chunk with more after it: sealed straight from the received bytes.
                self.seal_whole_chunk(&data[..CHUNK]).await?;
                data = &data[CHUNK..];
                continue;
            }
            let take = (CHUNK - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        if self.declared == Some(self.received) {
            self.finish().await?;
        } else if self.storing.as_ref().is_some_and(|s| s.is_finished()) {
            // Count a segment as stored as soon as it is, without waiting for one that is not.
            self.wait_for_storing().await?;
        }
        Ok(())
    }

    /// Waits until every sealed segment is stored (for an upload that stops here).
    /// Cancel-safe.
    pub async fn settle(&mut self) -> BlobResult<()> {
        self.wait_for_storing().await
    }

    /// Seals the last chunk and stores the last segment. With a declared size it fails when
    /// bytes are missing.
    pub async fn finish(&mut self) -> BlobResult<()> {
        if self.finished {
            return Ok(());
        }
        if self.declared.is_some_and(|size| size != self.received) {
            return Err(BlobError::Corrupt);
        }
        self.seal_pending(true).await?;
        if !self.sealer_is_empty() {
            self.store_segment().await?;
        }
        self.wait_for_storing().await?;
        self.finished = true;
        Ok(())
    }

    fn sealer_is_empty(&self) -> bool {
        self.sealed.len() == HEADER
    }

    async fn seal_pending(&mut self, last: bool) -> BlobResult<()> {
        self.sealer
            .seal_chunk(&self.pending, last, self.sealed.append(SEALED_CHUNK));
        self.pending.clear();
        self.store_if_full().await
    }

    async fn seal_whole_chunk(&mut self, plain: &[u8]) -> BlobResult<()> {
        self.sealer
            .seal_chunk(plain, false, self.sealed.append(SEALED_CHUNK));
        self.store_if_full().await
    }

    async fn store_if_full(&mut self) -> BlobResult<()> {
        if self.sealer.is_full() {
            self.store_segment().await?;
        }
        Ok(())
    }

    /// Waits until the segment before is stored. Cancel-safe: a wait given up leaves the
    /// segment counted as still being stored.
    async fn wait_for_storing(&mut self) -> BlobResult<()> {
        if let Some(storing) = self.storing.as_mut() {
            let stored = storing.await;
            self.storing = None;
            stored.map_err(|e| BlobError::Config(format!("storing a segment: {e}")))??;
        }
        Ok(())
    }

    /// Whether a segment is being stored right now.
    pub fn is_storing(&self) -> bool {
        self.storing.is_some()
    }

    /// Starts storing the sealed segment; the next one is sealed meanwhile (the disk or the
    /// network and the cipher work at the same time).
    async fn store_segment(&mut self) -> BlobResult<()> {
        self.wait_for_storing().await?;
        let full = std::mem::replace(
            &mut self.sealed,
            SegmentBuffer::with_capacity(SEGMENT_STORED),
        );
        let (blobs, attachment, segment) =
            (self.blobs.clone(), self.attachment.clone(), self.segment);
        self.storing = Some(tokio::spawn(async move {
            blobs.put_segment(&attachment, segment, full).await
        }));
        self.segment += 1;
        let (sealer, header) = SegmentSealer::new(&self.key, self.segment);
        self.sealer = sealer;
        self.sealed.append(HEADER).copy_from_slice(&header);
        Ok(())
    }
}
