//! The audit trail as an administrator reads it: the newest records, and whether the whole
//! chain is intact.

use zegel_store::{AuditEvent, User};

use crate::{App, AppResult, ChainReport};

pub struct AuditView {
    /// Newest first.
    pub events: Vec<AuditEvent>,
    /// `None` while the organisation has no records yet.
    pub chain: Option<ChainReport>,
}

const SHOWN: i64 = 200;

impl App {
    pub async fn audit_view(&self, admin: &User) -> AppResult<AuditView> {
        self.require_admin(admin)?;
        Ok(AuditView {
            events: self.store.recent_audit_events(&admin.org_id, SHOWN).await?,
            chain: self.verify_organisation_audit(&admin.org_id).await?,
        })
    }
}
