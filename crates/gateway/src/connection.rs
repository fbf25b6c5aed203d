//! One SMTP connection: greeting, EHLO, STARTTLS, AUTH, one or more mail transactions.
//! Replies follow RFC 5321 with enhanced status codes (RFC 3463).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, RequestReceiver};
use smtp_proto::{AUTH_LOGIN, AUTH_PLAIN, Error as ProtoError, Request};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use zegel_app::{Accepted, App, Envelope, User};
use zegel_domain::EmailAddress;

use crate::data::has_bare_line_ending;
use crate::{GatewayOptions, is_local};

/// More recipients than this in one message are refused (the API's limit too).
const MAX_RECIPIENTS: usize = 100;
/// Wrong logins before the connection is closed.
const MAX_AUTH_FAILURES: u32 = 3;
/// A client that says nothing for this long is disconnected.
const IDLE: Duration = Duration::from_secs(300);

enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
    Closed,
}

impl Stream {
    async fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = async {
            match self {
                Stream::Plain(s) => s.read(buffer).await,
                Stream::Tls(s) => s.read(buffer).await,
                Stream::Closed => Ok(0),
            }
        };
        tokio::time::timeout(IDLE, read)
            .await
            .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
    }

    async fn write(&mut self, reply: &str) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(reply.as_bytes()).await,
            Stream::Tls(s) => {
                s.write_all(reply.as_bytes()).await?;
                s.flush().await
            }
            Stream::Closed => Ok(()),
        }
    }
}

/// Where the conversation stands.
enum Phase {
    Command,
    AuthPlain,
    AuthLoginUser,
    AuthLoginPassword {
        user: String,
    },
    Data(DataReceiver),
    /// A message over the size limit: read to its end, then refused.
    Discard(DummyDataReceiver),
}

struct Session {
    app: App,
    options: Arc<GatewayOptions>,
    peer: SocketAddr,
    tls: bool,
    greeted: bool,
    user: Option<User>,
    auth_failures: u32,
    /// The sender of the current transaction (a relayed one has no login).
    sender: Option<User>,
    /// A relay peer hands over mail from outside: it may only be for a helpdesk address,
    /// whose organisation this is once the first recipient is known.
    inbound: Option<Inbound>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

/// Mail from outside for a helpdesk, handed over by the organisation's mail server.
#[derive(Default)]
struct Inbound {
    org_id: Option<String>,
}

/// What the connection does after a reply.
enum Next {
    Go,
    StartTls,
    Close,
}

pub async fn handle(
    stream: TcpStream,
    peer: SocketAddr,
    app: App,
    options: Arc<GatewayOptions>,
) -> std::io::Result<()> {
    let mut stream = Stream::Plain(stream);
    let mut session = Session {
        app,
        options,
        peer,
        tls: false,
        greeted: false,
        user: None,
        auth_failures: 0,
        sender: None,
        inbound: None,
        from: String::new(),
        to: Vec::new(),
        data: Vec::new(),
    };
    stream
        .write(&format!("220 {} ESMTP Zegel\r\n", session.options.hostname))
        .await?;
    let mut receiver = RequestReceiver::default();
    let mut phase = Phase::Command;
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        let mut bytes = buffer[..read].iter();
        while !bytes.as_slice().is_empty() {
            let (reply, next) = match &mut phase {
                Phase::Command => match receiver.ingest(&mut bytes) {
                    Ok(request) => {
                        let request = request.into_owned();
                        session.command(request, &mut phase).await
                    }
                    Err(ProtoError::NeedsMoreData { .. }) => break,
                    Err(ProtoError::ResponseTooLong) => {
                        ("500 5.5.2 Line too long\r\n".to_owned(), Next::Go)
                    }
                    Err(_) => ("500 5.5.2 Syntax error\r\n".to_owned(), Next::Go),
                },
                Phase::AuthPlain | Phase::AuthLoginUser | Phase::AuthLoginPassword { .. } => {
                    let Some(line) = take_line(&mut bytes, receiver.buf()) else {
                        break;
                    };
                    session.auth_line(&line, &mut phase).await
                }
                Phase::Data(data) => {
                    if !data.ingest(&mut bytes, &mut session.data) {
                        if session.data.len() > session.options.max_message_bytes {
                            phase = Phase::Discard(DummyDataReceiver::new_data(data));
                            session.data = Vec::new();
                        }
                        continue;
                    }
                    phase = Phase::Command;
                    session.end_of_data().await
                }
                Phase::Discard(discard) => {
                    if !discard.ingest(&mut bytes) {
                        continue;
                    }
                    phase = Phase::Command;
                    session.reset();
                    (session.too_large(), Next::Go)
                }
            };
            stream.write(&reply).await?;
            match next {
                Next::Go => {}
                Next::Close => return Ok(()),
                Next::StartTls => {
                    // Anything the client sent after STARTTLS in the clear is thrown away:
                    // commands injected before the handshake must never count.
                    bytes = [].iter();
                    receiver = RequestReceiver::default();
                    let Some(acceptor) = session.options.tls.clone() else {
                        return Ok(());
                    };
                    let Stream::Plain(tcp) = std::mem::replace(&mut stream, Stream::Closed) else {
                        return Ok(());
                    };
                    stream = Stream::Tls(Box::new(acceptor.accept(tcp).await?));
                    session.after_tls();
                }
            }
        }
    }
}

/// A CRLF-terminated line from the input, once complete (kept in `pending` until then).
fn take_line(bytes: &mut std::slice::Iter<'_, u8>, pending: &mut Vec<u8>) -> Option<String> {
    let rest = bytes.as_slice();
    match rest.iter().position(|&b| b == b'\n') {
        Some(end) => {
            pending.extend_from_slice(&rest[..end]);
            *bytes = rest[end + 1..].iter();
            let line = String::from_utf8_lossy(pending)
                .trim_end_matches('\r')
                .to_owned();
            pending.clear();
            Some(line)
        }
        None => {
            pending.extend_from_slice(rest);
            *bytes = [].iter();
            None
        }
    }
}

impl Session {
    fn reset(&mut self) {
        self.sender = None;
        self.inbound = None;
        self.from.clear();
        self.to.clear();
        self.data = Vec::new();
    }

    fn after_tls(&mut self) {
        self.tls = true;
        self.greeted = false;
        self.user = None;
        self.reset();
    }

    /// The refusal of a message over the size limit.
    fn too_large(&self) -> String {
        let limit = self.options.max_message_bytes;
        format!("552 5.3.4 The message is larger than the {limit} bytes allowed\r\n")
    }

    fn may_authenticate(&self) -> bool {
        self.tls || is_local(self.peer)
    }

    fn ehlo(&self, host: &str) -> String {
        let name = &self.options.hostname;
        let mut lines = vec![
            format!("{name} greets {host}"),
            "PIPELINING".to_owned(),
            "8BITMIME".to_owned(),
            "ENHANCEDSTATUSCODES".to_owned(),
            format!("SIZE {}", self.options.max_message_bytes),
        ];
        if self.options.tls.is_some() && !self.tls {
            lines.push("STARTTLS".to_owned());
        }
        if self.may_authenticate() {
            lines.push("AUTH PLAIN LOGIN".to_owned());
        }
        let last = lines.len() - 1;
        lines
            .iter()
            .enumerate()
            .map(|(i, line)| format!("250{}{line}\r\n", if i == last { ' ' } else { '-' }))
            .collect()
    }

    async fn command(&mut self, request: Request<String>, phase: &mut Phase) -> (String, Next) {
        let reply = |text: &str| (format!("{text}\r\n"), Next::Go);
        match request {
            Request::Ehlo { host } => {
                self.greeted = true;
                self.reset();
                (self.ehlo(&host), Next::Go)
            }
            Request::Helo { host: _ } => {
                self.greeted = true;
                self.reset();
                reply(&format!("250 {}", self.options.hostname))
            }
            Request::StartTls if self.tls => reply("503 5.5.1 TLS is already active"),
            Request::StartTls if self.options.tls.is_none() => {
                reply("502 5.5.1 STARTTLS is not offered here")
            }
            Request::StartTls => (
                "220 2.0.0 Ready to start TLS\r\n".to_owned(),
                Next::StartTls,
            ),
            Request::Auth { .. } if self.user.is_some() => reply("503 5.5.1 Already authenticated"),
            Request::Auth { .. } if !self.may_authenticate() => {
                reply("538 5.7.11 Encryption required: use STARTTLS first")
            }
            Request::Auth {
                mechanism,
                initial_response,
            } => match mechanism {
                AUTH_PLAIN if initial_response.is_empty() => {
                    *phase = Phase::AuthPlain;
                    reply("334 ")
                }
                AUTH_PLAIN => self.auth_plain(&initial_response, phase).await,
                AUTH_LOGIN if initial_response.is_empty() => {
                    *phase = Phase::AuthLoginUser;
                    reply("334 VXNlcm5hbWU6")
                }
                AUTH_LOGIN => {
                    let user = decode(&initial_response).unwrap_or_default();
                    *phase = Phase::AuthLoginPassword { user };
                    reply("334 UGFzc3dvcmQ6")
                }
                _ => reply("504 5.5.4 Use AUTH PLAIN or LOGIN"),
            },
            Request::Mail { from } => self.mail_from(from.address, from.size).await,
            Request::Rcpt { to } => self.rcpt_to(&to.address).await,
            Request::Data if self.to.is_empty() => reply("503 5.5.1 RCPT TO first"),
            Request::Data => {
                *phase = Phase::Data(DataReceiver::new());
                self.data = Vec::new();
                reply("354 Start mail input; end with <CRLF>.<CRLF>")
            }
            Request::Rset => {
                self.reset();
                reply("250 2.0.0 OK")
            }
            Request::Noop { .. } => reply("250 2.0.0 OK"),
            Request::Vrfy { .. } => reply("252 2.5.0 Cannot verify addresses"),
            Request::Quit => ("221 2.0.0 Bye\r\n".to_owned(), Next::Close),
            _ => reply("502 5.5.1 Command not implemented"),
        }
    }

    async fn auth_line(&mut self, line: &str, phase: &mut Phase) -> (String, Next) {
        if line == "*" {
            *phase = Phase::Command;
            return (
                "501 5.7.0 Authentication cancelled\r\n".to_owned(),
                Next::Go,
            );
        }
        match std::mem::replace(phase, Phase::Command) {
            Phase::AuthPlain => self.auth_plain(line, phase).await,
            Phase::AuthLoginUser => {
                *phase = Phase::AuthLoginPassword {
                    user: decode(line).unwrap_or_default(),
                };
                ("334 UGFzc3dvcmQ6\r\n".to_owned(), Next::Go)
            }
            Phase::AuthLoginPassword { user } => {
                let password = decode(line).unwrap_or_default();
                self.login(&user, &password).await
            }
            other => {
                *phase = other;
                ("503 5.5.1 Unexpected\r\n".to_owned(), Next::Go)
            }
        }
    }

    /// `\0user\0password`, base64 (RFC 4616).
    async fn auth_plain(&mut self, encoded: &str, phase: &mut Phase) -> (String, Next) {
        *phase = Phase::Command;
        let decoded = decode(encoded).unwrap_or_default();
        let mut parts = decoded.split('\0');
        let (_, user, password) = (parts.next(), parts.next(), parts.next());
        match (user, password) {
            (Some(user), Some(password)) => self.login(user, password).await,
            _ => self.login_failed(),
        }
    }

    async fn login(&mut self, user: &str, password: &str) -> (String, Next) {
        match self.app.gateway_login(user, password).await {
            Ok(found) => {
                tracing::info!(user = %found.id, "gateway login");
                self.user = Some(found);
                (
                    "235 2.7.0 Authentication successful\r\n".to_owned(),
                    Next::Go,
                )
            }
            Err(_) => self.login_failed(),
        }
    }

    fn login_failed(&mut self) -> (String, Next) {
        self.auth_failures += 1;
        tracing::info!(peer = %self.peer, failures = self.auth_failures, "gateway login refused");
        if self.auth_failures >= MAX_AUTH_FAILURES {
            return (
                "421 4.7.0 Too many failed logins; closing\r\n".to_owned(),
                Next::Close,
            );
        }
        (
            "535 5.7.8 Authentication credentials invalid\r\n".to_owned(),
            Next::Go,
        )
    }

    async fn mail_from(&mut self, from: String, size: usize) -> (String, Next) {
        let reply = |text: &str| (format!("{text}\r\n"), Next::Go);
        if !self.greeted {
            return reply("503 5.5.1 EHLO first");
        }
        if !self.from.is_empty() {
            return reply("503 5.5.1 A transaction is already open; RSET first");
        }
        if size > self.options.max_message_bytes {
            return reply("552 5.3.4 The message is larger than allowed");
        }
        let sender = match &self.user {
            Some(user) if user.email.eq_ignore_ascii_case(from.trim()) => user.clone(),
            Some(_) => return reply("553 5.7.1 You may only send as your own address"),
            None if self.options.relay_peers.contains(&self.peer.ip()) => {
                match self.app.gateway_relay_sender(&from).await {
                    Ok(user) => user,
                    // Not staff: mail from outside, acceptable only for a helpdesk address.
                    Err(_) => {
                        self.inbound = Some(Inbound::default());
                        self.from = from;
                        return reply("250 2.1.0 Sender OK");
                    }
                }
            }
            None => return reply("530 5.7.0 Authentication required"),
        };
        self.sender = Some(sender);
        self.from = from;
        reply("250 2.1.0 Sender OK")
    }

    async fn rcpt_to(&mut self, address: &str) -> (String, Next) {
        let reply = |text: &str| (format!("{text}\r\n"), Next::Go);
        if let Some(inbound) = &mut self.inbound {
            let helpdesk = self.app.helpdesk_of(address).await.ok().flatten();
            return match helpdesk {
                Some(org) if inbound.org_id.as_ref().is_none_or(|o| *o == org) => {
                    inbound.org_id = Some(org);
                    self.to.push(address.trim().to_ascii_lowercase());
                    reply("250 2.1.5 Recipient OK")
                }
                Some(_) => reply("452 4.5.3 One helpdesk per message; send the rest separately"),
                None => reply("550 5.7.1 Relaying denied: the sender is not a user of Zegel"),
            };
        }
        if self.sender.is_none() {
            return reply("503 5.5.1 MAIL FROM first");
        }
        if self.to.len() >= MAX_RECIPIENTS {
            return reply("452 4.5.3 Too many recipients");
        }
        match EmailAddress::parse(address) {
            Ok(email) => {
                self.to.push(email.to_string());
                reply("250 2.1.5 Recipient OK")
            }
            Err(_) => reply("553 5.1.3 Not a valid address"),
        }
    }

    async fn end_of_data(&mut self) -> (String, Next) {
        if let Some(org) = self.inbound.take().and_then(|i| i.org_id) {
            return self.helpdesk_data(&org).await;
        }
        let data = std::mem::take(&mut self.data);
        let Some(sender) = self.sender.clone() else {
            return ("503 5.5.1 No transaction\r\n".to_owned(), Next::Go);
        };
        let envelope = Envelope {
            from: self.from.clone(),
            to: self.to.clone(),
        };
        self.reset();
        if data.len() > self.options.max_message_bytes {
            return (self.too_large(), Next::Go);
        }
        if has_bare_line_ending(&data) {
            tracing::info!(peer = %self.peer, "gateway refused a message with bare line endings");
            return (
                "550 5.6.0 Bare LF or CR in the message; lines must end with CRLF\r\n".to_owned(),
                Next::Go,
            );
        }
        match self.app.gateway_accept(&sender, &envelope, &data).await {
            Ok(Accepted::Stored) => ("250 2.0.0 Message accepted\r\n".to_owned(), Next::Go),
            Ok(Accepted::Duplicate) => (
                "250 2.0.0 Message accepted (already received)\r\n".to_owned(),
                Next::Go,
            ),
            Err(error) => {
                tracing::error!(%error, "gateway could not store a message");
                (
                    "451 4.3.0 Temporary failure; try again later\r\n".to_owned(),
                    Next::Go,
                )
            }
        }
    }
}

impl Session {
    /// A helpdesk mail: checked like any other, then taken in as a ticket before the `250`.
    async fn helpdesk_data(&mut self, org: &str) -> (String, Next) {
        let data = std::mem::take(&mut self.data);
        self.reset();
        if data.len() > self.options.max_message_bytes {
            return (self.too_large(), Next::Go);
        }
        if has_bare_line_ending(&data) {
            return (
                "550 5.6.0 Bare LF or CR in the message; lines must end with CRLF\r\n".to_owned(),
                Next::Go,
            );
        }
        match self.app.helpdesk_mail(org, &data).await {
            Ok(_) => ("250 2.0.0 Ticket received\r\n".to_owned(), Next::Go),
            Err(zegel_app::AppError::Invalid(_)) => (
                "550 5.6.0 The message has no readable sender\r\n".to_owned(),
                Next::Go,
            ),
            Err(error) => {
                tracing::error!(%error, "gateway could not take a helpdesk mail in");
                (
                    "451 4.3.0 Temporary failure; try again later\r\n".to_owned(),
                    Next::Go,
                )
            }
        }
    }
}

fn decode(encoded: &str) -> Option<String> {
    STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}
