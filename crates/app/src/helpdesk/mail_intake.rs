//! Helpdesk tickets by e-mail: mail for an organisation's helpdesk address, handed over by
//! its mail server, becomes a ticket. The sender counts as vouched for only when that server
//! stamped DMARC pass for the From domain.

use mail_parser::{HeaderValue, MessageParser};

use super::auth_results::dmarc_passed;
use super::{IncomingTicket, IntakeOutcome};
use crate::{App, AppError, AppResult};

impl App {
    /// The organisation whose helpdesk address this is.
    pub async fn helpdesk_of(&self, address: &str) -> AppResult<Option<String>> {
        Ok(self
            .store
            .organisation_by_helpdesk_address(&address.trim().to_ascii_lowercase())
            .await?)
    }

    /// Takes a mail for the helpdesk of `org_id` in as a ticket.
    pub async fn helpdesk_mail(&self, org_id: &str, raw: &[u8]) -> AppResult<IntakeOutcome> {
        let message = MessageParser::default()
            .parse(raw)
            .ok_or_else(|| AppError::Invalid(vec!["the message cannot be read".into()]))?;
        let from = message
            .from()
            .and_then(|list| list.first())
            .ok_or_else(|| AppError::Invalid(vec!["the message has no From".into()]))?;
        let address = from.address().unwrap_or_default().to_owned();
        let name = from.name().unwrap_or_default().to_owned();
        let results: Vec<String> = message
            .header_values("Authentication-Results")
            .filter_map(|value| match value {
                HeaderValue::Text(text) => Some(text.to_string()),
                _ => None,
            })
            .collect();
        let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        let authserv = self
            .gateway
            .as_ref()
            .and_then(|g| g.authserv_id.clone())
            .unwrap_or_default();
        let authenticated = !authserv.is_empty() && dmarc_passed(&results, &authserv, domain);
        self.take_ticket(IncomingTicket {
            org_id: org_id.to_owned(),
            from: address,
            name,
            subject: message.subject().unwrap_or_default().to_owned(),
            body: message.body_text(0).unwrap_or_default().into_owned(),
            authenticated,
            channel: "email",
            kind: None,
        })
        .await
    }
}
