//! Mail taken in by the SMTP gateway: stored sealed the moment it arrives (the SMTP `250`
//! follows only then), then processed by a job: turned into a secure message when it is
//! marked or holds personal data for an external recipient, otherwise relayed unchanged to
//! the organisation's next hop.

mod accept;
mod held;
mod process;
mod rules;

use std::sync::Arc;
use zegel_mail::RawRelay;

pub use accept::{Accepted, Envelope};
pub use held::HeldMail;
pub use rules::SecureMarkers;

/// How the gateway decides and where ordinary mail goes.
#[derive(Clone)]
pub struct GatewaySettings {
    pub markers: SecureMarkers,
    /// The organisation's outgoing mail server, for mail that needs no protection.
    pub next_hop: Arc<dyn RawRelay>,
    /// The authserv-id the organisation's mail server stamps on Authentication-Results:
    /// only its word on a sender counts (helpdesk intake).
    pub authserv_id: Option<String>,
}

fn key_label(id: &str) -> String {
    format!("gateway:{id}:key")
}

fn raw_label(id: &str) -> String {
    format!("gateway:{id}:raw")
}
