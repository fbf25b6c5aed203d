use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};
use zegel_domain::UnixTime;

use crate::admin::{OrganisationSettings, SharedMailbox};
use crate::attachments::{Attachment, Draft, SpaceLimits, SpaceReservation};
use crate::gateway::GatewayMessage;
use crate::helpdesk::{Contact, ContactSignIn, Customer, Ticket, TicketProfile};
use crate::records::*;
use crate::sql_admin::impl_admin_store;
use crate::sql_attachments::{impl_attachment_store, shred_attachments_sql};
use crate::sql_batch::impl_send_batch;
use crate::sql_gateway::impl_gateway_store;
use crate::sql_helpdesk::impl_helpdesk_store;
use crate::sql_impl::{Backend, claim_job_sql, delivery_view, impl_store};
use crate::sql_staff::impl_staff_store;
use crate::staff::{StaffCredentials, StaffSession};
use crate::{StoreError, StoreResult};

/// The scale-out backend: several Zegel instances and workers may share one database.
pub struct PostgresStore {
    pool: PgPool,
}

impl Backend for PostgresStore {
    type Db = Postgres;
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        Ok(Self { pool })
    }

    /// Nothing to do: PostgreSQL reclaims dead rows through autovacuum.
    async fn after_shred(&self) -> StoreResult<()> {
        Ok(())
    }
}

// The organisation lock is NO KEY UPDATE: it serialises audit appends and quota checks
// without conflicting with the key-share locks that foreign-key checks take on the same row
// (a FOR UPDATE taken after such an insert would deadlock two concurrent sends).
impl_store!(
    store = PostgresStore,
    backend = "postgres",
    begin = "BEGIN",
    lock_org = "SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE",
    claim_job = claim_job_sql!("FOR UPDATE SKIP LOCKED"),
    migrator = sqlx::migrate!("./migrations/postgres"),
);

impl_send_batch!(
    store = PostgresStore,
    lock_org = "SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE"
);

impl_attachment_store!(
    store = PostgresStore,
    begin = "BEGIN",
    lock_org = "SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE",
);

impl_gateway_store!(store = PostgresStore, begin = "BEGIN");

impl_staff_store!(store = PostgresStore, begin = "BEGIN");

impl_admin_store!(store = PostgresStore, begin = "BEGIN");

impl_helpdesk_store!(store = PostgresStore, begin = "BEGIN");
