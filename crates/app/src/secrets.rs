//! The installation's secret, and the keys derived from it for each purpose.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// One 32-byte secret, from which each purpose gets its own key, so a key used for one thing
/// is never used for another.
pub struct Keys {
    audit: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "the secret key must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`"
    )]
    Malformed,
    #[error("could not read random bytes from the operating system: {0}")]
    Random(String),
}

impl Keys {
    pub fn from_hex(secret_hex: &str) -> Result<Self, SecretError> {
        let bytes = hex::decode(secret_hex.trim()).map_err(|_| SecretError::Malformed)?;
        let secret: [u8; 32] = bytes.try_into().map_err(|_| SecretError::Malformed)?;
        Ok(Self {
            audit: derive(&secret, b"homeward audit chain v1"),
        })
    }

    /// A new random secret, as hex.
    pub fn generate_hex() -> Result<String, SecretError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
        Ok(hex::encode(bytes))
    }

    pub fn audit_key(&self) -> &[u8] {
        &self.audit
    }
}

fn derive(secret: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        mac.update(purpose);
        key.copy_from_slice(&mac.finalize().into_bytes());
    }
    key
}

/// Random bytes as URL-safe text: tokens for sessions, CSRF and API access.
pub fn random_token() -> Result<String, SecretError> {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// How a token is stored: its SHA-256, so the database never holds a usable token.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest as _;
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_need_exactly_32_bytes() {
        assert!(Keys::from_hex(&"ab".repeat(32)).is_ok());
        assert!(Keys::from_hex("abcd").is_err());
        assert!(Keys::from_hex(&"zz".repeat(32)).is_err());
        let generated = Keys::generate_hex().unwrap();
        assert_eq!(generated.len(), 64);
        assert!(Keys::from_hex(&generated).is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token().unwrap();
        assert_ne!(a, random_token().unwrap());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash(&a).len(), 64);
    }
}
