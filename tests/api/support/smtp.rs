//! A real SMTP server for the tests: aiosmtpd (Python, `tests/smtp_sink.py`) storing every
//! accepted message as a numbered file, read back in arrival order and parsed with mail-parser.

use mail_parser::MessageParser;
use std::path::PathBuf;
use std::process::Child;

pub struct SmtpSink {
    pub port: u16,
    maildir: tempfile::TempDir,
    process: Child,
}

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub message_id: String,
}

impl ReceivedMail {
    /// The first portal link in the text part.
    pub fn portal_link(&self) -> String {
        let start = self.text.find("/m/").expect("a portal link in the mail");
        let begin = self.text[..start].rfind("http").expect("an absolute link");
        let rest = &self.text[begin..];
        rest.split_whitespace().next().unwrap().to_owned()
    }

    /// The 6-digit code in a code e-mail.
    pub fn code(&self) -> String {
        self.text
            .split(|c: char| !c.is_ascii_digit())
            .find(|part| part.len() == 6)
            .unwrap_or_else(|| panic!("no 6-digit code in {self:#?}"))
            .to_owned()
    }
}

/// Starts the sink on `port` (0: any free port, chosen by the system, so parallel tests never
/// share one) and returns the process and the port it listens on.
fn spawn_server(port: u16, maildir: &std::path::Path) -> (Child, u16) {
    super::python_server::spawn(
        "smtp_sink.py",
        &[&port.to_string(), &maildir.display().to_string()],
        "pip install aiosmtpd",
    )
}

impl SmtpSink {
    pub fn start() -> Self {
        let maildir = tempfile::tempdir().unwrap();
        let (process, port) = spawn_server(0, maildir.path());
        Self {
            port,
            maildir,
            process,
        }
    }

    /// Takes the server down, as a mail server outage would.
    pub fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// Brings it back on the same port, keeping what it received before.
    pub fn start_again(&mut self) {
        self.process = spawn_server(self.port, self.maildir.path()).0;
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.maildir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
    }

    /// Every message received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.files()
            .iter()
            .map(|path| parse(&std::fs::read(path).unwrap()))
            .collect()
    }

    pub fn received_by(&self, to: &str) -> Vec<ReceivedMail> {
        self.received().into_iter().filter(|m| m.to == to).collect()
    }

    /// The only message to `to` so far; fails when there is none or more than one.
    pub fn only_mail_to(&self, to: &str) -> ReceivedMail {
        let mails = self.received_by(to);
        assert_eq!(
            mails.len(),
            1,
            "expected exactly one mail to {to}, got {mails:#?}"
        );
        mails.into_iter().next().unwrap()
    }

    /// Raw bytes of every stored message, for scanning.
    pub fn raw(&self) -> Vec<Vec<u8>> {
        self.files()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }
}

fn parse(raw: &[u8]) -> ReceivedMail {
    let message = MessageParser::default()
        .parse(raw)
        .expect("a parseable mail");
    let address = |list: Option<&mail_parser::Address>| {
        list.and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned()
    };
    ReceivedMail {
        to: address(message.to()),
        from: message
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.name())
            .unwrap_or_default()
            .to_owned(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message.body_html(0).map(|t| t.into_owned()),
        message_id: message.message_id().unwrap_or_default().to_owned(),
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
