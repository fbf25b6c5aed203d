//! Third-party personal data in an incoming ticket is removed before the ticket is stored:
//! the helpdesk may not keep other people's data the sender should not have sent. The
//! sender's own address and name stay; the agent sees which kinds were removed, not the data.

/// What replaces a removed piece of data.
pub const REMOVED_MARK: &str = "[…]";

pub(crate) struct Redacted {
    pub text: String,
    /// The kinds removed, each once (`BSN`, `IBAN`, …).
    pub kinds: Vec<&'static str>,
}

/// Removes every piece of personal data except the sender's own address and name.
pub(crate) fn remove_third_party_data(
    text: &str,
    internal_domains: &[String],
    sender_email: &str,
    sender_name: &str,
) -> Redacted {
    let verdict = zegel_detect::detect_with(text, internal_domains);
    // Spans count code points; map them to byte offsets.
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let own = |piece: &str| {
        let piece = piece.trim().to_lowercase();
        piece == sender_email.to_lowercase()
            || (!sender_name.trim().is_empty()
                && sender_name.to_lowercase().contains(&piece)
                && piece.len() > 1)
    };
    let mut out = String::with_capacity(text.len());
    let mut kinds = Vec::new();
    let mut at = 0;
    for span in &verdict.spans {
        let (start, end) = (offsets[span.start], offsets[span.end]);
        if own(&text[start..end]) {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(REMOVED_MARK);
        at = end;
        if !kinds.contains(&span.kind.as_str()) {
            kinds.push(span.kind.as_str());
        }
    }
    out.push_str(&text[at..]);
    Redacted { text: out, kinds }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_peoples_data_goes_and_the_senders_own_stays() {
        let text = "Beste helpdesk,\nMijn collega met BSN 111222333 kan niet inloggen. \
                    Zijn IBAN is NL91 ABNA 0417 1643 00.\nMail mij op p.jansen@klant.example.\n";
        let redacted = remove_third_party_data(text, &[], "p.jansen@klant.example", "Piet Jansen");
        assert!(!redacted.text.contains("111222333"), "{}", redacted.text);
        assert!(!redacted.text.contains("0417 1643"));
        assert!(redacted.text.contains("p.jansen@klant.example"));
        assert!(redacted.kinds.contains(&"BSN") && redacted.kinds.contains(&"IBAN"));
        assert!(redacted.text.contains("kan niet inloggen"));
    }

    #[test]
    fn a_ticket_without_personal_data_is_kept_as_it_is() {
        let text = "De printer op de tweede verdieping doet het niet.";
        let redacted = remove_third_party_data(text, &[], "a@b.example", "An");
        assert_eq!(redacted.text, text);
        assert!(redacted.kinds.is_empty());
    }
}
