//! Shared mode (feature `redis`): the processes of one API account share their quotas, what
//! they learned from the server and their access token.
//!
//! Two traits say what a backend must do: [`QuotaStore`] (reserve cells of every quota an
//! attempt must pass, block a host after a 429, record learned quotas) and [`TokenStore`]
//! (hold an encrypted token, and a lock so that one process at a time refreshes it).
//! [`RedisStore`] implements both on one Redis: the GCRA runs atomically in a Lua script on
//! Redis's clock, loaded once and called by its SHA.
//!
//! Without a store the client keeps everything in the process, as it always did. With one,
//! every store command has a short timeout; when the store fails the client falls back to its
//! local limits (each quota divided by [`SharedSettings::workers`](crate::settings::SharedSettings::workers))
//! and its own token cache, logs one warning per outage, and returns to shared mode when the
//! store answers again. The switches keep the account's total within its quota: the local
//! limits start where the account's queue of reserved cells is estimated to end (every
//! process still sends the cells it reserved before the outage), counting the last one (no
//! fresh burst), and
//! for a few seconds after the store is back a process keeps to both its local share and the
//! shared quota, while the other processes notice the return. With `{P}_REDIS_REQUIRED=true`
//! a failure fails the call instead.
//!
//! Turn it on with [`ClientBuilder::shared`](crate::ClientBuilder::shared):
//!
//! ```no_run
//! use connkit::settings::SharedSettings;
//!
//! let client = connkit::HttpClient::builder()
//!     .base_url("https://sellingpartnerapi-na.amazon.com")
//!     .rate_limit(connkit::ratelimit::Quota::new(20.0, 5)?)
//!     .shared(&SharedSettings::redis("AMAZON_", "redis://127.0.0.1:6379").with_workers(4))
//!     .build()?;
//! # Ok::<(), connkit::Error>(())
//! ```

mod guard;
mod keys;
mod redis_store;

use std::time::Duration;

use futures::future::BoxFuture;

pub(crate) use keys::hex as keys_hex;
pub use keys::namespace_of;
pub use redis_store::RedisStore;

pub(crate) use guard::{SharedOptions, SharedState, Unavailable};

/// The options of a [`SharedState`].
pub(crate) fn guard_options(
    timeout: Duration,
    required: bool,
    workers: u32,
    label: String,
    namespace: String,
) -> SharedOptions {
    SharedOptions { timeout, required, workers, label, namespace }
}

use crate::ratelimit::Quota;

/// A store that could not answer (unreachable, refused, or an unexpected reply).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with this message (never a credential).
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

/// Everything a reservation must pass for one attempt.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ReserveRequest<'a> {
    /// The operation id.
    pub operation: &'a str,
    /// The host name the attempt goes to.
    pub host: &'a str,
    /// The operation's configured quota (one learned for the operation replaces it).
    pub operation_quota: Option<Quota>,
    /// The client-wide quota.
    pub client_quota: Option<Quota>,
    /// The longest wait the caller accepts (`None`: any).
    pub max_wait: Option<Duration>,
}

impl<'a> ReserveRequest<'a> {
    /// A reservation for one attempt of `operation` on `host` under these quotas.
    pub fn new(
        operation: &'a str,
        host: &'a str,
        operation_quota: Option<Quota>,
        client_quota: Option<Quota>,
        max_wait: Option<Duration>,
    ) -> Self {
        Self { operation, host, operation_quota, client_quota, max_wait }
    }
}

/// What a reservation got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reservation {
    /// The cells are taken: send after this wait (zero: now).
    Go(Duration),
    /// The wait would be this long, longer than accepted; nothing was taken.
    TooLong(Duration),
    /// Nothing is known yet about this operation on this host, and another worker's first
    /// call is waiting for the server's answer (which may announce limits): ask again soon.
    Probing,
}

/// What a server said about its limits, as far as other workers must know.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum LearnedScope {
    /// A quota of one operation (`x-amzn-RateLimit-Limit`).
    Operation,
    /// A quota of the whole host (`RateLimit-Policy`, `X-RateLimit-*`).
    Host,
}

/// Where quotas live when several processes share them.
///
/// **When**: [`QuotaStore::reserve`] before every attempt; [`QuotaStore::block`] and
/// [`QuotaStore::learn`] after an answer that says something about limits.
/// **On error**: the client falls back to its local limits (or fails the call when the store
/// is required); the error's text is logged once per outage.
pub trait QuotaStore: Send + Sync + 'static {
    /// Atomically reserves a cell of every quota that applies (configured, and learned by any
    /// worker), after any block of the host.
    fn reserve<'a>(
        &'a self,
        request: ReserveRequest<'a>,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>>;

    /// No attempt may go to `host` for `wait` (a 429's `Retry-After`, an exhausted window).
    fn block<'a>(&'a self, host: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>>;

    /// `operation` on `host` got an answer (so its first calls need not wait for a probe),
    /// which announced `learned` when given.
    fn learn<'a>(
        &'a self,
        operation: &'a str,
        host: &'a str,
        learned: Option<(LearnedScope, Quota)>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// Where the access token lives when several processes share it. Tokens arrive sealed
/// (encrypted and authenticated with a key derived from the client secret): a store only ever
/// holds ciphertext.
///
/// **When**: when a process has no valid token. **On error**: the process fetches its own
/// token (or fails the call when the store is required).
pub trait TokenStore: Send + Sync + 'static {
    /// The sealed token in `slot`, if any.
    fn load<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>>;

    /// Takes the refresh lock of `slot` for `ttl` unless someone holds it; `Some(lock id)` when
    /// taken.
    fn try_lock<'a>(
        &'a self,
        slot: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>>;

    /// Stores a sealed token in `slot` for `ttl`.
    fn save<'a>(
        &'a self,
        slot: &'a str,
        sealed: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Releases the lock of `slot` if `lock` still holds it.
    fn unlock<'a>(&'a self, slot: &'a str, lock: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
}

fn _object_safe(_: &dyn QuotaStore, _: &dyn TokenStore) {}
