//! The `zegel` command: serve, worker, migrate and admin tasks.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::watch;
use zegel_app::{NewOrganisationRequest, SystemClock};
use zegel_domain::Language;
use zegel_server::{Config, build_app, run_worker, start};

#[derive(Parser)]
#[command(
    name = "zegel",
    version,
    about = "Secure mail for organisations that handle personal data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (and, unless embedded_worker = false, the background worker).
    Serve,
    /// Run only the background worker (notifications, codes, expiry).
    Worker,
    /// Create or update the database schema, then exit.
    Migrate,
    /// Set up organisations, users and API tokens.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Work with the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Send a secure message through a Zegel server's API, with files of any size.
    Send(zegel_server::send_cli::SendArgs),
    /// Find personal data in text from stdin (no configuration needed).
    Detect {
        /// Read `{"id","text"}` lines and write one verdict line each.
        #[arg(long)]
        jsonl: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every organisation's audit chain; exits with 1 when a record was changed,
    /// removed or moved.
    Verify,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organisation; prints its id.
    #[command(name = "create-org")]
    Organisation {
        #[arg(long)]
        name: String,
        /// An e-mail domain of the organisation itself (repeat for several).
        #[arg(long = "domain")]
        domains: Vec<String>,
        #[arg(long, default_value_t = 14)]
        default_expiry_days: u32,
        #[arg(long, default_value_t = 90)]
        max_expiry_days: u32,
        /// What personal data for an external recipient leads to when a sender asks for an
        /// unsecured message: audit, suggest, warn or block (secure sending switches on).
        #[arg(long, default_value = "block")]
        detection_level: String,
        /// An extra word that makes a message sensitive (repeat for several).
        #[arg(long = "detection-keyword")]
        detection_keywords: Vec<String>,
        /// An extra regular expression that makes a message sensitive (repeat for several).
        #[arg(long = "detection-pattern")]
        detection_patterns: Vec<String>,
        /// Days audit records are kept (default six years).
        #[arg(long, default_value_t = 2192)]
        audit_retention_days: u32,
        /// Bytes of attachments the organisation may keep (default: the server's
        /// storage_quota_bytes).
        #[arg(long)]
        storage_quota_bytes: Option<u64>,
    },
    /// Create a staff user in an organisation (by id or name); prints its id.
    #[command(name = "create-user")]
    User {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "nl")]
        language: String,
        /// `staff`, or `admin` (may also use the admin console).
        #[arg(long, default_value = "staff")]
        role: String,
    },
    /// Set a staff user's password for the web app, read from standard input. The first
    /// sign-in then sets up the second factor.
    #[command(name = "set-password")]
    Password {
        #[arg(long)]
        user: String,
    },
    /// Write every message of an organisation that still exists, with its replies, as .eml
    /// files into a folder (the archive before messages expire).
    #[command(name = "export")]
    Export {
        #[arg(long)]
        org: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Create an API token for a user; prints the token once.
    #[command(name = "create-token")]
    Token {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "api")]
        label: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZEGEL_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Command::Detect { jsonl } = cli.command {
        return match zegel_server::detect_cli::run(jsonl) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("zegel detect: {error}");
                ExitCode::FAILURE
            }
        };
    }
    if let Command::Send(args) = cli.command {
        return match zegel_server::send_cli::run(args).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("zegel send: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::load() {
        Ok(config) => config,
        Err(problems) => {
            eprintln!(
                "zegel: the configuration has {} problem(s):",
                problems.len()
            );
            for problem in problems {
                eprintln!("  - {problem}");
            }
            return ExitCode::from(2);
        }
    };
    match run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("zegel: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let running = start(&config, Arc::new(SystemClock)).await?;
            if matches!(config.mail, zegel_server::MailConfig::DevOutbox { .. }) {
                eprintln!(
                    "No SMTP server configured: mail goes to {}/dev/outbox",
                    config.public_url
                );
                if !config.listen.ip().is_loopback() {
                    // The outbox shows codes to anyone who can reach it: development only.
                    tracing::warn!(
                        "the dev outbox is reachable from other machines; set smtp_url before exposing Zegel"
                    );
                }
            }
            eprintln!("Zegel is listening on http://{}", running.address);
            shutdown_signal().await;
            running.shutdown().await;
        }
        Command::Worker => {
            let (app, _) = build_app(&config, Arc::new(SystemClock)).await?;
            let (stop, stopped) = watch::channel(false);
            let worker = tokio::spawn(run_worker(app, stopped));
            shutdown_signal().await;
            let _ = stop.send(true);
            worker.await?;
        }
        Command::Detect { .. } | Command::Send(_) => {
            unreachable!("handled before the configuration is read")
        }
        Command::Audit(AuditCommand::Verify) => {
            let (app, _) = build_app(&config, Arc::new(SystemClock)).await?;
            let reports = app.verify_audit().await?;
            let broken = reports.iter().filter(|r| r.problem.is_some()).count();
            for report in &reports {
                match &report.problem {
                    None => println!("{}: {} records, intact", report.org_id, report.records),
                    Some(problem) => println!(
                        "{}: {} records, BROKEN: {problem}",
                        report.org_id, report.records
                    ),
                }
            }
            if broken > 0 {
                anyhow::bail!("{broken} audit chain(s) failed verification");
            }
        }
        Command::Migrate => {
            zegel_store::connect(&config.database_url).await?;
            println!("database is up to date");
        }
        Command::Admin(admin) => {
            let (app, _) = build_app(&config, Arc::new(SystemClock)).await?;
            match admin {
                AdminCommand::Organisation {
                    name,
                    domains,
                    default_expiry_days,
                    max_expiry_days,
                    detection_level,
                    detection_keywords,
                    detection_patterns,
                    audit_retention_days,
                    storage_quota_bytes,
                } => {
                    let org = app
                        .create_organisation(NewOrganisationRequest {
                            name,
                            domains,
                            default_expiry_days,
                            max_expiry_days,
                            detection_level,
                            detection_keywords,
                            detection_patterns,
                            audit_retention_days,
                            storage_quota_bytes,
                        })
                        .await?;
                    println!("{}", org.id);
                }
                AdminCommand::User {
                    org,
                    email,
                    name,
                    language,
                    role,
                } => {
                    let language = Language::from_tag(&language)
                        .ok_or_else(|| anyhow::anyhow!("language must be nl or en"))?;
                    let user = app.create_user(&org, &email, &name, language).await?;
                    app.set_user_role(&email, &role).await?;
                    println!("{}", user.id);
                }
                AdminCommand::Password { user } => {
                    let mut password = String::new();
                    std::io::stdin().read_line(&mut password)?;
                    app.set_password(&user, password.trim_end_matches(['\r', '\n']))
                        .await?;
                    println!("password set for {user}");
                }
                AdminCommand::Export { org, out } => {
                    std::fs::create_dir_all(&out)?;
                    let files = app.export_organisation(&org).await?;
                    for file in &files {
                        std::fs::write(out.join(&file.name), &file.bytes)?;
                    }
                    println!("{} files written to {}", files.len(), out.display());
                }
                AdminCommand::Token { user, label } => {
                    println!("{}", app.create_api_token(&user, &label).await?.expose());
                }
            }
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("can listen for SIGTERM");
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
