//! Portal accounts for approved contacts, granted on request: sign-in by a code to the
//! registered address, then the contact's own tickets, new tickets (already vouched for) and,
//! for general contacts, adding a colleague. A deactivated contact cannot sign in.

use zegel_crypto::{Token, generate_code};
use zegel_domain::EmailAddress;
use zegel_mail::OutgoingMail;
use zegel_store::{Contact, User};

use super::intake::bilingual;
use super::{ContactRole, IncomingTicket, IntakeOutcome, TicketView};
use crate::{App, AppError, AppResult, new_id};

const CODE_SECONDS: i64 = 10 * 60;
const MAX_TRIES: i64 = 5;
const IDLE_SECONDS: i64 = 30 * 60;

impl App {
    /// An administrator gives an approved contact a portal account (at their request).
    pub async fn grant_portal_account(&self, admin: &User, contact_id: &str) -> AppResult<()> {
        self.require_admin(admin)?;
        let contact = self
            .store
            .contact(contact_id)
            .await?
            .filter(|c| c.org_id == admin.org_id && c.deactivated_at.is_none())
            .ok_or(AppError::NotFound)?;
        self.store.set_portal_account(&contact.id, true).await?;
        self.audit_admin(
            admin,
            "helpdesk.portal_account_granted",
            &contact.id,
            serde_json::json!({}),
        )
        .await
    }

    /// An active contact of `org_id` with a portal account, by address.
    async fn account_holder(&self, org_id: &str, email: &str) -> AppResult<Option<Contact>> {
        let Ok(email) = EmailAddress::parse(email) else {
            return Ok(None);
        };
        Ok(self
            .store
            .contact_by_email(org_id, email.as_str())
            .await?
            .filter(|c| c.portal_account == 1 && c.deactivated_at.is_none()))
    }

    /// Mails a sign-in code when the address has an account; says nothing either way.
    pub async fn request_contact_code(&self, org_id: &str, email: &str) -> AppResult<()> {
        let Some(contact) = self.account_holder(org_id, email).await? else {
            return Ok(());
        };
        let code = generate_code();
        let hmac = self.codes.hash(&code, &format!("contact:{}", contact.id));
        self.store
            .set_contact_signin(&contact.id, &hmac, self.now() + CODE_SECONDS)
            .await?;
        let mail = OutgoingMail::from_zegel(
            &contact.email,
            bilingual("helpdesk-signin-subject", &[])
                .replace("\n\n---\n\n", " / ")
                .trim()
                .to_owned(),
            bilingual("helpdesk-signin-code", &[("code", &code)]),
            &format!("<contact-code.{}@zegel>", new_id()),
        );
        if let Err(error) = self.mailer.send(&mail).await {
            tracing::warn!(%error, "contact sign-in code not sent");
        }
        Ok(())
    }

    /// Signs a contact in with the code; `None` when anything is not right.
    pub async fn contact_sign_in(
        &self,
        org_id: &str,
        email: &str,
        code: &str,
    ) -> AppResult<Option<Token>> {
        let Some(contact) = self.account_holder(org_id, email).await? else {
            return Ok(None);
        };
        let Some(pending) = self.store.contact_signin(&contact.id).await? else {
            return Ok(None);
        };
        let live = pending.signin_expires_at.is_some_and(|at| at > self.now());
        let tries = self.store.spend_contact_signin(&contact.id).await?;
        let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        let right = pending.signin_code_hmac.as_deref().is_some_and(|stored| {
            self.codes
                .verify(&code, &format!("contact:{}", contact.id), stored)
        });
        if !live || !right || tries > MAX_TRIES {
            return Ok(None);
        }
        let token = Token::generate();
        self.store
            .start_contact_session(&contact.id, token.hash().as_bytes(), self.now())
            .await?;
        self.audit(
            &contact.org_id,
            &format!("contact:{}", contact.id),
            "helpdesk.contact_signed_in",
            &contact.id,
            serde_json::json!({}),
        )
        .await?;
        Ok(Some(token))
    }

    /// The contact behind a session cookie, while active and not idle too long.
    pub async fn contact_visit(&self, org_id: &str, presented: &str) -> AppResult<Option<Contact>> {
        let Some(token) = Token::from_presented(presented) else {
            return Ok(None);
        };
        let hash = token.hash();
        let Some((contact_id, _, last_seen)) = self.store.contact_session(hash.as_bytes()).await?
        else {
            return Ok(None);
        };
        let contact =
            self.store.contact(&contact_id).await?.filter(|c| {
                c.org_id == org_id && c.deactivated_at.is_none() && c.portal_account == 1
            });
        if contact.is_none() || self.now() - last_seen > IDLE_SECONDS {
            self.store.delete_contact_session(hash.as_bytes()).await?;
            return Ok(None);
        }
        self.store
            .touch_contact_session(hash.as_bytes(), self.now())
            .await?;
        Ok(contact)
    }

    pub async fn contact_sign_out(&self, presented: &str) -> AppResult<()> {
        if let Some(token) = Token::from_presented(presented) {
            self.store
                .delete_contact_session(token.hash().as_bytes())
                .await?;
        }
        Ok(())
    }

    /// The contact's own tickets, newest first.
    pub async fn contact_tickets(&self, contact: &Contact) -> AppResult<Vec<TicketView>> {
        let Some(profile) = self
            .store
            .profile_by_email(&contact.org_id, &contact.email)
            .await?
        else {
            return Ok(Vec::new());
        };
        let mut views = Vec::new();
        for ticket in self
            .store
            .tickets_of_profile(&profile.id)
            .await?
            .into_iter()
            .rev()
        {
            views.push(self.ticket_view_of(ticket).await?);
        }
        Ok(views)
    }

    /// A ticket from a signed-in contact: they proved their address, so it is open at once.
    pub async fn contact_file_ticket(
        &self,
        contact: &Contact,
        kind: &'static str,
        subject: &str,
        body: &str,
    ) -> AppResult<IntakeOutcome> {
        if subject.trim().is_empty() || body.trim().is_empty() {
            return Err(AppError::Invalid(vec![
                "a ticket needs a subject and a question".into(),
            ]));
        }
        self.take_ticket(IncomingTicket {
            org_id: contact.org_id.clone(),
            from: contact.email.clone(),
            name: contact.name.clone(),
            subject: subject.to_owned(),
            body: body.to_owned(),
            authenticated: true,
            channel: "portal",
            kind: Some(kind),
        })
        .await
    }

    /// A general contact adds a colleague of their organisation as a contact.
    pub async fn contact_add_colleague(
        &self,
        contact: &Contact,
        email: &str,
        name: &str,
        role: ContactRole,
    ) -> AppResult<Contact> {
        if contact.role != ContactRole::General.as_str() {
            return Err(AppError::Invalid(vec![
                "only a general contact can add a colleague".into(),
            ]));
        }
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
        if name.trim().is_empty() {
            return Err(AppError::Invalid(vec!["the colleague needs a name".into()]));
        }
        let by = format!("contact:{}", contact.id);
        self.insert_contact(
            &contact.org_id,
            &contact.customer_id,
            &email,
            name,
            role,
            &by,
            &by,
        )
        .await
    }
}
