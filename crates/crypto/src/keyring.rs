use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use sha2::Sha256;
use std::collections::BTreeMap;
use zeroize::Zeroizing;

use crate::envelope::{open_with, seal_with};
use hmac::{Hmac, KeyInit, Mac};

use crate::{CodeHasher, CryptoError, DataKey, Token, random_bytes};

/// The key-encryption keys (KEKs), by version. The newest wraps new data keys; older ones
/// stay to unwrap what they wrapped, so a KEK can be rotated without re-encrypting content.
/// KEKs never live in the database: they come from a key file or an environment secret.
pub struct Keyring {
    keys: BTreeMap<u32, Zeroizing<[u8; 32]>>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum KeyringError {
    #[error("key line {line}: expected 'v<version> <base64 of 32 bytes>'")]
    Malformed { line: usize },
    #[error("key version {0} appears twice")]
    DuplicateVersion(u32),
    #[error("no key-encryption key found")]
    Empty,
    #[error("key version {0} is not in the keyring")]
    UnknownVersion(u32),
}

impl Keyring {
    pub fn generate() -> Self {
        Self {
            keys: BTreeMap::from([(1, Zeroizing::new(random_bytes::<32>()))]),
        }
    }

    /// Parses the key file format: one `v<version> <base64>` per line; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Self, KeyringError> {
        let mut keys = BTreeMap::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let malformed = KeyringError::Malformed { line: index + 1 };
            let (version, encoded) = line
                .split_once(char::is_whitespace)
                .ok_or(malformed.clone())?;
            let version: u32 = version
                .strip_prefix('v')
                .and_then(|v| v.parse().ok())
                .ok_or(malformed.clone())?;
            let bytes: [u8; 32] = STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or(malformed)?;
            if keys.insert(version, Zeroizing::new(bytes)).is_some() {
                return Err(KeyringError::DuplicateVersion(version));
            }
        }
        if keys.is_empty() {
            return Err(KeyringError::Empty);
        }
        Ok(Self { keys })
    }

    /// The key file text; secret, to be written with owner-only permissions.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut text = String::from(
            "# Zegel key-encryption keys. Keep secret, back up apart from the database.\n",
        );
        for (version, key) in &self.keys {
            text.push_str(&format!("v{version} {}\n", STANDARD.encode(key.as_ref())));
        }
        Zeroizing::new(text)
    }

    /// Adds a new newest version; content wrapped before stays readable.
    pub fn rotate(&mut self) -> u32 {
        let next = self.current_version() + 1;
        self.keys.insert(next, Zeroizing::new(random_bytes::<32>()));
        next
    }

    pub fn current_version(&self) -> u32 {
        *self
            .keys
            .keys()
            .next_back()
            .expect("a keyring is never empty")
    }

    fn key(&self, version: u32) -> Result<&[u8; 32], KeyringError> {
        self.keys
            .get(&version)
            .map(|k| &**k)
            .ok_or(KeyringError::UnknownVersion(version))
    }

    /// Wraps a data key with the current KEK; returns the KEK version to store beside it.
    pub fn wrap(&self, data_key: &DataKey, aad: &[u8]) -> (u32, Vec<u8>) {
        let version = self.current_version();
        let kek = self.key(version).expect("the current version exists");
        (version, seal_with(kek, data_key.expose(), aad))
    }

    pub fn unwrap(&self, version: u32, wrapped: &[u8], aad: &[u8]) -> Result<DataKey, CryptoError> {
        let kek = self.key(version).map_err(|_| CryptoError::Decrypt)?;
        let bytes: [u8; 32] = open_with(kek, wrapped, aad)?
            .try_into()
            .map_err(|_| CryptoError::Decrypt)?;
        Ok(DataKey::from_bytes(bytes))
    }

    /// A sealed known value, stored in the database at first start, proves later that the
    /// keyring presented is the one the database was made with.
    pub fn seal_check_value(&self) -> (u32, Vec<u8>) {
        let version = self.current_version();
        let kek = self.key(version).expect("the current version exists");
        (version, seal_with(kek, CHECK_VALUE, CHECK_LABEL))
    }

    pub fn verify_check_value(&self, version: u32, sealed: &[u8]) -> bool {
        self.key(version)
            .ok()
            .and_then(|kek| open_with(kek, sealed, CHECK_LABEL).ok())
            .is_some_and(|value| value == CHECK_VALUE)
    }

    /// A purpose-bound subkey of the first KEK (HKDF-SHA256), so it survives rotation.
    fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        let (_, first) = self.keys.iter().next().expect("a keyring is never empty");
        let mut derived = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"zegel"), first.as_ref())
            .expand(purpose, &mut derived)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        derived
    }

    /// The key for one-time code HMACs.
    pub fn code_hasher(&self) -> CodeHasher {
        CodeHasher::new(self.derive(b"one-time code hmac v1"))
    }

    /// The portal link of a delivery: HMAC of its id under a KEK-derived key. 256 bits that
    /// nobody can compute without the key, and that a retried notification job can recompute,
    /// so neither the link nor a secret to rebuild it is ever stored.
    pub fn link_token(&self, delivery_id: &str) -> Token {
        self.hmac_token(b"portal link v1", delivery_id)
    }

    /// The link a sender gets to set the identity checks a held gateway message waits for.
    pub fn held_mail_token(&self, gateway_id: &str) -> Token {
        self.hmac_token(b"gateway held link v1", gateway_id)
    }

    /// The link on which someone who filed a helpdesk ticket types their check code.
    pub fn ticket_check_token(&self, ticket_id: &str) -> Token {
        self.hmac_token(b"helpdesk ticket check v1", ticket_id)
    }

    fn hmac_token(&self, purpose: &[u8], id: &str) -> Token {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.derive(purpose))
            .expect("HMAC accepts keys of any length");
        mac.update(id.as_bytes());
        Token::from_bytes(mac.finalize().into_bytes().into())
    }

    /// A MAC for the audit chain: without the key, nobody who can write to the database can
    /// make a changed record, or a rebuilt chain, verify.
    pub fn audit_mac(&self, data: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.derive(b"audit chain v1"))
            .expect("HMAC accepts keys of any length");
        mac.update(data);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Seals staff users' second-factor secrets in the database.
    pub fn second_factor_key(&self) -> DataKey {
        DataKey::from_bytes(self.derive(b"staff second factor v1"))
    }

    /// Seals short-lived secrets (a code waiting in the job queue to be mailed).
    pub fn job_secret_key(&self) -> DataKey {
        DataKey::from_bytes(self.derive(b"job secrets v1"))
    }
}

const CHECK_VALUE: &[u8] = b"zegel key check";
const CHECK_LABEL: &[u8] = b"keyring-check";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_keys_survive_rotation_and_a_text_round_trip() {
        let mut keyring = Keyring::generate();
        let data_key = DataKey::generate();
        let sealed = data_key.seal(b"hello", b"m");
        let (version, wrapped) = keyring.wrap(&data_key, b"message:1");
        assert_eq!(keyring.rotate(), 2);
        let reloaded = Keyring::parse(&keyring.to_text()).unwrap();
        assert_eq!(reloaded.current_version(), 2);
        let unwrapped = reloaded.unwrap(version, &wrapped, b"message:1").unwrap();
        assert_eq!(unwrapped.open(&sealed, b"m").unwrap(), b"hello");
        assert!(reloaded.unwrap(version, &wrapped, b"message:2").is_err());
    }

    #[test]
    fn another_keyring_fails_the_check_value() {
        let keyring = Keyring::generate();
        let (version, sealed) = keyring.seal_check_value();
        assert!(keyring.verify_check_value(version, &sealed));
        assert!(!Keyring::generate().verify_check_value(version, &sealed));
    }

    #[test]
    fn link_tokens_are_stable_per_delivery_and_keyring() {
        let keyring = Keyring::generate();
        assert_eq!(
            keyring.link_token("d1").expose(),
            keyring.link_token("d1").expose()
        );
        assert_ne!(
            keyring.link_token("d1").expose(),
            keyring.link_token("d2").expose()
        );
        assert_ne!(
            keyring.link_token("d1").expose(),
            Keyring::generate().link_token("d1").expose()
        );
    }

    #[test]
    fn parse_reports_the_bad_line() {
        assert_eq!(
            Keyring::parse("# c\nv1 abc\n").err(),
            Some(KeyringError::Malformed { line: 2 })
        );
        assert_eq!(
            Keyring::parse("# only a comment\n").err(),
            Some(KeyringError::Empty)
        );
    }
}
