//! [`Sealer`]: tokens encrypted and authenticated before they leave the process
//! (ChaCha20-Poly1305 with a key derived by HKDF-SHA256 from the client secret), so that a
//! dump of the shared store hands nobody a usable credential without the connector's secret.

use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

/// Format version, the first byte of every sealed value.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const SALT: &[u8] = b"connkit shared token v1";

/// Seals and opens the tokens of one slot.
pub(crate) struct Sealer {
    cipher: ChaCha20Poly1305,
    /// Bound into every seal: a value copied to another slot does not open.
    slot: Vec<u8>,
}

impl Sealer {
    /// A sealer whose key is HKDF-SHA256(salt, `secret`, info = `slot`).
    pub(crate) fn new(secret: &[u8], slot: &str) -> Self {
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit of 255 * 32, so expand cannot fail.
        let _ = Hkdf::<Sha256>::new(Some(SALT), secret).expand(slot.as_bytes(), &mut key);
        let cipher = ChaCha20Poly1305::new(&key.into());
        Self { cipher, slot: slot.as_bytes().to_vec() }
    }

    /// `version || nonce || ciphertext+tag` of `plaintext`, under a fresh random nonce.
    pub(crate) fn seal(&self, plaintext: &[u8]) -> Option<Vec<u8>> {
        let nonce = Nonce::generate();
        let sealed =
            self.cipher.encrypt(&nonce, Payload { msg: plaintext, aad: &self.slot }).ok()?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(nonce.as_slice());
        out.extend_from_slice(&sealed);
        Some(out)
    }

    /// The plaintext of a value sealed by a sealer of the same secret and slot; `None` for
    /// anything else (another secret, another slot, a tampered or foreign value).
    pub(crate) fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        let (&version, rest) = sealed.split_first()?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).ok()?;
        self.cipher.decrypt(&nonce, Payload { msg: ciphertext, aad: &self.slot }).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let sealer = Sealer::new(b"client-secret", "slot-a");
        let sealed = sealer.seal(b"Bearer token-123").unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"token-123"), "no clear text");
        assert_eq!(sealer.open(&sealed).unwrap(), b"Bearer token-123");
        assert_ne!(sealed, sealer.seal(b"Bearer token-123").unwrap(), "fresh nonce");
        assert!(Sealer::new(b"other-secret", "slot-a").open(&sealed).is_none());
        assert!(Sealer::new(b"client-secret", "slot-b").open(&sealed).is_none());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(sealer.open(&tampered).is_none());
        assert!(sealer.open(b"").is_none());
        assert!(sealer.open(b"\x01short").is_none());
    }
}
