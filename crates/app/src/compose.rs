//! What the staff web app asks before and after a send: which new external recipients need
//! an identity check, which addresses look like a typo of a known one, who would get personal
//! data for the first time; suggestions for the address fields; and undoing a send within
//! its first seconds.

use zegel_crypto::DataKey;
use zegel_domain::{EmailAddress, MessageState, looks_like};
use zegel_store::User;

use crate::send::content_label;
use crate::sent::decrypt_field;
use crate::{App, AppError, AppResult};

/// The undo window the web app gives after Send: notifications wait this long.
pub const UNDO_SECONDS: u32 = 10;
/// Known addresses offered while typing.
const SUGGESTIONS: i64 = 2000;

#[derive(Debug, Default)]
pub struct ComposeReview {
    /// External addresses the organisation has no identity check for yet.
    pub needs_check: Vec<String>,
    /// (typed address, the known address it resembles).
    pub lookalikes: Vec<(String, String)>,
    /// External addresses that would receive personal data for the first time.
    pub first_personal_data: Vec<String>,
    /// What personal data the content holds, when it goes to someone outside.
    pub personal_data: Vec<String>,
    /// The organisation switches secure sending on for such content (detection level block).
    pub secure_required: bool,
}

impl ComposeReview {
    /// Whether the sender should look at something before the message goes.
    pub fn has_warnings(&self) -> bool {
        !self.lookalikes.is_empty() || !self.first_personal_data.is_empty()
    }
}

/// A message taken back within the undo window: what the compose form is filled with again.
#[derive(Debug)]
pub struct UndoneMessage {
    pub subject: String,
    pub body: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    /// Files do not come back: their key is destroyed with the message.
    pub had_files: bool,
}

impl App {
    /// Looks at a message about to be sent to `addresses`.
    pub async fn review_compose(
        &self,
        sender: &User,
        addresses: &[EmailAddress],
        text: &str,
    ) -> AppResult<ComposeReview> {
        let org = self
            .store
            .organisation(&sender.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let level =
            zegel_detect::Level::parse(&org.detection_level).unwrap_or(zegel_detect::Level::Block);
        let rules = self.organisation_rules(&org, level).await?;
        let internal = self.store.organisation_domains(&org.id).await?;
        let external: Vec<&EmailAddress> = addresses
            .iter()
            .filter(|a| !internal.iter().any(|d| d == a.domain()))
            .collect();
        let mut review = ComposeReview::default();
        let known = self
            .store
            .recipients_of_organisation(&org.id, SUGGESTIONS)
            .await?;
        let known: Vec<EmailAddress> = known
            .iter()
            .filter_map(|r| EmailAddress::parse(&r.email).ok())
            .collect();
        for address in &external {
            if known.contains(address) {
                continue;
            }
            review.needs_check.push(address.to_string());
            if let Some(similar) = known.iter().find(|k| looks_like(address, k)) {
                review
                    .lookalikes
                    .push((address.to_string(), similar.to_string()));
            }
        }
        let listed: Vec<&str> = addresses.iter().map(EmailAddress::as_str).collect();
        let decision = rules.assess(text, &listed);
        if decision.sensitive {
            review.secure_required = level == zegel_detect::Level::Block;
            review.personal_data = decision.reasons().into_iter().map(str::to_owned).collect();
            let emails: Vec<String> = external.iter().map(|a| a.to_string()).collect();
            let before = self
                .store
                .recipients_sent_personal_data(&org.id, &emails)
                .await?;
            review.first_personal_data =
                emails.into_iter().filter(|e| !before.contains(e)).collect();
        }
        Ok(review)
    }

    /// Remembers that these addresses have now received personal data.
    pub async fn note_personal_data_sent(
        &self,
        sender: &User,
        addresses: &[String],
    ) -> AppResult<()> {
        self.store
            .mark_sent_personal_data(&sender.org_id, addresses, self.now())
            .await?;
        Ok(())
    }

    /// The organisation's expiry policy: the compose form's default and maximum days.
    pub async fn expiry_policy(&self, sender: &User) -> AppResult<(u32, u32)> {
        let org = self
            .store
            .organisation(&sender.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((org.default_expiry_days as u32, org.max_expiry_days as u32))
    }

    /// The organisation's known recipient addresses, for the address fields' suggestions.
    pub async fn address_suggestions(&self, sender: &User) -> AppResult<Vec<String>> {
        Ok(self
            .store
            .recipients_of_organisation(&sender.org_id, SUGGESTIONS)
            .await?
            .into_iter()
            .map(|r| r.email)
            .collect())
    }

    /// Whether the message's undo window is still open: nobody notified, sent moments ago.
    pub async fn can_undo(&self, sender: &User, id: &str) -> AppResult<bool> {
        let message = self.owned_message(sender, id).await?;
        if MessageState::parse(&message.state) != Some(MessageState::Sent)
            || self.now() > message.created_at + i64::from(UNDO_SECONDS)
        {
            return Ok(false);
        }
        let deliveries = self.store.deliveries(&message.id).await?;
        Ok(deliveries.iter().all(|d| d.delivery.notified_at.is_none()))
    }

    /// Takes a message back before anyone was notified; `None` when it is too late.
    pub async fn undo_send(&self, sender: &User, id: &str) -> AppResult<Option<UndoneMessage>> {
        if !self.can_undo(sender, id).await? {
            return Ok(None);
        }
        let message = self.owned_message(sender, id).await?;
        let key: Option<DataKey> = self.data_key(&message)?;
        let field = |sealed: Option<&[u8]>, name: &str| {
            decrypt_field(key.as_ref(), sealed, &content_label(&message.id, name))
                .map(Option::unwrap_or_default)
        };
        let subject = field(message.subject_ct.as_deref(), "subject")?;
        let body = field(message.body_ct.as_deref(), "body")?;
        let had_files = !self.store.attachments(&message.id).await?.is_empty();
        let mut undone = UndoneMessage {
            subject,
            body,
            to: Vec::new(),
            cc: Vec::new(),
            bcc: Vec::new(),
            had_files,
        };
        for view in self.store.deliveries(&message.id).await? {
            let list = match view.delivery.kind.as_str() {
                "cc" => &mut undone.cc,
                "bcc" => &mut undone.bcc,
                _ => &mut undone.to,
            };
            list.push(view.email);
        }
        self.end_message(sender, id, "message.undone").await?;
        Ok(Some(undone))
    }
}
