//! Taking mail in: who may hand it over, and storing it durably before the SMTP `250`.

use mail_parser::MessageParser;
use serde::{Deserialize, Serialize};
use zegel_crypto::DataKey;
use zegel_store::{GatewayMessage, User};

use super::{key_label, raw_label};
use crate::jobs::JobPayload;
use crate::{App, AppError, AppResult, new_id};

/// The SMTP envelope: who hands the message over and whom it is for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Stored,
    /// The same sender handed over this Message-ID before: taken once only.
    Duplicate,
}

impl App {
    /// A mail client's login: the staff address and an API token (or app password) of it.
    pub async fn gateway_login(&self, username: &str, password: &str) -> AppResult<User> {
        let user = self.authenticate_api_token(password.trim()).await?;
        if !user.email.eq_ignore_ascii_case(username.trim()) {
            return Err(AppError::Unauthorized);
        }
        Ok(user)
    }

    /// The staff user a trusted mail server relays for (by the envelope sender).
    pub async fn gateway_relay_sender(&self, from: &str) -> AppResult<User> {
        self.store
            .user_by_email(&from.trim().to_ascii_lowercase())
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Stores a message sealed with its own key, with the job that processes it, in one
    /// transaction. Only after this returns may the gateway answer `250`.
    pub async fn gateway_accept(
        &self,
        sender: &User,
        envelope: &Envelope,
        raw: &[u8],
    ) -> AppResult<Accepted> {
        let message_id = MessageParser::default()
            .parse_headers(raw)
            .and_then(|m| m.message_id().map(str::to_owned))
            .unwrap_or_else(new_id);
        let id = new_id();
        let key = DataKey::generate();
        let (kek_version, wrapped) = self.keyring.wrap(&key, key_label(&id).as_bytes());
        let now = self.now();
        let row = GatewayMessage {
            raw_ct: Some(key.seal(raw, raw_label(&id).as_bytes())),
            wrapped_dek: Some(wrapped),
            kek_version: i64::from(kek_version),
            id: id.clone(),
            org_id: sender.org_id.clone(),
            sender_id: sender.id.clone(),
            message_id,
            envelope: serde_json::to_string(envelope).expect("envelopes serialise"),
            state: "pending".to_owned(),
            created_at: now,
        };
        let job = JobPayload::ProcessInbound { id: id.clone() }.to_job(now);
        if !self.store.insert_gateway_message(&row, &job).await? {
            tracing::info!("gateway: a message was handed over again; taken once");
            return Ok(Accepted::Duplicate);
        }
        self.job_wakeup.notify_one();
        let detail = serde_json::json!({"recipients": envelope.to.len(), "bytes": raw.len()});
        self.audit(&sender.org_id, &sender.id, "gateway.accepted", &id, detail)
            .await?;
        Ok(Accepted::Stored)
    }
}
