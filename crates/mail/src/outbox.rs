use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::{MailError, MailSender, OutgoingMail};

/// For development without a mail server: every e-mail becomes a JSON file in a folder,
/// listed newest first on the dev outbox page. Never for production, since codes land on disk.
pub struct DevOutbox {
    dir: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub channel: String,
    pub to: String,
    pub from_name: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub written_at_ms: u128,
}

impl DevOutbox {
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir })
    }

    /// Newest first; unreadable files are skipped rather than breaking the page.
    pub fn entries(&self) -> std::io::Result<Vec<OutboxEntry>> {
        let mut entries: Vec<OutboxEntry> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
            .collect();
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.written_at_ms));
        Ok(entries)
    }
}

impl OutboxEntry {
    /// An entry written now; `channel` is `email` or `sms`.
    pub fn now(channel: &str, to: &str, from_name: &str, subject: &str, text: &str) -> Self {
        Self {
            channel: channel.to_owned(),
            to: to.to_owned(),
            from_name: from_name.to_owned(),
            subject: subject.to_owned(),
            text: text.to_owned(),
            html: None,
            written_at_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis(),
        }
    }
}

impl DevOutbox {
    /// Writes one entry; `id` makes the file name unique and recognisable.
    pub async fn write(&self, entry: &OutboxEntry, id: &str) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
        let file_name: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self
            .dir
            .join(format!("{}-{file_name}.json", entry.written_at_ms));
        tokio::fs::write(path, json).await
    }
}

#[async_trait]
impl MailSender for DevOutbox {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let mut entry = OutboxEntry::now(
            "email",
            &mail.to,
            &mail.from_name,
            &mail.subject,
            &mail.text,
        );
        entry.html = mail.html.clone();
        self.write(&entry, &mail.message_id)
            .await
            .map_err(|e| MailError::Transport(e.to_string()))
    }
}
