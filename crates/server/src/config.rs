//! Configuration: a TOML file (`ZEGEL_CONFIG`, else `./zegel.toml` when present) overridden by
//! `ZEGEL_*` environment variables. Every problem is collected and reported at once, so an
//! administrator fixes a broken config in one round.

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The settings as written, before validation. Field names are the TOML keys; the
/// environment variable is the upper-case name with `ZEGEL_` in front.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RawConfig {
    pub listen: Option<String>,
    pub data_dir: Option<String>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    /// `smtp://…` or `smtps://…`; without it mail goes to the dev outbox.
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub key_file: Option<String>,
    /// The key file's content itself (for secret stores that hand out environment variables).
    pub keys: Option<String>,
    /// Whether `serve` also runs the background worker (default true).
    pub embedded_worker: Option<bool>,
    /// Seconds a worker holds a job before another worker may take it over (default 300):
    /// how long a job of a crashed worker waits.
    pub job_lease_seconds: Option<u32>,
    /// `spryng`, `spryng-v1`, `bird`, `twilio` or `webhook`; without it SMS go to the dev
    /// outbox (development) or are not offered (with `smtp_url`).
    pub sms_provider: Option<String>,
    pub sms_base_url: Option<String>,
    pub sms_api_key: Option<String>,
    /// Spryng account reference, Bird workspace id, Twilio account SID.
    pub sms_account: Option<String>,
    /// Bird channel id.
    pub sms_channel: Option<String>,
    pub sms_originator: Option<String>,
    pub sms_route: Option<String>,
    pub sms_report_user: Option<String>,
    pub sms_report_secret: Option<String>,
    /// Comma-separated ISO country codes numbers may come from (default `NL,BE,DE,LU`).
    pub sms_countries: Option<String>,
    /// `local` (default: `blob_dir`, else `blobs` in the data directory) or `s3`.
    pub blob_store: Option<String>,
    pub blob_dir: Option<String>,
    pub s3_bucket: Option<String>,
    /// Default `us-east-1`.
    pub s3_region: Option<String>,
    /// For S3-compatible servers other than AWS, e.g. `http://127.0.0.1:9000`.
    pub s3_endpoint: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    /// Largest file, largest total per message, default quota per organisation (bytes).
    pub max_file_bytes: Option<u64>,
    pub max_message_bytes: Option<u64>,
    pub storage_quota_bytes: Option<u64>,
    /// The SMTP gateway's address, e.g. `0.0.0.0:587`; without it there is no gateway.
    pub gateway_listen: Option<String>,
    /// The name in the gateway's greeting (default `localhost`).
    pub gateway_hostname: Option<String>,
    /// PEM certificate chain and key for STARTTLS.
    pub gateway_tls_cert: Option<String>,
    pub gateway_tls_key: Option<String>,
    /// Where mail that needs no protection goes on, e.g. `smtp://mail.zorg.nl:25`.
    pub gateway_next_hop: Option<String>,
    /// IP addresses of the organisation's mail servers that may relay without AUTH.
    pub gateway_relay_peers: Option<String>,
    /// Largest message the gateway takes (default 50 MiB).
    pub gateway_max_message_bytes: Option<usize>,
    /// Connections the gateway serves at once (default 64); more are told to come back later.
    pub gateway_max_connections: Option<usize>,
    /// Subject keywords that make a message secure (default `[veilig],[secure]`).
    pub gateway_keywords: Option<String>,
    /// Sender addresses whose mail always goes securely (applications).
    pub gateway_secure_senders: Option<String>,
    /// Microsoft Purview sensitivity label names or ids that make a message secure.
    pub gateway_labels: Option<String>,
    /// The authserv-id the organisation's mail server writes in Authentication-Results.
    pub gateway_authserv_id: Option<String>,
}

#[derive(Debug, Clone)]
pub enum MailConfig {
    Smtp { url: String, from: String },
    DevOutbox { dir: PathBuf },
}

#[derive(Debug, Clone)]
pub enum KeySource {
    File(PathBuf),
    Inline(String),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub public_url: String,
    pub mail: MailConfig,
    pub keys: KeySource,
    pub embedded_worker: bool,
    pub job_lease_seconds: i64,
    pub sms: zegel_sms::ProviderConfig,
    pub sms_countries: Vec<String>,
    pub blobs: zegel_blob::BlobConfig,
    pub attachment_limits: zegel_app::AttachmentLimits,
    pub gateway: Option<crate::gateway_config::GatewayConfig>,
}

impl Config {
    /// Reads file and environment; every error found is in the returned list.
    pub fn load() -> Result<Self, Vec<String>> {
        let file = std::env::var("ZEGEL_CONFIG").ok();
        let mut figment = Figment::new();
        match &file {
            Some(path) if !Path::new(path).exists() => {
                return Err(vec![format!(
                    "ZEGEL_CONFIG names '{path}', which does not exist"
                )]);
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("zegel.toml")),
        }
        figment = figment.merge(Env::prefixed("ZEGEL_").ignore(&["config"]));
        let raw: RawConfig = figment
            .extract()
            .map_err(|error| error.into_iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
        Self::from_raw(raw)
    }

    pub fn from_raw(raw: RawConfig) -> Result<Self, Vec<String>> {
        let mut problems = Vec::new();
        let data_dir = PathBuf::from(
            raw.data_dir
                .clone()
                .unwrap_or_else(|| "./zegel-data".to_owned()),
        );
        let (blobs, attachment_limits) =
            crate::storage::attachment_settings(&raw, &data_dir, &mut problems);
        let gateway = crate::gateway_config::gateway_settings(&raw, &mut problems);
        let listen_text = raw.listen.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let listen = listen_text
            .parse::<SocketAddr>()
            .map_err(|_| {
                problems.push(format!(
                    "listen: '{listen_text}' is not an address like 127.0.0.1:8080"
                ))
            })
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let database_url = raw
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("zegel.db").display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            problems.push("database_url: must start with sqlite: or postgres://".to_owned());
        }
        let public_url = raw
            .public_url
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_owned();
        match url::Url::parse(&public_url) {
            Ok(url)
                if matches!(url.scheme(), "http" | "https")
                    && url.query().is_none()
                    && url.host().is_some() => {}
            _ => problems.push(format!(
                "public_url: '{public_url}' is not an http(s) URL without query"
            )),
        }
        let mail = match raw.smtp_url {
            Some(url) => {
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    problems.push("smtp_url: must start with smtp:// or smtps://".to_owned());
                }
                let from = raw.mail_from.unwrap_or_default();
                if from.is_empty() {
                    problems.push("mail_from: needed when smtp_url is set (e.g. \"Zegel <zegel@example.nl>\")".to_owned());
                }
                MailConfig::Smtp { url, from }
            }
            None => MailConfig::DevOutbox {
                dir: data_dir.join("outbox"),
            },
        };
        let keys = match (raw.keys, raw.key_file) {
            (Some(_), Some(_)) => {
                problems.push("keys and key_file: set only one of them".to_owned());
                KeySource::File(PathBuf::new())
            }
            (Some(inline), None) => KeySource::Inline(inline),
            (None, Some(path)) => KeySource::File(PathBuf::from(path)),
            (None, None) => KeySource::File(data_dir.join("keys")),
        };
        let sms = zegel_sms::ProviderConfig {
            provider: raw.sms_provider,
            base_url: raw.sms_base_url,
            api_key: raw.sms_api_key,
            account: raw.sms_account,
            channel: raw.sms_channel,
            originator: raw.sms_originator,
            route: raw.sms_route,
            report_user: raw.sms_report_user,
            report_secret: raw.sms_report_secret,
            report_url: Some(format!("{public_url}/api/v1/sms/reports/twilio")),
        };
        problems.extend(sms.problems());
        let sms_countries: Vec<String> = raw
            .sms_countries
            .unwrap_or_else(|| "NL,BE,DE,LU".to_owned())
            .split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        if sms_countries
            .iter()
            .any(|c| c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()))
        {
            problems.push(
                "sms_countries: a comma-separated list of two-letter country codes, e.g. NL,BE"
                    .to_owned(),
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            gateway,
            blobs,
            attachment_limits,
            sms,
            sms_countries,
            listen,
            data_dir,
            database_url,
            public_url,
            mail,
            keys,
            embedded_worker: raw.embedded_worker.unwrap_or(true),
            job_lease_seconds: i64::from(raw.job_lease_seconds.unwrap_or(300).max(1)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_settings_are_checked_with_the_rest() {
        let problems = Config::from_raw(RawConfig {
            sms_provider: Some("spryng".into()),
            sms_originator: Some("Zorg & Welzijn BV".into()),
            sms_countries: Some("NL,Netherlands".into()),
            ..RawConfig::default()
        })
        .unwrap_err();
        for expected in [
            "sms_api_key",
            "sms_account",
            "sms_originator",
            "sms_countries",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(expected)),
                "no {expected} in {problems:#?}"
            );
        }
        let unknown = Config::from_raw(RawConfig {
            sms_provider: Some("carrier-pigeon".into()),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert!(unknown[0].contains("'carrier-pigeon' is not one of"));
    }

    #[test]
    fn defaults_give_a_working_local_setup() {
        let config = Config::from_raw(RawConfig::default()).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database_url, "sqlite://./zegel-data/zegel.db");
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert!(matches!(config.mail, MailConfig::DevOutbox { .. }));
        assert!(config.embedded_worker);
    }

    #[test]
    fn reports_every_problem_at_once() {
        let problems = Config::from_raw(RawConfig {
            listen: Some("localhost".into()),
            database_url: Some("mysql://x".into()),
            public_url: Some("ftp://x".into()),
            smtp_url: Some("mail.example.nl".into()),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:#?}");
        for field in [
            "listen",
            "database_url",
            "public_url",
            "smtp_url",
            "mail_from",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(field)),
                "no problem for {field}"
            );
        }
    }
}
