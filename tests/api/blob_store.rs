//! The blob suite, run against the local disk and a real S3 API server (moto): encrypted
//! segments go in and come out as any byte range; resumed uploads, limits, deletion, and
//! every kind of damage to stored segments.

use futures::StreamExt;
use zegel_blob::{AttachmentWriter, BlobConfig, BlobError, BlobStore, read_attachment};
use zegel_crypto::{
    AttachmentKey, CHUNK, DataKey, HEADER, SEALED_CHUNK, SEGMENT_BYTES, segment_count, stored_size,
};

use crate::support::s3;

#[derive(Clone, Copy)]
enum Kind {
    Local,
    S3,
}

macro_rules! on_both_blob_stores {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn local_disk() {
                    super::$name(super::Kind::Local).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn s3() {
                    super::$name(super::Kind::S3).await
                }
            }
        )*
    };
}

on_both_blob_stores!(
    round_trips_any_size_and_any_range,
    an_upload_resumes_after_its_last_stored_segment,
    damaged_segments_fail_and_deliver_nothing_wrong,
    deleting_removes_every_segment,
    a_file_past_its_limit_is_refused,
);

struct Fixture {
    blobs: BlobStore,
    message_key: DataKey,
    _dir: Option<tempfile::TempDir>,
}

impl Fixture {
    async fn new(kind: Kind) -> Self {
        let (config, dir) = match kind {
            Kind::Local => {
                let dir = tempfile::tempdir().unwrap();
                let config = BlobConfig::Local {
                    dir: dir.path().join("blobs"),
                };
                (config, Some(dir))
            }
            Kind::S3 => (s3::new_blob_config().await, None),
        };
        Self {
            blobs: BlobStore::open(&config).unwrap(),
            message_key: DataKey::generate(),
            _dir: dir,
        }
    }

    fn key(&self, id: &str) -> AttachmentKey {
        AttachmentKey::derive(&self.message_key, id)
    }

    fn writer(&self, id: &str, declared: Option<u64>, limit: u64) -> AttachmentWriter {
        AttachmentWriter::new(&self.blobs, id, self.key(id), declared, limit)
    }

    async fn store(&self, id: &str, data: &[u8], declared: bool) {
        let declared = declared.then_some(data.len() as u64);
        let mut writer = self.writer(id, declared, u64::MAX);
        // Odd piece sizes, as a network delivers them: smaller and larger than a chunk.
        let sizes = [50_001, 3 * CHUNK + 7, CHUNK, 1];
        let mut rest = data;
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, after) = rest.split_at((*size).min(rest.len()));
            writer.write(piece).await.unwrap();
            rest = after;
        }
        writer.finish().await.unwrap();
        assert!(writer.is_finished());
    }

    /// What a reader delivers before it ends, and how it ends.
    async fn read(
        &self,
        id: &str,
        size: u64,
        range: std::ops::Range<u64>,
    ) -> (Vec<u8>, Result<(), BlobError>) {
        let mut stream = read_attachment(&self.blobs, id, self.key(id), size, range);
        let mut delivered = Vec::new();
        while let Some(piece) = stream.next().await {
            match piece {
                Ok(bytes) => delivered.extend_from_slice(&bytes),
                Err(error) => return (delivered, Err(error)),
            }
        }
        (delivered, Ok(()))
    }
}

/// Bytes that differ everywhere, so a misplaced chunk cannot go unnoticed.
fn data(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

async fn round_trips_any_size_and_any_range(kind: Kind) {
    let fixture = Fixture::new(kind).await;
    let segment = SEGMENT_BYTES as usize;
    for (index, len) in [0, 1, CHUNK + 3, segment + 5].into_iter().enumerate() {
        let plain = data(len);
        for declared in [true, false] {
            let id = format!("file-{index}-{declared}");
            fixture.store(&id, &plain, declared).await;
            let size = len as u64;
            // Exactly the sealed segments are stored: no padding, no staging file left.
            let segments = segment_count(size);
            assert_eq!(
                fixture.blobs.stored_segments(&id).await.unwrap() as u64,
                segments
            );
            let mut stored = 0;
            for segment in 0..segments {
                stored += fixture.blobs.segment(&id, segment).await.unwrap().len() as u64;
            }
            assert_eq!(stored, stored_size(size), "{len} bytes stored");
            let (whole, end) = fixture.read(&id, size, 0..size).await;
            end.unwrap();
            assert!(whole == plain, "{len} bytes, declared {declared}");
            for range in [
                0..size.min(10),
                size.saturating_sub(10)..size,
                (size / 2).saturating_sub(CHUNK as u64)..(size / 2 + CHUNK as u64 + 7).min(size),
            ] {
                let (part, end) = fixture.read(&id, size, range.clone()).await;
                end.unwrap();
                assert!(
                    part == plain[range.start as usize..range.end as usize],
                    "{len} bytes, range {range:?}"
                );
            }
        }
    }
    let big = "file-3-true";
    let boundary = SEGMENT_BYTES - 3..SEGMENT_BYTES + 4;
    let plain = data(segment + 5);
    let (part, end) = fixture
        .read(big, plain.len() as u64, boundary.clone())
        .await;
    end.unwrap();
    assert!(
        part == plain[boundary.start as usize..boundary.end as usize],
        "across segments"
    );
}

async fn an_upload_resumes_after_its_last_stored_segment(kind: Kind) {
    let fixture = Fixture::new(kind).await;
    let plain = data(2 * SEGMENT_BYTES as usize + 100);
    let size = plain.len() as u64;
    let mut first = fixture.writer("resumed", Some(size), u64::MAX);
    // The connection drops a little after the first segment.
    first
        .write(&plain[..SEGMENT_BYTES as usize + 70_000])
        .await
        .unwrap();
    first.settle().await.unwrap();
    assert_eq!(first.stored_segments(), 1);
    assert_eq!(first.offset(), SEGMENT_BYTES);
    drop(first);

    let mut resumed = AttachmentWriter::resume(
        &fixture.blobs,
        "resumed",
        fixture.key("resumed"),
        Some(size),
        u64::MAX,
        1,
    );
    resumed
        .write(&plain[SEGMENT_BYTES as usize..])
        .await
        .unwrap();
    assert!(
        resumed.is_finished(),
        "a declared size ends the upload by itself"
    );
    assert_eq!(fixture.blobs.stored_segments("resumed").await.unwrap(), 3);
    let (whole, end) = fixture.read("resumed", size, 0..size).await;
    end.unwrap();
    assert!(whole == plain);
}

async fn damaged_segments_fail_and_deliver_nothing_wrong(kind: Kind) {
    let fixture = Fixture::new(kind).await;
    let plain = data(2 * SEGMENT_BYTES as usize + 3 * CHUNK);
    let size = plain.len() as u64;
    let id = "damaged";
    fixture.store(id, &plain, true).await;
    let original = |segment| fixture.blobs.segment(id, segment);
    let (first, second, third) = (
        original(0).await.unwrap(),
        original(1).await.unwrap(),
        original(2).await.unwrap(),
    );

    let (fixture, plain) = (&fixture, &plain);
    let check = |what: &'static str| async move {
        let (delivered, end) = fixture.read(id, size, 0..size).await;
        assert!(
            matches!(end, Err(BlobError::Corrupt) | Err(BlobError::Store(_))),
            "{what}: {end:?}"
        );
        assert!(delivered.len() < plain.len(), "{what}");
        assert!(
            delivered == plain[..delivered.len()],
            "{what}: only genuine bytes before the failure"
        );
    };

    let mut flipped = second.clone();
    flipped[HEADER + 3 * SEALED_CHUNK + 10] ^= 0x01;
    fixture
        .blobs
        .overwrite_segment(id, 1, flipped)
        .await
        .unwrap();
    check("a changed byte").await;

    fixture
        .blobs
        .overwrite_segment(id, 1, second[..HEADER + 5 * SEALED_CHUNK].to_vec())
        .await
        .unwrap();
    check("a cut segment").await;

    fixture
        .blobs
        .overwrite_segment(id, 1, first.clone())
        .await
        .unwrap();
    fixture
        .blobs
        .overwrite_segment(id, 0, second.clone())
        .await
        .unwrap();
    check("swapped segments").await;

    fixture
        .blobs
        .overwrite_segment(id, 0, first.clone())
        .await
        .unwrap();
    fixture
        .blobs
        .overwrite_segment(id, 1, second.clone())
        .await
        .unwrap();
    let mut moved = third.clone();
    moved.drain(HEADER..HEADER + SEALED_CHUNK); // the last segment loses its first chunk
    fixture.blobs.overwrite_segment(id, 2, moved).await.unwrap();
    check("a dropped chunk").await;

    fixture
        .blobs
        .overwrite_segment(id, 2, third.clone())
        .await
        .unwrap();
    let (whole, end) = fixture.read(id, size, 0..size).await;
    end.unwrap();
    assert!(whole == *plain, "restored segments read again");
}

async fn deleting_removes_every_segment(kind: Kind) {
    let fixture = Fixture::new(kind).await;
    fixture
        .store("gone", &data(SEGMENT_BYTES as usize + 1), true)
        .await;
    fixture.store("kept", &data(10), true).await;
    assert_eq!(fixture.blobs.stored_segments("gone").await.unwrap(), 2);
    fixture.blobs.delete_attachment("gone").await.unwrap();
    fixture
        .blobs
        .delete_attachment("never-stored")
        .await
        .unwrap();
    assert_eq!(fixture.blobs.stored_segments("gone").await.unwrap(), 0);
    assert_eq!(fixture.blobs.stored_segments("kept").await.unwrap(), 1);
}

async fn a_file_past_its_limit_is_refused(kind: Kind) {
    let fixture = Fixture::new(kind).await;
    let mut writer = fixture.writer("limited", None, 1000);
    writer.write(&data(600)).await.unwrap();
    let refused = writer.write(&data(600)).await;
    assert!(
        matches!(refused, Err(BlobError::TooLarge { limit: 1000 })),
        "{refused:?}"
    );
    let mut declared = fixture.writer("declared", Some(100), u64::MAX);
    assert!(matches!(
        declared.write(&data(101)).await,
        Err(BlobError::TooLarge { limit: 100 })
    ));
}
