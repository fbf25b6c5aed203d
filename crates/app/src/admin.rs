//! Setting up an installation: organisations, staff users and their API tokens.

use zegel_domain::{EmailAddress, ExpiryPolicy, Language};
use zegel_store::{Organisation, User};

use crate::{App, AppError, AppResult, Token, new_id};

pub struct NewOrganisationRequest {
    pub name: String,
    pub domains: Vec<String>,
    pub default_expiry_days: u32,
    pub max_expiry_days: u32,
    /// `audit`, `suggest`, `warn` or `block` (the default: secure sending switches on).
    pub detection_level: String,
    pub detection_keywords: Vec<String>,
    pub detection_patterns: Vec<String>,
    /// How long audit records are kept; six years by default.
    pub audit_retention_days: u32,
    /// Bytes of attachments the organisation may keep; `None`: the server's default.
    pub storage_quota_bytes: Option<u64>,
}

impl NewOrganisationRequest {
    /// An organisation with the defaults: 14 days, at most 90, personal data switches
    /// secure sending on.
    pub fn named(name: &str, domains: &[&str]) -> Self {
        Self {
            name: name.to_owned(),
            domains: domains.iter().map(|d| d.to_string()).collect(),
            default_expiry_days: 14,
            max_expiry_days: 90,
            detection_level: "block".to_owned(),
            detection_keywords: Vec::new(),
            detection_patterns: Vec::new(),
            audit_retention_days: 2192,
            storage_quota_bytes: None,
        }
    }
}

impl App {
    pub async fn create_organisation(
        &self,
        request: NewOrganisationRequest,
    ) -> AppResult<Organisation> {
        let mut problems = Vec::new();
        let name = request.name.trim().to_owned();
        if name.is_empty() {
            problems.push("the organisation needs a name".to_owned());
        }
        if let Err(e) = ExpiryPolicy::new(request.default_expiry_days, request.max_expiry_days) {
            problems.push(e.to_string());
        }
        match zegel_detect::Level::parse(&request.detection_level) {
            Some(level) => {
                if let Err(e) = zegel_detect::OrganisationRules::new(
                    level,
                    vec![],
                    &request.detection_keywords,
                    &request.detection_patterns,
                ) {
                    problems.push(e.to_string());
                }
            }
            None => problems.push(format!(
                "detection level '{}' is not one of audit, suggest, warn, block",
                request.detection_level
            )),
        }
        let mut domains = Vec::new();
        for domain in &request.domains {
            // A domain is valid when an address at it is.
            match EmailAddress::parse(&format!("x@{domain}")) {
                Ok(address) => domains.push(address.domain().to_owned()),
                Err(_) => problems.push(format!("'{domain}' is not a valid domain")),
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let org = Organisation {
            id: new_id(),
            name,
            default_expiry_days: i64::from(request.default_expiry_days),
            max_expiry_days: i64::from(request.max_expiry_days),
            created_at: self.now(),
            detection_level: request.detection_level,
            detection_keywords: serde_json::to_string(&request.detection_keywords)
                .expect("strings serialise"),
            detection_patterns: serde_json::to_string(&request.detection_patterns)
                .expect("strings serialise"),
            audit_retention_days: i64::from(request.audit_retention_days.max(1)),
            storage_quota_bytes: request.storage_quota_bytes.map(crate::attachments::to_i64),
        };
        self.store.create_organisation(&org, &domains).await?;
        Ok(org)
    }

    /// `organisation` is an id or an exact name.
    pub async fn create_user(
        &self,
        organisation: &str,
        email: &str,
        display_name: &str,
        language: Language,
    ) -> AppResult<User> {
        let org = self.organisation_by_id_or_name(organisation).await?;
        let mut problems = Vec::new();
        let email = EmailAddress::parse(email)
            .map_err(|e| problems.push(e.to_string()))
            .ok();
        if display_name.trim().is_empty() {
            problems.push("the user needs a display name".to_owned());
        }
        let Some(email) = email.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let user = User {
            id: new_id(),
            org_id: org.id,
            email: email.to_string(),
            display_name: display_name.trim().to_owned(),
            language: language.code().to_owned(),
            created_at: self.now(),
            role: "staff".to_owned(),
            deactivated_at: None,
        };
        self.store.create_user(&user).await?;
        Ok(user)
    }

    /// Makes a user an administrator (`admin`) or plain staff (`staff`).
    pub async fn set_user_role(&self, user_email: &str, role: &str) -> AppResult<()> {
        if !["staff", "admin"].contains(&role) {
            return Err(AppError::Invalid(vec![format!(
                "role '{role}' is not one of staff, admin"
            )]));
        }
        let user = self.user_by_address(user_email).await?;
        if user.role != role {
            self.store.set_user_role(&user.id, role).await?;
            self.audit(
                &user.org_id,
                &user.id,
                "staff.role_changed",
                &user.id,
                serde_json::json!({"from": user.role, "to": role}),
            )
            .await?;
        }
        Ok(())
    }

    /// An organisation named by its id or its exact name, as administrators type it.
    pub(crate) async fn organisation_by_id_or_name(
        &self,
        organisation: &str,
    ) -> AppResult<Organisation> {
        match self.store.organisation(organisation).await? {
            Some(org) => Ok(org),
            None => self
                .store
                .organisation_by_name(organisation)
                .await?
                .ok_or_else(|| {
                    AppError::Invalid(vec![format!("no organisation '{organisation}'")])
                }),
        }
    }

    /// Creates an API token for a user; the token is shown once and only its hash is kept.
    pub async fn create_api_token(&self, user_email: &str, label: &str) -> AppResult<Token> {
        let user = self.user_by_address(user_email).await?;
        let token = Token::generate();
        self.store
            .create_api_token(token.hash().as_bytes(), &user.id, label, self.now())
            .await?;
        Ok(token)
    }

    pub async fn authenticate_api_token(&self, presented: &str) -> AppResult<User> {
        let token = Token::from_presented(presented).ok_or(AppError::Unauthorized)?;
        self.store
            .user_by_api_token(token.hash().as_bytes())
            .await?
            .filter(|user| user.deactivated_at.is_none())
            .ok_or(AppError::Unauthorized)
    }
}
