//! Static credentials: [`ApiKey`], [`Bearer`], [`Basic`].

use std::fmt;

use futures::future::BoxFuture;
use http::{HeaderName, HeaderValue};

use super::{AuthContext, AuthStrategy, Authorized};
use crate::client::AttemptRequest;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// A header value marked sensitive (hidden from HTTP debug output).
pub(crate) fn sensitive_value(text: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(text).map_err(|_| {
        Error::new(ErrorKind::Auth, "the credential contains characters not allowed in a header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

pub(crate) fn header_name(name: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))
}

#[derive(Clone)]
enum KeyPlace {
    Header(Result<HeaderName, String>),
    Query(String),
}

/// An API key sent in a header (`x-api-key: KEY`) or a query parameter (`?api_key=KEY`).
#[derive(Clone)]
pub struct ApiKey {
    place: KeyPlace,
    key: Secret,
    prefix: String,
}

impl ApiKey {
    /// The key in header `name`.
    pub fn header(name: &str, key: impl Into<Secret>) -> Self {
        Self { place: KeyPlace::Header(header_name(name)), key: key.into(), prefix: String::new() }
    }

    /// The key in query parameter `name`.
    pub fn query(name: impl Into<String>, key: impl Into<Secret>) -> Self {
        Self { place: KeyPlace::Query(name.into()), key: key.into(), prefix: String::new() }
    }

    /// Sends `prefix` before the key (`Authorization: Bot KEY` with `"Bot "`): APIs that
    /// take a key in the `Authorization` header often want a scheme word before it. The
    /// prefix is sent as given (include its space).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match &self.place {
            KeyPlace::Header(Ok(name)) => format!("header {name}"),
            KeyPlace::Header(Err(e)) => e.clone(),
            KeyPlace::Query(name) => format!("query {name}"),
        };
        f.debug_struct("ApiKey")
            .field("place", &place)
            .field("prefix", &self.prefix)
            .field("key", &self.key)
            .finish()
    }
}

impl AuthStrategy for ApiKey {
    fn authorize<'a>(
        &'a self,
        request: &'a mut AttemptRequest,
        _context: &'a AuthContext,
    ) -> BoxFuture<'a, Result<Authorized, Error>> {
        let result = match &self.place {
            KeyPlace::Header(Ok(name)) => {
                let value = format!("{}{}", self.prefix, self.key.expose());
                sensitive_value(&value).map(|value| {
                    request.headers.insert(name.clone(), value);
                })
            }
            KeyPlace::Header(Err(e)) => Err(Error::new(ErrorKind::Auth, e.clone())),
            KeyPlace::Query(name) => {
                // A next-page URL may echo the key back: replace it rather than repeat it.
                if request.url.query_pairs().any(|(k, _)| k == name.as_str()) {
                    let kept: Vec<(String, String)> = request
                        .url
                        .query_pairs()
                        .filter(|(k, _)| k != name.as_str())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    request.url.query_pairs_mut().clear().extend_pairs(kept);
                }
                let value = format!("{}{}", self.prefix, self.key.expose());
                request.url.query_pairs_mut().append_pair(name, &value);
                Ok(())
            }
        };
        Box::pin(std::future::ready(result.map(|()| Authorized::default())))
    }

    fn account(&self) -> Option<String> {
        Some(self.key.expose().to_owned())
    }

    fn secret_query_params(&self) -> Vec<String> {
        match &self.place {
            KeyPlace::Query(name) => vec![name.clone()],
            KeyPlace::Header(_) => Vec::new(),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        match &self.place {
            KeyPlace::Header(Err(e)) => Err(Error::new(ErrorKind::Auth, e.clone())),
            KeyPlace::Query(name) if name.is_empty() => {
                Err(Error::new(ErrorKind::Auth, "the API key query parameter has no name"))
            }
            _ => Ok(()),
        }
    }
}

/// A static bearer token: `Authorization: Bearer TOKEN`.
#[derive(Debug, Clone)]
pub struct Bearer {
    token: Secret,
}

impl Bearer {
    /// The token to send.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self { token: token.into() }
    }
}

impl AuthStrategy for Bearer {
    fn authorize<'a>(
        &'a self,
        request: &'a mut AttemptRequest,
        _context: &'a AuthContext,
    ) -> BoxFuture<'a, Result<Authorized, Error>> {
        let result = sensitive_value(&format!("Bearer {}", self.token.expose())).map(|value| {
            request.headers.insert(http::header::AUTHORIZATION, value);
            Authorized::default()
        });
        Box::pin(std::future::ready(result))
    }

    fn account(&self) -> Option<String> {
        Some(self.token.expose().to_owned())
    }
}

/// HTTP basic credentials: `Authorization: Basic base64(user:password)`.
#[derive(Debug, Clone)]
pub struct Basic {
    encoded: Secret,
}

impl Basic {
    /// A user name and password.
    pub fn new(username: impl AsRef<str>, password: impl Into<Secret>) -> Self {
        let password = password.into();
        let raw = format!("{}:{}", username.as_ref(), password.expose());
        Self { encoded: Secret::new(format!("Basic {}", super::base64::encode(raw.as_bytes()))) }
    }
}

impl AuthStrategy for Basic {
    fn authorize<'a>(
        &'a self,
        request: &'a mut AttemptRequest,
        _context: &'a AuthContext,
    ) -> BoxFuture<'a, Result<Authorized, Error>> {
        let result = sensitive_value(self.encoded.expose()).map(|value| {
            request.headers.insert(http::header::AUTHORIZATION, value);
            Authorized::default()
        });
        Box::pin(std::future::ready(result))
    }

    fn account(&self) -> Option<String> {
        Some(self.encoded.expose().to_owned())
    }
}
