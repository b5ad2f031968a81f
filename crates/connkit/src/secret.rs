//! [`Secret`]: a credential that never prints.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// Text printed wherever a secret would appear.
pub const REDACTED: &str = "[redacted]";

/// A credential (API key, password, client secret, token).
///
/// It prints as `[redacted]` in `Debug`, `Display` and serde output, so settings structs,
/// errors and logs that contain one never leak it. Read the value with [`Secret::expose`]
/// only where it is sent. The memory is zeroed on drop (through [`secrecy`]).
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The credential itself: call this only where it is sent to the API.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when the credential is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let canary = "canary-7f3a9c";
        let secret = Secret::new(canary);
        assert_eq!(secret.expose(), canary);
        for text in [
            format!("{secret:?}"),
            format!("{secret}"),
            format!("{secret:#?}"),
            serde_json::to_string(&secret).unwrap(),
        ] {
            assert!(!text.contains(canary), "{text}");
            assert!(text.contains(REDACTED), "{text}");
        }
    }
}
