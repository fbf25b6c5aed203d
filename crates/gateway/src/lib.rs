//! The SMTP gateway: organisations route outgoing mail through Zegel, so any mail client,
//! phone or application can send securely. Mail clients submit with AUTH (their address and
//! an API token); the organisation's own mail server relays from a configured address.
//! Nobody else may hand over mail: this is never an open relay.
//!
//! The protocol is handled here (commands parsed by `smtp-proto`); what happens to a message
//! is the app's `gateway_accept`, which stores it durably before the `250`.

mod connection;
mod data;
mod tls;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use zegel_app::App;

pub use tls::{TlsError, load_tls};

/// How the gateway behaves.
#[derive(Clone)]
pub struct GatewayOptions {
    /// The name in the greeting and EHLO answer.
    pub hostname: String,
    /// The SIZE advertised and enforced while the message streams in.
    pub max_message_bytes: usize,
    /// STARTTLS, when a certificate is configured.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// Mail servers that may relay without AUTH (for the organisation's own senders).
    pub relay_peers: Vec<IpAddr>,
    /// Connections served at once: each may hold a message of up to the SIZE limit in memory.
    pub max_connections: usize,
}

/// Serves SMTP on `listener` until `stopped` turns true.
pub async fn serve(
    listener: TcpListener,
    app: App,
    options: GatewayOptions,
    mut stopped: watch::Receiver<bool>,
) {
    let options = Arc::new(options);
    let slots = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((mut stream, peer)) => {
                    let Ok(slot) = slots.clone().try_acquire_owned() else {
                        tracing::warn!(%peer, "gateway busy: connection turned away");
                        tokio::spawn(async move {
                            use tokio::io::AsyncWriteExt;
                            let _ = stream.write_all(b"421 4.7.0 Too many connections; try again later\r\n").await;
                        });
                        continue;
                    };
                    let (app, options) = (app.clone(), options.clone());
                    tokio::spawn(async move {
                        if let Err(error) = connection::handle(stream, peer, app, options).await {
                            tracing::debug!(%peer, %error, "gateway connection ended");
                        }
                        drop(slot);
                    });
                }
                Err(error) => tracing::warn!(%error, "gateway could not accept a connection"),
            },
            _ = stopped.wait_for(|stop| *stop) => return,
        }
    }
}

/// Whether a peer may use AUTH without TLS: only on this machine.
fn is_local(peer: SocketAddr) -> bool {
    peer.ip().is_loopback()
}
