//! Where segments live: an `object_store` backend (local directory or S3 bucket).

use bytes::Bytes;
use futures::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::ops::Range;
use std::sync::Arc;

use crate::segment_buffer::SegmentBuffer;
use crate::{BlobError, BlobResult, direct_file};

/// Which object store holds the attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobConfig {
    /// A directory on the local disk (created if missing).
    Local { dir: std::path::PathBuf },
    /// An S3-compatible bucket; `endpoint` for servers other than AWS (MinIO, Garage, moto…).
    S3 {
        bucket: String,
        region: String,
        endpoint: Option<String>,
        access_key_id: String,
        secret_access_key: String,
    },
}

/// The attachment segments of one installation; cheap to clone.
#[derive(Clone)]
pub struct BlobStore {
    objects: Arc<dyn ObjectStore>,
    /// The directory of a local store: segments are written there directly (see
    /// `direct_file`); everything else goes through `objects`.
    local_dir: Option<Arc<std::path::PathBuf>>,
}

impl BlobStore {
    pub fn open(config: &BlobConfig) -> BlobResult<Self> {
        match config {
            BlobConfig::Local { dir } => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    BlobError::Config(format!("cannot create {}: {e}", dir.display()))
                })?;
                Ok(Self {
                    objects: Arc::new(LocalFileSystem::new_with_prefix(dir)?),
                    local_dir: Some(Arc::new(dir.canonicalize().map_err(|e| {
                        BlobError::Config(format!("cannot open {}: {e}", dir.display()))
                    })?)),
                })
            }
            BlobConfig::S3 {
                bucket,
                region,
                endpoint,
                access_key_id,
                secret_access_key,
            } => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key);
                if let Some(endpoint) = endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                Ok(Self {
                    objects: Arc::new(builder.build()?),
                    local_dir: None,
                })
            }
        }
    }

    /// `local` or `s3`, for logs and `/readyz`.
    pub fn kind(&self) -> &'static str {
        if self.local_dir.is_some() {
            "local"
        } else {
            "s3"
        }
    }

    /// Where an object of the local store lives on disk; `None` for S3.
    fn local_file(&self, path: &Path) -> Option<std::path::PathBuf> {
        self.local_dir.as_ref().map(|dir| dir.join(path.as_ref()))
    }

    fn segment_path(attachment: &str, segment: u64) -> Path {
        Path::from(format!("attachments/{attachment}/{segment:08}"))
    }

    pub(crate) async fn put_segment(
        &self,
        attachment: &str,
        segment: u64,
        mut bytes: SegmentBuffer,
    ) -> BlobResult<()> {
        let path = Self::segment_path(attachment, segment);
        match self.local_file(&path) {
            Some(file) => {
                on_local_disk(move || direct_file::write_segment(&file, &mut bytes)).await
            }
            None => {
                let payload = PutPayload::from(Bytes::from_owner(bytes));
                self.objects.put(&path, payload).await?;
                Ok(())
            }
        }
    }

    pub(crate) async fn read_range(
        &self,
        attachment: &str,
        segment: u64,
        range: Range<u64>,
    ) -> BlobResult<Bytes> {
        let wanted = range.end - range.start;
        let path = Self::segment_path(attachment, segment);
        let bytes = match self.local_file(&path) {
            Some(file) => on_local_disk(move || direct_file::read_range(&file, range)).await?,
            None => self.objects.get_range(&path, range).await?,
        };
        // A cut object answers with fewer bytes than asked.
        if bytes.len() as u64 != wanted {
            return Err(BlobError::Corrupt);
        }
        Ok(bytes)
    }

    /// Deletes every stored segment of an attachment; succeeds when there is none.
    pub async fn delete_attachment(&self, attachment: &str) -> BlobResult<()> {
        let prefix = Path::from(format!("attachments/{attachment}"));
        let mut listing = self.objects.list(Some(&prefix));
        while let Some(meta) = listing.next().await {
            match self.objects.delete(&meta?.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    /// How many segments of an attachment are stored (tests and cleanup checks).
    pub async fn stored_segments(&self, attachment: &str) -> BlobResult<usize> {
        let prefix = Path::from(format!("attachments/{attachment}"));
        let mut listing = self.objects.list(Some(&prefix));
        let mut count = 0;
        while let Some(meta) = listing.next().await {
            meta?;
            count += 1;
        }
        Ok(count)
    }

    /// Replaces one stored segment (tests use it to play an attacker with store access).
    pub async fn overwrite_segment(
        &self,
        attachment: &str,
        segment: u64,
        bytes: Vec<u8>,
    ) -> BlobResult<()> {
        self.put_segment(attachment, segment, SegmentBuffer::from_slice(&bytes))
            .await
    }

    /// Reads one stored segment whole (tests).
    pub async fn segment(&self, attachment: &str, segment: u64) -> BlobResult<Vec<u8>> {
        let result = self
            .objects
            .get(&Self::segment_path(attachment, segment))
            .await?;
        Ok(result.bytes().await?.to_vec())
    }

    /// Whether the store answers: lists one object.
    pub async fn ping(&self) -> BlobResult<()> {
        let prefix = Path::from("attachments");
        let mut listing = self.objects.list(Some(&prefix));
        if let Some(meta) = listing.next().await {
            meta?;
        }
        Ok(())
    }
}

/// Runs a blocking file operation of the local store off the async threads.
async fn on_local_disk<T: Send + 'static>(
    operation: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> BlobResult<T> {
    tokio::task::spawn_blocking(operation)
        .await
        .map_err(|e| BlobError::Config(format!("local blob store: {e}")))?
        .map_err(|source| {
            BlobError::Store(object_store::Error::Generic {
                store: "LocalFileSystem",
                source: Box::new(source),
            })
        })
}
