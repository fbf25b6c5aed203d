//! The admin console's services: an organisation's policies, branding, domains, users,
//! shared mailboxes, recipients and audit trail. Every change is made by an administrator of
//! that organisation and written to its audit trail.

mod audit_view;
mod branding;
mod domains;
mod legal_hold;
mod mailboxes;
mod policies;
mod recipients_import;
mod users;

pub use audit_view::AuditView;
pub use branding::{Brand, Logo};
pub use mailboxes::MailboxView;
pub(crate) use policies::SettingsCache;
pub use policies::{CheckRules, PolicyUpdate, PolicyView};
pub use recipients_import::ImportReport;

use zegel_store::User;

use crate::{App, AppError, AppResult};

impl App {
    /// Only administrators use the console; anyone else is told nothing more.
    pub(crate) fn require_admin(&self, user: &User) -> AppResult<()> {
        if user.role == "admin" && user.deactivated_at.is_none() {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Writes an administrator's change to the organisation's audit trail.
    pub(crate) async fn audit_admin(
        &self,
        admin: &User,
        action: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        self.audit(&admin.org_id, &admin.id, action, subject, detail)
            .await
    }
}
