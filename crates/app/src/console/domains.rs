//! The organisation's own e-mail domains: addresses there are internal (no identity check
//! advice, no personal-data warning).

use zegel_domain::EmailAddress;
use zegel_store::{StoreError, User};

use crate::{App, AppError, AppResult};

impl App {
    pub async fn domains(&self, admin: &User) -> AppResult<Vec<String>> {
        self.require_admin(admin)?;
        Ok(self.store.organisation_domains(&admin.org_id).await?)
    }

    pub async fn add_domain(&self, admin: &User, domain: &str) -> AppResult<()> {
        self.require_admin(admin)?;
        let domain = EmailAddress::parse(&format!("x@{}", domain.trim()))
            .map(|a| a.domain().to_owned())
            .map_err(|_| {
                AppError::Invalid(vec![format!("'{}' is not a valid domain", domain.trim())])
            })?;
        match self.store.add_domain(&admin.org_id, &domain).await {
            Ok(()) => {}
            Err(StoreError::Conflict) => {
                return Err(AppError::Invalid(vec![format!(
                    "{domain} is already registered (here or with another organisation)"
                )]));
            }
            Err(other) => return Err(other.into()),
        }
        self.audit_admin(
            admin,
            "organisation.domain_added",
            &admin.org_id,
            serde_json::json!({"domain": domain}),
        )
        .await
    }

    pub async fn remove_domain(&self, admin: &User, domain: &str) -> AppResult<()> {
        self.require_admin(admin)?;
        let domains = self.store.organisation_domains(&admin.org_id).await?;
        if domains.len() == 1 && domains[0] == domain {
            return Err(AppError::Invalid(vec![
                "an organisation keeps at least one domain".to_owned(),
            ]));
        }
        if self.store.remove_domain(&admin.org_id, domain).await? {
            self.audit_admin(
                admin,
                "organisation.domain_removed",
                &admin.org_id,
                serde_json::json!({"domain": domain}),
            )
            .await?;
        }
        Ok(())
    }
}
