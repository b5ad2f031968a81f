//! [`SharedSlot`]: the access token of one credential shared by every process of the account:
//! read from the store when valid, refreshed by one process at a time under a lock with an
//! expiry while the others wait for the new token (sleeping between looks, never spinning).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderValue;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::sealed::Sealer;
use super::token_cache::{FreshToken, expiry_margin};
use crate::error::{Error, ErrorKind};
use crate::shared::{SharedState, Unavailable};

/// First and longest pause between two looks at the store while another process refreshes.
const FIRST_LOOK: Duration = Duration::from_millis(20);
const LONGEST_LOOK: Duration = Duration::from_millis(250);

/// A token as the store holds it (sealed): the header value and when it expires.
#[derive(serde::Serialize, serde::Deserialize)]
struct Record {
    /// The header value to send (`Bearer ...`).
    value: String,
    /// When the token expires, in Unix milliseconds.
    expires_ms: u64,
    /// Its lifetime when issued, in milliseconds (sets the refresh margin).
    lifetime_ms: u64,
}

/// A token obtained through the store: its value and how long until it should be refreshed.
pub(crate) struct SharedToken {
    pub(crate) value: HeaderValue,
    pub(crate) refresh_in: Duration,
}

/// One credential's place in the shared store.
pub(crate) struct SharedSlot {
    state: Arc<SharedState>,
    slot: String,
    sealer: Sealer,
    /// How long the refresh lock is held at most (the token request's time, and some).
    lock_ttl: Duration,
}

impl SharedSlot {
    /// The slot of a credential: `identity` (token URL, client id, refresh token, scopes,
    /// placement) is hashed into the slot name; the sealing key derives from `secret`.
    pub(crate) fn new(
        state: Arc<SharedState>,
        identity: &[&str],
        secret: &str,
        request_timeout: Option<Duration>,
    ) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"connkit token slot v1");
        hasher.update(state.namespace.as_bytes());
        for part in identity {
            hasher.update([0]);
            hasher.update(part.as_bytes());
        }
        let slot = crate::shared::keys_hex(&hasher.finalize()[..12]);
        let sealer = Sealer::new(secret.as_bytes(), &slot);
        let lock_ttl = request_timeout.unwrap_or(Duration::from_secs(30)) + Duration::from_secs(2);
        Self { state, slot, sealer, lock_ttl }
    }

    /// True when a store failure must fail the call.
    pub(crate) fn required(&self) -> bool {
        self.state.required
    }

    /// A valid shared token, or the one this process fetched with `fetch` while holding the
    /// refresh lock. `rejected` is a token the API refused (401): a stored copy of it counts
    /// as stale. `Err` when the store failed (the caller falls back or fails).
    pub(crate) async fn obtain<F, Fut>(
        &self,
        fetch: &mut Option<F>,
        rejected: Option<&HeaderValue>,
    ) -> Result<Result<SharedToken, Error>, Unavailable>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken, Error>>,
    {
        let give_up = Instant::now() + self.lock_ttl + Duration::from_secs(2);
        let mut pause = FIRST_LOOK;
        loop {
            if let Some(token) = self.read(rejected).await? {
                return Ok(Ok(token));
            }
            let tokens = &self.state.tokens;
            if let Some(lock) = self.state.run(tokens.try_lock(&self.slot, self.lock_ttl)).await? {
                let held = HeldLock {
                    state: Arc::clone(&self.state),
                    slot: self.slot.clone(),
                    lock: Some(lock),
                };
                let outcome = self.refresh_locked(fetch, rejected).await;
                held.release().await;
                return outcome;
            }
            if Instant::now() + pause > give_up {
                return Ok(Err(Error::new(
                    ErrorKind::Auth,
                    "timed out waiting for another process to refresh the access token",
                )));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_LOOK);
        }
    }

    async fn refresh_locked<F, Fut>(
        &self,
        fetch: &mut Option<F>,
        rejected: Option<&HeaderValue>,
    ) -> Result<Result<SharedToken, Error>, Unavailable>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken, Error>>,
    {
        // Another process may have stored a token between the look and the lock.
        if let Some(token) = self.read(rejected).await? {
            return Ok(Ok(token));
        }
        let Some(fetch) = fetch.take() else {
            return Ok(Err(Error::new(ErrorKind::Auth, "the token was already requested")));
        };
        let fresh = match fetch().await {
            Ok(fresh) => fresh,
            Err(err) => return Ok(Err(err)),
        };
        let lifetime = fresh.lifetime.unwrap_or(super::token_cache::DEFAULT_LIFETIME);
        if let Ok(text) = fresh.value.to_str() {
            let record = Record {
                value: text.to_owned(),
                expires_ms: now_ms().saturating_add(lifetime.as_millis() as u64),
                lifetime_ms: lifetime.as_millis() as u64,
            };
            if let Some(sealed) =
                serde_json::to_vec(&record).ok().and_then(|plain| self.sealer.seal(&plain))
            {
                // The token is ours either way; a failed save only means the others fetch.
                let _ = self.state.run(self.state.tokens.save(&self.slot, sealed, lifetime)).await;
            }
        }
        let refresh_in = lifetime.saturating_sub(expiry_margin(lifetime));
        Ok(Ok(SharedToken { value: fresh.value, refresh_in }))
    }

    /// The stored token when it opens, is not `rejected`, and is not due for refresh.
    async fn read(
        &self,
        rejected: Option<&HeaderValue>,
    ) -> Result<Option<SharedToken>, Unavailable> {
        let Some(sealed) = self.state.run(self.state.tokens.load(&self.slot)).await? else {
            return Ok(None);
        };
        let Some(record) = self
            .sealer
            .open(&sealed)
            .and_then(|plain| serde_json::from_slice::<Record>(&plain).ok())
        else {
            return Ok(None);
        };
        if rejected.is_some_and(|r| r.as_bytes() == record.value.as_bytes()) {
            return Ok(None);
        }
        let margin = expiry_margin(Duration::from_millis(record.lifetime_ms));
        let refresh_at = record.expires_ms.saturating_sub(margin.as_millis() as u64);
        let now = now_ms();
        if now >= refresh_at {
            return Ok(None);
        }
        let Ok(mut value) = HeaderValue::from_str(&record.value) else { return Ok(None) };
        value.set_sensitive(true);
        Ok(Some(SharedToken { value, refresh_in: Duration::from_millis(refresh_at - now) }))
    }
}

/// The refresh lock while this process holds it. Released after the refresh, and also when
/// the refresh is abandoned (the call's timeout, a dropped future): the others then need not
/// wait for the lock's expiry. A release that never reaches the store is harmless: the lock
/// expires.
struct HeldLock {
    state: Arc<SharedState>,
    slot: String,
    lock: Option<String>,
}

impl HeldLock {
    async fn release(mut self) {
        if let Some(lock) = self.lock.take() {
            let _ = self.state.run(self.state.tokens.unlock(&self.slot, &lock)).await;
        }
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        let Some(lock) = self.lock.take() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (state, slot) = (Arc::clone(&self.state), std::mem::take(&mut self.slot));
        runtime.spawn(async move {
            let _ = state.run(state.tokens.unlock(&slot, &lock)).await;
        });
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use futures::future::BoxFuture;

    use super::*;
    use crate::ratelimit::Quota;
    use crate::shared::{
        LearnedScope, QuotaStore, Reservation, ReserveRequest, StoreError, TokenStore,
    };

    /// A store without tokens whose lock is free, recording the unlocks it receives.
    #[derive(Default)]
    struct Recording {
        unlocked: Mutex<Vec<String>>,
    }

    impl QuotaStore for Recording {
        fn reserve<'a>(
            &'a self,
            _: ReserveRequest<'a>,
        ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
            Box::pin(async { Ok(Reservation::Go(Duration::ZERO)) })
        }
        fn block<'a>(&'a self, _: &'a str, _: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async { Ok(()) })
        }
        fn learn<'a>(
            &'a self,
            _: &'a str,
            _: &'a str,
            _: Option<(LearnedScope, Quota)>,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async { Ok(()) })
        }
    }

    impl TokenStore for Recording {
        fn load<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
            Box::pin(async { Ok(None) })
        }
        fn try_lock<'a>(
            &'a self,
            _: &'a str,
            _: Duration,
        ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            Box::pin(async { Ok(Some("lock-1".to_string())) })
        }
        fn save<'a>(
            &'a self,
            _: &'a str,
            _: Vec<u8>,
            _: Duration,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async { Ok(()) })
        }
        fn unlock<'a>(
            &'a self,
            _: &'a str,
            lock: &'a str,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            self.unlocked.lock().unwrap().push(lock.to_string());
            Box::pin(async { Ok(()) })
        }
    }

    fn slot(store: &Arc<Recording>) -> SharedSlot {
        let options = crate::shared::guard_options(
            Duration::from_millis(100),
            false,
            1,
            "test store".into(),
            "ns".into(),
        );
        let state = Arc::new(SharedState::new(store.clone(), store.clone(), options));
        SharedSlot::new(state, &["https://auth.example/token", "client"], "secret", None)
    }

    #[tokio::test]
    async fn an_abandoned_refresh_releases_its_lock() {
        let store = Arc::new(Recording::default());
        let slot = slot(&store);
        let mut fetch = Some(futures::future::pending::<Result<FreshToken, Error>>);
        let abandoned =
            tokio::time::timeout(Duration::from_millis(20), slot.obtain(&mut fetch, None)).await;
        assert!(abandoned.is_err(), "the token request never answers");
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(*store.unlocked.lock().unwrap(), ["lock-1"], "released on drop");
    }

    #[tokio::test]
    async fn a_finished_refresh_releases_its_lock_once() {
        let store = Arc::new(Recording::default());
        let slot = slot(&store);
        let mut fetch = Some(|| async {
            Ok(FreshToken {
                value: HeaderValue::from_static("Bearer t"),
                lifetime: Some(Duration::from_secs(60)),
            })
        });
        let token = slot.obtain(&mut fetch, None).await.unwrap().unwrap();
        assert_eq!(token.value, "Bearer t");
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(*store.unlocked.lock().unwrap(), ["lock-1"]);
    }
}
