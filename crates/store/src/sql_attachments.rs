//! The attachment SQL shared by both backends (see `sql_impl.rs` for how the backends differ).

macro_rules! impl_attachment_store {
    (store = $store:ty, begin = $begin:literal, lock_org = $lock_org:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::AttachmentStore for $store {
            async fn create_draft(&self, draft: &Draft) -> StoreResult<()> {
                sqlx::query("INSERT INTO drafts (id, org_id, sender_id, wrapped_dek, kek_version, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&draft.id)
                    .bind(&draft.org_id)
                    .bind(&draft.sender_id)
                    .bind(&draft.wrapped_dek)
                    .bind(draft.kek_version)
                    .bind(draft.created_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn draft(&self, id: &str) -> StoreResult<Option<Draft>> {
                Ok(sqlx::query_as("SELECT * FROM drafts WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn reserve_attachment(&self, a: &Attachment, limits: &SpaceLimits) -> StoreResult<SpaceReservation> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query($lock_org).bind(&a.org_id).execute(&mut *tx).await?;
                let (count, used): (i64, i64) = sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(SUM(stored_bytes), 0) AS BIGINT) FROM attachments WHERE message_id = $1 AND COALESCE(reply_id, '') = COALESCE($2, '') AND state <> 'shredded'")
                    .bind(&a.message_id)
                    .bind(&a.reply_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if used + a.stored_bytes > limits.per_message {
                    return Ok(SpaceReservation::MessageFull);
                }
                let organisation: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(stored_bytes), 0) AS BIGINT) FROM attachments WHERE org_id = $1 AND state <> 'shredded'")
                    .bind(&a.org_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if organisation + a.stored_bytes > limits.per_organisation {
                    return Ok(SpaceReservation::QuotaFull);
                }
                sqlx::query("INSERT INTO attachments (id, org_id, message_id, reply_id, position, meta_ct, stored_bytes, segments, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'uploading', $8)")
                    .bind(&a.id)
                    .bind(&a.org_id)
                    .bind(&a.message_id)
                    .bind(&a.reply_id)
                    .bind(count)
                    .bind(&a.meta_ct)
                    .bind(a.stored_bytes)
                    .bind(a.created_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(SpaceReservation::Reserved)
            }

            async fn attachment(&self, id: &str) -> StoreResult<Option<Attachment>> {
                Ok(sqlx::query_as("SELECT id, org_id, message_id, reply_id, position, meta_ct, stored_bytes, segments, state, created_at FROM attachments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn attachments(&self, message_id: &str) -> StoreResult<Vec<Attachment>> {
                Ok(sqlx::query_as("SELECT id, org_id, message_id, reply_id, position, meta_ct, stored_bytes, segments, state, created_at FROM attachments WHERE message_id = $1 AND state <> 'shredded' ORDER BY (reply_id IS NOT NULL), created_at, position, id")
                    .bind(message_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn claim_upload(&self, id: &str, writer: &str, now: UnixTime, until: UnixTime) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE attachments SET writer = $2, writer_until = $4 WHERE id = $1 AND state = 'uploading' AND (writer IS NULL OR writer_until <= $3)")
                    .bind(id)
                    .bind(writer)
                    .bind(now)
                    .bind(until)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn record_segments(&self, id: &str, writer: &str, segments: i64, until: UnixTime) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE attachments SET segments = $3, writer_until = $4 WHERE id = $1 AND writer = $2 AND state = 'uploading' AND segments <= $3")
                    .bind(id)
                    .bind(writer)
                    .bind(segments)
                    .bind(until)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn finish_upload(&self, id: &str, writer: &str, segments: i64, stored_bytes: i64, meta_ct: Option<&[u8]>) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE attachments SET segments = $3, stored_bytes = $4, meta_ct = COALESCE($5, meta_ct), state = 'ready', writer = NULL, writer_until = NULL WHERE id = $1 AND writer = $2 AND state = 'uploading'")
                    .bind(id)
                    .bind(writer)
                    .bind(segments)
                    .bind(stored_bytes)
                    .bind(meta_ct)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn release_upload(&self, id: &str, writer: &str) -> StoreResult<()> {
                sqlx::query("UPDATE attachments SET writer = NULL, writer_until = NULL WHERE id = $1 AND writer = $2")
                    .bind(id)
                    .bind(writer)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn discard_attachment(&self, id: &str) -> StoreResult<()> {
                sqlx::query("UPDATE attachments SET state = 'shredded', meta_ct = NULL, writer = NULL WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn shredded_attachments(&self, limit: i64) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT id FROM attachments WHERE state = 'shredded' ORDER BY id LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn forget_attachment(&self, id: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM attachments WHERE id = $1 AND state = 'shredded'")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn abandon_drafts(&self, before: UnixTime) -> StoreResult<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                let ids: Vec<String> = sqlx::query_scalar("DELETE FROM drafts WHERE created_at < $1 RETURNING id")
                    .bind(before)
                    .fetch_all(&mut *tx)
                    .await?;
                for id in &ids {
                    sqlx::query("UPDATE attachments SET state = 'shredded', meta_ct = NULL, writer = NULL WHERE message_id = $1 AND reply_id IS NULL")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(ids.len() as u64)
            }

            async fn abandon_reply_uploads(&self, before: UnixTime) -> StoreResult<u64> {
                let done = sqlx::query("UPDATE attachments SET state = 'shredded', meta_ct = NULL, writer = NULL WHERE reply_id IS NOT NULL AND state IN ('uploading', 'ready') AND created_at < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

/// Destroys the metadata of every file of a message and marks its blobs for deletion; part of
/// every statement set that shreds a message.
macro_rules! shred_attachments_sql {
    () => {
        "UPDATE attachments SET state = 'shredded', meta_ct = NULL, writer = NULL WHERE message_id = $1"
    };
}

pub(crate) use {impl_attachment_store, shred_attachments_sql};
