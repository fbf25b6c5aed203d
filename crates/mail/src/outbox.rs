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

#[async_trait]
impl MailSender for DevOutbox {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let written_at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let entry = OutboxEntry {
            channel: "email".into(),
            to: mail.to.clone(),
            from_name: mail.from_name.clone(),
            subject: mail.subject.clone(),
            text: mail.text.clone(),
            html: mail.html.clone(),
            written_at_ms,
        };
        let json =
            serde_json::to_vec_pretty(&entry).map_err(|e| MailError::Transport(e.to_string()))?;
        let file_name: String = mail
            .message_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self.dir.join(format!("{written_at_ms}-{file_name}.json"));
        tokio::fs::write(path, json)
            .await
            .map_err(|e| MailError::Transport(e.to_string()))
    }
}
