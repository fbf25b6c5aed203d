//! The helpdesk's part of the store: customer organisations, their approved contacts,
//! ticket profiles and tickets.

use async_trait::async_trait;
use zegel_domain::UnixTime;

use crate::StoreResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Customer {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_at: UnixTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub id: String,
    pub org_id: String,
    pub customer_id: String,
    pub email: String,
    pub name: String,
    /// `general` or `ict`.
    pub role: String,
    pub added_by: String,
    pub portal_account: i64,
    pub deactivated_at: Option<UnixTime>,
    pub created_at: UnixTime,
}

/// A pending sign-in code of a contact's portal account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactSignIn {
    pub signin_code_hmac: Option<Vec<u8>>,
    pub signin_expires_at: Option<UnixTime>,
    pub signin_attempts: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TicketProfile {
    pub id: String,
    pub org_id: String,
    pub customer_id: Option<String>,
    pub email: String,
    pub name: String,
    pub general: i64,
    pub created_at: UnixTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ticket {
    pub id: String,
    pub org_id: String,
    pub customer_id: Option<String>,
    pub profile_id: String,
    pub contact_id: Option<String>,
    pub channel: String,
    pub state: String,
    pub subject_ct: Option<Vec<u8>>,
    pub body_ct: Option<Vec<u8>>,
    pub wrapped_dek: Option<Vec<u8>>,
    pub kek_version: i64,
    pub removed: Option<String>,
    pub cc_contact_id: Option<String>,
    pub check_code_hmac: Option<Vec<u8>>,
    pub check_expires_at: Option<UnixTime>,
    pub check_attempts: i64,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
    /// `technical` or `order` (quotes and orders).
    pub kind: String,
}

#[async_trait]
pub trait HelpdeskStore: Send + Sync {
    async fn organisation_by_helpdesk_address(&self, address: &str) -> StoreResult<Option<String>>;
    /// Conflict when a domain belongs to another customer already.
    async fn create_customer(&self, customer: &Customer, domains: &[String]) -> StoreResult<()>;
    async fn customers(&self, org_id: &str) -> StoreResult<Vec<Customer>>;
    async fn customer(&self, id: &str) -> StoreResult<Option<Customer>>;
    async fn customer_by_domain(&self, org_id: &str, domain: &str)
    -> StoreResult<Option<Customer>>;
    async fn customer_domains(&self, customer_id: &str) -> StoreResult<Vec<String>>;

    /// Conflict when the organisation has a contact with this address already.
    async fn create_contact(&self, contact: &Contact) -> StoreResult<()>;
    async fn contact(&self, id: &str) -> StoreResult<Option<Contact>>;
    async fn contact_by_email(&self, org_id: &str, email: &str) -> StoreResult<Option<Contact>>;
    async fn contacts_of_customer(&self, customer_id: &str) -> StoreResult<Vec<Contact>>;
    async fn set_contact_deactivated(&self, id: &str, at: Option<UnixTime>) -> StoreResult<()>;
    /// Contacts deactivated before `before`, in every organisation (the yearly offboarding).
    async fn contacts_deactivated_before(&self, before: UnixTime) -> StoreResult<Vec<Contact>>;
    async fn delete_contact(&self, id: &str) -> StoreResult<()>;

    async fn set_portal_account(&self, contact_id: &str, on: bool) -> StoreResult<()>;
    /// A new sign-in code (tries start again).
    async fn set_contact_signin(
        &self,
        contact_id: &str,
        hmac: &[u8],
        expires_at: UnixTime,
    ) -> StoreResult<()>;
    async fn contact_signin(&self, contact_id: &str) -> StoreResult<Option<ContactSignIn>>;
    /// Counts a try at the sign-in code; returns the tries so far.
    async fn spend_contact_signin(&self, contact_id: &str) -> StoreResult<i64>;
    /// The code was used: it is gone, and the session starts.
    async fn start_contact_session(
        &self,
        contact_id: &str,
        id_hash: &[u8],
        now: UnixTime,
    ) -> StoreResult<()>;
    /// (contact id, created, last seen) of a session.
    async fn contact_session(&self, id_hash: &[u8]) -> StoreResult<Option<(String, i64, i64)>>;
    async fn touch_contact_session(&self, id_hash: &[u8], now: UnixTime) -> StoreResult<()>;
    async fn delete_contact_session(&self, id_hash: &[u8]) -> StoreResult<()>;

    async fn profile_by_email(
        &self,
        org_id: &str,
        email: &str,
    ) -> StoreResult<Option<TicketProfile>>;
    async fn profile(&self, id: &str) -> StoreResult<Option<TicketProfile>>;
    async fn general_profile(&self, customer_id: &str) -> StoreResult<Option<TicketProfile>>;
    async fn create_profile(&self, profile: &TicketProfile) -> StoreResult<()>;
    /// Moves every ticket of one profile to another and deletes the first, at once.
    async fn merge_profile_into(&self, from: &str, into: &str) -> StoreResult<u64>;

    async fn insert_ticket(&self, ticket: &Ticket) -> StoreResult<()>;
    async fn ticket(&self, id: &str) -> StoreResult<Option<Ticket>>;
    async fn tickets_of_org(&self, org_id: &str, limit: i64) -> StoreResult<Vec<Ticket>>;
    async fn tickets_of_profile(&self, profile_id: &str) -> StoreResult<Vec<Ticket>>;
    async fn set_ticket_state(&self, id: &str, state: &str, now: UnixTime) -> StoreResult<()>;
    /// The check passed: the ticket is the contact's, and open.
    async fn confirm_ticket_contact(
        &self,
        id: &str,
        contact_id: &str,
        now: UnixTime,
    ) -> StoreResult<()>;
    /// Counts one try at the ticket's check code; returns the tries so far.
    async fn spend_ticket_check(&self, id: &str) -> StoreResult<i64>;
    async fn accept_referred_ticket(
        &self,
        id: &str,
        cc_contact_id: &str,
        now: UnixTime,
    ) -> StoreResult<bool>;
}
