//! The admin console's SQL, shared by both backends.

macro_rules! impl_admin_store {
    (store = $store:ty, begin = $begin:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::AdminStore for $store {
            async fn organisation_settings(&self, org_id: &str) -> StoreResult<Option<OrganisationSettings>> {
                Ok(sqlx::query_as("SELECT * FROM organisation_settings WHERE org_id = $1")
                    .bind(org_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn save_organisation_settings(&self, s: &OrganisationSettings) -> StoreResult<()> {
                sqlx::query("INSERT INTO organisation_settings (org_id, allowed_methods, min_access_code_length, sms_hour_cap, sms_day_cap, brand_colour, brand_logo, brand_logo_type, updated_at, helpdesk_address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                             ON CONFLICT (org_id) DO UPDATE SET allowed_methods = excluded.allowed_methods, min_access_code_length = excluded.min_access_code_length, sms_hour_cap = excluded.sms_hour_cap, sms_day_cap = excluded.sms_day_cap, brand_colour = excluded.brand_colour, brand_logo = excluded.brand_logo, brand_logo_type = excluded.brand_logo_type, updated_at = excluded.updated_at, helpdesk_address = excluded.helpdesk_address")
                    .bind(&s.org_id)
                    .bind(&s.allowed_methods)
                    .bind(s.min_access_code_length)
                    .bind(s.sms_hour_cap)
                    .bind(s.sms_day_cap)
                    .bind(&s.brand_colour)
                    .bind(&s.brand_logo)
                    .bind(&s.brand_logo_type)
                    .bind(s.updated_at)
                    .bind(&s.helpdesk_address)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn update_organisation_policy(&self, org_id: &str, default_expiry_days: i64, max_expiry_days: i64, detection_level: &str, audit_retention_days: i64) -> StoreResult<()> {
                sqlx::query("UPDATE organisations SET default_expiry_days = $2, max_expiry_days = $3, detection_level = $4, audit_retention_days = $5 WHERE id = $1")
                    .bind(org_id)
                    .bind(default_expiry_days)
                    .bind(max_expiry_days)
                    .bind(detection_level)
                    .bind(audit_retention_days)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn add_domain(&self, org_id: &str, domain: &str) -> StoreResult<()> {
                sqlx::query("INSERT INTO organisation_domains (domain, org_id) VALUES ($1, $2)")
                    .bind(domain)
                    .bind(org_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn remove_domain(&self, org_id: &str, domain: &str) -> StoreResult<bool> {
                let done = sqlx::query("DELETE FROM organisation_domains WHERE org_id = $1 AND domain = $2")
                    .bind(org_id)
                    .bind(domain)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn users_of_organisation(&self, org_id: &str) -> StoreResult<Vec<User>> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE org_id = $1 ORDER BY email")
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn set_user_deactivated(&self, user_id: &str, at: Option<UnixTime>) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE users SET deactivated_at = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                if at.is_some() {
                    sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn reset_second_factor(&self, user_id: &str) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE users SET totp_secret_ct = NULL, totp_last_step = NULL WHERE id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                for statement in ["DELETE FROM recovery_codes WHERE user_id = $1", "DELETE FROM staff_sessions WHERE user_id = $1"] {
                    sqlx::query(statement).bind(user_id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_mailbox(&self, m: &SharedMailbox) -> StoreResult<()> {
                sqlx::query("INSERT INTO shared_mailboxes (id, org_id, email, display_name, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&m.id)
                    .bind(&m.org_id)
                    .bind(&m.email)
                    .bind(&m.display_name)
                    .bind(m.created_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn mailbox(&self, id: &str) -> StoreResult<Option<SharedMailbox>> {
                Ok(sqlx::query_as("SELECT * FROM shared_mailboxes WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn mailboxes_of_organisation(&self, org_id: &str) -> StoreResult<Vec<SharedMailbox>> {
                Ok(sqlx::query_as("SELECT * FROM shared_mailboxes WHERE org_id = $1 ORDER BY email")
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn mailboxes_of_user(&self, user_id: &str) -> StoreResult<Vec<SharedMailbox>> {
                Ok(sqlx::query_as("SELECT b.* FROM shared_mailboxes b JOIN mailbox_members m ON m.mailbox_id = b.id WHERE m.user_id = $1 ORDER BY b.email")
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn mailbox_members(&self, mailbox_id: &str) -> StoreResult<Vec<User>> {
                Ok(sqlx::query_as("SELECT u.* FROM users u JOIN mailbox_members m ON m.user_id = u.id WHERE m.mailbox_id = $1 ORDER BY u.email")
                    .bind(mailbox_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn add_mailbox_member(&self, mailbox_id: &str, user_id: &str) -> StoreResult<()> {
                sqlx::query("INSERT INTO mailbox_members (mailbox_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(mailbox_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn remove_mailbox_member(&self, mailbox_id: &str, user_id: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM mailbox_members WHERE mailbox_id = $1 AND user_id = $2")
                    .bind(mailbox_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn messages_by_mailbox(&self, mailbox_id: &str, limit: i64) -> StoreResult<Vec<Message>> {
                Ok(sqlx::query_as("SELECT * FROM messages WHERE mailbox_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
                    .bind(mailbox_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn set_legal_hold(&self, recipient_id: &str, until: Option<UnixTime>, reason: Option<&str>) -> StoreResult<()> {
                sqlx::query("UPDATE recipients SET legal_hold_until = $2, legal_hold_reason = $3 WHERE id = $1")
                    .bind(recipient_id)
                    .bind(until)
                    .bind(reason)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn recent_audit_events(&self, org_id: &str, limit: i64) -> StoreResult<Vec<AuditEvent>> {
                Ok(sqlx::query_as("SELECT * FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT $2")
                    .bind(org_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(crate) use impl_admin_store;
