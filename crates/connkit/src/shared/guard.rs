//! [`SharedState`]: a store with a timeout on every command, one warning per outage, a pause
//! between tries while the store is down, and the fallback policy.

use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::{QuotaStore, StoreError, TokenStore};

/// The store could not be used for this decision (down, slow, or paused after a failure).
#[derive(Debug, Clone)]
pub(crate) struct Unavailable {
    pub(crate) message: String,
}

/// First pause after a failure before the store is tried again; doubles up to the cap.
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// How long after the store comes back a process still keeps to its local (divided) limits as
/// well as the shared ones. The processes of an account notice the return at different times
/// (each tries again after its own pause, and a reconnect may take a second try): until all
/// have, some still send under their local share, so those back in shared mode must too, or
/// the account's total passes the quota.
pub(crate) const RECOVERY_GRACE: Duration =
    Duration::from_millis(2 * MAX_PAUSE.as_millis() as u64 + 500);

/// The stores of one client and how to treat their failures.
pub(crate) struct SharedState {
    pub(crate) quotas: Arc<dyn QuotaStore>,
    pub(crate) tokens: Arc<dyn TokenStore>,
    /// Time allowed for one store command.
    timeout: Duration,
    /// Fail calls instead of falling back.
    pub(crate) required: bool,
    /// Processes sharing the account (local quotas are divided by it during an outage).
    pub(crate) workers: u32,
    /// What the store is, for messages (`Redis (AMAZON_REDIS_URL)`).
    label: String,
    /// The namespace of the account (token slots are derived under it).
    pub(crate) namespace: String,
    health: Mutex<Health>,
    /// Incremented each time the store comes back, so that what was pushed before an outage
    /// is pushed again (a restarted Redis has lost it).
    epoch: AtomicU64,
}

#[derive(Default)]
struct Health {
    /// When the current outage began.
    down_since: Option<Instant>,
    /// No command is sent before this instant.
    retry_at: Option<Instant>,
    pause: Duration,
    /// When the store last came back after an outage.
    recovered_at: Option<Instant>,
}

impl SharedState {
    pub(crate) fn new(
        quotas: Arc<dyn QuotaStore>,
        tokens: Arc<dyn TokenStore>,
        settings: SharedOptions,
    ) -> Self {
        Self {
            quotas,
            tokens,
            timeout: settings.timeout,
            required: settings.required,
            workers: settings.workers.max(1),
            label: settings.label,
            namespace: settings.namespace,
            health: Mutex::new(Health::default()),
            epoch: AtomicU64::new(0),
        }
    }

    /// Changes each time the store comes back after an outage.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// True for [`RECOVERY_GRACE`] after the store came back from an outage: the shared
    /// quotas apply, and the local ones too.
    pub(crate) fn recovering(&self) -> bool {
        let Ok(health) = self.health.lock() else { return false };
        health.recovered_at.is_some_and(|at| at.elapsed() < RECOVERY_GRACE)
    }

    /// Runs one store command under the timeout and the outage policy.
    pub(crate) async fn run<T>(
        &self,
        command: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, Unavailable> {
        if !self.may_try() {
            return Err(self.unavailable("paused after a failure"));
        }
        match tokio::time::timeout(self.timeout, command).await {
            Ok(Ok(value)) => {
                self.succeeded();
                Ok(value)
            }
            Ok(Err(err)) => Err(self.failed(&err.to_string())),
            Err(_) => {
                Err(self.failed(&format!("no answer within {} ms", self.timeout.as_millis())))
            }
        }
    }

    fn may_try(&self) -> bool {
        let Ok(mut health) = self.health.lock() else { return true };
        match health.retry_at {
            Some(at) if Instant::now() < at => false,
            Some(_) => {
                // One caller tries; the others keep to the fallback until it reports.
                let pause = health.pause;
                health.retry_at = Some(Instant::now() + pause);
                true
            }
            None => true,
        }
    }

    fn succeeded(&self) {
        let Ok(mut health) = self.health.lock() else { return };
        if let Some(since) = health.down_since.take() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            health.recovered_at = Some(Instant::now());
            tracing::warn!(
                store = %self.label,
                outage_ms = since.elapsed().as_millis() as u64,
                "the shared store answers again: quotas and tokens are shared again"
            );
        }
        health.retry_at = None;
        health.pause = FIRST_PAUSE;
    }

    fn failed(&self, why: &str) -> Unavailable {
        if let Ok(mut health) = self.health.lock() {
            if health.down_since.is_none() {
                health.down_since = Some(Instant::now());
                health.pause = FIRST_PAUSE;
                if self.required {
                    tracing::error!(store = %self.label, error = why, "the shared store failed; calls fail until it is back");
                } else {
                    tracing::warn!(
                        store = %self.label,
                        error = why,
                        workers = self.workers,
                        "the shared store failed: falling back to local limits (quotas / {}) and a local token cache until it is back",
                        self.workers
                    );
                }
            } else {
                health.pause = (health.pause * 2).min(MAX_PAUSE);
            }
            health.retry_at = Some(Instant::now() + health.pause);
        }
        self.unavailable(why)
    }

    fn unavailable(&self, why: &str) -> Unavailable {
        Unavailable { message: format!("{} is unavailable: {why}", self.label) }
    }
}

/// How a [`SharedState`] treats its stores.
pub(crate) struct SharedOptions {
    pub(crate) timeout: Duration,
    pub(crate) required: bool,
    pub(crate) workers: u32,
    pub(crate) label: String,
    pub(crate) namespace: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::Quota;
    use crate::shared::{LearnedScope, Reservation, ReserveRequest};
    use futures::future::BoxFuture;

    struct Down;

    impl QuotaStore for Down {
        fn reserve<'a>(
            &'a self,
            _: ReserveRequest<'a>,
        ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
            Box::pin(async { Err(StoreError::new("connection refused")) })
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

    impl TokenStore for Down {
        fn load<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
            Box::pin(async { Ok(None) })
        }
        fn try_lock<'a>(
            &'a self,
            _: &'a str,
            _: Duration,
        ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            Box::pin(async { Ok(None) })
        }
        fn save<'a>(
            &'a self,
            _: &'a str,
            _: Vec<u8>,
            _: Duration,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async { Ok(()) })
        }
        fn unlock<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async { Ok(()) })
        }
    }

    fn state() -> SharedState {
        let down = Arc::new(Down);
        SharedState::new(
            down.clone(),
            down,
            SharedOptions {
                timeout: Duration::from_millis(50),
                required: false,
                workers: 4,
                label: "test store".into(),
                namespace: "ns".into(),
            },
        )
    }

    #[tokio::test(start_paused = true)]
    async fn pauses_after_a_failure_and_comes_back() {
        let shared = state();
        let request = ReserveRequest {
            operation: "op",
            host: "default",
            operation_quota: None,
            client_quota: None,
            max_wait: None,
        };
        let err = shared.run(shared.quotas.reserve(request)).await.unwrap_err();
        assert!(err.message.contains("connection refused"), "{}", err.message);
        // Paused: no command is sent until the pause has passed.
        let err = shared.run(async { Ok::<_, StoreError>(()) }).await.unwrap_err();
        assert!(err.message.contains("paused"), "{}", err.message);
        tokio::time::advance(FIRST_PAUSE).await;
        assert_eq!(shared.epoch(), 0);
        assert!(!shared.recovering());
        shared.run(async { Ok::<_, StoreError>(()) }).await.unwrap();
        assert_eq!(shared.epoch(), 1, "the recovery is counted");
        assert!(shared.recovering(), "local limits still apply right after the return");
        shared.run(async { Ok::<_, StoreError>(()) }).await.unwrap();
        tokio::time::advance(RECOVERY_GRACE).await;
        assert!(!shared.recovering(), "and only for the grace period");
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_store_times_out() {
        let shared = state();
        let slow = async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok::<_, StoreError>(())
        };
        let started = Instant::now();
        let err = shared.run(slow).await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_millis(50));
        assert!(err.message.contains("no answer within 50 ms"), "{}", err.message);
    }
}
