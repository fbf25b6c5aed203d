//! Staff users as an administrator manages them: add, role, deactivate, reset the second
//! factor.

use zegel_domain::Language;
use zegel_store::User;

use crate::{App, AppError, AppResult};

impl App {
    pub async fn users(&self, admin: &User) -> AppResult<Vec<User>> {
        self.require_admin(admin)?;
        Ok(self.store.users_of_organisation(&admin.org_id).await?)
    }

    /// A user of the administrator's organisation, or "not found".
    async fn colleague(&self, admin: &User, user_id: &str) -> AppResult<User> {
        self.require_admin(admin)?;
        self.store
            .user(user_id)
            .await?
            .filter(|u| u.org_id == admin.org_id)
            .ok_or(AppError::NotFound)
    }

    /// Adds a user with a first password (they set up their second factor at first sign-in).
    pub async fn add_user(
        &self,
        admin: &User,
        email: &str,
        name: &str,
        language: Language,
        role: &str,
        password: &str,
    ) -> AppResult<User> {
        self.require_admin(admin)?;
        let user = self
            .create_user(&admin.org_id, email, name, language)
            .await?;
        self.set_user_role(email, role).await?;
        self.set_password(email, password).await?;
        self.audit_admin(
            admin,
            "user.added",
            &user.id,
            serde_json::json!({"role": role}),
        )
        .await?;
        Ok(user)
    }

    pub async fn change_role(&self, admin: &User, user_id: &str, role: &str) -> AppResult<()> {
        let user = self.colleague(admin, user_id).await?;
        if user.id == admin.id && role != "admin" {
            return Err(AppError::Invalid(vec![
                "you cannot take your own administrator role away".to_owned(),
            ]));
        }
        self.set_user_role(&user.email, role).await
    }

    /// Deactivates (signs out everywhere, refuses sign-in and API tokens) or activates again.
    pub async fn set_user_active(
        &self,
        admin: &User,
        user_id: &str,
        active: bool,
    ) -> AppResult<()> {
        let user = self.colleague(admin, user_id).await?;
        if user.id == admin.id {
            return Err(AppError::Invalid(vec![
                "you cannot deactivate yourself".to_owned(),
            ]));
        }
        let at = (!active).then(|| self.now());
        self.store.set_user_deactivated(&user.id, at).await?;
        let action = if active {
            "user.activated"
        } else {
            "user.deactivated"
        };
        self.audit_admin(admin, action, &user.id, serde_json::json!({}))
            .await
    }

    /// For a user who lost their phone and recovery codes.
    pub async fn reset_user_second_factor(&self, admin: &User, user_id: &str) -> AppResult<()> {
        let user = self.colleague(admin, user_id).await?;
        self.store.reset_second_factor(&user.id).await?;
        self.audit_admin(
            admin,
            "user.second_factor_reset",
            &user.id,
            serde_json::json!({}),
        )
        .await
    }
}
