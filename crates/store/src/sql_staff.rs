//! The staff app's SQL, shared by both backends.

macro_rules! impl_staff_store {
    (store = $store:ty, begin = $begin:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::StaffStore for $store {
            async fn staff_credentials(&self, user_id: &str) -> StoreResult<Option<StaffCredentials>> {
                Ok(sqlx::query_as("SELECT password_hash, totp_secret_ct, totp_last_step, login_failures, login_locked_until FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn set_password_hash(&self, user_id: &str, hash: &str) -> StoreResult<()> {
                sqlx::query("UPDATE users SET password_hash = $2, login_failures = 0, login_locked_until = NULL WHERE id = $1")
                    .bind(user_id)
                    .bind(hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_user_role(&self, user_id: &str, role: &str) -> StoreResult<()> {
                sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(role)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn record_login_failure(&self, user_id: &str, lock_after: i64, locked_until: UnixTime) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("UPDATE users SET login_failures = login_failures + 1, login_locked_until = CASE WHEN login_failures + 1 >= $2 THEN $3 ELSE login_locked_until END WHERE id = $1 RETURNING login_failures")
                    .bind(user_id)
                    .bind(lock_after)
                    .bind(locked_until)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn clear_login_failures(&self, user_id: &str) -> StoreResult<()> {
                sqlx::query("UPDATE users SET login_failures = 0, login_locked_until = NULL WHERE id = $1")
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)")
                    .bind(user_id)
                    .bind(step)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn enable_second_factor(&self, user_id: &str, secret_ct: &[u8], step: i64, recovery_hashes: &[Vec<u8>]) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE users SET totp_secret_ct = $2, totp_last_step = $3 WHERE id = $1")
                    .bind(user_id)
                    .bind(secret_ct)
                    .bind(step)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                for hash in recovery_hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(hash)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn use_recovery_code(&self, user_id: &str, hash: &[u8], now: UnixTime) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL")
                    .bind(user_id)
                    .bind(hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn unused_recovery_codes(&self, user_id: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                    .bind(user_id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn create_staff_session(&self, s: &StaffSession) -> StoreResult<()> {
                insert_staff_session(&self.pool, s).await
            }

            async fn staff_session(&self, id_hash: &[u8]) -> StoreResult<Option<StaffSession>> {
                Ok(sqlx::query_as("SELECT * FROM staff_sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn replace_staff_session(&self, old_hash: &[u8], new: &StaffSession) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("DELETE FROM staff_sessions WHERE id_hash = $1")
                    .bind(old_hash)
                    .execute(&mut *tx)
                    .await?;
                insert_staff_session(&mut *tx, new).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_staff_session_secret(&self, id_hash: &[u8], secret_ct: &[u8]) -> StoreResult<()> {
                sqlx::query("UPDATE staff_sessions SET pending_secret_ct = $2 WHERE id_hash = $1")
                    .bind(id_hash)
                    .bind(secret_ct)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn touch_staff_session(&self, id_hash: &[u8], now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE staff_sessions SET last_seen_at = $2 WHERE id_hash = $1")
                    .bind(id_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_staff_session(&self, id_hash: &[u8]) -> StoreResult<()> {
                sqlx::query("DELETE FROM staff_sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_staff_sessions_of(&self, user_id: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn recipients_sent_personal_data(&self, org_id: &str, emails: &[String]) -> StoreResult<Vec<String>> {
                let mut found = Vec::new();
                for email in emails {
                    let hit: Option<String> = sqlx::query_scalar("SELECT email FROM recipients WHERE org_id = $1 AND email = $2 AND personal_data_at IS NOT NULL")
                        .bind(org_id)
                        .bind(email)
                        .fetch_optional(&self.pool)
                        .await?;
                    found.extend(hit);
                }
                Ok(found)
            }

            async fn mark_sent_personal_data(&self, org_id: &str, emails: &[String], now: UnixTime) -> StoreResult<()> {
                for email in emails {
                    sqlx::query("UPDATE recipients SET personal_data_at = $3 WHERE org_id = $1 AND email = $2 AND personal_data_at IS NULL")
                        .bind(org_id)
                        .bind(email)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn revoke_delivery(&self, delivery_id: &str, at: UnixTime, now: UnixTime) -> StoreResult<bool> {
                let mut tx = self.pool.begin_with($begin).await?;
                let done = sqlx::query("UPDATE deliveries SET revoked_at = $2 WHERE id = $1 AND (revoked_at IS NULL OR revoked_at > $3)")
                    .bind(delivery_id)
                    .bind(at)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if at <= now {
                    sqlx::query("DELETE FROM portal_sessions WHERE delivery_id = $1")
                        .bind(delivery_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(done)
            }

            async fn set_message_expiry(&self, message_id: &str, expires_at: UnixTime) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE messages SET expires_at = $2 WHERE id = $1 AND state = 'sent'")
                    .bind(message_id)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn set_message_thread(&self, message_id: &str, thread_id: &str) -> StoreResult<()> {
                sqlx::query("UPDATE messages SET thread_id = $2 WHERE id = $1")
                    .bind(message_id)
                    .bind(thread_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn message_thread(&self, message_id: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT COALESCE(thread_id, id) FROM messages WHERE id = $1")
                    .bind(message_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn messages_in_thread(&self, thread_id: &str) -> StoreResult<Vec<crate::Message>> {
                Ok(sqlx::query_as("SELECT * FROM messages WHERE id = $1 OR thread_id = $1 ORDER BY created_at, id")
                    .bind(thread_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn recipients_of_organisation(&self, org_id: &str, limit: i64) -> StoreResult<Vec<Recipient>> {
                Ok(sqlx::query_as("SELECT * FROM recipients WHERE org_id = $1 ORDER BY email LIMIT $2")
                    .bind(org_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }

        async fn insert_staff_session<'e, E>(executor: E, s: &StaffSession) -> StoreResult<()>
        where
            E: sqlx::Executor<'e, Database = <$store as $crate::sql_impl::Backend>::Db>,
        {
            sqlx::query("INSERT INTO staff_sessions (id_hash, user_id, stage, pending_secret_ct, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&s.id_hash)
                .bind(&s.user_id)
                .bind(&s.stage)
                .bind(&s.pending_secret_ct)
                .bind(s.created_at)
                .bind(s.last_seen_at)
                .execute(executor)
                .await?;
            Ok(())
        }
    };
}

pub(crate) use impl_staff_store;
