//! The key-encryption keys at start-up. A fresh installation gets a new key file (owner-only
//! permissions); an existing database refuses to start without the key it was made with,
//! because a new key would silently make every stored message unreadable.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::io::Write;
use std::path::Path;
use zegel_crypto::Keyring;
use zegel_store::Store;

use crate::config::KeySource;

const CHECK_KEY: &str = "kek_check";

pub async fn load_or_create(source: &KeySource, store: &dyn Store) -> anyhow::Result<Keyring> {
    let check = store.meta(CHECK_KEY).await?;
    let keyring = match source {
        KeySource::Inline(text) => {
            Keyring::parse(text).map_err(|e| anyhow::anyhow!("ZEGEL_KEYS: {e}"))?
        }
        KeySource::File(path) if path.exists() => read_key_file(path)?,
        KeySource::File(path) => {
            if check.is_some() || store.has_data().await? {
                anyhow::bail!(
                    "the key file {} is missing, but the database already holds data encrypted with it; \
                     restore the key file from your backup (a new key would make every message unreadable)",
                    path.display()
                );
            }
            let keyring = Keyring::generate();
            write_key_file(path, &keyring)?;
            tracing::info!(path = %path.display(), "generated a new key-encryption key; back it up apart from the database");
            keyring
        }
    };
    match check {
        Some(stored) => {
            let (version, sealed) = parse_check(&stored)
                .ok_or_else(|| anyhow::anyhow!("the stored key check is damaged"))?;
            if !keyring.verify_check_value(version, &sealed) {
                anyhow::bail!("the key-encryption key does not belong to this database");
            }
        }
        None => {
            let (version, sealed) = keyring.seal_check_value();
            store
                .init_meta(CHECK_KEY, &format!("{version}:{}", STANDARD.encode(sealed)))
                .await?;
        }
    }
    Ok(keyring)
}

fn parse_check(stored: &str) -> Option<(u32, Vec<u8>)> {
    let (version, sealed) = stored.split_once(':')?;
    Some((version.parse().ok()?, STANDARD.decode(sealed).ok()?))
}

fn read_key_file(path: &Path) -> anyhow::Result<Keyring> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "the key file can be read by others; run chmod 600 on it");
        }
    }
    let text = std::fs::read_to_string(path)?;
    Keyring::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn write_key_file(path: &Path, keyring: &Keyring) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(keyring.to_text().as_bytes())?;
    file.sync_all()?;
    Ok(())
}
