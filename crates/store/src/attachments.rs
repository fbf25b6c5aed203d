//! The attachment part of the store: drafts (a message's key before it is sent), attachment
//! rows with their upload progress, the space they take, and their removal.

use async_trait::async_trait;
use zegel_domain::UnixTime;

use crate::StoreResult;

/// A message being put together: its key exists so files can be uploaded before sending.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Draft {
    pub id: String,
    pub org_id: String,
    pub sender_id: String,
    pub wrapped_dek: Vec<u8>,
    pub kek_version: i64,
    pub created_at: UnixTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attachment {
    pub id: String,
    pub org_id: String,
    /// The message (or draft) whose key the attachment's key derives from.
    pub message_id: String,
    /// Set for a file a recipient attached to a reply.
    pub reply_id: Option<String>,
    pub position: i64,
    /// Sealed name, size and type; `None` once shredded.
    pub meta_ct: Option<Vec<u8>>,
    pub stored_bytes: i64,
    pub segments: i64,
    /// `uploading`, `ready`, `sent` or `shredded`.
    pub state: String,
    pub created_at: UnixTime,
}

/// What a new attachment may take.
#[derive(Debug, Clone, Copy)]
pub struct SpaceLimits {
    /// Stored bytes of all files of one message (or one reply).
    pub per_message: i64,
    /// Stored bytes of all live files of the organisation.
    pub per_organisation: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceReservation {
    /// The row was inserted.
    Reserved,
    MessageFull,
    QuotaFull,
}

#[async_trait]
pub trait AttachmentStore: Send + Sync {
    async fn create_draft(&self, draft: &Draft) -> StoreResult<()>;
    async fn draft(&self, id: &str) -> StoreResult<Option<Draft>>;
    /// Inserts an attachment in state `uploading` if its message and its organisation have
    /// room for it (counted under the organisation's lock).
    async fn reserve_attachment(
        &self,
        attachment: &Attachment,
        limits: &SpaceLimits,
    ) -> StoreResult<SpaceReservation>;
    async fn attachment(&self, id: &str) -> StoreResult<Option<Attachment>>;
    /// The files of a message and of its replies that are not shredded, in order.
    async fn attachments(&self, message_id: &str) -> StoreResult<Vec<Attachment>>;
    /// Gives an upload to one writer until `until`; false while another one holds it.
    async fn claim_upload(
        &self,
        id: &str,
        writer: &str,
        now: UnixTime,
        until: UnixTime,
    ) -> StoreResult<bool>;
    /// Records that segments up to `segments` are stored; false when `writer` lost the upload.
    async fn record_segments(
        &self,
        id: &str,
        writer: &str,
        segments: i64,
        until: UnixTime,
    ) -> StoreResult<bool>;
    /// Marks a complete upload `ready` with its final size (and its metadata, when only known
    /// now); false when `writer` lost the upload.
    async fn finish_upload(
        &self,
        id: &str,
        writer: &str,
        segments: i64,
        stored_bytes: i64,
        meta_ct: Option<&[u8]>,
    ) -> StoreResult<bool>;
    async fn release_upload(&self, id: &str, writer: &str) -> StoreResult<()>;
    /// Destroys an attachment's metadata and marks its blobs for deletion.
    async fn discard_attachment(&self, id: &str) -> StoreResult<()>;
    /// Attachments whose blobs are to be deleted.
    async fn shredded_attachments(&self, limit: i64) -> StoreResult<Vec<String>>;
    /// Removes the row of a shredded attachment whose blobs are gone.
    async fn forget_attachment(&self, id: &str) -> StoreResult<()>;
    /// Discards drafts created before `before` and their files; returns how many drafts.
    async fn abandon_drafts(&self, before: UnixTime) -> StoreResult<u64>;
    /// Discards uploads to replies that were never sent, started before `before`.
    async fn abandon_reply_uploads(&self, before: UnixTime) -> StoreResult<u64>;
}
