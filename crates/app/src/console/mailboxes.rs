//! Shared mailboxes: an address of the organisation (say zorgteam@zorg.nl) that members send
//! as. Recipients see only the mailbox; every member sees its messages and replies.

use zegel_domain::EmailAddress;
use zegel_store::{SharedMailbox, StoreError, User};

use crate::{App, AppError, AppResult, new_id};

pub struct MailboxView {
    pub mailbox: SharedMailbox,
    pub members: Vec<User>,
}

impl App {
    pub async fn mailboxes(&self, admin: &User) -> AppResult<Vec<MailboxView>> {
        self.require_admin(admin)?;
        let mut views = Vec::new();
        for mailbox in self.store.mailboxes_of_organisation(&admin.org_id).await? {
            let members = self.store.mailbox_members(&mailbox.id).await?;
            views.push(MailboxView { mailbox, members });
        }
        Ok(views)
    }

    pub async fn create_mailbox(
        &self,
        admin: &User,
        email: &str,
        name: &str,
    ) -> AppResult<SharedMailbox> {
        self.require_admin(admin)?;
        let mut problems = Vec::new();
        let email = EmailAddress::parse(email)
            .map_err(|e| problems.push(e.to_string()))
            .ok();
        let domains = self.store.organisation_domains(&admin.org_id).await?;
        if let Some(email) = &email
            && !domains.iter().any(|d| d == email.domain())
        {
            problems.push(format!(
                "{email} is not at one of the organisation's domains"
            ));
        }
        if name.trim().is_empty() {
            problems.push("the mailbox needs a name recipients recognise".to_owned());
        }
        let Some(email) = email.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let mailbox = SharedMailbox {
            id: new_id(),
            org_id: admin.org_id.clone(),
            email: email.to_string(),
            display_name: name.trim().to_owned(),
            created_at: self.now(),
        };
        match self.store.create_mailbox(&mailbox).await {
            Ok(()) => {}
            Err(StoreError::Conflict) => {
                return Err(AppError::Invalid(vec![format!(
                    "{email} is a shared mailbox already"
                )]));
            }
            Err(other) => return Err(other.into()),
        }
        self.audit_admin(admin, "mailbox.created", &mailbox.id, serde_json::json!({}))
            .await?;
        Ok(mailbox)
    }

    /// A mailbox of the administrator's organisation.
    async fn own_mailbox(&self, admin: &User, mailbox_id: &str) -> AppResult<SharedMailbox> {
        self.require_admin(admin)?;
        self.store
            .mailbox(mailbox_id)
            .await?
            .filter(|m| m.org_id == admin.org_id)
            .ok_or(AppError::NotFound)
    }

    pub async fn add_mailbox_member(
        &self,
        admin: &User,
        mailbox_id: &str,
        user_email: &str,
    ) -> AppResult<()> {
        let mailbox = self.own_mailbox(admin, mailbox_id).await?;
        let user = self.user_by_address(user_email).await?;
        if user.org_id != admin.org_id {
            return Err(AppError::Invalid(vec![format!("no user '{user_email}'")]));
        }
        self.store.add_mailbox_member(&mailbox.id, &user.id).await?;
        self.audit_admin(
            admin,
            "mailbox.member_added",
            &mailbox.id,
            serde_json::json!({"user": user.id}),
        )
        .await
    }

    pub async fn remove_mailbox_member(
        &self,
        admin: &User,
        mailbox_id: &str,
        user_id: &str,
    ) -> AppResult<()> {
        let mailbox = self.own_mailbox(admin, mailbox_id).await?;
        self.store
            .remove_mailbox_member(&mailbox.id, user_id)
            .await?;
        self.audit_admin(
            admin,
            "mailbox.member_removed",
            &mailbox.id,
            serde_json::json!({"user": user_id}),
        )
        .await
    }
}
