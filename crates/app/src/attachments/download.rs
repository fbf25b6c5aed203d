//! Reading an attachment back: for its sender through the API, for a verified recipient on
//! the portal. The bytes are decrypted while they stream; any byte range can be asked for.

use bytes::Bytes;
use futures::stream::BoxStream;
use std::ops::Range;
use zegel_blob::{BlobError, BlobStore, read_attachment};
use zegel_crypto::{AttachmentKey, DataKey};
use zegel_store::{Attachment, User};

use super::{AttachmentInfo, attachment_key, open_meta};
use crate::{App, AppError, AppResult, PortalError};

/// An attachment ready to stream: what to call it and where its bytes are.
pub struct AttachmentDownload {
    pub info: AttachmentInfo,
    pub bytes: Download,
}

/// The decrypting source of one attachment's bytes.
pub struct Download {
    blobs: BlobStore,
    attachment_id: String,
    key: AttachmentKey,
    size: u64,
}

impl Download {
    /// The bytes `range` (within the file's size), decrypted as they stream.
    pub fn stream(self, range: Range<u64>) -> BoxStream<'static, Result<Bytes, BlobError>> {
        read_attachment(&self.blobs, &self.attachment_id, self.key, self.size, range)
    }
}

impl App {
    /// The file the caller is allowed to read, with its name, or `NotFound`.
    fn download(&self, key: &DataKey, attachment: &Attachment) -> AppResult<AttachmentDownload> {
        let info = open_meta(key, attachment)?.ok_or(AppError::NotFound)?;
        Ok(AttachmentDownload {
            bytes: self.bytes_of(key, &info),
            info,
        })
    }

    /// Where the bytes of a file of a message with `key` come from.
    pub(crate) fn bytes_of(&self, key: &DataKey, info: &AttachmentInfo) -> Download {
        Download {
            blobs: self.blobs.clone(),
            attachment_id: info.id.clone(),
            key: attachment_key(key, &info.id),
            size: info.size,
        }
    }

    /// A sent file of one of the sender's messages, or of a reply to it.
    pub async fn sender_attachment(
        &self,
        sender: &User,
        message_id: &str,
        attachment_id: &str,
    ) -> AppResult<AttachmentDownload> {
        let message = self.owned_message(sender, message_id).await?;
        let key = self.data_key(&message)?.ok_or(AppError::NotFound)?;
        let attachment = self
            .store
            .attachment(attachment_id)
            .await?
            .filter(|a| a.message_id == message.id && a.state == "sent")
            .ok_or(AppError::NotFound)?;
        self.download(&key, &attachment)
    }

    /// The files of a message (and of its replies) that its key can open, in order.
    pub(crate) async fn attachment_infos(
        &self,
        key: &DataKey,
        message_id: &str,
    ) -> AppResult<Vec<AttachmentInfo>> {
        let mut infos = Vec::new();
        for attachment in self.store.attachments(message_id).await? {
            if attachment.state == "sent"
                && let Some(info) = open_meta(key, &attachment)?
            {
                infos.push(info);
            }
        }
        Ok(infos)
    }

    /// A file of the message, or of this recipient's own reply, for a verified recipient.
    /// `counts` says whether this request is a download to record (not a resumed range).
    pub async fn portal_attachment(
        &self,
        link: &str,
        session: &str,
        attachment_id: &str,
        counts: bool,
    ) -> Result<AttachmentDownload, PortalError> {
        let context = self.session_context(link, session).await?;
        let key = self
            .data_key(&context.message)?
            .ok_or(PortalError::NeedsVerification)?;
        let delivery_id = &context.delivery.delivery.id;
        let attachment = self
            .store
            .attachment(attachment_id)
            .await?
            .filter(|a| a.message_id == context.message.id && a.state == "sent")
            .ok_or(AppError::NotFound)?;
        if let Some(reply_id) = &attachment.reply_id {
            let reply = self.store.reply(reply_id).await?;
            if reply.is_none_or(|r| &r.delivery_id != delivery_id) {
                return Err(AppError::NotFound.into());
            }
        }
        let download = self.download(&key, &attachment)?;
        if counts && attachment.reply_id.is_none() {
            self.store.mark_downloaded(delivery_id, self.now()).await?;
            let actor = format!("recipient:{delivery_id}");
            self.audit(
                &context.organisation.id,
                &actor,
                "attachment.downloaded",
                &context.message.id,
                serde_json::json!({ "attachment": attachment.id }),
            )
            .await?;
        }
        Ok(download)
    }
}
