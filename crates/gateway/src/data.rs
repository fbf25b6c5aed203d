//! Checks on a message's bytes as received after DATA.

/// Whether the message has a bare LF or a bare CR: how SMTP smuggling hides a second message
/// behind an end-of-data marker that another server reads differently. Such mail is refused.
pub fn has_bare_line_ending(data: &[u8]) -> bool {
    data.iter().enumerate().any(|(i, &byte)| match byte {
        b'\n' => i == 0 || data[i - 1] != b'\r',
        b'\r' => data.get(i + 1) != Some(&b'\n'),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_crlf_line_endings_pass() {
        assert!(!has_bare_line_ending(b"Subject: a\r\n\r\nbody\r\n"));
        assert!(has_bare_line_ending(
            b"Subject: a\r\n\r\nbody\n.\r\nMAIL FROM:<x@y>\r\n"
        ));
        assert!(has_bare_line_ending(b"Subject: a\r\n\r\nbody\r\n.\nx\r\n"));
        assert!(has_bare_line_ending(b"Subject: a\r\n\r\nbo\rdy\r\n"));
        assert!(has_bare_line_ending(b"\nSubject: a\r\n"));
    }
}
