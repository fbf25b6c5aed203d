//! A known contact writing from another address (or through the portal form) types the code
//! sent to their registered address; then the ticket is theirs and handled.

use zegel_crypto::Token;

use crate::{App, AppResult};

/// Tries at one ticket's code.
const MAX_TRIES: i64 = 5;

#[derive(Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    Confirmed,
    Wrong,
    /// Too many tries, expired, or not waiting for a check: the same answer for all.
    Unavailable,
}

impl App {
    /// Whether the link belongs to a ticket waiting for its check.
    pub async fn ticket_check_open(&self, ticket_id: &str, token: &str) -> AppResult<bool> {
        let expected = self.keyring.ticket_check_token(ticket_id);
        let Some(presented) = Token::from_presented(token) else {
            return Ok(false);
        };
        if !zegel_crypto::same_secret(presented.expose(), expected.expose()) {
            return Ok(false);
        }
        Ok(self.store.ticket(ticket_id).await?.is_some_and(|t| {
            t.state == "checking"
                && t.check_expires_at.is_some_and(|at| at > self.now())
                && t.check_attempts < MAX_TRIES
        }))
    }

    pub async fn confirm_ticket_check(
        &self,
        ticket_id: &str,
        token: &str,
        code: &str,
    ) -> AppResult<CheckOutcome> {
        if !self.ticket_check_open(ticket_id, token).await? {
            return Ok(CheckOutcome::Unavailable);
        }
        let tries = self.store.spend_ticket_check(ticket_id).await?;
        let Some(ticket) = self.store.ticket(ticket_id).await? else {
            return Ok(CheckOutcome::Unavailable);
        };
        let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        let right = ticket.check_code_hmac.as_deref().is_some_and(|stored| {
            self.codes
                .verify(&code, &format!("ticket:{ticket_id}"), stored)
        });
        if !right || tries > MAX_TRIES {
            return Ok(if tries >= MAX_TRIES {
                CheckOutcome::Unavailable
            } else {
                CheckOutcome::Wrong
            });
        }
        let Some(contact) = ticket.contact_id.clone() else {
            return Ok(CheckOutcome::Unavailable);
        };
        self.store
            .confirm_ticket_contact(ticket_id, &contact, self.now())
            .await?;
        self.audit(
            &ticket.org_id,
            &format!("contact:{contact}"),
            "ticket.sender_checked",
            ticket_id,
            serde_json::json!({}),
        )
        .await?;
        Ok(CheckOutcome::Confirmed)
    }
}
