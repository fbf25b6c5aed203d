use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{MailError, MailSender, OutgoingMail};

/// Sends through an SMTP server given as a URL, e.g. `smtp://user:pass@mail.example.nl:587`
/// (STARTTLS required), `smtps://…` (implicit TLS) or `smtp://127.0.0.1:2525?tls=none` for a
/// local relay.
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpSender {
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        if url.starts_with("smtp://") && !url.contains("tls=required") && !is_loopback(url) {
            tracing::warn!(
                "smtp_url sends mail unencrypted to a remote server; use smtps:// or ?tls=required"
            );
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Invalid(format!("smtp url: {e}")))?
            .build();
        let from = from
            .parse()
            .map_err(|_| MailError::Invalid(format!("sender address '{from}'")))?;
        Ok(Self { transport, from })
    }

    fn build(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let from = Mailbox::new(Some(mail.from_name.clone()), self.from.email.clone());
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|_| MailError::Invalid("recipient address".into()))?;
        let builder = Message::builder()
            .from(from)
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(mail.message_id.clone()));
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone());
        let message = match &mail.html {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            ),
            None => builder.singlepart(text),
        };
        message.map_err(|e| MailError::Invalid(e.to_string()))
    }
}

#[async_trait]
impl MailSender for SmtpSender {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = self.build(mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Transport(e.to_string()))
    }
}

/// Whether the URL's host is this machine, where an unencrypted hop to a local relay is fine.
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host_part = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
    ["127.", "localhost", "[::1]"]
        .iter()
        .any(|prefix| host_part.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn recognises_local_relays() {
        assert!(is_loopback("smtp://127.0.0.1:25"));
        assert!(is_loopback("smtp://user:pw@localhost:2525"));
        assert!(!is_loopback("smtp://mail.zorg.nl:25"));
        assert!(!is_loopback("smtp://127.0.0.1@mail.zorg.nl"));
    }
}
