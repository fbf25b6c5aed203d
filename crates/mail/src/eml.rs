//! Messages as `.eml` files (RFC 5322), for the recipient's own copy and the organisation's
//! archive.

use lettre::Message;
use lettre::message::header::{ContentType, Date};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use std::time::{Duration, UNIX_EPOCH};

use crate::MailError;

pub struct Eml<'a> {
    pub from_name: &'a str,
    pub from_address: &'a str,
    pub to: &'a [String],
    pub subject: &'a str,
    pub body: &'a str,
    pub sent_at: i64,
    pub message_id: String,
    pub attachments: Vec<EmlAttachment>,
}

/// A file carried in an `.eml`.
pub struct EmlAttachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Eml<'_> {
    pub fn render(&self) -> Result<Vec<u8>, MailError> {
        let invalid = |what: &str| MailError::Invalid(what.to_owned());
        let from_address = self
            .from_address
            .parse()
            .map_err(|_| invalid("sender address"))?;
        let mut builder = Message::builder()
            .from(Mailbox::new(Some(self.from_name.to_owned()), from_address))
            .subject(self.subject)
            .message_id(Some(self.message_id.clone()))
            .header(Date::new(
                UNIX_EPOCH + Duration::from_secs(self.sent_at.max(0) as u64),
            ));
        for to in self.to {
            builder = builder.to(to.parse().map_err(|_| invalid("recipient address"))?);
        }
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(self.body.to_owned());
        let message = if self.attachments.is_empty() {
            builder.singlepart(text)
        } else {
            let mut parts = MultiPart::mixed().singlepart(text);
            for file in &self.attachments {
                let content_type = ContentType::parse(&file.content_type).unwrap_or_else(|_| {
                    ContentType::parse("application/octet-stream").expect("valid")
                });
                parts = parts.singlepart(
                    Attachment::new(file.name.clone()).body(file.bytes.clone(), content_type),
                );
            }
            builder.multipart(parts)
        }
        .map_err(|e| MailError::Invalid(e.to_string()))?;
        Ok(message.formatted())
    }
}
