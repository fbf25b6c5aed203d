//! The audit trail: security-relevant events, never content, codes or phone numbers, in a
//! chain per organisation where each record's MAC covers the previous one. `verify_audit`
//! finds any record that was changed, removed or put in another place.

use serde::Serialize;
use std::sync::Arc;
use zegel_crypto::Keyring;
use zegel_store::{AuditEvent, NewAuditEvent};

use crate::{App, AppResult};

/// The outcome of checking one organisation's chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub org_id: String,
    pub records: usize,
    /// The first problem found, if any.
    pub problem: Option<String>,
}

impl App {
    /// Appends an event to the organisation's chain.
    pub(crate) async fn audit(
        &self,
        org_id: &str,
        actor: &str,
        action: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        let event = self.audit_event(org_id, actor, action, subject, detail);
        self.store.append_audit(&event, &self.audit_mac()).await?;
        Ok(())
    }

    /// An event to append, stamped now.
    pub(crate) fn audit_event(
        &self,
        org_id: &str,
        actor: &str,
        action: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> NewAuditEvent {
        NewAuditEvent {
            org_id: org_id.to_owned(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_string(),
            created_at: self.now(),
        }
    }

    /// How a record's MAC is made (the key never reaches the store).
    pub(crate) fn audit_mac(&self) -> impl Fn(&NewAuditEvent, i64, &str) -> String + Sync + use<> {
        mac_with(self.keyring.clone())
    }

    /// Checks every organisation's chain.
    pub async fn verify_audit(&self) -> AppResult<Vec<ChainReport>> {
        let mut reports = Vec::new();
        for head in self.store.audit_heads().await? {
            reports.push(self.chain_report(&head).await?);
        }
        Ok(reports)
    }

    /// Checks one organisation's chain.
    pub(crate) async fn verify_organisation_audit(
        &self,
        org_id: &str,
    ) -> AppResult<Option<ChainReport>> {
        match self.store.audit_head(org_id).await? {
            Some(head) => Ok(Some(self.chain_report(&head).await?)),
            None => Ok(None),
        }
    }

    async fn chain_report(&self, head: &zegel_store::AuditHead) -> AppResult<ChainReport> {
        let records = self.store.audit_events(&head.org_id).await?;
        let problem = self.chain_problem(&records, head.seq, &head.mac, head.pruned_through);
        Ok(ChainReport {
            org_id: head.org_id.clone(),
            records: records.len(),
            problem,
        })
    }

    fn chain_problem(
        &self,
        records: &[AuditEvent],
        head_seq: i64,
        head_mac: &str,
        pruned_through: i64,
    ) -> Option<String> {
        let mut expected_seq = pruned_through + 1;
        let mut previous: Option<&str> = None;
        for record in records {
            if record.seq != expected_seq {
                return Some(format!(
                    "record {expected_seq} is missing or out of place (found {})",
                    record.seq
                ));
            }
            // After pruning the first remaining record's predecessor is gone; its MAC still
            // covers the link, so it is taken as given.
            if let Some(prev) = previous
                && prev != record.prev_mac
            {
                return Some(format!(
                    "record {} does not follow record {}",
                    record.seq,
                    record.seq - 1
                ));
            }
            if pruned_through == 0 && record.seq == 1 && !record.prev_mac.is_empty() {
                return Some("record 1 claims a predecessor".to_owned());
            }
            let event = NewAuditEvent {
                org_id: record.org_id.clone(),
                actor: record.actor.clone(),
                action: record.action.clone(),
                subject: record.subject.clone(),
                detail: record.detail.clone(),
                created_at: record.created_at,
            };
            if self
                .keyring
                .audit_mac(&canonical(&event, record.seq, &record.prev_mac))
                != record.mac
            {
                return Some(format!("record {} was changed", record.seq));
            }
            previous = Some(&record.mac);
            expected_seq += 1;
        }
        if expected_seq - 1 != head_seq || previous.is_some_and(|mac| mac != head_mac) {
            return Some(format!(
                "the chain ends at record {} but its head says {head_seq}",
                expected_seq - 1
            ));
        }
        None
    }

    /// Removes audit records past each organisation's retention; returns how many.
    pub async fn prune_audit(&self) -> AppResult<u64> {
        let mut pruned = 0;
        for head in self.store.audit_heads().await? {
            let Some(org) = self.store.organisation(&head.org_id).await? else {
                continue;
            };
            let before = self.now() - org.audit_retention_days * zegel_domain::SECONDS_PER_DAY;
            pruned += self.store.prune_audit(&org.id, before).await?;
        }
        Ok(pruned)
    }
}

/// An unambiguous byte form of a record: a JSON array of its fields.
fn canonical(event: &NewAuditEvent, seq: i64, prev_mac: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!([
        seq,
        event.org_id,
        event.actor,
        event.action,
        event.subject,
        event.detail,
        event.created_at,
        prev_mac
    ]))
    .expect("JSON serialises")
}

/// The MAC of an audit record under the keyring's audit key.
pub(crate) fn mac_with(
    keyring: Arc<Keyring>,
) -> impl Fn(&NewAuditEvent, i64, &str) -> String + Send + Sync + 'static {
    move |e: &NewAuditEvent, seq: i64, prev: &str| keyring.audit_mac(&canonical(e, seq, prev))
}
