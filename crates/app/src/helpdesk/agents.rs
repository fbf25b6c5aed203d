//! Agents (the organisation's staff) work tickets: the list, one ticket, its status, a
//! secure reply, and taking a referred incident with a contact in CC.

use zegel_store::{Ticket, User};

use super::{body_label, key_label, subject_label};
use crate::{App, AppError, AppResult, RecipientInput, SendRequest, SentMessage};

/// The states an agent can set.
const AGENT_STATES: [&str; 3] = ["open", "waiting", "closed"];

#[derive(Debug, Clone)]
pub struct TicketView {
    pub id: String,
    pub state: String,
    pub channel: String,
    /// `technical` or `order`.
    pub kind: String,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub from_email: String,
    pub from_name: String,
    pub customer: Option<String>,
    /// The approved contact the ticket is from (address, role), once known.
    pub contact: Option<(String, String)>,
    pub cc: Option<String>,
    /// Kinds of third-party personal data removed at intake: the agent sees that, not the data.
    pub removed: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl App {
    async fn agent_ticket(&self, agent: &User, id: &str) -> AppResult<Ticket> {
        self.store
            .ticket(id)
            .await?
            .filter(|t| t.org_id == agent.org_id)
            .ok_or(AppError::NotFound)
    }

    pub(crate) async fn ticket_view_of(&self, ticket: Ticket) -> AppResult<TicketView> {
        let key = match &ticket.wrapped_dek {
            Some(wrapped) => {
                Some(self.unwrap_key(ticket.kek_version, wrapped, &key_label(&ticket.id))?)
            }
            None => None,
        };
        let open = |sealed: &Option<Vec<u8>>, label: String| -> AppResult<Option<String>> {
            crate::sent::decrypt_field(key.as_ref(), sealed.as_deref(), &label)
        };
        let profile = self.store.profile(&ticket.profile_id).await?;
        let (from_email, from_name) = profile.map(|p| (p.email, p.name)).unwrap_or_default();
        let customer = match &ticket.customer_id {
            Some(id) => self.store.customer(id).await?.map(|c| c.name),
            None => None,
        };
        let contact = match &ticket.contact_id {
            Some(id) => self.store.contact(id).await?.map(|c| (c.email, c.role)),
            None => None,
        };
        let cc = match &ticket.cc_contact_id {
            Some(id) => self.store.contact(id).await?.map(|c| c.email),
            None => None,
        };
        Ok(TicketView {
            subject: open(&ticket.subject_ct, subject_label(&ticket.id))?,
            body: open(&ticket.body_ct, body_label(&ticket.id))?,
            from_email,
            from_name,
            customer,
            contact,
            cc,
            removed: ticket
                .removed
                .as_deref()
                .map(|r| r.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            id: ticket.id,
            state: ticket.state,
            channel: ticket.channel,
            kind: ticket.kind,
            created_at: ticket.created_at,
            updated_at: ticket.updated_at,
        })
    }

    pub async fn tickets(&self, agent: &User) -> AppResult<Vec<TicketView>> {
        let mut views = Vec::new();
        for ticket in self.store.tickets_of_org(&agent.org_id, 500).await? {
            views.push(self.ticket_view_of(ticket).await?);
        }
        Ok(views)
    }

    pub async fn ticket_view(&self, agent: &User, id: &str) -> AppResult<TicketView> {
        let ticket = self.agent_ticket(agent, id).await?;
        self.ticket_view_of(ticket).await
    }

    pub async fn set_ticket_status(&self, agent: &User, id: &str, state: &str) -> AppResult<()> {
        let ticket = self.agent_ticket(agent, id).await?;
        if !AGENT_STATES.contains(&state) {
            return Err(AppError::Invalid(vec![format!(
                "state: one of {}",
                AGENT_STATES.join(", ")
            )]));
        }
        if matches!(ticket.state.as_str(), "checking" | "referred") {
            return Err(AppError::Conflict(
                "the sender is not confirmed as an approved contact yet".into(),
            ));
        }
        self.store
            .set_ticket_state(&ticket.id, state, self.now())
            .await?;
        self.audit(
            &agent.org_id,
            &agent.id,
            "ticket.status_changed",
            &ticket.id,
            serde_json::json!({"to": state}),
        )
        .await
    }

    /// The approved contacts an agent can put in CC when taking a referred ticket: those of
    /// the sender's customer organisation.
    pub async fn incident_cc_choices(
        &self,
        agent: &User,
        id: &str,
    ) -> AppResult<Vec<zegel_store::Contact>> {
        let ticket = self.agent_ticket(agent, id).await?;
        let Some(customer) = ticket.customer_id.filter(|_| ticket.state == "referred") else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .contacts_of_customer(&customer)
            .await?
            .into_iter()
            .filter(|c| c.deactivated_at.is_none())
            .collect())
    }

    /// Takes a referred ticket as an incident after all, with one of the customer's approved
    /// contacts in CC of everything that follows.
    pub async fn accept_incident(
        &self,
        agent: &User,
        id: &str,
        cc_contact_id: &str,
    ) -> AppResult<()> {
        let ticket = self.agent_ticket(agent, id).await?;
        let contact = self
            .store
            .contact(cc_contact_id)
            .await?
            .filter(|c| c.org_id == agent.org_id && c.deactivated_at.is_none())
            .ok_or_else(|| AppError::Invalid(vec!["choose an approved contact for CC".into()]))?;
        if !self
            .store
            .accept_referred_ticket(&ticket.id, &contact.id, self.now())
            .await?
        {
            return Err(AppError::Conflict(
                "only a referred ticket can be taken as an incident".into(),
            ));
        }
        self.audit(
            &agent.org_id,
            &agent.id,
            "ticket.accepted_as_incident",
            &ticket.id,
            serde_json::json!({"cc": contact.id}),
        )
        .await
    }

    /// Answers the ticket with a secure message to its sender (and the CC contact).
    pub async fn reply_to_ticket(
        &self,
        agent: &User,
        id: &str,
        body: &str,
    ) -> AppResult<SentMessage> {
        let view = self.ticket_view(agent, id).await?;
        if matches!(view.state.as_str(), "checking" | "referred") {
            return Err(AppError::Conflict(
                "the sender is not confirmed as an approved contact yet".into(),
            ));
        }
        let input = |email: &str| RecipientInput {
            email: email.to_owned(),
            verification: None,
            language: None,
        };
        let subject = format!(
            "Re: [#{}] {}",
            &view.id[..8],
            view.subject.clone().unwrap_or_default()
        );
        let sent = self
            .send_message(
                agent,
                SendRequest {
                    subject,
                    body: body.to_owned(),
                    to: vec![input(&view.from_email)],
                    cc: view.cc.iter().map(|e| input(e)).collect(),
                    bcc: Vec::new(),
                    expires_in_days: None,
                    secure: Some(true),
                    confirm_unsecured: false,
                    draft_id: None,
                    hold_seconds: None,
                    mailbox_id: None,
                },
            )
            .await?;
        self.store
            .set_ticket_state(&view.id, "waiting", self.now())
            .await?;
        self.audit(
            &agent.org_id,
            &agent.id,
            "ticket.replied",
            &view.id,
            serde_json::json!({"message_id": sent.id}),
        )
        .await?;
        Ok(sent)
    }
}
