//! Removing attachment bytes that nobody may read any more: files of shredded messages, of
//! discarded uploads, of drafts never sent and of replies never sent.

use super::upload::DRAFT_LIFETIME_SECONDS;
use crate::{App, AppResult};

/// A reply's files are uploaded in the same request as the reply; any left after a day
/// belong to a reply that never came.
const UNSENT_REPLY_FILES_SECONDS: i64 = 86_400;

/// What one attachment sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentSweep {
    pub drafts_abandoned: u64,
    pub attachments_deleted: u64,
}

impl App {
    pub(crate) async fn sweep_attachments(&self) -> AppResult<AttachmentSweep> {
        let now = self.now();
        let drafts_abandoned = self
            .store
            .abandon_drafts(now - DRAFT_LIFETIME_SECONDS)
            .await?;
        self.store
            .abandon_reply_uploads(now - UNSENT_REPLY_FILES_SECONDS)
            .await?;
        Ok(AttachmentSweep {
            drafts_abandoned,
            attachments_deleted: self.delete_shredded_blobs().await?,
        })
    }

    /// Deletes a shredded attachment's blobs, then its row.
    pub(crate) async fn remove_blobs(&self, id: &str) -> AppResult<()> {
        self.blobs.delete_attachment(id).await?;
        self.store.forget_attachment(id).await?;
        Ok(())
    }

    /// Deletes the blobs of every shredded attachment, then its row; returns how many.
    pub(crate) async fn delete_shredded_blobs(&self) -> AppResult<u64> {
        let mut deleted = 0;
        loop {
            let batch = self.store.shredded_attachments(100).await?;
            if batch.is_empty() {
                return Ok(deleted);
            }
            for id in batch {
                self.remove_blobs(&id).await?;
                deleted += 1;
            }
        }
    }
}
