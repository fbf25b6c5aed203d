//! The gateway SQL shared by both backends.

macro_rules! impl_gateway_store {
    (store = $store:ty, begin = $begin:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::GatewayStore for $store {
            async fn insert_gateway_message(&self, m: &GatewayMessage, job: &NewJob) -> StoreResult<bool> {
                let mut tx = self.pool.begin_with($begin).await?;
                let inserted = sqlx::query("INSERT INTO gateway_messages (id, org_id, sender_id, message_id, envelope, raw_ct, wrapped_dek, kek_version, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (sender_id, message_id) DO NOTHING")
                    .bind(&m.id)
                    .bind(&m.org_id)
                    .bind(&m.sender_id)
                    .bind(&m.message_id)
                    .bind(&m.envelope)
                    .bind(&m.raw_ct)
                    .bind(&m.wrapped_dek)
                    .bind(m.kek_version)
                    .bind(&m.state)
                    .bind(m.created_at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if inserted {
                    insert_job(&mut *tx, job).await?;
                }
                tx.commit().await?;
                Ok(inserted)
            }

            async fn gateway_message(&self, id: &str) -> StoreResult<Option<GatewayMessage>> {
                Ok(sqlx::query_as("SELECT * FROM gateway_messages WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn finish_gateway_message(&self, id: &str, state: &str) -> StoreResult<()> {
                sqlx::query("UPDATE gateway_messages SET state = $2, raw_ct = NULL, wrapped_dek = NULL WHERE id = $1")
                    .bind(id)
                    .bind(state)
                    .execute(&self.pool)
                    .await?;
                self.after_shred().await?;
                Ok(())
            }

            async fn hold_gateway_message(&self, id: &str) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE gateway_messages SET state = 'held' WHERE id = $1 AND state = 'pending'")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn held_gateway_messages(&self, org_id: &str) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT id FROM gateway_messages WHERE org_id = $1 AND state = 'held' ORDER BY created_at, id")
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn requeue_gateway_messages(&self, jobs: &[(String, NewJob)]) -> StoreResult<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut requeued = 0;
                for (id, job) in jobs {
                    let done = sqlx::query("UPDATE gateway_messages SET state = 'pending' WHERE id = $1 AND state = 'held'")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 1 {
                        insert_job(&mut *tx, job).await?;
                        requeued += 1;
                    }
                }
                tx.commit().await?;
                Ok(requeued)
            }

            async fn gateway_messages_of_sender(&self, sender_id: &str) -> StoreResult<Vec<GatewayMessage>> {
                Ok(sqlx::query_as("SELECT * FROM gateway_messages WHERE sender_id = $1 ORDER BY created_at, id")
                    .bind(sender_id)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(crate) use impl_gateway_store;
