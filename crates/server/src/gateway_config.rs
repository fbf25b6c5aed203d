//! The SMTP gateway's settings: where it listens, its certificate, where ordinary mail goes,
//! who may relay, and what marks a message secure.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use crate::RawConfig;

/// The gateway as configured; `None` in [`crate::Config`] when `gateway_listen` is not set.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    pub listen: SocketAddr,
    pub hostname: String,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub next_hop: String,
    pub relay_peers: Vec<IpAddr>,
    pub max_message_bytes: usize,
    pub max_connections: usize,
    pub markers: zegel_app::SecureMarkers,
    pub authserv_id: Option<String>,
}

fn list(value: &Option<String>) -> Vec<String> {
    value
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

pub(crate) fn gateway_settings(
    raw: &RawConfig,
    problems: &mut Vec<String>,
) -> Option<GatewayConfig> {
    let listen = raw.gateway_listen.as_ref()?;
    let listen = listen
        .parse::<SocketAddr>()
        .map_err(|_| {
            problems.push(format!(
                "gateway_listen: '{listen}' is not an address like 0.0.0.0:587"
            ))
        })
        .ok()?;
    let next_hop = raw.gateway_next_hop.clone().unwrap_or_else(|| {
        problems.push("gateway_next_hop: needed with gateway_listen: the mail server that sends ordinary mail on (smtp://…)".to_owned());
        String::new()
    });
    let known_scheme = next_hop.starts_with("smtp://") || next_hop.starts_with("smtps://");
    if !next_hop.is_empty() && !known_scheme {
        problems.push("gateway_next_hop: must start with smtp:// or smtps://".to_owned());
    }
    let tls = match (&raw.gateway_tls_cert, &raw.gateway_tls_key) {
        (Some(cert), Some(key)) => Some((PathBuf::from(cert), PathBuf::from(key))),
        (None, None) => None,
        _ => {
            problems.push("gateway_tls_cert and gateway_tls_key: set both or neither".to_owned());
            None
        }
    };
    let mut relay_peers = Vec::new();
    for peer in list(&raw.gateway_relay_peers) {
        match peer.parse::<IpAddr>() {
            Ok(ip) => relay_peers.push(ip),
            Err(_) => problems.push(format!(
                "gateway_relay_peers: '{peer}' is not an IP address"
            )),
        }
    }
    let defaults = zegel_app::SecureMarkers::default();
    let keywords = list(&raw.gateway_keywords);
    Some(GatewayConfig {
        listen,
        hostname: raw
            .gateway_hostname
            .clone()
            .unwrap_or_else(|| "localhost".to_owned()),
        tls,
        next_hop,
        relay_peers,
        authserv_id: raw
            .gateway_authserv_id
            .clone()
            .filter(|id| !id.trim().is_empty()),
        max_message_bytes: raw.gateway_max_message_bytes.unwrap_or(50 * 1024 * 1024),
        max_connections: raw.gateway_max_connections.unwrap_or(64),
        markers: zegel_app::SecureMarkers {
            subject_keywords: if keywords.is_empty() {
                defaults.subject_keywords
            } else {
                keywords
            },
            secure_senders: list(&raw.gateway_secure_senders),
            labels: list(&raw.gateway_labels),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_is_off_unless_it_has_an_address() {
        let mut problems = Vec::new();
        assert!(gateway_settings(&RawConfig::default(), &mut problems).is_none());
        assert!(problems.is_empty());
    }

    #[test]
    fn a_gateway_needs_its_next_hop_and_sound_settings() {
        let mut problems = Vec::new();
        let raw = RawConfig {
            gateway_listen: Some("127.0.0.1:2587".into()),
            gateway_tls_cert: Some("cert.pem".into()),
            gateway_relay_peers: Some("10.0.0.1, mail.zorg.nl".into()),
            ..RawConfig::default()
        };
        let config = gateway_settings(&raw, &mut problems).unwrap();
        assert_eq!(config.relay_peers.len(), 1);
        for field in [
            "gateway_next_hop",
            "gateway_tls_cert",
            "gateway_relay_peers",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(field)),
                "{field}: {problems:?}"
            );
        }
    }
}
