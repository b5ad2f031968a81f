//! [`TokenCache`]: one access token shared by every clone of a client, refreshed by a single
//! caller while the others wait for its result.

use std::future::Future;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::HeaderValue;
use tokio::time::Instant;

use super::Authorized;
use crate::error::{Error, ErrorKind};

/// A token as returned by a token endpoint.
pub(crate) struct FreshToken {
    /// The header value to send (already formatted and marked sensitive).
    pub(crate) value: HeaderValue,
    /// The lifetime the server announced (`expires_in`), if any.
    pub(crate) lifetime: Option<Duration>,
}

struct Cached {
    value: HeaderValue,
    refresh_at: Instant,
    generation: u64,
}

/// Lifetime assumed when the server announces none (a 401 still triggers a refresh).
pub(crate) const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// Longest margin before expiry at which a token is refreshed.
const MAX_MARGIN: Duration = Duration::from_secs(60);

/// How long before expiry a token of `lifetime` is refreshed: a tenth of its lifetime, at
/// most a minute (a one-hour token is refreshed a minute early, a 10-second one a second early).
pub(crate) fn expiry_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_MARGIN)
}

/// Shared token state: the cached token and a single-flight refresh.
pub(crate) struct TokenCache {
    current: RwLock<Option<Cached>>,
    /// The last token the API refused (401): a shared copy of it counts as stale.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    rejected: RwLock<Option<HeaderValue>>,
    refresh: tokio::sync::Mutex<RefreshState>,
    /// Number of finished refreshes (successful or not), read without the lock.
    refreshes: AtomicU64,
}

#[derive(Default)]
struct RefreshState {
    generation: u64,
    last_error: Option<String>,
}

/// Where a token may come from besides this process's own fetch.
#[cfg(feature = "redis")]
pub(crate) type Shared<'a> = Option<&'a super::shared_token::SharedSlot>;
/// Where a token may come from besides this process's own fetch (none without `redis`).
#[cfg(not(feature = "redis"))]
pub(crate) type Shared<'a> = Option<&'a std::convert::Infallible>;

impl TokenCache {
    pub(crate) fn new() -> Self {
        Self {
            current: RwLock::new(None),
            rejected: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(RefreshState::default()),
            refreshes: AtomicU64::new(0),
        }
    }

    fn valid(&self) -> Option<(HeaderValue, Authorized)> {
        let now = Instant::now();
        let current = self.current.read().ok()?;
        let cached = current.as_ref()?;
        (now < cached.refresh_at).then(|| (cached.value.clone(), Authorized(cached.generation)))
    }

    /// The current token, fetching one with `fetch` when there is none or it is about to
    /// expire. Concurrent callers share one fetch; those that waited on a failed fetch get its
    /// error instead of fetching again. With a `shared` slot the token comes from the other
    /// processes of the account when one of them holds a valid one, and this process's fetch
    /// is shared with them.
    pub(crate) async fn get<F, Fut>(
        &self,
        fetch: F,
        shared: Shared<'_>,
    ) -> Result<(HeaderValue, Authorized), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken, Error>>,
    {
        if let Some(valid) = self.valid() {
            return Ok(valid);
        }
        let seen = self.refreshes.load(Ordering::Acquire);
        let mut state = self.refresh.lock().await;
        if let Some(valid) = self.valid() {
            return Ok(valid);
        }
        if self.refreshes.load(Ordering::Acquire) != seen
            && let Some(message) = &state.last_error
        {
            return Err(Error::new(ErrorKind::Auth, message.clone()));
        }
        let result = self.fetch_or_share(fetch, shared).await;
        self.refreshes.fetch_add(1, Ordering::AcqRel);
        match result {
            Ok((value, refresh_in)) => {
                state.generation += 1;
                state.last_error = None;
                let refresh_at = Instant::now() + refresh_in;
                let generation = state.generation;
                if let Ok(mut current) = self.current.write() {
                    *current = Some(Cached { value: value.clone(), refresh_at, generation });
                }
                Ok((value, Authorized(generation)))
            }
            Err(err) => {
                state.last_error = Some(err.to_string());
                if let Ok(mut current) = self.current.write() {
                    *current = None;
                }
                Err(err)
            }
        }
    }

    /// A token and the time until it should be refreshed: from the shared store (or fetched
    /// under its lock), else fetched by this process (the store failed and is not required).
    async fn fetch_or_share<F, Fut>(
        &self,
        fetch: F,
        shared: Shared<'_>,
    ) -> Result<(HeaderValue, Duration), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken, Error>>,
    {
        #[cfg(feature = "redis")]
        let fetch = {
            let mut fetch = Some(fetch);
            if let Some(slot) = shared {
                let rejected = self.rejected.read().ok().and_then(|r| r.clone());
                match slot.obtain(&mut fetch, rejected.as_ref()).await {
                    Ok(token) => return token.map(|t| (t.value, t.refresh_in)),
                    Err(unavailable) if slot.required() => {
                        return Err(Error::new(ErrorKind::Auth, unavailable.message));
                    }
                    Err(_) => {}
                }
            }
            match fetch {
                Some(fetch) => fetch,
                None => {
                    return Err(Error::new(ErrorKind::Auth, "the token request was interrupted"));
                }
            }
        };
        #[cfg(not(feature = "redis"))]
        let _ = shared;
        let fresh = fetch().await?;
        let lifetime = fresh.lifetime.unwrap_or(DEFAULT_LIFETIME);
        Ok((fresh.value, lifetime.saturating_sub(expiry_margin(lifetime))))
    }

    /// Forgets the token `used` after a 401 (unless it was already replaced).
    pub(crate) fn invalidate(&self, used: Authorized) {
        if let Ok(mut current) = self.current.write()
            && current.as_ref().is_some_and(|c| c.generation == used.0)
            && let (Some(cached), Ok(mut rejected)) = (current.take(), self.rejected.write())
        {
            *rejected = Some(cached.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_scales_down() {
        assert_eq!(expiry_margin(Duration::from_secs(3600)), Duration::from_secs(60));
        assert_eq!(expiry_margin(Duration::from_secs(300)), Duration::from_secs(30));
        assert_eq!(expiry_margin(Duration::from_secs(10)), Duration::from_secs(1));
        assert_eq!(expiry_margin(Duration::ZERO), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_before_expiry() {
        let cache = TokenCache::new();
        let fetches = AtomicU64::new(0);
        let fetch = || async {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            Ok(FreshToken {
                value: HeaderValue::from_str(&format!("t{n}")).unwrap(),
                lifetime: Some(Duration::from_secs(100)),
            })
        };
        let (v, _) = cache.get(fetch, None).await.unwrap();
        assert_eq!(v, "t0");
        tokio::time::advance(Duration::from_secs(89)).await;
        assert_eq!(cache.get(fetch, None).await.unwrap().0, "t0");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(cache.get(fetch, None).await.unwrap().0, "t1", "refreshed at 90 s of 100");
    }
}
