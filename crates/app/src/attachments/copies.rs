//! Files inside `.eml` copies (the recipient's copy, the organisation's archive). An `.eml` is
//! built in memory, so files go in up to a total; larger ones are named in the text instead,
//! to be downloaded on the portal or through the API while the message exists.

use futures::StreamExt;
use zegel_crypto::DataKey;
use zegel_mail::EmlAttachment;

use crate::{App, AppError, AppResult};

/// Most bytes of files carried in one `.eml`.
pub const EML_FILES_LIMIT: u64 = 25 * 1024 * 1024;

/// The files for an `.eml`, and the names of those left out.
pub(crate) struct EmlFiles {
    pub attachments: Vec<EmlAttachment>,
    pub left_out: Vec<String>,
}

impl App {
    /// The files of a message (`reply_id` `None`) or of one reply, decrypted.
    pub(crate) async fn eml_files(
        &self,
        key: &DataKey,
        message_id: &str,
        reply_id: Option<&str>,
    ) -> AppResult<EmlFiles> {
        let mut files = EmlFiles {
            attachments: Vec::new(),
            left_out: Vec::new(),
        };
        let mut total = 0u64;
        for info in self.attachment_infos(key, message_id).await? {
            if info.reply_id.as_deref() != reply_id {
                continue;
            }
            if total + info.size > EML_FILES_LIMIT {
                files.left_out.push(info.file_name);
                continue;
            }
            total += info.size;
            let mut bytes = Vec::with_capacity(info.size as usize);
            let mut stream = self.bytes_of(key, &info).stream(0..info.size);
            while let Some(piece) = stream.next().await {
                bytes.extend_from_slice(&piece.map_err(AppError::from)?);
            }
            files.attachments.push(EmlAttachment {
                name: info.file_name,
                content_type: info.content_type,
                bytes,
            });
        }
        Ok(files)
    }
}

impl EmlFiles {
    /// The body with a closing line naming the files that were too large to include.
    pub(crate) fn body_with_note(&self, body: &str) -> String {
        if self.left_out.is_empty() {
            return body.to_owned();
        }
        format!(
            "{body}\n\n[Not included in this copy (too large), to download while the message exists: {}]",
            self.left_out.join(", ")
        )
    }
}
