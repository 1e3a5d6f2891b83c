//! The installation's secret, and the keys derived from it for each purpose.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// One 32-byte secret, from which each purpose gets its own key, so a key used for one thing
/// is never used for another.
#[derive(Clone)]
pub struct Keys {
    audit: [u8; 32],
    second_factor: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "the secret key must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`"
    )]
    Malformed,
    #[error("could not read random bytes from the operating system: {0}")]
    Random(String),
    #[error("could not seal a secret")]
    Sealing,
}

impl Keys {
    pub fn from_hex(secret_hex: &str) -> Result<Self, SecretError> {
        let bytes = hex::decode(secret_hex.trim()).map_err(|_| SecretError::Malformed)?;
        let secret: [u8; 32] = bytes.try_into().map_err(|_| SecretError::Malformed)?;
        Ok(Self {
            audit: derive(&secret, b"homeward audit chain v1"),
            second_factor: derive(&secret, b"homeward second factor v1"),
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

    /// A demo account's authenticator secret: made from this installation's secret and the
    /// account's email, so the demo can print it and its tests can make codes from it.
    pub fn demo_second_factor_secret(&self, email: &str) -> Vec<u8> {
        let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(&self.second_factor) {
            Ok(m) => m,
            Err(_) => return vec![0; homeward_domain::totp::SECRET_BYTES],
        };
        mac.update(b"demo account ");
        mac.update(email.as_bytes());
        mac.finalize().into_bytes()[..homeward_domain::totp::SECRET_BYTES].to_vec()
    }

    /// Seals an authenticator secret for keeping in the database: a random nonce, then the
    /// secret encrypted and authenticated (ChaCha20-Poly1305), bound to the account it is for
    /// so a sealed secret copied to another account does not open.
    pub fn seal_second_factor(
        &self,
        account: &[u8],
        secret: &[u8],
    ) -> Result<Vec<u8>, SecretError> {
        use chacha20poly1305::aead::{Aead, Payload};
        use chacha20poly1305::{ChaCha20Poly1305, KeyInit as _, Nonce};
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| SecretError::Random(e.to_string()))?;
        let cipher = ChaCha20Poly1305::new((&self.second_factor).into());
        let sealed = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret,
                    aad: account,
                },
            )
            .map_err(|_| SecretError::Sealing)?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    /// Opens what [`Keys::seal_second_factor`] sealed for the same account; `None` if it was
    /// sealed with another installation's secret, for another account, or altered.
    pub fn open_second_factor(&self, account: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        use chacha20poly1305::aead::{Aead, Payload};
        use chacha20poly1305::{ChaCha20Poly1305, KeyInit as _, Nonce};
        if sealed.len() < 12 {
            return None;
        }
        let (nonce, body) = sealed.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        ChaCha20Poly1305::new((&self.second_factor).into())
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: account,
                },
            )
            .ok()
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
    fn a_sealed_secret_opens_only_for_its_account_and_installation() {
        let keys = Keys::from_hex(&"ab".repeat(32)).unwrap();
        let sealed = keys.seal_second_factor(b"user-1", b"the secret").unwrap();
        assert_eq!(
            keys.open_second_factor(b"user-1", &sealed).as_deref(),
            Some(&b"the secret"[..])
        );
        assert!(
            !sealed.windows(10).any(|w| w == b"the secret"),
            "not in the clear"
        );
        assert_eq!(keys.open_second_factor(b"user-2", &sealed), None);
        let other = Keys::from_hex(&"cd".repeat(32)).unwrap();
        assert_eq!(other.open_second_factor(b"user-1", &sealed), None);
        let mut altered = sealed.clone();
        altered[14] ^= 1;
        assert_eq!(keys.open_second_factor(b"user-1", &altered), None);
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token().unwrap();
        assert_ne!(a, random_token().unwrap());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash(&a).len(), 64);
    }
}
