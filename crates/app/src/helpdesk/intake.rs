//! Taking a ticket in: who sent it, whether they may, and what is kept of it.

use zegel_crypto::{DataKey, generate_code};
use zegel_domain::EmailAddress;
use zegel_mail::OutgoingMail;
use zegel_store::{Contact, Ticket, TicketProfile};

use super::redaction::remove_third_party_data;
use super::{body_label, key_label, subject_label};
use crate::{App, AppError, AppResult, new_id};

/// How long a check code for a ticket is valid.
pub const CHECK_SECONDS: i64 = 60 * 60;

pub struct IncomingTicket {
    pub org_id: String,
    pub from: String,
    pub name: String,
    pub subject: String,
    pub body: String,
    /// The organisation's mail server vouched for the sender's domain (DMARC pass). Always
    /// false for the portal form, where anyone can type any address.
    pub authenticated: bool,
    /// `email` or `portal`.
    pub channel: &'static str,
    /// `technical`, or `order` for quotes and orders (general contacts only); `None`: read
    /// from the subject.
    pub kind: Option<&'static str>,
}

/// Words in a subject that make a mail about a quote or an order.
const ORDER_WORDS: [&str; 6] = [
    "offerte",
    "quote",
    "quotation",
    "order",
    "bestelling",
    "opdracht",
];

fn kind_of(incoming: &IncomingTicket) -> &'static str {
    incoming.kind.unwrap_or_else(|| {
        let subject = incoming.subject.to_lowercase();
        if ORDER_WORDS.iter().any(|w| subject.contains(w)) {
            "order"
        } else {
            "technical"
        }
    })
}

#[derive(Debug, Clone)]
pub struct IntakeOutcome {
    pub ticket_id: String,
    /// `open`, `checking` or `referred`.
    pub state: String,
    /// Kinds of third-party personal data removed.
    pub removed: Vec<String>,
}

/// Who the sender turned out to be.
enum Sender {
    /// An active contact writing from their registered address, vouched for.
    Approved(Contact),
    /// Probably this contact, from another address (or unvouched): a code goes to the
    /// registered address first.
    ToCheck(Contact),
    Unknown,
    /// An approved contact whose role does not cover this kind of ticket.
    NotForRole,
}

/// Mail to someone outside, in Dutch and English (their language is unknown).
pub(crate) fn bilingual(key: &str, args: &[(&'static str, &str)]) -> String {
    let nl = zegel_i18n::text_with(zegel_domain::Language::Nl, key, args);
    let en = zegel_i18n::text_with(zegel_domain::Language::En, key, args);
    format!("{nl}\n\n---\n\n{en}\n")
}

impl App {
    async fn identify(&self, incoming: &IncomingTicket, from: &EmailAddress) -> AppResult<Sender> {
        let org = &incoming.org_id;
        let active = |c: &Contact| c.deactivated_at.is_none();
        if let Some(contact) = self
            .store
            .contact_by_email(org, from.as_str())
            .await?
            .filter(active)
        {
            return Ok(if incoming.authenticated {
                Sender::Approved(contact)
            } else {
                Sender::ToCheck(contact)
            });
        }
        // Another address of a known contact: the same name at the customer's domain, or at
        // any customer when written from elsewhere (a private mailbox).
        let name = incoming.name.trim().to_lowercase();
        if name.is_empty() {
            return Ok(Sender::Unknown);
        }
        let candidates = match self.store.customer_by_domain(org, from.domain()).await? {
            Some(customer) => self.store.contacts_of_customer(&customer.id).await?,
            None => {
                let mut all = Vec::new();
                for customer in self.store.customers(org).await? {
                    all.extend(self.store.contacts_of_customer(&customer.id).await?);
                }
                all
            }
        };
        let matching: Vec<Contact> = candidates
            .into_iter()
            .filter(|c| active(c) && c.name.trim().to_lowercase() == name)
            .collect();
        // Two contacts with one name: nobody can tell which; the ticket is referred.
        Ok(match <[Contact; 1]>::try_from(matching) {
            Ok([contact]) => Sender::ToCheck(contact),
            Err(_) => Sender::Unknown,
        })
    }

    /// The person's profile, made at their first ticket.
    async fn profile_for(
        &self,
        incoming: &IncomingTicket,
        from: &EmailAddress,
    ) -> AppResult<TicketProfile> {
        if let Some(profile) = self
            .store
            .profile_by_email(&incoming.org_id, from.as_str())
            .await?
        {
            return Ok(profile);
        }
        let customer = self
            .store
            .customer_by_domain(&incoming.org_id, from.domain())
            .await?;
        let profile = TicketProfile {
            id: new_id(),
            org_id: incoming.org_id.clone(),
            customer_id: customer.map(|c| c.id),
            email: from.to_string(),
            name: incoming.name.trim().to_owned(),
            general: 0,
            created_at: self.now(),
        };
        match self.store.create_profile(&profile).await {
            Ok(()) => Ok(profile),
            // Another ticket of theirs made it a moment ago.
            Err(zegel_store::StoreError::Conflict) => self
                .store
                .profile_by_email(&incoming.org_id, from.as_str())
                .await?
                .ok_or_else(|| AppError::Internal("profile vanished".into())),
            Err(other) => Err(other.into()),
        }
    }

    /// Takes a ticket in; answers the sender (and, for a check, the registered address).
    pub async fn take_ticket(&self, incoming: IncomingTicket) -> AppResult<IntakeOutcome> {
        let from = EmailAddress::parse(&incoming.from)
            .map_err(|e| AppError::Invalid(vec![format!("from: {e}")]))?;
        let kind = kind_of(&incoming);
        let sender = match self.identify(&incoming, &from).await? {
            // ICT contacts file technical tickets only.
            Sender::Approved(c) | Sender::ToCheck(c) if kind == "order" && c.role != "general" => {
                Sender::NotForRole
            }
            other => other,
        };
        let profile = self.profile_for(&incoming, &from).await?;
        let internal = self.store.organisation_domains(&incoming.org_id).await?;
        let body =
            remove_third_party_data(&incoming.body, &internal, from.as_str(), &incoming.name);
        let subject =
            remove_third_party_data(&incoming.subject, &internal, from.as_str(), &incoming.name);
        let mut removed: Vec<String> = body
            .kinds
            .iter()
            .chain(&subject.kinds)
            .map(|k| k.to_string())
            .collect();
        removed.sort();
        removed.dedup();

        let id = new_id();
        let now = self.now();
        let key = DataKey::generate();
        let (kek_version, wrapped) = self.keyring.wrap(&key, key_label(&id).as_bytes());
        let (state, contact, code) = match &sender {
            Sender::Approved(contact) => ("open", Some(contact.clone()), None),
            Sender::ToCheck(contact) => ("checking", Some(contact.clone()), Some(generate_code())),
            Sender::Unknown | Sender::NotForRole => ("referred", None, None),
        };
        let ticket = Ticket {
            id: id.clone(),
            org_id: incoming.org_id.clone(),
            customer_id: profile.customer_id.clone(),
            profile_id: profile.id.clone(),
            contact_id: contact.as_ref().map(|c| c.id.clone()),
            channel: incoming.channel.to_owned(),
            state: state.to_owned(),
            subject_ct: Some(key.seal(subject.text.as_bytes(), subject_label(&id).as_bytes())),
            body_ct: Some(key.seal(body.text.as_bytes(), body_label(&id).as_bytes())),
            wrapped_dek: Some(wrapped),
            kek_version: i64::from(kek_version),
            removed: (!removed.is_empty()).then(|| removed.join(",")),
            cc_contact_id: None,
            check_code_hmac: code
                .as_ref()
                .map(|c| self.codes.hash(c, &format!("ticket:{id}"))),
            check_expires_at: code.as_ref().map(|_| now + CHECK_SECONDS),
            check_attempts: 0,
            created_at: now,
            updated_at: now,
            kind: kind.to_owned(),
        };
        self.store.insert_ticket(&ticket).await?;
        self.audit(
            &incoming.org_id,
            &format!("profile:{}", profile.id),
            "ticket.received",
            &id,
            serde_json::json!({"state": state, "channel": incoming.channel, "removed": removed}),
        )
        .await?;
        // The answer: the state, or why an approved contact's ticket was referred.
        let reply = match &sender {
            Sender::NotForRole => "role",
            _ => state,
        };
        self.answer_sender(
            &incoming,
            &from,
            &id,
            reply,
            &removed,
            contact.as_ref(),
            code.as_deref().map(String::as_str),
        )
        .await;
        Ok(IntakeOutcome {
            ticket_id: id,
            state: state.to_owned(),
            removed,
        })
    }

    /// The mails a ticket leads to. A mail that cannot go is logged; the ticket is kept.
    #[allow(clippy::too_many_arguments)]
    async fn answer_sender(
        &self,
        incoming: &IncomingTicket,
        from: &EmailAddress,
        id: &str,
        state: &str,
        removed: &[String],
        contact: Option<&Contact>,
        code: Option<&str>,
    ) {
        let number = &id[..8];
        let mut mails = Vec::new();
        let mut text = match state {
            "open" => bilingual("helpdesk-mail-received", &[("number", number)]),
            "checking" => {
                let link = format!(
                    "{}/helpdesk/check/{id}/{}",
                    self.public_url,
                    self.keyring.ticket_check_token(id).expose()
                );
                bilingual(
                    "helpdesk-mail-check",
                    &[("number", number), ("link", &link)],
                )
            }
            "role" => bilingual("helpdesk-mail-role", &[("number", number)]),
            _ => bilingual("helpdesk-mail-referred", &[("number", number)]),
        };
        if !removed.is_empty() {
            text.push_str(&bilingual(
                "helpdesk-mail-removed",
                &[("kinds", &removed.join(", "))],
            ));
        }
        let subject = bilingual("helpdesk-mail-subject", &[("number", number)])
            .replace("\n\n---\n\n", " / ")
            .trim()
            .to_owned();
        mails.push(OutgoingMail::from_zegel(
            from.as_str(),
            subject.clone(),
            text,
            &format!("<ticket.{id}@zegel>"),
        ));
        if let (Some(contact), Some(code)) = (contact, code) {
            mails.push(OutgoingMail::from_zegel(
                &contact.email,
                subject,
                bilingual("helpdesk-mail-code", &[("code", code), ("number", number)]),
                &format!("<ticket-code.{id}@zegel>"),
            ));
        }
        for mail in mails {
            if let Err(error) = self.mailer.send(&mail).await {
                tracing::warn!(%error, ticket_id = %id, channel = incoming.channel, "helpdesk answer not sent");
            }
        }
    }
}
