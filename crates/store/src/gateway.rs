//! The gateway's part of the store: mail taken in over SMTP, kept sealed until processed.

use async_trait::async_trait;
use zegel_domain::UnixTime;

use crate::{NewJob, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GatewayMessage {
    pub id: String,
    pub org_id: String,
    pub sender_id: String,
    /// The Message-ID header (or one made up when it had none).
    pub message_id: String,
    /// JSON: `{"from": "...", "to": ["..."]}`.
    pub envelope: String,
    pub raw_ct: Option<Vec<u8>>,
    pub wrapped_dek: Option<Vec<u8>>,
    pub kek_version: i64,
    /// `pending`, `held`, `secured`, `relayed` or `failed`.
    pub state: String,
    pub created_at: UnixTime,
}

#[async_trait]
pub trait GatewayStore: Send + Sync {
    /// Stores a message and its processing job in one transaction; false when the same
    /// sender handed over a message with this Message-ID before (nothing is stored then).
    async fn insert_gateway_message(
        &self,
        message: &GatewayMessage,
        job: &NewJob,
    ) -> StoreResult<bool>;
    async fn gateway_message(&self, id: &str) -> StoreResult<Option<GatewayMessage>>;
    /// Ends processing in `state`, removing the raw message and its key.
    async fn finish_gateway_message(&self, id: &str, state: &str) -> StoreResult<()>;
    /// Holds a message until its recipients can be checked; false if it was held already.
    async fn hold_gateway_message(&self, id: &str) -> StoreResult<bool>;
    /// The held messages of an organisation.
    async fn held_gateway_messages(&self, org_id: &str) -> StoreResult<Vec<String>>;
    /// Puts held messages back in the queue, each with its job, in one transaction.
    async fn requeue_gateway_messages(&self, jobs: &[(String, NewJob)]) -> StoreResult<u64>;
    async fn gateway_messages_of_sender(&self, sender_id: &str)
    -> StoreResult<Vec<GatewayMessage>>;
}
