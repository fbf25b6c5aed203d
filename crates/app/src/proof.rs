//! Proof of delivery: per recipient of a message, what happened when, taken from the
//! audit chain (notified, code sent, verification, opened, replied, revoked or expired).

use serde::Serialize;
use zegel_store::User;

use crate::send::content_label;
use crate::sent::decrypt_field;
use crate::{App, AppResult};

#[derive(Debug, Clone, Serialize)]
pub struct Proof {
    pub message_id: String,
    pub subject: Option<String>,
    pub sender_name: String,
    pub organisation: String,
    pub sent_at: i64,
    pub expires_at: i64,
    pub state: String,
    pub language: String,
    pub recipients: Vec<RecipientProof>,
    /// The newest record of the organisation's audit chain: anchors the report.
    pub chain_seq: i64,
    pub chain_mac: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecipientProof {
    pub email: String,
    pub kind: String,
    pub verification_method: String,
    /// (event, unix time), oldest first.
    pub events: Vec<(String, i64)>,
}

impl App {
    pub async fn proof_of_delivery(&self, sender: &User, message_id: &str) -> AppResult<Proof> {
        // The sender's own, or their shared mailbox's: anyone else's is "not found".
        self.owned_message(sender, message_id).await?;
        let parties = self.parties(message_id).await?;
        let message = &parties.message;
        let key = self.data_key(message)?;
        let org = &message.org_id;
        let about_message = self.store.audit_events_about(org, &message.id).await?;
        let message_wide: Vec<(String, i64)> = about_message
            .iter()
            .filter(|e| {
                e.subject == message.id
                    && matches!(
                        e.action.as_str(),
                        "message.revoked" | "message.expired" | "message.undone"
                    )
            })
            .map(|e| (e.action.clone(), e.created_at))
            .collect();
        let mut recipients = Vec::new();
        for delivery in self.store.deliveries(&message.id).await? {
            let d = &delivery.delivery;
            let actor = format!("recipient:{}", d.id);
            let about_delivery = self.store.audit_events_about(org, &d.id).await?;
            let mut events: Vec<(String, i64)> = about_delivery
                .iter()
                .chain(about_message.iter().filter(|e| e.actor == actor))
                .map(|e| (e.action.clone(), e.created_at))
                .chain(message_wide.iter().cloned())
                .collect();
            events.sort_by_key(|(_, at)| *at);
            recipients.push(RecipientProof {
                email: delivery.email.clone(),
                kind: d.kind.clone(),
                verification_method: delivery.verification_method.clone(),
                events,
            });
        }
        let head = self.store.audit_head(org).await?;
        Ok(Proof {
            subject: decrypt_field(
                key.as_ref(),
                message.subject_ct.as_deref(),
                &content_label(&message.id, "subject"),
            )?,
            message_id: message.id.clone(),
            sender_name: parties.sender.display_name.clone(),
            organisation: parties.organisation.name.clone(),
            sent_at: message.created_at,
            expires_at: message.expires_at,
            state: message.state.clone(),
            language: sender.language.clone(),
            recipients,
            chain_seq: head.as_ref().map_or(0, |h| h.seq),
            chain_mac: head.map(|h| h.mac).unwrap_or_default(),
        })
    }
}
