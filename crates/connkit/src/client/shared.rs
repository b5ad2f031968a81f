//! Opening the shared store of [`ClientBuilder::shared`](super::ClientBuilder::shared) at build
//! time: the namespace, the Redis store, and what happens without the `redis` feature.

#[cfg(feature = "redis")]
use std::sync::Arc;
use std::time::Duration;

use crate::auth::AuthStrategy;
use crate::error::{Error, ErrorKind};
use crate::settings::{SharedSettings, StandardSetting};

/// The shared state of a client, or `None` when it keeps everything in the process.
#[cfg(feature = "redis")]
pub(super) type Opened = Option<Arc<crate::shared::SharedState>>;
/// Without the `redis` feature there is never a shared state.
#[cfg(not(feature = "redis"))]
pub(super) type Opened = Option<std::convert::Infallible>;

/// Opens the Redis store of `settings` (connected lazily, on first use).
///
/// # Errors
/// [`ErrorKind::Settings`] for a URL Redis does not accept, or (without the `redis` feature)
/// when Redis is required.
#[cfg(feature = "redis")]
pub(super) fn open(
    settings: &SharedSettings,
    auth: Option<&dyn AuthStrategy>,
    timeout: Duration,
) -> Result<Opened, Error> {
    use crate::shared::{RedisStore, SharedState, namespace_of};

    let Some(url) = &settings.redis_url else { return Ok(None) };
    let url_var = settings.variable(StandardSetting::RedisUrl);
    let namespace = match &settings.quota_key {
        Some(key) => key.clone(),
        None => namespace_of(&auth.and_then(|a| a.account()).unwrap_or_default()),
    };
    let store = RedisStore::open(url.expose(), &namespace, &settings.system(), timeout)
        .map_err(|e| Error::new(ErrorKind::Settings, format!("{url_var}: {e}")))?;
    let store = Arc::new(store);
    let options = crate::shared::guard_options(
        timeout,
        settings.redis_required,
        settings.workers.unwrap_or(1),
        format!("Redis ({url_var})"),
        namespace,
    );
    Ok(Some(Arc::new(SharedState::new(store.clone(), store, options))))
}

/// Without the `redis` feature: a warning (or, when Redis is required, an error) that the
/// limits stay per process.
///
/// # Errors
/// [`ErrorKind::Settings`] when `{P}_REDIS_REQUIRED=true`.
#[cfg(not(feature = "redis"))]
pub(super) fn open(
    settings: &SharedSettings,
    _auth: Option<&dyn AuthStrategy>,
    _timeout: Duration,
) -> Result<Opened, Error> {
    let url_var = settings.variable(StandardSetting::RedisUrl);
    let message = format!(
        "{url_var} is set but this program was built without the runtime's `redis` feature \
         (enable the connector's `redis` feature): quotas and tokens stay per process"
    );
    if settings.redis_required {
        return Err(Error::new(ErrorKind::Settings, message));
    }
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| tracing::warn!("{message}"));
    Ok(None)
}
