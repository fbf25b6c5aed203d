//! Uploading into a draft: create the draft (its key exists before the message does),
//! announce a file with its size, then send its bytes in one or more PATCH-style requests.
//! Each request continues at the last stored segment, so a dropped connection costs at most
//! one segment (8 MiB) and never leaves a visible half file.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use zegel_blob::{AttachmentWriter, BlobError};
use zegel_crypto::{DataKey, SEGMENT_BYTES, Token, stored_size};
use zegel_store::{Attachment, Draft, SpaceLimits, SpaceReservation, User};

use super::{
    SealedMeta, attachment_key, clean_content_type, clean_file_name, open_meta, seal_meta,
};
use crate::send::message_key_label;
use crate::{App, AppError, AppResult, new_id};

/// How long an upload is reserved for the request writing it, renewed at every segment.
const UPLOAD_LEASE_SECONDS: i64 = 600;
/// How long an unsent draft and its files are kept.
pub const DRAFT_LIFETIME_SECONDS: i64 = 7 * 86_400;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DraftCreated {
    pub id: String,
    /// When the draft and its files are removed unless the message is sent.
    pub expires_at: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewUpload {
    pub file_name: String,
    /// The exact size in bytes.
    pub size: u64,
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UploadStatus {
    pub id: String,
    /// Bytes stored so far: where the next request continues.
    pub offset: u64,
    pub size: u64,
    pub complete: bool,
}

impl App {
    pub async fn create_draft(&self, sender: &User) -> AppResult<DraftCreated> {
        self.create_draft_with_id(sender, &new_id()).await
    }

    /// A draft for gateway mail: the id is the gateway message's, so a retried job finds it.
    /// Files of an earlier, broken attempt are removed.
    pub(crate) async fn draft_for_gateway(&self, sender: &User, id: &str) -> AppResult<()> {
        if self.store.draft(id).await?.is_none() {
            self.create_draft_with_id(sender, id).await?;
            return Ok(());
        }
        for attachment in self.store.attachments(id).await? {
            self.discard(&attachment.id).await?;
        }
        Ok(())
    }

    async fn create_draft_with_id(&self, sender: &User, id: &str) -> AppResult<DraftCreated> {
        let id = id.to_owned();
        let (kek_version, wrapped_dek) = self
            .keyring
            .wrap(&DataKey::generate(), message_key_label(&id).as_bytes());
        let now = self.now();
        self.store
            .create_draft(&Draft {
                id: id.clone(),
                org_id: sender.org_id.clone(),
                sender_id: sender.id.clone(),
                wrapped_dek,
                kek_version: i64::from(kek_version),
                created_at: now,
            })
            .await?;
        Ok(DraftCreated {
            id,
            expires_at: now + DRAFT_LIFETIME_SECONDS,
        })
    }

    /// The sender's draft and its key.
    pub(crate) async fn owned_draft(&self, sender: &User, id: &str) -> AppResult<(Draft, DataKey)> {
        let draft = self
            .store
            .draft(id)
            .await?
            .filter(|d| d.sender_id == sender.id)
            .ok_or(AppError::NotFound)?;
        let key = self.unwrap_key(
            draft.kek_version,
            &draft.wrapped_dek,
            &message_key_label(&draft.id),
        )?;
        Ok((draft, key))
    }

    /// Announces a file: checks its name and size against the limits and reserves its space.
    pub async fn start_upload(
        &self,
        sender: &User,
        draft_id: &str,
        upload: NewUpload,
    ) -> AppResult<UploadStatus> {
        let (draft, key) = self.owned_draft(sender, draft_id).await?;
        let name = clean_file_name(&upload.file_name).map_err(|p| AppError::Invalid(vec![p]))?;
        let limits = self.attachment_limits;
        if upload.size > limits.per_file {
            return Err(AppError::TooLarge(format!(
                "a file may hold at most {} bytes",
                limits.per_file
            )));
        }
        let id = new_id();
        let meta = SealedMeta {
            name,
            size: upload.size,
            content_type: clean_content_type(upload.content_type.as_deref()),
        };
        let attachment = Attachment {
            meta_ct: Some(seal_meta(&key, &id, &meta)),
            id: id.clone(),
            org_id: draft.org_id.clone(),
            message_id: draft.id.clone(),
            reply_id: None,
            position: 0,
            stored_bytes: to_i64(stored_size(upload.size)),
            segments: 0,
            state: "uploading".to_owned(),
            created_at: self.now(),
        };
        self.reserve(&attachment).await?;
        Ok(UploadStatus {
            id,
            offset: 0,
            size: upload.size,
            complete: false,
        })
    }

    /// Reserves an attachment's space within the message's and the organisation's limits.
    pub(crate) async fn reserve(&self, attachment: &Attachment) -> AppResult<()> {
        let quota = self
            .store
            .organisation(&attachment.org_id)
            .await?
            .and_then(|org| org.storage_quota_bytes)
            .unwrap_or(to_i64(self.attachment_limits.per_organisation));
        let limits = SpaceLimits {
            per_message: to_i64(self.attachment_limits.per_message),
            per_organisation: quota,
        };
        match self.store.reserve_attachment(attachment, &limits).await? {
            SpaceReservation::Reserved => Ok(()),
            SpaceReservation::MessageFull => Err(AppError::TooLarge(format!(
                "the files of one message may hold at most {} bytes",
                limits.per_message
            ))),
            SpaceReservation::QuotaFull => Err(AppError::TooLarge(
                "the organisation's storage quota is used up; remove old messages or ask an administrator".into(),
            )),
        }
    }

    /// Where an upload stands.
    pub async fn upload_status(&self, sender: &User, id: &str) -> AppResult<UploadStatus> {
        let (attachment, key) = self.owned_upload(sender, id).await?;
        let size = upload_size(&key, &attachment)?;
        Ok(status(&attachment, size))
    }

    /// Stores the next bytes of an upload, which must continue at `offset` (the stored
    /// bytes so far). Returns where the upload now stands; when the connection drops, the
    /// client asks for the status and continues from there.
    pub async fn append_upload<S, E>(
        &self,
        sender: &User,
        id: &str,
        offset: u64,
        body: S,
    ) -> AppResult<UploadStatus>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (attachment, key) = self.owned_upload(sender, id).await?;
        let size = upload_size(&key, &attachment)?;
        let current = status(&attachment, size);
        if attachment.state != "uploading" {
            return if offset == size {
                Ok(current)
            } else {
                Err(AppError::Conflict("the upload is already complete".into()))
            };
        }
        if offset != current.offset {
            return Err(AppError::Conflict(format!(
                "the upload continues at offset {}",
                current.offset
            )));
        }
        let writer = AttachmentWriter::resume(
            &self.blobs,
            id,
            attachment_key(&key, id),
            Some(size),
            self.attachment_limits.per_file,
            attachment.segments as u64,
        );
        let writer = self.receive(&attachment, writer, body, |_| None).await?;
        Ok(UploadStatus {
            id: id.to_owned(),
            offset: writer.offset(),
            size,
            complete: writer.is_finished(),
        })
    }

    /// Removes an upload that is not sent yet, with its stored bytes.
    pub async fn discard_upload(&self, sender: &User, id: &str) -> AppResult<()> {
        let (attachment, _) = self.owned_upload(sender, id).await?;
        if attachment.state == "sent" {
            return Err(AppError::Conflict(
                "the file was sent; revoke the message".into(),
            ));
        }
        self.discard(&attachment.id).await
    }

    /// Feeds `body` to `writer` while holding the upload's claim, recording every stored
    /// segment. A file that grows past its limit is discarded whole. When the file is
    /// complete, `final_meta` may give its metadata sealed with the final size.
    pub(crate) async fn receive<S, E>(
        &self,
        attachment: &Attachment,
        mut writer: AttachmentWriter,
        mut body: S,
        final_meta: impl FnOnce(u64) -> Option<Vec<u8>>,
    ) -> AppResult<AttachmentWriter>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let claim = Token::generate().expose().to_owned();
        let now = self.now();
        if !self
            .store
            .claim_upload(&attachment.id, &claim, now, now + UPLOAD_LEASE_SECONDS)
            .await?
        {
            return Err(AppError::Conflict(
                "another request is uploading this file; try again shortly".into(),
            ));
        }
        let outcome = self.pump(attachment, &claim, &mut writer, &mut body).await;
        match outcome {
            Ok(()) if writer.is_finished() => {
                let stored = to_i64(stored_size(writer.received()));
                let meta = final_meta(writer.received());
                let finished = self
                    .store
                    .finish_upload(
                        &attachment.id,
                        &claim,
                        to_i64(writer.stored_segments()),
                        stored,
                        meta.as_deref(),
                    )
                    .await?;
                if !finished {
                    return Err(AppError::Conflict("the upload was taken over".into()));
                }
                Ok(writer)
            }
            Ok(()) => {
                self.store.release_upload(&attachment.id, &claim).await?;
                Ok(writer)
            }
            Err(AppError::TooLarge(reason)) => {
                self.discard(&attachment.id).await?;
                Err(AppError::TooLarge(reason))
            }
            Err(error) => {
                self.store.release_upload(&attachment.id, &claim).await?;
                Err(error)
            }
        }
    }

    async fn pump<S, E>(
        &self,
        attachment: &Attachment,
        claim: &str,
        writer: &mut AttachmentWriter,
        body: &mut S,
    ) -> AppResult<()>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let mut recorder = Recorder {
            store: self.store.clone(),
            attachment: attachment.id.clone(),
            claim: claim.to_owned(),
            recorded: writer.stored_segments(),
            running: None,
        };
        loop {
            let piece = tokio::select! {
                // A segment stored while the client pauses is recorded at once, so the
                // upload can continue from it if the connection then breaks.
                stored = writer.settle(), if writer.is_storing() => {
                    stored.map_err(AppError::from)?;
                    None
                }
                piece = body.next() => match piece {
                    Some(piece) => Some(piece),
                    None => break,
                },
            };
            if let Some(piece) = piece {
                let piece = match piece {
                    Ok(piece) => piece,
                    Err(error) => {
                        tracing::info!(attachment = %attachment.id, %error, "upload interrupted");
                        // Keep what arrived whole, so the upload continues from there.
                        writer.settle().await.map_err(AppError::from)?;
                        recorder
                            .record(writer.stored_segments(), self.now())
                            .await?;
                        recorder.settle().await?;
                        return Err(AppError::Invalid(vec![
                            "the upload was interrupted; continue where it stopped".into(),
                        ]));
                    }
                };
                writer.write(&piece).await.map_err(AppError::from)?;
            }
            if !writer.is_finished() {
                let until = self.now() + UPLOAD_LEASE_SECONDS;
                recorder.record(writer.stored_segments(), until).await?;
            }
        }
        recorder.settle().await?;
        // A file of unknown size ends with its body; a declared one when its size is reached
        // (an empty file sends no bytes at all).
        if writer
            .declared_size()
            .is_none_or(|size| size == writer.received())
        {
            writer.finish().await.map_err(AppError::from)?;
        }
        Ok(())
    }

    /// Marks an attachment shredded and deletes its bytes now if the store answers; the
    /// worker's sweep deletes what is left.
    pub(crate) async fn discard(&self, id: &str) -> AppResult<()> {
        self.store.discard_attachment(id).await?;
        if let Err(error) = self.remove_blobs(id).await {
            tracing::warn!(attachment = %id, %error, "blobs left for the sweep");
        }
        Ok(())
    }

    /// An upload in one of the sender's drafts, with the draft's key.
    async fn owned_upload(&self, sender: &User, id: &str) -> AppResult<(Attachment, DataKey)> {
        let attachment = self
            .store
            .attachment(id)
            .await?
            .filter(|a| a.reply_id.is_none() && a.state != "shredded")
            .ok_or(AppError::NotFound)?;
        let (_, key) = self.owned_draft(sender, &attachment.message_id).await?;
        Ok((attachment, key))
    }
}

/// Records stored segments in the database one update at a time, in the background, so
/// receiving goes on while the database commits.
struct Recorder {
    store: std::sync::Arc<dyn zegel_store::Store>,
    attachment: String,
    claim: String,
    /// Segments recorded (or being recorded) so far.
    recorded: u64,
    running: Option<tokio::task::JoinHandle<zegel_store::StoreResult<bool>>>,
}

impl Recorder {
    /// Records that `stored` segments are stored and holds the upload until `until`;
    /// nothing to do when they are recorded already.
    async fn record(&mut self, stored: u64, until: i64) -> AppResult<()> {
        if stored <= self.recorded {
            return Ok(());
        }
        self.settle().await?;
        self.recorded = stored;
        let segments = to_i64(stored);
        let (store, id, claim) = (
            self.store.clone(),
            self.attachment.clone(),
            self.claim.clone(),
        );
        self.running = Some(tokio::spawn(async move {
            store.record_segments(&id, &claim, segments, until).await
        }));
        Ok(())
    }

    /// Waits for the update in progress; fails when the upload was taken over.
    async fn settle(&mut self) -> AppResult<()> {
        if let Some(running) = self.running.take() {
            let recorded = running
                .await
                .map_err(|e| AppError::Internal(format!("recording segments: {e}")))??;
            if !recorded {
                return Err(AppError::Conflict("the upload was taken over".into()));
            }
        }
        Ok(())
    }
}

fn upload_size(key: &DataKey, attachment: &Attachment) -> AppResult<u64> {
    Ok(open_meta(key, attachment)?.ok_or(AppError::NotFound)?.size)
}

fn status(attachment: &Attachment, size: u64) -> UploadStatus {
    let complete = attachment.state != "uploading";
    UploadStatus {
        id: attachment.id.clone(),
        offset: if complete {
            size
        } else {
            attachment.segments as u64 * SEGMENT_BYTES
        },
        size,
        complete,
    }
}

pub(crate) fn to_i64(bytes: u64) -> i64 {
    i64::try_from(bytes).unwrap_or(i64::MAX)
}

impl From<BlobError> for crate::PortalError {
    fn from(error: BlobError) -> Self {
        crate::PortalError::App(error.into())
    }
}
