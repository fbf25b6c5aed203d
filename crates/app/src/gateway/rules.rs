//! When a message counts as marked secure by its sender: a keyword in the subject (removed
//! from it), a header, a sensitivity label, or a sender address that always sends securely.

use mail_parser::Message;

#[derive(Debug, Clone)]
pub struct SecureMarkers {
    /// Subject keywords, e.g. `[veilig]`, `[secure]` (any case).
    pub subject_keywords: Vec<String>,
    /// Sender addresses (applications) whose mail is always sent securely.
    pub secure_senders: Vec<String>,
    /// Microsoft Purview label names or ids that mean secure (matched in `msip_labels`).
    pub labels: Vec<String>,
}

impl Default for SecureMarkers {
    fn default() -> Self {
        Self {
            subject_keywords: vec!["[veilig]".into(), "[secure]".into()],
            secure_senders: Vec::new(),
            labels: Vec::new(),
        }
    }
}

/// Why a message is to be sent securely, and its subject without the keyword.
#[derive(Debug, PartialEq, Eq)]
pub struct Marking {
    pub reason: Option<&'static str>,
    pub subject: String,
}

impl SecureMarkers {
    pub fn mark(&self, sender: &str, message: &Message<'_>) -> Marking {
        let subject = message.subject().unwrap_or_default().to_owned();
        let (subject, keyword) = strip_keywords(&subject, &self.subject_keywords);
        let header = |name: &'static str| {
            message
                .header_raw(name)
                .map(|v| v.trim().to_ascii_lowercase())
                .unwrap_or_default()
        };
        let flag = header("X-Zegel-Secure");
        let sensitivity = header("Sensitivity");
        let labels = header("msip_labels");
        let reason = if keyword {
            Some("subject_keyword")
        } else if matches!(flag.as_str(), "yes" | "true" | "1") {
            Some("header")
        } else if matches!(sensitivity.as_str(), "private" | "company-confidential") {
            Some("sensitivity")
        } else if self
            .labels
            .iter()
            .any(|label| !label.is_empty() && labels.contains(&label.to_ascii_lowercase()))
        {
            Some("label")
        } else if self
            .secure_senders
            .iter()
            .any(|s| s.eq_ignore_ascii_case(sender.trim()))
        {
            Some("secure_sender")
        } else {
            None
        };
        Marking { reason, subject }
    }
}

/// The subject without any keyword (case-insensitive), tidied; and whether one was there.
fn strip_keywords(subject: &str, keywords: &[String]) -> (String, bool) {
    let mut text = subject.to_owned();
    let mut found = false;
    for keyword in keywords.iter().filter(|k| !k.is_empty()) {
        while let Some(start) = text.to_lowercase().find(&keyword.to_lowercase()) {
            // Lower-casing can change lengths; only cut where the original matches too.
            let end = start + keyword.len();
            if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                break;
            }
            text.replace_range(start..end, " ");
            found = true;
        }
    }
    (text.split_whitespace().collect::<Vec<_>>().join(" "), found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    fn mark(markers: &SecureMarkers, sender: &str, raw: &str) -> Marking {
        let message = MessageParser::default().parse(raw.as_bytes()).unwrap();
        markers.mark(sender, &message)
    }

    #[test]
    fn each_marker_makes_a_message_secure() {
        let markers = SecureMarkers {
            secure_senders: vec!["noreply@zorg.nl".into()],
            labels: vec!["Vertrouwelijk".into()],
            ..SecureMarkers::default()
        };
        let plain = "Subject: Agenda\r\n\r\nhallo\r\n";
        assert_eq!(mark(&markers, "anne@zorg.nl", plain).reason, None);
        let keyword = mark(
            &markers,
            "anne@zorg.nl",
            "Subject: [VEILIG] Uitslag  lab\r\n\r\nx\r\n",
        );
        assert_eq!(keyword.reason, Some("subject_keyword"));
        assert_eq!(keyword.subject, "Uitslag lab");
        assert_eq!(
            mark(
                &markers,
                "a@zorg.nl",
                "Subject: x\r\nX-Zegel-Secure: Yes\r\n\r\nx\r\n"
            )
            .reason,
            Some("header")
        );
        assert_eq!(
            mark(
                &markers,
                "a@zorg.nl",
                "Subject: x\r\nSensitivity: Company-Confidential\r\n\r\nx\r\n"
            )
            .reason,
            Some("sensitivity")
        );
        let label = "Subject: x\r\nmsip_labels: MSIP_Label_1234_Enabled=true; MSIP_Label_1234_Name=Vertrouwelijk;\r\n\r\nx\r\n";
        assert_eq!(mark(&markers, "a@zorg.nl", label).reason, Some("label"));
        assert_eq!(
            mark(&markers, "NoReply@zorg.nl", plain).reason,
            Some("secure_sender")
        );
        assert_eq!(
            mark(
                &markers,
                "a@zorg.nl",
                "Subject: x\r\nX-Zegel-Secure: no\r\n\r\nx\r\n"
            )
            .reason,
            None
        );
    }
}
