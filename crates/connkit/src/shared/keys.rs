//! Names in the store: a namespace per account that reveals nothing of the credential, and the
//! key of every piece of shared state under it.

use sha2::{Digest, Sha256};

/// The default namespace of an account: the first 16 hex digits of a SHA-256 of what
/// identifies it (`identity` from [`AuthStrategy::account`](crate::auth::AuthStrategy::account):
/// a client id, an API key), domain-separated, so that the credential never reaches the store.
pub fn namespace_of(identity: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"connkit shared namespace v1\0");
    hasher.update(identity.as_bytes());
    hex(&hasher.finalize()[..8])
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The keys of one account and system: `connkit:{namespace}:{system}:...`. The namespace is a
/// Redis Cluster hash tag, so one account's keys share a slot and a script may touch them all.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    prefix: String,
}

impl Keys {
    pub(crate) fn new(namespace: &str, system: &str) -> Self {
        Self { prefix: format!("connkit:{{{namespace}}}:{system}:") }
    }

    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        key.push_str(&parts.join(":"));
        key
    }

    pub(crate) fn block(&self, host: &str) -> String {
        self.key(&["block", host])
    }

    pub(crate) fn seen(&self, host: &str, op: &str) -> String {
        self.key(&["seen", host, op])
    }

    pub(crate) fn probe(&self, host: &str, op: &str) -> String {
        self.key(&["probe", host, op])
    }

    pub(crate) fn op_state(&self, op: &str) -> String {
        self.key(&["gcra", "op", op])
    }

    pub(crate) fn op_learned(&self, op: &str) -> String {
        self.key(&["learned", "op", op])
    }

    pub(crate) fn host_state(&self, host: &str) -> String {
        self.key(&["gcra", "host", host])
    }

    pub(crate) fn host_learned(&self, host: &str) -> String {
        self.key(&["learned", "host", host])
    }

    pub(crate) fn client_state(&self) -> String {
        self.key(&["gcra", "client"])
    }

    pub(crate) fn token(&self, slot: &str) -> String {
        self.key(&["token", slot])
    }

    pub(crate) fn token_lock(&self, slot: &str) -> String {
        self.key(&["token-lock", slot])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_hides_the_identity() {
        let ns = namespace_of("amzn1.application-oa2-client.secret-ish");
        assert_eq!(ns.len(), 16);
        assert!(ns.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(ns, namespace_of("amzn1.application-oa2-client.secret-ish"));
        assert_ne!(ns, namespace_of("another client"));
        let keys = Keys::new(&ns, "amazon");
        assert_eq!(keys.block("default"), format!("connkit:{{{ns}}}:amazon:block:default"));
    }
}
