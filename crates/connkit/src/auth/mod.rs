//! Auth strategies: API key (header or query), bearer, basic, OAuth2 client credentials,
//! OAuth2 refresh token (with a Login-with-Amazon preset), and [`AuthStrategy`] for custom
//! signing.
//!
//! Token strategies cache their token until shortly before it expires (the margin shrinks for
//! short-lived tokens), share one refresh between concurrent callers, and answer a 401 with
//! one refresh and one replay of the attempt, never a loop. The client applies credentials
//! only to requests whose origin is one of its base URLs: a next-page link or redirect to
//! another host gets none.
//!
//! ```
//! use connkit::auth::{ApiKey, RefreshToken};
//!
//! let amazon = connkit::HttpClient::builder()
//!     .base_url("https://sellingpartnerapi-na.amazon.com")
//!     .auth(RefreshToken::lwa("client-id", "client-secret", "refresh-token"))
//!     .build()?;
//! let widgets = connkit::HttpClient::builder()
//!     .base_url("https://api.example.com/v1")
//!     .auth(ApiKey::header("x-api-key", "key"))
//!     .build()?;
//! # Ok::<(), connkit::Error>(())
//! ```

mod base64;
mod oauth2;
#[cfg(feature = "redis")]
mod sealed;
#[cfg(feature = "redis")]
mod shared_token;
mod simple;
mod token_cache;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

pub use oauth2::{ClientAuth, ClientCredentials, LWA_TOKEN_URL, RefreshToken, TokenPlacement};
pub use simple::{ApiKey, Basic, Bearer};

use crate::client::{AttemptRequest, Transport};
use crate::error::Error;

/// Which credential authorized an attempt, so a 401 invalidates exactly that one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Authorized(pub u64);

/// What a strategy may use while authorizing: the client's transport (for token requests) and
/// its per-attempt timeout.
#[derive(Clone)]
pub struct AuthContext {
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) timeout: Option<Duration>,
    /// The shared store of the account (shared mode).
    #[cfg(feature = "redis")]
    pub(crate) shared: Option<Arc<crate::shared::SharedState>>,
}

impl AuthContext {
    /// A context over `transport` (token requests go through it) with a per-request timeout.
    pub fn new(transport: Arc<dyn Transport>, timeout: Option<Duration>) -> Self {
        Self {
            transport,
            timeout,
            #[cfg(feature = "redis")]
            shared: None,
        }
    }

    /// The client's transport.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }

    /// The client's per-attempt timeout.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
}

/// A way to put credentials on an attempt. Implement it for custom signing (HMAC, AWS SigV4,
/// ...); the built-in strategies implement it too.
///
/// **When**: before every attempt whose URL is on one of the client's base URL origins, after
/// every other header and the body are final (so a signature can cover them).
/// **Available information**: the complete [`AttemptRequest`] and an [`AuthContext`].
/// **On error**: the call stops with that error (use [`ErrorKind::Auth`](crate::ErrorKind::Auth)).
pub trait AuthStrategy: Send + Sync + 'static {
    /// Adds credentials to `request`; returns which credential was used.
    fn authorize<'a>(
        &'a self,
        request: &'a mut AttemptRequest,
        context: &'a AuthContext,
    ) -> BoxFuture<'a, Result<Authorized, Error>>;

    /// The API answered 401 to an attempt authorized with `used`: forget that credential and
    /// say whether a fresh one can be obtained (then the attempt is replayed once).
    fn unauthorized(&self, used: Authorized) -> bool {
        let _ = used;
        false
    }

    /// Names of query parameters this strategy fills with credentials (redacted in URLs kept in
    /// errors and logs).
    fn secret_query_params(&self) -> Vec<String> {
        Vec::new()
    }

    /// What identifies the API account these credentials belong to (a client id, an API
    /// key), from which the shared mode derives its namespace: it is hashed, never stored or
    /// logged. `None` (the default) shares under the system's name alone unless
    /// `{P}_QUOTA_KEY` names the namespace.
    fn account(&self) -> Option<String> {
        None
    }

    /// Reports a configuration problem (invalid header name, token URL, ...) at
    /// [`ClientBuilder::build`](crate::ClientBuilder::build).
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

fn _object_safe(_: &dyn AuthStrategy) {}
