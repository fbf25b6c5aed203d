//! The helpdesk's SQL, shared by both backends.

macro_rules! impl_helpdesk_store {
    (store = $store:ty, begin = $begin:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::HelpdeskStore for $store {
            async fn organisation_by_helpdesk_address(&self, address: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT org_id FROM organisation_settings WHERE helpdesk_address = $1")
                    .bind(address)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn create_customer(&self, c: &Customer, domains: &[String]) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("INSERT INTO customers (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&c.id)
                    .bind(&c.org_id)
                    .bind(&c.name)
                    .bind(c.created_at)
                    .execute(&mut *tx)
                    .await?;
                for domain in domains {
                    sqlx::query("INSERT INTO customer_domains (org_id, domain, customer_id) VALUES ($1, $2, $3)")
                        .bind(&c.org_id)
                        .bind(domain)
                        .bind(&c.id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn customers(&self, org_id: &str) -> StoreResult<Vec<Customer>> {
                Ok(sqlx::query_as("SELECT * FROM customers WHERE org_id = $1 ORDER BY name")
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn customer(&self, id: &str) -> StoreResult<Option<Customer>> {
                Ok(sqlx::query_as("SELECT * FROM customers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn customer_by_domain(&self, org_id: &str, domain: &str) -> StoreResult<Option<Customer>> {
                Ok(sqlx::query_as("SELECT c.* FROM customers c JOIN customer_domains d ON d.customer_id = c.id WHERE d.org_id = $1 AND d.domain = $2")
                    .bind(org_id)
                    .bind(domain)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn customer_domains(&self, customer_id: &str) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT domain FROM customer_domains WHERE customer_id = $1 ORDER BY domain")
                    .bind(customer_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn create_contact(&self, c: &Contact) -> StoreResult<()> {
                sqlx::query("INSERT INTO contacts (id, org_id, customer_id, email, name, role, added_by, portal_account, deactivated_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(&c.id)
                    .bind(&c.org_id)
                    .bind(&c.customer_id)
                    .bind(&c.email)
                    .bind(&c.name)
                    .bind(&c.role)
                    .bind(&c.added_by)
                    .bind(c.portal_account)
                    .bind(c.deactivated_at)
                    .bind(c.created_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn contact(&self, id: &str) -> StoreResult<Option<Contact>> {
                Ok(sqlx::query_as("SELECT * FROM contacts WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn contact_by_email(&self, org_id: &str, email: &str) -> StoreResult<Option<Contact>> {
                Ok(sqlx::query_as("SELECT * FROM contacts WHERE org_id = $1 AND email = $2")
                    .bind(org_id)
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn contacts_of_customer(&self, customer_id: &str) -> StoreResult<Vec<Contact>> {
                Ok(sqlx::query_as("SELECT * FROM contacts WHERE customer_id = $1 ORDER BY name, email")
                    .bind(customer_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn set_contact_deactivated(&self, id: &str, at: Option<UnixTime>) -> StoreResult<()> {
                sqlx::query("UPDATE contacts SET deactivated_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn contacts_deactivated_before(&self, before: UnixTime) -> StoreResult<Vec<Contact>> {
                Ok(sqlx::query_as("SELECT * FROM contacts WHERE deactivated_at IS NOT NULL AND deactivated_at < $1 ORDER BY org_id, email")
                    .bind(before)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn delete_contact(&self, id: &str) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                for statement in [
                    "DELETE FROM contact_sessions WHERE contact_id = $1",
                    "UPDATE tickets SET contact_id = NULL WHERE contact_id = $1",
                    "UPDATE tickets SET cc_contact_id = NULL WHERE cc_contact_id = $1",
                    "DELETE FROM contacts WHERE id = $1",
                ] {
                    sqlx::query(statement).bind(id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn set_portal_account(&self, contact_id: &str, on: bool) -> StoreResult<()> {
                sqlx::query("UPDATE contacts SET portal_account = $2 WHERE id = $1")
                    .bind(contact_id)
                    .bind(i64::from(on))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_contact_signin(&self, contact_id: &str, hmac: &[u8], expires_at: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE contacts SET signin_code_hmac = $2, signin_expires_at = $3, signin_attempts = 0 WHERE id = $1")
                    .bind(contact_id)
                    .bind(hmac)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn contact_signin(&self, contact_id: &str) -> StoreResult<Option<ContactSignIn>> {
                Ok(sqlx::query_as("SELECT signin_code_hmac, signin_expires_at, signin_attempts FROM contacts WHERE id = $1")
                    .bind(contact_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn spend_contact_signin(&self, contact_id: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("UPDATE contacts SET signin_attempts = signin_attempts + 1 WHERE id = $1 RETURNING signin_attempts")
                    .bind(contact_id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn start_contact_session(&self, contact_id: &str, id_hash: &[u8], now: UnixTime) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE contacts SET signin_code_hmac = NULL, signin_expires_at = NULL WHERE id = $1")
                    .bind(contact_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO contact_sessions (id_hash, contact_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
                    .bind(id_hash)
                    .bind(contact_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn contact_session(&self, id_hash: &[u8]) -> StoreResult<Option<(String, i64, i64)>> {
                Ok(sqlx::query_as("SELECT contact_id, created_at, last_seen_at FROM contact_sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn touch_contact_session(&self, id_hash: &[u8], now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE contact_sessions SET last_seen_at = $2 WHERE id_hash = $1")
                    .bind(id_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_contact_session(&self, id_hash: &[u8]) -> StoreResult<()> {
                sqlx::query("DELETE FROM contact_sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn profile_by_email(&self, org_id: &str, email: &str) -> StoreResult<Option<TicketProfile>> {
                Ok(sqlx::query_as("SELECT * FROM ticket_profiles WHERE org_id = $1 AND email = $2")
                    .bind(org_id)
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn profile(&self, id: &str) -> StoreResult<Option<TicketProfile>> {
                Ok(sqlx::query_as("SELECT * FROM ticket_profiles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn general_profile(&self, customer_id: &str) -> StoreResult<Option<TicketProfile>> {
                Ok(sqlx::query_as("SELECT * FROM ticket_profiles WHERE customer_id = $1 AND general = 1")
                    .bind(customer_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn create_profile(&self, p: &TicketProfile) -> StoreResult<()> {
                sqlx::query("INSERT INTO ticket_profiles (id, org_id, customer_id, email, name, general, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&p.id)
                    .bind(&p.org_id)
                    .bind(&p.customer_id)
                    .bind(&p.email)
                    .bind(&p.name)
                    .bind(p.general)
                    .bind(p.created_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn merge_profile_into(&self, from: &str, into: &str) -> StoreResult<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                let moved = sqlx::query("UPDATE tickets SET profile_id = $2 WHERE profile_id = $1")
                    .bind(from)
                    .bind(into)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                sqlx::query("DELETE FROM ticket_profiles WHERE id = $1")
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(moved)
            }

            async fn insert_ticket(&self, t: &Ticket) -> StoreResult<()> {
                sqlx::query("INSERT INTO tickets (id, org_id, customer_id, profile_id, contact_id, channel, state, subject_ct, body_ct, wrapped_dek, kek_version, removed, cc_contact_id, check_code_hmac, check_expires_at, check_attempts, created_at, updated_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)")
                    .bind(&t.id)
                    .bind(&t.org_id)
                    .bind(&t.customer_id)
                    .bind(&t.profile_id)
                    .bind(&t.contact_id)
                    .bind(&t.channel)
                    .bind(&t.state)
                    .bind(&t.subject_ct)
                    .bind(&t.body_ct)
                    .bind(&t.wrapped_dek)
                    .bind(t.kek_version)
                    .bind(&t.removed)
                    .bind(&t.cc_contact_id)
                    .bind(&t.check_code_hmac)
                    .bind(t.check_expires_at)
                    .bind(t.check_attempts)
                    .bind(t.created_at)
                    .bind(t.updated_at)
                    .bind(&t.kind)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn ticket(&self, id: &str) -> StoreResult<Option<Ticket>> {
                Ok(sqlx::query_as("SELECT * FROM tickets WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn tickets_of_org(&self, org_id: &str, limit: i64) -> StoreResult<Vec<Ticket>> {
                Ok(sqlx::query_as("SELECT * FROM tickets WHERE org_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2")
                    .bind(org_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn tickets_of_profile(&self, profile_id: &str) -> StoreResult<Vec<Ticket>> {
                Ok(sqlx::query_as("SELECT * FROM tickets WHERE profile_id = $1 ORDER BY created_at")
                    .bind(profile_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn set_ticket_state(&self, id: &str, state: &str, now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE tickets SET state = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(state)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn confirm_ticket_contact(&self, id: &str, contact_id: &str, now: UnixTime) -> StoreResult<()> {
                sqlx::query("UPDATE tickets SET contact_id = $2, state = 'open', check_code_hmac = NULL, check_expires_at = NULL, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(contact_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn spend_ticket_check(&self, id: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("UPDATE tickets SET check_attempts = check_attempts + 1 WHERE id = $1 RETURNING check_attempts")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn accept_referred_ticket(&self, id: &str, cc_contact_id: &str, now: UnixTime) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE tickets SET state = 'open', cc_contact_id = $2, updated_at = $3 WHERE id = $1 AND state = 'referred'")
                    .bind(id)
                    .bind(cc_contact_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(crate) use impl_helpdesk_store;
