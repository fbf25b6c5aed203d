//! Sending as a shared mailbox: who may, and what recipients see (the mailbox, not the
//! member). The audit trail keeps naming the member.

use zegel_store::{Message, SharedMailbox, User};

use crate::{App, AppResult};

impl App {
    pub(crate) async fn is_member(&self, user: &User, mailbox_id: &str) -> AppResult<bool> {
        Ok(self
            .store
            .mailboxes_of_user(&user.id)
            .await?
            .iter()
            .any(|m| m.id == mailbox_id))
    }

    /// The shared mailboxes a user may send as.
    pub async fn sender_mailboxes(&self, user: &User) -> AppResult<Vec<SharedMailbox>> {
        Ok(self.store.mailboxes_of_user(&user.id).await?)
    }

    /// The name recipients see: the mailbox's, or the sender's own.
    pub(crate) async fn shown_sender(&self, message: &Message, sender: &User) -> AppResult<String> {
        Ok(match &message.mailbox_id {
            Some(id) => self
                .store
                .mailbox(id)
                .await?
                .map(|m| m.display_name)
                .unwrap_or_else(|| sender.display_name.clone()),
            None => sender.display_name.clone(),
        })
    }
}
