//! Attachments: files of any size, uploaded (and resumed) into a draft before sending, or
//! attached by a recipient to a reply, stored encrypted in the blob store and read back as a
//! stream. Names and exact sizes are sealed with the message key; the database and the blob
//! store see only sizes rounded up to 64 KiB.

mod cleanup;
mod copies;
mod download;
mod reply;
mod upload;

use serde::{Deserialize, Serialize};
use zegel_crypto::{AttachmentKey, DataKey};
use zegel_store::Attachment;

use crate::{AppError, AppResult};

pub use download::{AttachmentDownload, Download};
pub use reply::FormFileInfo;
pub(crate) use upload::to_i64;
pub use upload::{DraftCreated, NewUpload, UploadStatus};

/// How much attachments may take. Limits count stored bytes (sizes rounded up to 64 KiB).
#[derive(Debug, Clone, Copy)]
pub struct AttachmentLimits {
    pub per_file: u64,
    pub per_message: u64,
    /// The quota of an organisation that has none of its own.
    pub per_organisation: u64,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        const GIB: u64 = 1 << 30;
        Self {
            per_file: 20 * GIB,
            per_message: 50 * GIB,
            per_organisation: 500 * GIB,
        }
    }
}

/// An attachment as staff and recipients see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentInfo {
    pub id: String,
    pub file_name: String,
    pub size: u64,
    pub content_type: String,
    /// Set when a recipient attached the file to this reply.
    pub reply_id: Option<String>,
}

/// What is sealed in `attachments.meta_ct`.
#[derive(Serialize, Deserialize)]
struct SealedMeta {
    name: String,
    size: u64,
    content_type: String,
}

fn meta_label(attachment_id: &str) -> String {
    format!("attachment:{attachment_id}:meta")
}

fn seal_meta(key: &DataKey, attachment_id: &str, meta: &SealedMeta) -> Vec<u8> {
    let json = serde_json::to_vec(meta).expect("metadata serialises");
    key.seal(&json, meta_label(attachment_id).as_bytes())
}

/// The attachment as its owner sees it; `None` when it has been shredded.
fn open_meta(key: &DataKey, attachment: &Attachment) -> AppResult<Option<AttachmentInfo>> {
    let Some(sealed) = &attachment.meta_ct else {
        return Ok(None);
    };
    let json = key.open(sealed, meta_label(&attachment.id).as_bytes())?;
    let meta: SealedMeta = serde_json::from_slice(&json)
        .map_err(|e| AppError::Internal(format!("attachment metadata: {e}")))?;
    Ok(Some(AttachmentInfo {
        id: attachment.id.clone(),
        file_name: meta.name,
        size: meta.size,
        content_type: meta.content_type,
        reply_id: attachment.reply_id.clone(),
    }))
}

fn attachment_key(message_key: &DataKey, attachment_id: &str) -> AttachmentKey {
    AttachmentKey::derive(message_key, attachment_id)
}

pub const MAX_FILE_NAME_CHARS: usize = 255;

/// A file name safe to store and show: the last path component, without control characters,
/// at most 255 characters. The name never reaches the file system or the blob store.
pub fn clean_file_name(raw: &str) -> Result<String, String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        return Err("file_name: must name the file".to_owned());
    }
    Ok(cleaned)
}

/// A content type worth keeping (`type/subtype`, printable), else a neutral one.
fn clean_content_type(raw: Option<&str>) -> String {
    raw.map(str::trim)
        .filter(|t| {
            t.len() <= 100
                && t.split_once('/')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
                && t.chars().all(|c| c.is_ascii_graphic())
        })
        .unwrap_or("application/octet-stream")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\a\\scan.pdf").unwrap(),
            "scan.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            clean_file_name("rapport\r\nX: y.pdf").unwrap(),
            "rapportX: y.pdf"
        );
        assert_eq!(clean_file_name("..hidden").unwrap(), "hidden");
        assert!(clean_file_name("dir/").is_err());
        assert!(clean_file_name("  ").is_err());
        assert_eq!(clean_file_name(&"a".repeat(400)).unwrap().len(), 255);
    }

    #[test]
    fn content_types_are_kept_only_when_plausible() {
        assert_eq!(
            clean_content_type(Some("application/PDF")),
            "application/pdf"
        );
        assert_eq!(
            clean_content_type(Some("text/html\r\nX: y")),
            "application/octet-stream"
        );
        assert_eq!(clean_content_type(None), "application/octet-stream");
    }
}
