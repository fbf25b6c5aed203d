//! The SQL shared by both backends. SQLite and PostgreSQL accept the same statements here
//! (`$n` placeholders, `RETURNING`, `ON CONFLICT`); what differs is passed in: how a write
//! transaction begins and how a job is claimed.

/// The columns of a [`crate::DeliveryView`]: a delivery joined with its recipient.
macro_rules! delivery_view {
    () => {
        "SELECT d.id, d.message_id, d.recipient_id, d.kind, d.position, d.notified_at, \
         d.opened_at, d.replied_at, d.failures, d.wait_until, d.locked_at, d.wrong_number_reported_at, d.downloaded_at, d.revoked_at, \
         r.email, r.language, r.verification_method, r.access_code_hash, r.phone, \
         (SELECT s.status FROM sms_log s WHERE s.delivery_id = d.id ORDER BY s.created_at DESC, s.id DESC LIMIT 1) AS sms_status \
         FROM deliveries d JOIN recipients r ON r.id = d.recipient_id"
    };
}

macro_rules! impl_store {
    (store = $store:ty, backend = $backend:literal, begin = $begin:literal, lock_org = $lock_org:literal, claim_job = $claim:expr, migrator = $migrator:expr $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::Store for $store {
            async fn migrate(&self) -> StoreResult<()> {
                $migrator.run(&self.pool).await?;
                Ok(())
            }

            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn init_meta(&self, key: &str, value: &str) -> StoreResult<bool> {
                let done = sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn has_data(&self) -> StoreResult<bool> {
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(count > 0)
            }

            async fn create_organisation(&self, org: &Organisation, domains: &[String]) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("INSERT INTO organisations (id, name, default_expiry_days, max_expiry_days, created_at, detection_level, detection_keywords, detection_patterns, audit_retention_days, storage_quota_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(&org.id)
                    .bind(&org.name)
                    .bind(org.default_expiry_days)
                    .bind(org.max_expiry_days)
                    .bind(org.created_at)
                    .bind(&org.detection_level)
                    .bind(&org.detection_keywords)
                    .bind(&org.detection_patterns)
                    .bind(org.audit_retention_days)
                    .bind(org.storage_quota_bytes)
                    .execute(&mut *tx)
                    .await?;
                for domain in domains {
                    sqlx::query("INSERT INTO organisation_domains (domain, org_id) VALUES ($1, $2)")
                        .bind(domain)
                        .bind(&org.id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn organisation(&self, id: &str) -> StoreResult<Option<Organisation>> {
                Ok(sqlx::query_as("SELECT * FROM organisations WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn organisation_by_name(&self, name: &str) -> StoreResult<Option<Organisation>> {
                Ok(sqlx::query_as("SELECT * FROM organisations WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn organisation_domains(&self, org_id: &str) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT domain FROM organisation_domains WHERE org_id = $1 ORDER BY domain")
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn create_user(&self, user: &User) -> StoreResult<()> {
                sqlx::query("INSERT INTO users (id, org_id, email, display_name, language, created_at, role) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&user.id)
                    .bind(&user.org_id)
                    .bind(&user.email)
                    .bind(&user.display_name)
                    .bind(&user.language)
                    .bind(user.created_at)
                    .bind(&user.role)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn user(&self, id: &str) -> StoreResult<Option<User>> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn create_api_token(&self, token_hash: &[u8], user_id: &str, label: &str, now: UnixTime) -> StoreResult<()> {
                sqlx::query("INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(label)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn user_by_api_token(&self, token_hash: &[u8]) -> StoreResult<Option<User>> {
                Ok(sqlx::query_as("SELECT u.* FROM users u JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn recipient(&self, org_id: &str, email: &str) -> StoreResult<Option<Recipient>> {
                Ok(sqlx::query_as("SELECT * FROM recipients WHERE org_id = $1 AND email = $2")
                    .bind(org_id)
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn insert_recipient(&self, recipient: &Recipient) -> StoreResult<()> {
                sqlx::query("INSERT INTO recipients (id, org_id, email, verification_method, access_code_hash, language, created_at, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&recipient.id)
                    .bind(&recipient.org_id)
                    .bind(&recipient.email)
                    .bind(&recipient.verification_method)
                    .bind(&recipient.access_code_hash)
                    .bind(&recipient.language)
                    .bind(recipient.created_at)
                    .bind(&recipient.phone)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn update_recipient_method(&self, id: &str, method: &str, access_code_hash: Option<&str>, phone: Option<&str>) -> StoreResult<()> {
                sqlx::query("UPDATE recipients SET verification_method = $2, access_code_hash = $3, phone = $4 WHERE id = $1")
                    .bind(id)
                    .bind(method)
                    .bind(access_code_hash)
                    .bind(phone)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_messages(&self, batch: &[MessageToStore], mac: AuditMac<'_>) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                store_batch_in(&mut tx, batch, mac).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn message(&self, id: &str) -> StoreResult<Option<Message>> {
                Ok(sqlx::query_as("SELECT * FROM messages WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn messages_by_sender(&self, sender_id: &str, limit: i64) -> StoreResult<Vec<Message>> {
                Ok(sqlx::query_as("SELECT * FROM messages WHERE sender_id = $1 ORDER BY created_at DESC, id LIMIT $2")
                    .bind(sender_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn deliveries(&self, message_id: &str) -> StoreResult<Vec<DeliveryView>> {
                Ok(sqlx::query_as(concat!(delivery_view!(), " WHERE d.message_id = $1 ORDER BY d.position"))
                    .bind(message_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn delivery(&self, id: &str) -> StoreResult<Option<DeliveryView>> {
                Ok(sqlx::query_as(concat!(delivery_view!(), " WHERE d.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn delivery_by_link(&self, link_hash: &[u8]) -> StoreResult<Option<DeliveryView>> {
                Ok(sqlx::query_as(concat!(delivery_view!(), " WHERE d.link_hash = $1"))
                    .bind(link_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn mark_notified(&self, delivery_id: &str, now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE deliveries SET notified_at = $2 WHERE id = $1 AND notified_at IS NULL")
                    .bind(delivery_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn mark_downloaded(&self, delivery_id: &str, now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE deliveries SET downloaded_at = $2 WHERE id = $1 AND downloaded_at IS NULL")
                    .bind(delivery_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn mark_opened(&self, delivery_id: &str, now: UnixTime) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE deliveries SET opened_at = $2 WHERE id = $1 AND opened_at IS NULL")
                    .bind(delivery_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn revoke_message(&self, id: &str, now: UnixTime) -> StoreResult<bool> {
                let mut tx = self.pool.begin_with($begin).await?;
                let ended = sqlx::query("UPDATE messages SET state = 'revoked', ended_at = $2, wrapped_dek = NULL, subject_ct = NULL, body_ct = NULL WHERE id = $1 AND state = 'sent'")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                sqlx::query("UPDATE replies SET body_ct = NULL WHERE message_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(shred_attachments_sql!()).bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                self.after_shred().await?;
                Ok(ended)
            }

            async fn expire_due_messages(&self, now: UnixTime) -> StoreResult<Vec<String>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let ids: Vec<String> = sqlx::query_scalar("UPDATE messages SET state = 'expired', ended_at = $1, wrapped_dek = NULL, subject_ct = NULL, body_ct = NULL WHERE state = 'sent' AND expires_at <= $1 AND NOT EXISTS (SELECT 1 FROM deliveries d JOIN recipients r ON r.id = d.recipient_id WHERE d.message_id = messages.id AND r.legal_hold_until > $1) RETURNING id")
                    .bind(now)
                    .fetch_all(&mut *tx)
                    .await?;
                for id in &ids {
                    sqlx::query("UPDATE replies SET body_ct = NULL WHERE message_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(shred_attachments_sql!()).bind(id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                if !ids.is_empty() {
                    self.after_shred().await?;
                }
                Ok(ids)
            }

            async fn create_challenge(&self, c: &Challenge, job: &NewJob) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                insert_challenge(&mut *tx, c).await?;
                insert_job(&mut *tx, job).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn latest_challenge(&self, delivery_id: &str) -> StoreResult<Option<Challenge>> {
                Ok(sqlx::query_as("SELECT * FROM challenges WHERE delivery_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
                    .bind(delivery_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn spend_challenge_try(&self, challenge_id: &str, max_tries: i64, now: UnixTime) -> StoreResult<Option<Challenge>> {
                Ok(sqlx::query_as("UPDATE challenges SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 AND consumed_at IS NULL AND expires_at > $3 RETURNING *")
                    .bind(challenge_id)
                    .bind(max_tries)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn consume_challenge(&self, challenge_id: &str, now: UnixTime) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE challenges SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL")
                    .bind(challenge_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn count_failure(&self, delivery_id: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("UPDATE deliveries SET failures = failures + 1 WHERE id = $1 RETURNING failures")
                    .bind(delivery_id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn set_delivery_wait(&self, delivery_id: &str, wait_until: Option<UnixTime>, locked_at: Option<UnixTime>) -> StoreResult<()> {
                sqlx::query("UPDATE deliveries SET wait_until = $2, locked_at = $3 WHERE id = $1")
                    .bind(delivery_id)
                    .bind(wait_until)
                    .bind(locked_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn clear_failures(&self, delivery_id: &str) -> StoreResult<()> {
                sqlx::query("UPDATE deliveries SET failures = 0, wait_until = NULL, locked_at = NULL WHERE id = $1")
                    .bind(delivery_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_session(&self, id_hash: &[u8], delivery_id: &str, now: UnixTime) -> StoreResult<()> {
                sqlx::query("INSERT INTO portal_sessions (id_hash, delivery_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
                    .bind(id_hash)
                    .bind(delivery_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(&self, id_hash: &[u8]) -> StoreResult<Option<PortalSession>> {
                Ok(sqlx::query_as("SELECT delivery_id, created_at, last_seen_at FROM portal_sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn touch_session(&self, id_hash: &[u8], now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE portal_sessions SET last_seen_at = $2 WHERE id_hash = $1")
                    .bind(id_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, id_hash: &[u8]) -> StoreResult<()> {
                sqlx::query("DELETE FROM portal_sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_reply(&self, reply: &Reply, job: &NewJob) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("INSERT INTO replies (id, message_id, delivery_id, body_ct, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&reply.id)
                    .bind(&reply.message_id)
                    .bind(&reply.delivery_id)
                    .bind(&reply.body_ct)
                    .bind(reply.created_at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE deliveries SET replied_at = $2 WHERE id = $1")
                    .bind(&reply.delivery_id)
                    .bind(reply.created_at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE attachments SET state = 'sent' WHERE reply_id = $1 AND state = 'ready'")
                    .bind(&reply.id)
                    .execute(&mut *tx)
                    .await?;
                insert_job(&mut *tx, job).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn reply(&self, id: &str) -> StoreResult<Option<Reply>> {
                Ok(sqlx::query_as("SELECT * FROM replies WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn replies(&self, message_id: &str) -> StoreResult<Vec<Reply>> {
                Ok(sqlx::query_as("SELECT * FROM replies WHERE message_id = $1 ORDER BY created_at, id")
                    .bind(message_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn enqueue(&self, job: &NewJob) -> StoreResult<()> {
                insert_job(&self.pool, job).await
            }

            async fn claim_job(&self, now: UnixTime, lease_seconds: i64) -> StoreResult<Option<Job>> {
                Ok(sqlx::query_as($claim)
                    .bind(now)
                    .bind(now + lease_seconds)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn complete_job(&self, id: i64, now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE jobs SET done_at = $2, locked_until = NULL WHERE id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn retry_job(&self, id: i64, error: &str, run_at: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE jobs SET locked_until = NULL, run_at = $3, last_error = $2 WHERE id = $1")
                    .bind(id)
                    .bind(error)
                    .bind(run_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn reserve_sms(&self, challenge: &Challenge, sms: &SmsLog, job: &NewJob, caps: &SmsCaps) -> StoreResult<SmsReservation> {
                let mut tx = self.pool.begin_with($begin).await?;
                // Serialises SMS reservations per organisation, so parallel requests cannot
                // all pass the caps check before any of them is counted.
                sqlx::query($lock_org).bind(&sms.org_id).execute(&mut *tx).await?;
                let hour = sms.created_at - 3600;
                let day = sms.created_at - 86_400;
                let count = |column: &'static str, value: &str, since: i64| (column, value.to_owned(), since);
                let checks = [
                    (count("recipient", &sms.recipient_id, hour), caps.per_recipient_hour, SmsReservation::RecipientHourlyCap),
                    (count("recipient", &sms.recipient_id, day), caps.per_recipient_day, SmsReservation::RecipientDailyCap),
                    (count("org", &sms.org_id, hour), caps.per_organisation_hour, SmsReservation::OrganisationHourlyCap),
                    (count("org", &sms.org_id, day), caps.per_organisation_day, SmsReservation::OrganisationDailyCap),
                ];
                for ((column, value, since), cap, refusal) in checks {
                    let sql = if column == "org" {
                        "SELECT COUNT(*) FROM sms_log WHERE org_id = $1 AND created_at > $2"
                    } else {
                        "SELECT COUNT(*) FROM sms_log WHERE recipient_id = $1 AND created_at > $2"
                    };
                    let sent: i64 = sqlx::query_scalar(sql).bind(&value).bind(since).fetch_one(&mut *tx).await?;
                    if sent >= cap {
                        return Ok(refusal);
                    }
                }
                insert_challenge(&mut *tx, challenge).await?;
                sqlx::query("INSERT INTO sms_log (id, org_id, delivery_id, recipient_id, challenge_id, phone, phone_masked, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)")
                    .bind(&sms.id)
                    .bind(&sms.org_id)
                    .bind(&sms.delivery_id)
                    .bind(&sms.recipient_id)
                    .bind(&sms.challenge_id)
                    .bind(&sms.phone)
                    .bind(&sms.phone_masked)
                    .bind(&sms.status)
                    .bind(sms.created_at)
                    .execute(&mut *tx)
                    .await?;
                insert_job(&mut *tx, job).await?;
                tx.commit().await?;
                Ok(SmsReservation::Reserved)
            }

            async fn sms(&self, id: &str) -> StoreResult<Option<SmsLog>> {
                Ok(sqlx::query_as("SELECT * FROM sms_log WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn sms_for_delivery(&self, delivery_id: &str) -> StoreResult<Vec<SmsLog>> {
                Ok(sqlx::query_as("SELECT * FROM sms_log WHERE delivery_id = $1 ORDER BY created_at, id")
                    .bind(delivery_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn mark_sms(&self, id: &str, provider: &str, provider_message_id: Option<&str>, status: &str, now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE sms_log SET provider = $2, provider_message_id = $3, status = $4, updated_at = $5 WHERE id = $1")
                    .bind(id)
                    .bind(provider)
                    .bind(provider_message_id)
                    .bind(status)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn record_sms_report(&self, provider: &str, provider_message_id: &str, status: &str, now: UnixTime) -> StoreResult<bool> {
                // Final states stay final: a late "sent" never overwrites "delivered".
                let done = sqlx::query("UPDATE sms_log SET status = $3, updated_at = $4 WHERE provider = $1 AND provider_message_id = $2 AND status NOT IN ('delivered', 'failed') AND status <> $3")
                    .bind(provider)
                    .bind(provider_message_id)
                    .bind(status)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn purge_sms_numbers(&self, sent_before: UnixTime, now: UnixTime) -> StoreResult<u64> {
                let done = sqlx::query("UPDATE sms_log SET phone = NULL, purged_at = $2 WHERE phone IS NOT NULL AND created_at <= $1")
                    .bind(sent_before)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() > 0 {
                    self.after_shred().await?;
                }
                Ok(done.rows_affected())
            }

            async fn report_wrong_number(&self, delivery_id: &str, now: UnixTime, quiet_seconds: i64) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE deliveries SET wrong_number_reported_at = $2 WHERE id = $1 AND (wrong_number_reported_at IS NULL OR wrong_number_reported_at <= $3)")
                    .bind(delivery_id)
                    .bind(now)
                    .bind(now - quiet_seconds)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn purge_challenges(&self, before: UnixTime) -> StoreResult<u64> {
                let done = sqlx::query("DELETE FROM challenges WHERE created_at < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn messages_of_organisation(&self, org_id: &str) -> StoreResult<Vec<Message>> {
                Ok(sqlx::query_as("SELECT * FROM messages WHERE org_id = $1 AND wrapped_dek IS NOT NULL ORDER BY created_at, id")
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn recipients_by_phone(&self, org_id: &str, phone: &str) -> StoreResult<Vec<Recipient>> {
                Ok(sqlx::query_as("SELECT * FROM recipients WHERE org_id = $1 AND phone = $2 ORDER BY created_at")
                    .bind(org_id)
                    .bind(phone)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn deliveries_of_recipient(&self, recipient_id: &str) -> StoreResult<Vec<DeliveryView>> {
                Ok(sqlx::query_as(concat!(delivery_view!(), " WHERE d.recipient_id = $1 ORDER BY d.id"))
                    .bind(recipient_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn sms_of_recipient(&self, recipient_id: &str) -> StoreResult<Vec<SmsLog>> {
                Ok(sqlx::query_as("SELECT * FROM sms_log WHERE recipient_id = $1 ORDER BY created_at, id")
                    .bind(recipient_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn rectify_recipient(&self, id: &str, email: &str, language: &str) -> StoreResult<()> {
                sqlx::query("UPDATE recipients SET email = $2, language = $3 WHERE id = $1")
                    .bind(id)
                    .bind(email)
                    .bind(language)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn erase_recipient(&self, id: &str, pseudonym: &str, now: UnixTime) -> StoreResult<Vec<String>> {
                let mut tx = self.pool.begin_with($begin).await?;
                // Messages whose only recipient this person is go entirely.
                let shredded: Vec<String> = sqlx::query_scalar("UPDATE messages SET state = 'expired', ended_at = $2, wrapped_dek = NULL, subject_ct = NULL, body_ct = NULL WHERE state = 'sent' AND id IN (SELECT message_id FROM deliveries WHERE recipient_id = $1) AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.message_id = messages.id AND o.recipient_id <> $1) RETURNING id")
                    .bind(id)
                    .bind(now)
                    .fetch_all(&mut *tx)
                    .await?;
                for message in &shredded {
                    sqlx::query(shred_attachments_sql!()).bind(message).execute(&mut *tx).await?;
                }
                sqlx::query("UPDATE attachments SET state = 'shredded', meta_ct = NULL, writer = NULL WHERE reply_id IN (SELECT r.id FROM replies r JOIN deliveries d ON d.id = r.delivery_id WHERE d.recipient_id = $1)")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE replies SET body_ct = NULL WHERE delivery_id IN (SELECT id FROM deliveries WHERE recipient_id = $1)")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM portal_sessions WHERE delivery_id IN (SELECT id FROM deliveries WHERE recipient_id = $1)")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE sms_log SET phone = NULL, phone_masked = 'erased', purged_at = $2 WHERE recipient_id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE recipients SET email = $2, phone = NULL, access_code_hash = NULL, verification_method = 'email_code' WHERE id = $1")
                    .bind(id)
                    .bind(pseudonym)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                self.after_shred().await?;
                Ok(shredded)
            }

            async fn append_audit(&self, event: &NewAuditEvent, mac: AuditMac<'_>) -> StoreResult<AuditEvent> {
                let mut tx = self.pool.begin_with($begin).await?;
                let record = append_audit_in(&mut tx, event, mac).await?;
                tx.commit().await?;
                Ok(record)
            }

            async fn audit_events_about(&self, org_id: &str, subject: &str) -> StoreResult<Vec<AuditEvent>> {
                Ok(sqlx::query_as("SELECT * FROM audit_log WHERE org_id = $1 AND subject = $2 ORDER BY seq")
                    .bind(org_id)
                    .bind(subject)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn audit_events_by(&self, org_id: &str, actor: &str) -> StoreResult<Vec<AuditEvent>> {
                Ok(sqlx::query_as("SELECT * FROM audit_log WHERE org_id = $1 AND actor = $2 ORDER BY seq")
                    .bind(org_id)
                    .bind(actor)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn audit_head(&self, org_id: &str) -> StoreResult<Option<AuditHead>> {
                Ok(sqlx::query_as("SELECT * FROM audit_heads WHERE org_id = $1")
                    .bind(org_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn audit_events(&self, org_id: &str) -> StoreResult<Vec<AuditEvent>> {
                Ok(sqlx::query_as("SELECT * FROM audit_log WHERE org_id = $1 ORDER BY seq")
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn audit_heads(&self) -> StoreResult<Vec<AuditHead>> {
                Ok(sqlx::query_as("SELECT * FROM audit_heads ORDER BY org_id")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn prune_audit(&self, org_id: &str, before: UnixTime) -> StoreResult<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query($lock_org).bind(org_id).execute(&mut *tx).await?;
                // Only a prefix of the chain goes, so what remains still verifies from its start.
                let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log WHERE org_id = $1 AND seq < COALESCE((SELECT MIN(seq) FROM audit_log WHERE org_id = $1 AND created_at >= $2), (SELECT seq FROM audit_heads WHERE org_id = $1))")
                    .bind(org_id)
                    .bind(before)
                    .fetch_one(&mut *tx)
                    .await?;
                let Some(last) = last else {
                    return Ok(0);
                };
                let done = sqlx::query("DELETE FROM audit_log WHERE org_id = $1 AND seq <= $2")
                    .bind(org_id)
                    .bind(last)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE audit_heads SET pruned_through = $2 WHERE org_id = $1")
                    .bind(org_id)
                    .bind(last)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn pending_jobs(&self) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?)
            }
        }

        /// Appends to the organisation's audit chain inside `tx`, under the organisation's
        /// lock: the record commits (or not) together with the change it describes.
        async fn append_audit_in(
            tx: &mut sqlx::Transaction<'_, <$store as $crate::sql_impl::Backend>::Db>,
            event: &NewAuditEvent,
            mac: AuditMac<'_>,
        ) -> StoreResult<AuditEvent> {
            let mut records = append_audit_batch_in(tx, &event.org_id, std::iter::once(event), mac).await?;
            Ok(records.pop().expect("one event, one record"))
        }

        async fn insert_challenge<'e, E>(executor: E, c: &Challenge) -> StoreResult<()>
        where
            E: sqlx::Executor<'e, Database = <$store as $crate::sql_impl::Backend>::Db>,
        {
            sqlx::query("INSERT INTO challenges (id, delivery_id, code_hmac, created_at, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)")
                .bind(&c.id)
                .bind(&c.delivery_id)
                .bind(&c.code_hmac)
                .bind(c.created_at)
                .bind(c.expires_at)
                .execute(executor)
                .await?;
            Ok(())
        }

        async fn insert_job<'e, E>(executor: E, job: &NewJob) -> StoreResult<()>
        where
            E: sqlx::Executor<'e, Database = <$store as $crate::sql_impl::Backend>::Db>,
        {
            sqlx::query("INSERT INTO jobs (kind, payload, run_at, attempts, created_at) VALUES ($1, $2, $3, 0, $3)")
                .bind(&job.kind)
                .bind(&job.payload)
                .bind(job.run_at)
                .execute(executor)
                .await?;
            Ok(())
        }
    };
}

/// Names the sqlx database type of a store, for the helpers the macro generates.
pub(crate) trait Backend {
    type Db: sqlx::Database;
}

/// The job-claim statement without the row locking clause; PostgreSQL appends
/// `FOR UPDATE SKIP LOCKED` so concurrent workers never wait on each other's rows.
macro_rules! claim_job_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET locked_until = $2, attempts = attempts + 1 WHERE id = (",
            "SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $1 ",
            "AND (locked_until IS NULL OR locked_until <= $1) ORDER BY run_at, id LIMIT 1 ",
            $lock,
            ") RETURNING id, kind, payload, attempts"
        )
    };
}

pub(crate) use {claim_job_sql, delivery_view, impl_store};
