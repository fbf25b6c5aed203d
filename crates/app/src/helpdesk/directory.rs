//! Customer organisations, their domains and their approved contacts, as administrators
//! manage them; and the helpdesk's own address.

use zegel_domain::EmailAddress;
use zegel_store::{Contact, Customer, StoreError, User};

use crate::{App, AppError, AppResult, new_id};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactRole {
    /// Files any ticket, approves quotes and orders, may have colleagues added.
    General,
    /// Technical tickets only.
    Ict,
}

impl ContactRole {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "general" => Some(Self::General),
            "ict" => Some(Self::Ict),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Ict => "ict",
        }
    }
}

pub struct CustomerView {
    pub customer: Customer,
    pub domains: Vec<String>,
    pub contacts: Vec<Contact>,
}

fn domain_of(text: &str) -> Result<String, String> {
    EmailAddress::parse(&format!("x@{}", text.trim()))
        .map(|a| a.domain().to_owned())
        .map_err(|_| format!("'{}' is not a valid domain", text.trim()))
}

impl App {
    /// The address whose mail becomes tickets (`None`: no intake).
    pub async fn helpdesk_address(&self, org_id: &str) -> AppResult<Option<String>> {
        Ok(self.settings(org_id).await?.helpdesk_address)
    }

    pub async fn set_helpdesk_address(&self, admin: &User, address: &str) -> AppResult<()> {
        self.require_admin(admin)?;
        let address = match address.trim() {
            "" => None,
            text => {
                let parsed = EmailAddress::parse(text)
                    .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
                let domains = self.store.organisation_domains(&admin.org_id).await?;
                if !domains.iter().any(|d| d == parsed.domain()) {
                    return Err(AppError::Invalid(vec![format!(
                        "{parsed} is not at one of the organisation's domains"
                    )]));
                }
                Some(parsed.to_string())
            }
        };
        let mut settings = self.settings(&admin.org_id).await?;
        settings.helpdesk_address = address.clone();
        settings.updated_at = self.now();
        self.save_settings(&settings).await?;
        self.audit_admin(
            admin,
            "helpdesk.address_set",
            &admin.org_id,
            serde_json::json!({"address": address}),
        )
        .await
    }

    pub async fn customers_view(&self, admin: &User) -> AppResult<Vec<CustomerView>> {
        self.require_admin(admin)?;
        let mut views = Vec::new();
        for customer in self.store.customers(&admin.org_id).await? {
            views.push(CustomerView {
                domains: self.store.customer_domains(&customer.id).await?,
                contacts: self.store.contacts_of_customer(&customer.id).await?,
                customer,
            });
        }
        Ok(views)
    }

    pub async fn create_customer(
        &self,
        admin: &User,
        name: &str,
        domains: &str,
    ) -> AppResult<Customer> {
        self.require_admin(admin)?;
        let mut problems = Vec::new();
        if name.trim().is_empty() {
            problems.push("the customer needs a name".to_owned());
        }
        let domains: Vec<String> = domains
            .split([',', ' ', '\n'])
            .filter(|d| !d.trim().is_empty())
            .filter_map(|d| domain_of(d).map_err(|p| problems.push(p)).ok())
            .collect();
        if domains.is_empty() && problems.is_empty() {
            problems.push("give at least one e-mail domain of the customer".to_owned());
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let customer = Customer {
            id: new_id(),
            org_id: admin.org_id.clone(),
            name: name.trim().to_owned(),
            created_at: self.now(),
        };
        match self.store.create_customer(&customer, &domains).await {
            Ok(()) => {}
            Err(StoreError::Conflict) => {
                return Err(AppError::Invalid(vec![
                    "one of these domains belongs to another customer".into(),
                ]));
            }
            Err(other) => return Err(other.into()),
        }
        self.audit_admin(
            admin,
            "helpdesk.customer_created",
            &customer.id,
            serde_json::json!({"domains": domains}),
        )
        .await?;
        Ok(customer)
    }

    /// Adds an approved contact. The first contact of a customer comes from an administrator;
    /// later ones only at the request of one of the customer's active general contacts.
    pub async fn add_contact(
        &self,
        admin: &User,
        customer_id: &str,
        email: &str,
        name: &str,
        role: ContactRole,
        requested_by: &str,
    ) -> AppResult<Contact> {
        self.require_admin(admin)?;
        let customer = self
            .store
            .customer(customer_id)
            .await?
            .filter(|c| c.org_id == admin.org_id)
            .ok_or(AppError::NotFound)?;
        let mut problems = Vec::new();
        let email = EmailAddress::parse(email)
            .map_err(|e| problems.push(e.to_string()))
            .ok();
        if name.trim().is_empty() {
            problems.push("the contact needs a name".to_owned());
        }
        let existing = self.store.contacts_of_customer(&customer.id).await?;
        let added_by = if existing.is_empty() {
            format!("staff:{}", admin.id)
        } else {
            let requester = EmailAddress::parse(requested_by)
                .ok()
                .and_then(|r| existing.iter().find(|c| c.email == r.as_str()).cloned());
            match requester {
                Some(c) if c.role == "general" && c.deactivated_at.is_none() => {
                    format!("contact:{}", c.id)
                }
                _ => {
                    problems.push("a new contact is added at the request of one of the customer's active general contacts".to_owned());
                    String::new()
                }
            }
        };
        let Some(email) = email.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        self.insert_contact(
            &customer.org_id,
            &customer.id,
            &email,
            name,
            role,
            &added_by,
            &admin.id,
        )
        .await
    }

    /// Stores a new approved contact and audits it as `actor`'s act (an administrator, or a
    /// general contact adding a colleague).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_contact(
        &self,
        org_id: &str,
        customer_id: &str,
        email: &EmailAddress,
        name: &str,
        role: ContactRole,
        added_by: &str,
        actor: &str,
    ) -> AppResult<Contact> {
        let contact = Contact {
            id: new_id(),
            org_id: org_id.to_owned(),
            customer_id: customer_id.to_owned(),
            email: email.to_string(),
            name: name.trim().to_owned(),
            role: role.as_str().to_owned(),
            added_by: added_by.to_owned(),
            portal_account: 0,
            deactivated_at: None,
            created_at: self.now(),
        };
        match self.store.create_contact(&contact).await {
            Ok(()) => {}
            Err(StoreError::Conflict) => {
                return Err(AppError::Invalid(vec![format!(
                    "{email} is a contact already"
                )]));
            }
            Err(other) => return Err(other.into()),
        }
        let detail = serde_json::json!({"customer": customer_id, "role": contact.role, "added_by": contact.added_by});
        self.audit(org_id, actor, "helpdesk.contact_added", &contact.id, detail)
            .await?;
        Ok(contact)
    }

    /// A contact who left: no more tickets as a contact, no portal sign-in; the January run
    /// moves their tickets to the customer's general profile.
    pub async fn deactivate_contact(&self, admin: &User, contact_id: &str) -> AppResult<()> {
        self.require_admin(admin)?;
        let contact = self
            .store
            .contact(contact_id)
            .await?
            .filter(|c| c.org_id == admin.org_id)
            .ok_or(AppError::NotFound)?;
        self.store
            .set_contact_deactivated(&contact.id, Some(self.now()))
            .await?;
        self.audit_admin(
            admin,
            "helpdesk.contact_deactivated",
            &contact.id,
            serde_json::json!({}),
        )
        .await
    }
}
