//! The e-mails Zegel writes. Texts come from the i18n crate; the templates only lay them out.
//! No message content ever goes into a recipient's e-mail: only who sent it and a link.

use askama::Template;
use zegel_domain::Language;
use zegel_i18n::{format_date, text, text_with};

use crate::OutgoingMail;

/// The e-mail that tells a recipient a secure message is waiting.
pub struct NotificationMail<'a> {
    pub language: Language,
    pub to: &'a str,
    pub sender_name: &'a str,
    pub organisation: &'a str,
    pub link: &'a str,
    pub expires_at: i64,
    pub message_id: String,
    /// The organisation's colour (`#rrggbb`, dark enough for white text) and logo address.
    pub brand_colour: Option<&'a str>,
    pub logo_url: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "notification.html")]
struct NotificationHtml<'a> {
    lang: &'a str,
    heading: String,
    intro: String,
    button: String,
    expiry: String,
    link_help: String,
    link: &'a str,
    footer: String,
    colour: &'a str,
    logo_url: Option<&'a str>,
    organisation: &'a str,
}

#[derive(Template)]
#[template(path = "notification.txt")]
struct NotificationText<'a> {
    heading: String,
    intro: String,
    expiry: String,
    link: &'a str,
    footer: String,
}

impl NotificationMail<'_> {
    pub fn render(&self) -> OutgoingMail {
        let language = self.language;
        let people = [
            ("sender", self.sender_name),
            ("organisation", self.organisation),
        ];
        let heading = text(language, "mail-notification-heading");
        let intro = text_with(language, "mail-notification-intro", &people);
        let expiry = text_with(
            language,
            "mail-notification-expiry",
            &[("date", &format_date(language, self.expires_at))],
        );
        let footer = text_with(language, "mail-notification-footer", &people);
        let html = NotificationHtml {
            lang: language.code(),
            heading: heading.clone(),
            intro: intro.clone(),
            button: text(language, "mail-notification-button"),
            expiry: expiry.clone(),
            link_help: text(language, "mail-notification-link-help"),
            link: self.link,
            footer: footer.clone(),
            colour: self.brand_colour.unwrap_or("#0b5cad"),
            logo_url: self.logo_url,
            organisation: self.organisation,
        };
        let plain = NotificationText {
            heading,
            intro,
            expiry,
            link: self.link,
            footer,
        };
        OutgoingMail {
            to: self.to.to_owned(),
            from_name: format!("{} ({})", self.sender_name, self.organisation),
            subject: text_with(language, "mail-notification-subject", &people),
            text: plain
                .render()
                .expect("the notification text template renders"),
            html: Some(
                html.render()
                    .expect("the notification HTML template renders"),
            ),
            message_id: self.message_id.clone(),
        }
    }
}

/// The e-mail with a one-time code, sent only after the recipient asked for it.
pub struct CodeMail<'a> {
    pub language: Language,
    pub to: &'a str,
    pub organisation: &'a str,
    pub code: &'a str,
    pub message_id: String,
}

impl CodeMail<'_> {
    pub fn render(&self) -> OutgoingMail {
        let language = self.language;
        let body = [
            text_with(language, "mail-code-body", &[("code", self.code)]),
            text(language, "mail-code-validity"),
            text(language, "mail-code-ignore"),
        ]
        .join("\n\n");
        OutgoingMail {
            to: self.to.to_owned(),
            from_name: self.organisation.to_owned(),
            subject: text(language, "mail-code-subject"),
            text: body + "\n",
            html: None,
            message_id: self.message_id.clone(),
        }
    }
}

/// The e-mail that brings a recipient's reply to the sender's own (internal) mailbox.
pub struct ReplyMail<'a> {
    pub language: Language,
    pub to: &'a str,
    pub recipient: &'a str,
    /// `None` when the message has been shredded in the meantime.
    pub subject_and_reply: Option<(&'a str, &'a str)>,
    pub message_id: String,
}

impl ReplyMail<'_> {
    pub fn render(&self) -> OutgoingMail {
        let language = self.language;
        let who = ("recipient", self.recipient);
        let body = match self.subject_and_reply {
            Some((subject, reply)) => format!(
                "{}\n\n{}\n",
                text_with(language, "mail-reply-intro", &[who, ("subject", subject)]),
                reply
            ),
            None => format!(
                "{}\n",
                text_with(language, "mail-reply-unavailable", &[who])
            ),
        };
        OutgoingMail::from_zegel(
            self.to,
            text_with(language, "mail-reply-subject", &[who]),
            body,
            &self.message_id,
        )
    }
}

/// Tells a sender that the recipient says the SMS number is not theirs.
pub struct WrongNumberMail<'a> {
    pub language: Language,
    pub to: &'a str,
    pub recipient: &'a str,
    pub masked_phone: &'a str,
    pub message_id: String,
}

impl WrongNumberMail<'_> {
    pub fn render(&self) -> OutgoingMail {
        let args = [("recipient", self.recipient), ("phone", self.masked_phone)];
        notice_to_staff(
            self.language,
            self.to,
            "mail-wrong-number",
            &args,
            &self.message_id,
        )
    }
}

/// Tells a sender that mail they sent through the gateway waits until the recipients named
/// have an identity check. Names no content: the subject may hold personal data.
pub struct GatewayHeldMail<'a> {
    pub language: Language,
    pub to: &'a str,
    /// The addresses without an identity check, comma-separated.
    pub recipients: &'a str,
    /// Where to set a recipient's check.
    pub how: &'a str,
    pub message_id: String,
}

impl GatewayHeldMail<'_> {
    pub fn render(&self) -> OutgoingMail {
        let args = [("recipients", self.recipients), ("how", self.how)];
        notice_to_staff(
            self.language,
            self.to,
            "mail-gateway-held",
            &args,
            &self.message_id,
        )
    }
}

/// A plain mail from Zegel to staff whose subject and text are the texts `{key}-subject`
/// and `{key}-body`.
fn notice_to_staff(
    language: Language,
    to: &str,
    key: &str,
    args: &[(&'static str, &str)],
    message_id: &str,
) -> OutgoingMail {
    OutgoingMail::from_zegel(
        to,
        text_with(language, &format!("{key}-subject"), args),
        text_with(language, &format!("{key}-body"), args) + "\n",
        message_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(language: Language) -> OutgoingMail {
        NotificationMail {
            language,
            to: "jan@example.nl",
            sender_name: "Anne <Bakker>",
            organisation: "Zorg & Co",
            link: "https://zegel.example/m/abc",
            expires_at: 1_797_156_000,
            message_id: "<n-1@zegel>".into(),
            brand_colour: None,
            logo_url: None,
        }
        .render()
    }

    #[test]
    fn notification_has_button_link_and_escapes_names_in_html() {
        let mail = notification(Language::En);
        let html = mail.html.unwrap();
        assert!(html.contains(r#"href="https://zegel.example/m/abc""#));
        assert!(html.contains("Open message"));
        assert!(html.contains("Anne &#60;Bakker&#62;") || html.contains("Anne &lt;Bakker&gt;"));
        assert!(mail.text.contains("https://zegel.example/m/abc"));
        assert_eq!(mail.subject, "Anne <Bakker> sent you a secure message");
    }

    #[test]
    fn notification_is_in_dutch_for_dutch_recipients() {
        let mail = notification(Language::Nl);
        assert!(mail.html.unwrap().contains("Bericht openen"));
        assert!(mail.text.contains("U kunt het bericht lezen tot"));
    }
}
