use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
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

/// The embedded backend: one file in the data directory, WAL mode.
pub struct SqliteStore {
    pool: SqlitePool,
}

impl Backend for SqliteStore {
    type Db = Sqlite;
}

/// While another connection writes, try again after a millisecond, for up to ten seconds.
/// SQLite's own busy timeout backs off to 100 ms sleeps, so under load a waiting writer
/// sleeps long after the lock is free: that was the whole tail of the send latency.
extern "C" fn retry_soon(_: *mut std::ffi::c_void, attempts: std::ffi::c_int) -> std::ffi::c_int {
    if attempts >= 10_000 {
        return 0;
    }
    std::thread::sleep(Duration::from_millis(1));
    1
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a message acknowledged to its sender survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Deleted content (a shredded key) is overwritten in the file, not left in free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .after_connect(|connection, _| {
                Box::pin(async move {
                    let mut handle = connection.lock_handle().await?;
                    // SAFETY: the handle is this connection's, locked for the call; the
                    // callback keeps no state.
                    unsafe {
                        libsqlite3_sys::sqlite3_busy_handler(
                            handle.as_raw_handle().as_ptr(),
                            Some(retry_soon),
                            std::ptr::null_mut(),
                        );
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// Copies the WAL into the database file and truncates it, so shredded keys do not linger
    /// in old WAL frames.
    async fn after_shred(&self) -> StoreResult<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl_store!(
    store = SqliteStore,
    backend = "sqlite",
    // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a
    // lock upgrade when another connection wrote in between.
    begin = "BEGIN IMMEDIATE",
    lock_org = "SELECT id FROM organisations WHERE id = $1",
    claim_job = claim_job_sql!(""),
    migrator = sqlx::migrate!("./migrations/sqlite"),
);

impl_send_batch!(
    store = SqliteStore,
    lock_org = "SELECT id FROM organisations WHERE id = $1"
);

impl_attachment_store!(
    store = SqliteStore,
    begin = "BEGIN IMMEDIATE",
    lock_org = "SELECT id FROM organisations WHERE id = $1",
);

impl_gateway_store!(store = SqliteStore, begin = "BEGIN IMMEDIATE");

impl_staff_store!(store = SqliteStore, begin = "BEGIN IMMEDIATE");

impl_admin_store!(store = SqliteStore, begin = "BEGIN IMMEDIATE");

impl_helpdesk_store!(store = SqliteStore, begin = "BEGIN IMMEDIATE");
