//! Files that arrive in a browser form: a verified recipient's reply, or a staff member's
//! compose form. The browser sends them in one request, so their sizes are not known in
//! advance: each is streamed in under the per-file limit, and its space is first reserved for
//! the most it could be, then set to what it took.

use bytes::Bytes;
use futures::Stream;
use zegel_blob::AttachmentWriter;
use zegel_crypto::{DataKey, stored_size};
use zegel_store::{Attachment, User};

use super::upload::to_i64;
use super::{
    AttachmentInfo, SealedMeta, attachment_key, clean_content_type, clean_file_name, open_meta,
    seal_meta,
};
use crate::{App, AppError, AppResult, PortalError, new_id};

/// Where a form's file goes.
struct FormFile<'a> {
    key: &'a DataKey,
    org_id: &'a str,
    message_id: &'a str,
    reply_id: Option<&'a str>,
}

/// What the browser said of one file.
pub struct FormFileInfo<'a> {
    pub file_name: &'a str,
    pub content_type: Option<&'a str>,
    /// Bounds the file's size (the rest of the request, as its length says).
    pub at_most: u64,
}

impl App {
    /// Streams one file of the reply `reply_id` (not yet sent) into the blob store.
    pub async fn portal_reply_file<S, E>(
        &self,
        link: &str,
        session: &str,
        reply_id: &str,
        file: FormFileInfo<'_>,
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
        let target = FormFile {
            key: &key,
            org_id: &context.organisation.id,
            message_id: &context.message.id,
            reply_id: Some(reply_id),
        };
        Ok(self.store_form_file(target, file, body).await?)
    }

    /// Streams one file from the compose form into the sender's draft.
    pub async fn draft_form_file<S, E>(
        &self,
        sender: &User,
        draft_id: &str,
        file: FormFileInfo<'_>,
        body: S,
    ) -> AppResult<()>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (draft, key) = self.owned_draft(sender, draft_id).await?;
        let target = FormFile {
            key: &key,
            org_id: &draft.org_id,
            message_id: &draft.id,
            reply_id: None,
        };
        self.store_form_file(target, file, body).await
    }

    /// The files in a draft so far, for the compose form.
    pub async fn draft_files(
        &self,
        sender: &User,
        draft_id: &str,
    ) -> AppResult<Vec<AttachmentInfo>> {
        let (draft, key) = self.owned_draft(sender, draft_id).await?;
        let mut infos = Vec::new();
        for attachment in self.store.attachments(&draft.id).await? {
            if attachment.state == "ready"
                && let Some(info) = open_meta(&key, &attachment)?
            {
                infos.push(info);
            }
        }
        Ok(infos)
    }

    async fn store_form_file<S, E>(
        &self,
        target: FormFile<'_>,
        file: FormFileInfo<'_>,
        body: S,
    ) -> AppResult<()>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let name = clean_file_name(file.file_name).map_err(|p| AppError::Invalid(vec![p]))?;
        let limit = file.at_most.min(self.attachment_limits.per_file);
        let id = new_id();
        let attachment = Attachment {
            id: id.clone(),
            org_id: target.org_id.to_owned(),
            message_id: target.message_id.to_owned(),
            reply_id: target.reply_id.map(str::to_owned),
            position: 0,
            meta_ct: None,
            stored_bytes: to_i64(stored_size(limit)),
            segments: 0,
            state: "uploading".to_owned(),
            created_at: self.now(),
        };
        self.reserve(&attachment).await?;
        let writer = AttachmentWriter::new(
            &self.blobs,
            &id,
            attachment_key(target.key, &id),
            None,
            limit,
        );
        let content_type = clean_content_type(file.content_type);
        let seal = |size| {
            let meta = SealedMeta {
                name,
                size,
                content_type,
            };
            Some(seal_meta(target.key, &id, &meta))
        };
        if let Err(error) = self.receive(&attachment, writer, body, seal).await {
            self.discard(&id).await?;
            return Err(error);
        }
        Ok(())
    }
}
