//! Wires Zegel together: configuration, database, keys, mail, the web face and the worker.
//! The `zegel` binary and the integration tests both start the server through [`start`].

pub mod config;
pub mod detect_cli;
pub mod gateway_config;
mod keys;
pub mod send_cli;
mod storage;

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use zegel_app::{App, Clock, Worker};
use zegel_mail::{DevOutbox, MailSender, SmtpSender};
use zegel_web::WebOptions;

pub use config::{Config, MailConfig, RawConfig};

/// Builds the services from the configuration: connects and migrates the database and loads
/// (or on first start creates) the keys.
pub async fn build_app(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<(App, Option<Arc<DevOutbox>>)> {
    std::fs::create_dir_all(&config.data_dir)?;
    let store = zegel_store::connect(&config.database_url).await?;
    let keyring = keys::load_or_create(&config.keys, store.as_ref()).await?;
    let (mailer, outbox): (Arc<dyn MailSender>, _) = match &config.mail {
        MailConfig::Smtp { url, from } => (Arc::new(SmtpSender::new(url, from)?), None),
        MailConfig::DevOutbox { dir } => {
            let outbox = Arc::new(DevOutbox::new(dir)?);
            (outbox.clone(), Some(outbox))
        }
    };
    // `sms_provider = "outbox"` keeps SMS on the dev outbox while mail goes out over SMTP.
    let outbox = match outbox {
        None if config.sms.provider.as_deref() == Some("outbox") => {
            Some(Arc::new(DevOutbox::new(config.data_dir.join("outbox"))?))
        }
        outbox => outbox,
    };
    let sms = zegel_sms::build_provider(&config.sms, outbox.clone())
        .map_err(|problems| anyhow::anyhow!(problems.join("; ")))?;
    let blobs = zegel_blob::BlobStore::open(&config.blobs)?;
    let mut app = App::new(
        store,
        Arc::new(keyring),
        mailer,
        sms,
        clock,
        blobs,
        &config.public_url,
    );
    app.sms_policy.allowed_regions = config.sms_countries.clone();
    app.attachment_limits = config.attachment_limits;
    app.job_lease_seconds = config.job_lease_seconds;
    if let Some(gateway) = &config.gateway {
        app.gateway = Some(zegel_app::GatewaySettings {
            markers: gateway.markers.clone(),
            next_hop: Arc::new(zegel_mail::SmtpRelay::new(&gateway.next_hop)?),
            authserv_id: gateway.authserv_id.clone(),
        });
    }
    Ok((app, outbox))
}

/// A running server; dropping it does not stop it, [`Running::shutdown`] does.
pub struct Running {
    pub address: SocketAddr,
    /// Where the SMTP gateway listens, when it runs.
    pub gateway_address: Option<SocketAddr>,
    pub app: App,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting requests, lets running ones and the current job finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

pub async fn start(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    start_on(listener, config, clock).await
}

/// As [`start`], on a listener bound already (tests bind port 0 and read the port first).
pub async fn start_on(
    listener: tokio::net::TcpListener,
    config: &Config,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Running> {
    let (app, dev_outbox) = build_app(config, clock).await?;
    let https = config.public_url.starts_with("https://");
    let router = zegel_web::router(app.clone(), WebOptions { dev_outbox, https });
    let address = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    let mut server_stop = stopped.clone();
    tasks.push(tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = server_stop.wait_for(|stop| *stop).await;
        });
        if let Err(error) = serve.await {
            tracing::error!(%error, "server stopped with an error");
        }
    }));
    let gateway_address = match &config.gateway {
        Some(gateway) => Some(start_gateway(gateway, &app, stopped.clone(), &mut tasks).await?),
        None => None,
    };
    if config.embedded_worker {
        tasks.push(tokio::spawn(run_worker(app.clone(), stopped)));
    }
    tracing::info!(%address, database = app.store.backend(), "zegel is listening");
    Ok(Running {
        gateway_address,
        address,
        app,
        stop,
        tasks,
    })
}

async fn start_gateway(
    gateway: &gateway_config::GatewayConfig,
    app: &App,
    stopped: watch::Receiver<bool>,
    tasks: &mut Vec<tokio::task::JoinHandle<()>>,
) -> anyhow::Result<SocketAddr> {
    let tls = match &gateway.tls {
        Some((cert, key)) => Some(zegel_gateway::load_tls(cert, key)?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(gateway.listen).await?;
    let address = listener.local_addr()?;
    let options = zegel_gateway::GatewayOptions {
        hostname: gateway.hostname.clone(),
        max_message_bytes: gateway.max_message_bytes,
        tls,
        relay_peers: gateway.relay_peers.clone(),
        max_connections: gateway.max_connections,
    };
    tasks.push(tokio::spawn(zegel_gateway::serve(
        listener,
        app.clone(),
        options,
        stopped,
    )));
    tracing::info!(%address, "SMTP gateway is listening");
    Ok(address)
}

pub async fn run_worker(app: App, mut stopped: watch::Receiver<bool>) {
    Worker::new(app)
        .run(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await;
}
