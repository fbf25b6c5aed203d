//! Files a verified recipient attaches to a reply. The browser sends them in one form, so
//! their sizes are not known in advance: each is streamed in under the per-file limit, and
//! its space is first reserved for the most it could be, then set to what it took.

use bytes::Bytes;
use futures::Stream;
use zegel_blob::AttachmentWriter;
use zegel_crypto::stored_size;
use zegel_store::Attachment;

use super::upload::to_i64;
use super::{SealedMeta, attachment_key, clean_content_type, clean_file_name, seal_meta};
use crate::{App, AppError, PortalError, new_id};

impl App {
    /// Streams one file of the reply `reply_id` (not yet sent) into the blob store.
    /// `at_most` bounds the file's size (the rest of the request, as its length says).
    #[allow(clippy::too_many_arguments)]
    pub async fn portal_reply_file<S, E>(
        &self,
        link: &str,
        session: &str,
        reply_id: &str,
        file_name: &str,
        content_type: Option<&str>,
        at_most: u64,
        body: S,
    ) -> Result<(), PortalError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let context = self.session_context(link, session).await?;
        let key = self
            .data_key(&context.message)?
            .ok_or(PortalError::NeedsVerification)?;
        let name = clean_file_name(file_name).map_err(|p| AppError::Invalid(vec![p]))?;
        let limit = at_most.min(self.attachment_limits.per_file);
        let id = new_id();
        let attachment = Attachment {
            id: id.clone(),
            org_id: context.organisation.id.clone(),
            message_id: context.message.id.clone(),
            reply_id: Some(reply_id.to_owned()),
            position: 0,
            meta_ct: None,
            stored_bytes: to_i64(stored_size(limit)),
            segments: 0,
            state: "uploading".to_owned(),
            created_at: self.now(),
        };
        self.reserve(&attachment).await?;
        let writer =
            AttachmentWriter::new(&self.blobs, &id, attachment_key(&key, &id), None, limit);
        let content_type = clean_content_type(content_type);
        let seal = |size| {
            let meta = SealedMeta {
                name,
                size,
                content_type,
            };
            Some(seal_meta(&key, &id, &meta))
        };
        if let Err(error) = self.receive(&attachment, writer, body, seal).await {
            self.discard(&id).await?;
            return Err(error.into());
        }
        Ok(())
    }
}
