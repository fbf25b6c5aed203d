//! Group commit of sent messages, shared by both backends: a batch is written with one
//! multi-row statement per table instead of a statement per row, so its transaction is short
//! whatever its size (see `Store::create_messages`). Their text changes with the batch's size,
//! so they are not kept as prepared statements: they would push the hot ones out of the cache.

macro_rules! impl_send_batch {
    (store = $store:ty, lock_org = $lock_org:literal $(,)?) => {
        /// Writes every message of the batch inside `tx`, as `create_message_in` would write
        /// each; any failure fails the whole batch.
        async fn store_batch_in(
            tx: &mut sqlx::Transaction<'_, <$store as $crate::sql_impl::Backend>::Db>,
            batch: &[MessageToStore],
            mac: AuditMac<'_>,
        ) -> StoreResult<()> {
            type Db = <$store as $crate::sql_impl::Backend>::Db;
            let recipient_ids = batch_recipients_in(tx, batch).await?;

            let mut messages = sqlx::QueryBuilder::<Db>::new("INSERT INTO messages (id, org_id, sender_id, subject_ct, body_ct, wrapped_dek, kek_version, state, created_at, expires_at, secure, mailbox_id) ");
            messages.push_values(batch, |mut row, item| {
                let m = &item.message.message;
                row.push_bind(&m.id)
                    .push_bind(&m.org_id)
                    .push_bind(&m.sender_id)
                    .push_bind(&m.subject_ct)
                    .push_bind(&m.body_ct)
                    .push_bind(&m.wrapped_dek)
                    .push_bind(m.kek_version)
                    .push_bind(&m.state)
                    .push_bind(m.created_at)
                    .push_bind(m.expires_at)
                    .push_bind(m.secure)
                    .push_bind(&m.mailbox_id);
            });
            messages.build().persistent(false).execute(&mut **tx).await?;

            let deliveries: Vec<_> = batch
                .iter()
                .flat_map(|item| {
                    let message_id = &item.message.message.id;
                    item.message.deliveries.iter().enumerate().map(move |(position, d)| (message_id, position, d))
                })
                .collect();
            let mut rows = sqlx::QueryBuilder::<Db>::new("INSERT INTO deliveries (id, message_id, recipient_id, kind, position, link_hash) ");
            rows.push_values(&deliveries, |mut row, (message_id, position, d)| {
                let recipient_id = match &d.new_recipient {
                    Some(new) => recipient_ids[&(new.org_id.as_str(), new.email.as_str())].clone(),
                    None => d.recipient_id.clone(),
                };
                row.push_bind(&d.id)
                    .push_bind(*message_id)
                    .push_bind(recipient_id)
                    .push_bind(&d.kind)
                    .push_bind(*position as i64)
                    .push_bind(&d.link_hash);
            });
            rows.build().persistent(false).execute(&mut **tx).await?;

            for item in batch.iter().filter(|item| item.message.from_draft) {
                take_draft_in(tx, &item.message.message).await?;
            }

            let jobs: Vec<_> = batch.iter().flat_map(|item| &item.jobs).collect();
            if !jobs.is_empty() {
                let mut rows = sqlx::QueryBuilder::<Db>::new("INSERT INTO jobs (kind, payload, run_at, attempts, created_at) ");
                rows.push_values(jobs, |mut row, job| {
                    row.push_bind(&job.kind)
                        .push_bind(&job.payload)
                        .push_bind(job.run_at)
                        .push_bind(0i64)
                        .push_bind(job.run_at);
                });
                rows.build().persistent(false).execute(&mut **tx).await?;
            }

            // Each organisation's chain once, in a fixed order (no deadlock between batches).
            let mut orgs: Vec<&str> = batch.iter().map(|item| item.audit.org_id.as_str()).collect();
            orgs.sort_unstable();
            orgs.dedup();
            for org in orgs {
                let events = batch.iter().map(|item| &item.audit).filter(|e| e.org_id == org);
                append_audit_batch_in(tx, org, events, mac).await?;
            }
            Ok(())
        }

        /// Stores the batch's new addresses (keeping records made meanwhile) and returns the
        /// id of each by organisation and address.
        async fn batch_recipients_in<'b>(
            tx: &mut sqlx::Transaction<'_, <$store as $crate::sql_impl::Backend>::Db>,
            batch: &'b [MessageToStore],
        ) -> StoreResult<std::collections::HashMap<(&'b str, &'b str), String>> {
            type Db = <$store as $crate::sql_impl::Backend>::Db;
            let mut new: Vec<&Recipient> = batch
                .iter()
                .flat_map(|item| &item.message.deliveries)
                .filter_map(|d| d.new_recipient.as_ref())
                .collect();
            new.sort_unstable_by(|a, b| (&a.org_id, &a.email).cmp(&(&b.org_id, &b.email)));
            new.dedup_by(|a, b| a.org_id == b.org_id && a.email == b.email);
            let mut ids = std::collections::HashMap::new();
            if new.is_empty() {
                return Ok(ids);
            }
            let mut rows = sqlx::QueryBuilder::<Db>::new("INSERT INTO recipients (id, org_id, email, verification_method, access_code_hash, language, created_at, phone) ");
            rows.push_values(&new, |mut row, r| {
                row.push_bind(&r.id)
                    .push_bind(&r.org_id)
                    .push_bind(&r.email)
                    .push_bind(&r.verification_method)
                    .push_bind(&r.access_code_hash)
                    .push_bind(&r.language)
                    .push_bind(r.created_at)
                    .push_bind(&r.phone);
            });
            rows.push(" ON CONFLICT (org_id, email) DO NOTHING");
            rows.build().persistent(false).execute(&mut **tx).await?;
            for org in new.chunk_by(|a, b| a.org_id == b.org_id) {
                let mut query = sqlx::QueryBuilder::<Db>::new("SELECT email, id FROM recipients WHERE org_id = ");
                query.push_bind(&org[0].org_id).push(" AND email IN (");
                let mut list = query.separated(", ");
                for r in org {
                    list.push_bind(&r.email);
                }
                query.push(")");
                let found: Vec<(String, String)> = query.build_query_as().persistent(false).fetch_all(&mut **tx).await?;
                let found: std::collections::HashMap<String, String> = found.into_iter().collect();
                for r in org {
                    let id = found.get(&r.email).ok_or(StoreError::Conflict)?.clone();
                    ids.insert((r.org_id.as_str(), r.email.as_str()), id);
                }
            }
            Ok(ids)
        }

        /// The draft becomes this message, with its ready files; sending it twice fails here.
        async fn take_draft_in(
            tx: &mut sqlx::Transaction<'_, <$store as $crate::sql_impl::Backend>::Db>,
            message: &Message,
        ) -> StoreResult<()> {
            let taken = sqlx::query("DELETE FROM drafts WHERE id = $1 AND sender_id = $2")
                .bind(&message.id)
                .bind(&message.sender_id)
                .execute(&mut **tx)
                .await?;
            if taken.rows_affected() != 1 {
                return Err(StoreError::Conflict);
            }
            sqlx::query("UPDATE attachments SET state = 'sent' WHERE message_id = $1 AND reply_id IS NULL AND state = 'ready'")
                .bind(&message.id)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        /// Appends an organisation's events to its audit chain in order, under its lock, with
        /// one read and one write of the chain's head.
        async fn append_audit_batch_in<'e>(
            tx: &mut sqlx::Transaction<'_, <$store as $crate::sql_impl::Backend>::Db>,
            org_id: &str,
            events: impl Iterator<Item = &'e NewAuditEvent>,
            mac: AuditMac<'_>,
        ) -> StoreResult<Vec<AuditEvent>> {
            type Db = <$store as $crate::sql_impl::Backend>::Db;
            sqlx::query($lock_org).bind(org_id).execute(&mut **tx).await?;
            let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, mac FROM audit_heads WHERE org_id = $1")
                .bind(org_id)
                .fetch_optional(&mut **tx)
                .await?;
            let (mut seq, mut prev_mac) = head.unwrap_or((0, String::new()));
            let mut records = Vec::new();
            for event in events {
                seq += 1;
                let record_mac = mac(event, seq, &prev_mac);
                records.push(AuditEvent {
                    org_id: event.org_id.clone(),
                    seq,
                    actor: event.actor.clone(),
                    action: event.action.clone(),
                    subject: event.subject.clone(),
                    detail: event.detail.clone(),
                    created_at: event.created_at,
                    prev_mac: std::mem::replace(&mut prev_mac, record_mac.clone()),
                    mac: record_mac,
                });
            }
            let mut rows = sqlx::QueryBuilder::<Db>::new("INSERT INTO audit_log (org_id, seq, actor, action, subject, detail, created_at, prev_mac, mac) ");
            rows.push_values(&records, |mut row, record| {
                row.push_bind(&record.org_id)
                    .push_bind(record.seq)
                    .push_bind(&record.actor)
                    .push_bind(&record.action)
                    .push_bind(&record.subject)
                    .push_bind(&record.detail)
                    .push_bind(record.created_at)
                    .push_bind(&record.prev_mac)
                    .push_bind(&record.mac);
            });
            rows.build().persistent(false).execute(&mut **tx).await?;
            sqlx::query("INSERT INTO audit_heads (org_id, seq, mac) VALUES ($1, $2, $3) ON CONFLICT (org_id) DO UPDATE SET seq = $2, mac = $3")
                .bind(org_id)
                .bind(seq)
                .bind(&prev_mac)
                .execute(&mut **tx)
                .await?;
            Ok(records)
        }
    };
}

pub(crate) use impl_send_batch;
