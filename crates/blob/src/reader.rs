//! Decrypting a stored attachment, or any byte range of it, as a stream.

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use futures::stream::BoxStream;
use std::ops::Range;
use tokio::sync::mpsc;
use zegel_crypto::{
    AttachmentKey, CHUNK, HEADER, SEALED_CHUNK, SEGMENT_CHUNKS, SegmentOpener, chunk_count,
};

use crate::{BlobError, BlobResult, BlobStore};

/// The bytes `range` of an attachment of `size` bytes, decrypted chunk by chunk. The stream
/// ends with an error, and delivers nothing of the bad chunk, when a chunk was changed,
/// dropped, cut or moved. At most a few chunks are held in memory.
pub fn read_attachment(
    blobs: &BlobStore,
    attachment: &str,
    key: AttachmentKey,
    size: u64,
    range: Range<u64>,
) -> BoxStream<'static, BlobResult<Bytes>> {
    let (sender, mut receiver) = mpsc::channel(4);
    let job = Reading {
        blobs: blobs.clone(),
        attachment: attachment.to_owned(),
        key,
        size,
        range,
    };
    tokio::spawn(async move {
        if let Err(error) = job.run(&sender).await {
            if matches!(error, BlobError::Corrupt) {
                tracing::error!(attachment = %job.attachment, "a stored attachment failed authentication");
            }
            let _ = sender.send(Err(error)).await;
        }
    });
    futures::stream::poll_fn(move |context| receiver.poll_recv(context)).boxed()
}

struct Reading {
    blobs: BlobStore,
    attachment: String,
    key: AttachmentKey,
    size: u64,
    range: Range<u64>,
}

impl Reading {
    async fn run(&self, out: &mpsc::Sender<BlobResult<Bytes>>) -> BlobResult<()> {
        let Range { start, end } = self.range.clone();
        if start >= end {
            return Ok(());
        }
        if end > self.size {
            return Err(BlobError::Corrupt);
        }
        let last_chunk = chunk_count(self.size) - 1;
        let (first, last) = (start / CHUNK as u64, (end - 1) / CHUNK as u64);
        for segment in first / SEGMENT_CHUNKS..=last / SEGMENT_CHUNKS {
            let base = segment * SEGMENT_CHUNKS;
            let (from, to) = (first.max(base), last.min(base + SEGMENT_CHUNKS - 1));
            let header = self
                .blobs
                .read_range(&self.attachment, segment, 0..HEADER as u64)
                .await?;
            let opener =
                SegmentOpener::new(&self.key, segment, &header).map_err(|_| BlobError::Corrupt)?;
            let offset = |chunk: u64| HEADER as u64 + (chunk - base) * SEALED_CHUNK as u64;
            let mut pieces = self
                .blobs
                .stream_range(&self.attachment, segment, offset(from)..offset(to + 1))
                .await?;
            let mut buffer = BytesMut::with_capacity(2 * SEALED_CHUNK);
            let mut chunk = from;
            while chunk <= to {
                while buffer.len() < SEALED_CHUNK {
                    match pieces.next().await {
                        Some(piece) => buffer.extend_from_slice(&piece?),
                        None => return Err(BlobError::Corrupt),
                    }
                }
                let sealed = buffer.split_to(SEALED_CHUNK);
                let plain = opener
                    .open_chunk(chunk, chunk == last_chunk, &sealed)
                    .map_err(|_| BlobError::Corrupt)?;
                let chunk_start = chunk * CHUNK as u64;
                let from_byte = start.max(chunk_start) - chunk_start;
                let to_byte = end.min(chunk_start + CHUNK as u64) - chunk_start;
                let piece = Bytes::from(plain).slice(from_byte as usize..to_byte as usize);
                if out.send(Ok(piece)).await.is_err() {
                    return Ok(()); // the client went away
                }
                chunk += 1;
            }
        }
        Ok(())
    }
}
