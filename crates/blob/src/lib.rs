//! Attachment bytes for Zegel. An attachment is stored as encrypted segments (see
//! `zegel_crypto::SegmentSealer`) in an object store: the local disk by default, any
//! S3-compatible store at scale. Objects are named by the attachment's random id and the
//! segment number, never by a user's file name, and hold only ciphertext.
//!
//! [`AttachmentWriter`] encrypts a stream of any length into segments with constant memory;
//! [`read_attachment`] decrypts any byte range back into a stream, failing on the first chunk
//! that was changed, dropped, cut or moved.

mod direct_file;
mod reader;
mod segment_buffer;
mod store;
mod writer;

pub use reader::read_attachment;
pub use store::{BlobConfig, BlobStore};
pub use writer::AttachmentWriter;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("the file is larger than the {limit} bytes allowed")]
    TooLarge { limit: u64 },
    #[error("the stored attachment is damaged or incomplete")]
    Corrupt,
    #[error("blob store configuration: {0}")]
    Config(String),
}

pub type BlobResult<T> = Result<T, BlobError>;
