//! Decrypting a stored attachment, or any byte range of it, as a stream.

use bytes::Bytes;
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

/// Sealed chunks fetched per request: large enough that a local read or an S3 request costs
/// little per byte, small enough that memory stays flat (two windows are held at a time).
const WINDOW_CHUNKS: u64 = 32;

/// A run of chunks within one segment, fetched with one request.
#[derive(Clone, Copy)]
struct Window {
    segment: u64,
    first: u64,
    last: u64,
}

impl Reading {
    /// The windows covering chunks `first..=last`, in order.
    fn windows(first: u64, last: u64) -> Vec<Window> {
        let mut windows = Vec::new();
        let mut chunk = first;
        while chunk <= last {
            let segment = chunk / SEGMENT_CHUNKS;
            let segment_end = segment * SEGMENT_CHUNKS + SEGMENT_CHUNKS - 1;
            let end = last.min(segment_end).min(chunk + WINDOW_CHUNKS - 1);
            windows.push(Window {
                segment,
                first: chunk,
                last: end,
            });
            chunk = end + 1;
        }
        windows
    }

    fn fetch(&self, window: Window) -> tokio::task::JoinHandle<BlobResult<Bytes>> {
        let blobs = self.blobs.clone();
        let attachment = self.attachment.clone();
        let base = window.segment * SEGMENT_CHUNKS;
        let offset = |chunk: u64| HEADER as u64 + (chunk - base) * SEALED_CHUNK as u64;
        let range = offset(window.first)..offset(window.last + 1);
        tokio::spawn(async move { blobs.read_range(&attachment, window.segment, range).await })
    }

    async fn run(&self, out: &mpsc::Sender<BlobResult<Bytes>>) -> BlobResult<()> {
        let Range { start, end } = self.range.clone();
        if start >= end {
            return Ok(());
        }
        if end > self.size {
            return Err(BlobError::Corrupt);
        }
        let last_chunk = chunk_count(self.size) - 1;
        let windows = Self::windows(start / CHUNK as u64, (end - 1) / CHUNK as u64);
        let mut opener: Option<(u64, SegmentOpener)> = None;
        // One window is fetched while the one before is decrypted.
        let mut next = windows.first().map(|w| self.fetch(*w));
        for (index, window) in windows.iter().enumerate() {
            let sealed = next
                .take()
                .expect("fetched ahead")
                .await
                .map_err(|_| BlobError::Corrupt)??;
            next = windows.get(index + 1).map(|w| self.fetch(*w));
            if opener
                .as_ref()
                .is_none_or(|(segment, _)| *segment != window.segment)
            {
                let header = self
                    .blobs
                    .read_range(&self.attachment, window.segment, 0..HEADER as u64)
                    .await?;
                let segment_opener = SegmentOpener::new(&self.key, window.segment, &header)
                    .map_err(|_| BlobError::Corrupt)?;
                opener = Some((window.segment, segment_opener));
            }
            let (_, segment_opener) = opener.as_ref().expect("set above");
            for (chunk, sealed) in (window.first..=window.last).zip(sealed.chunks(SEALED_CHUNK)) {
                let plain = segment_opener
                    .open_chunk(chunk, chunk == last_chunk, sealed)
                    .map_err(|_| BlobError::Corrupt)?;
                let chunk_start = chunk * CHUNK as u64;
                let from_byte = start.max(chunk_start) - chunk_start;
                let to_byte = end.min(chunk_start + CHUNK as u64) - chunk_start;
                let piece = Bytes::from(plain).slice(from_byte as usize..to_byte as usize);
                if out.send(Ok(piece)).await.is_err() {
                    return Ok(()); // the client went away
                }
            }
        }
        Ok(())
    }
}
