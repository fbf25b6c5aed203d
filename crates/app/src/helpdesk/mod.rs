//! Helpdesk intake (DESIGN §7): tickets are taken only from contact persons a customer
//! organisation approved. Mail from an approved address counts only when the organisation's
//! own mail server vouches for it (DMARC pass for that domain); a known contact writing from
//! elsewhere proves who they are with a code sent to their registered address; anyone else is
//! referred to their organisation's administrators, and an agent may still take an incident
//! with a contact in CC. Third-party personal data is removed at intake.

mod accounts;
mod agents;
mod auth_results;
mod check;
mod directory;
mod intake;
mod mail_intake;
mod offboarding;
mod redaction;

pub use agents::TicketView;
pub use check::CheckOutcome;
pub use directory::{ContactRole, CustomerView};
pub use intake::{IncomingTicket, IntakeOutcome};
pub use offboarding::OffboardingReport;

pub(crate) fn subject_label(ticket_id: &str) -> String {
    format!("ticket:{ticket_id}:subject")
}

pub(crate) fn body_label(ticket_id: &str) -> String {
    format!("ticket:{ticket_id}:body")
}

pub(crate) fn key_label(ticket_id: &str) -> String {
    format!("ticket:{ticket_id}:key")
}
