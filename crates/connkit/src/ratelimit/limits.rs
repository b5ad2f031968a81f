//! [`RateLimits`]: every quota of one client (client-wide, per operation, learned from the
//! server), shared by all clones of the client.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use http::{HeaderMap, StatusCode};
use tokio::time::Instant;

use super::learn::read_server_limits;
use super::limiter::{Limiter, PastDeadline};
use super::quota::Quota;
#[cfg(feature = "redis")]
use super::shared::SharedLimits;
#[cfg(feature = "redis")]
use crate::shared::LearnedScope;

/// Why an attempt may not go.
#[derive(Debug)]
pub(crate) enum LimitError {
    /// The wait would end after the call's deadline.
    PastDeadline,
    /// The shared store failed and is required (`{P}_REDIS_REQUIRED=true`).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    Shared(String),
}

impl From<PastDeadline> for LimitError {
    fn from(_: PastDeadline) -> Self {
        Self::PastDeadline
    }
}

/// A quota learned from an answer: for one operation, or for the whole host.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) enum Learned {
    Operation(Quota),
    Host(Quota),
}

/// Every limit a call must pass before an attempt is sent.
pub(crate) struct RateLimits {
    enabled: bool,
    client: Option<Limiter>,
    operations: HashMap<String, Arc<Limiter>>,
    /// Quotas the server announced, by scope (`op:{id}` or `host:{name}`).
    learned: RwLock<HashMap<String, Arc<Limiter>>>,
    /// Hosts the server said are exhausted, until their reset.
    blocked: Mutex<HashMap<String, Instant>>,
    /// Set once anything was learned or blocked, so calls skip the locks until then.
    learned_any: AtomicBool,
    /// The shared store (shared mode); the local limiters above are then the fallback, each
    /// quota divided by the number of workers.
    #[cfg(feature = "redis")]
    shared: Option<SharedLimits>,
    /// Local quotas are the configured ones divided by this (1 without shared mode).
    divisor: u32,
}

/// Relative difference under which two rates count as the same.
const SAME_RATE: f64 = 0.01;

fn same_rate(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_RATE * a.max(b)
}

impl RateLimits {
    pub(crate) fn new(
        enabled: bool,
        client: Option<Quota>,
        operations: Vec<(String, Quota)>,
    ) -> Self {
        Self {
            enabled,
            client: client.map(Limiter::new),
            operations: operations
                .into_iter()
                .map(|(id, q)| (id, Arc::new(Limiter::new(q))))
                .collect(),
            learned: RwLock::new(HashMap::new()),
            blocked: Mutex::new(HashMap::new()),
            learned_any: AtomicBool::new(false),
            #[cfg(feature = "redis")]
            shared: None,
            divisor: 1,
        }
    }

    /// Limits shared through `state`: the configured quotas are reserved in the store, and
    /// the local limiters keep each quota divided by the number of workers for outages.
    #[cfg(feature = "redis")]
    pub(crate) fn shared(
        enabled: bool,
        client: Option<Quota>,
        operations: Vec<(String, Quota)>,
        state: std::sync::Arc<crate::shared::SharedState>,
    ) -> Self {
        let workers = state.workers;
        let local = |q: Quota| q.divided(workers);
        let mut limits = Self::new(
            enabled,
            client.map(local),
            operations.iter().map(|(id, q)| (id.clone(), local(*q))).collect(),
        );
        limits.divisor = workers;
        limits.shared = Some(SharedLimits::new(state, client, operations));
        limits
    }

    /// What a request of operation `op` to host `host` must wait for before it is sent:
    /// `None` when nothing applies (no allocation, no lock), else a future that waits and
    /// returns the time waited, or fails when the wait would pass `deadline`.
    pub(crate) fn acquire<'a>(
        &'a self,
        op: &'a str,
        host: &'a str,
        deadline: Option<Instant>,
    ) -> Option<BoxFuture<'a, Result<Duration, LimitError>>> {
        if !self.enabled {
            return None;
        }
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            return Some(Box::pin(shared.wait(op, host, deadline, self)));
        }
        let idle = !self.enabled
            || (!self.learned_any.load(Ordering::Acquire)
                && self.client.is_none()
                && !self.operations.contains_key(op));
        (!idle).then(|| {
            Box::pin(async move { self.wait(op, host, deadline).await.map_err(LimitError::from) })
                as BoxFuture<'a, _>
        })
    }

    /// Counts a request of `op` sent under the shared quotas in the local limiters (the
    /// operation's and the client's), so that a fallback starts from it instead of a full
    /// burst.
    #[cfg(feature = "redis")]
    pub(crate) fn charge(&self, op: &str) {
        if let Some(limiter) = self.operations.get(op) {
            limiter.charge();
        }
        if let Some(limiter) = &self.client {
            limiter.charge();
        }
    }

    /// Waits for every local limit that applies.
    pub(crate) async fn wait(
        &self,
        op: &str,
        host: &str,
        deadline: Option<Instant>,
    ) -> Result<Duration, PastDeadline> {
        let started = Instant::now();
        if !self.learned_any.load(Ordering::Acquire) {
            if let Some(limiter) = self.operations.get(op) {
                limiter.acquire(deadline).await?;
            }
            if let Some(limiter) = &self.client {
                limiter.acquire(deadline).await?;
            }
            return Ok(started.elapsed());
        }
        let blocked_until = self.blocked.lock().ok().and_then(|b| b.get(host).copied());
        if let Some(until) = blocked_until
            && until > started
        {
            if deadline.is_some_and(|d| until > d) {
                return Err(PastDeadline);
            }
            tokio::time::sleep_until(until).await;
        }
        let (op_learned, host_learned) = match self.learned.read() {
            Ok(learned) if !learned.is_empty() => {
                (learned.get(&op_scope(op)).cloned(), learned.get(&host_scope(host)).cloned())
            }
            _ => (None, None),
        };
        if let Some(limiter) = op_learned.as_ref().or_else(|| self.operations.get(op)) {
            limiter.acquire(deadline).await?;
        }
        if let Some(limiter) = &host_learned {
            limiter.acquire(deadline).await?;
        }
        if let Some(limiter) = &self.client {
            limiter.acquire(deadline).await?;
        }
        Ok(started.elapsed())
    }

    /// Learns from a response of operation `op` on `host`: exhausted windows block the host
    /// until their reset, announced rates become quotas, and a 429 with a wait blocks the host.
    /// In shared mode, returns the write that tells the other workers (await it before the
    /// next attempt).
    pub(crate) fn observe<'a>(
        &'a self,
        op: &'a str,
        host: &'a str,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Option<BoxFuture<'a, ()>> {
        if !self.enabled {
            return None;
        }
        let says = status == StatusCode::TOO_MANY_REQUESTS || mentions_rate_limits(headers);
        let (block_for, learned) =
            if says { self.observe_locally(op, host, status, headers) } else { (None, None) };
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            let learned = learned.map(|l| match l {
                Learned::Operation(q) => (LearnedScope::Operation, q),
                Learned::Host(q) => (LearnedScope::Host, q),
            });
            return shared.push(op, host, block_for, learned);
        }
        let _ = (block_for, learned);
        None
    }

    /// The local part of [`RateLimits::observe`]: returns the block and the quota the answer
    /// announced (as announced, before any division).
    fn observe_locally(
        &self,
        op: &str,
        host: &str,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> (Option<Duration>, Option<Learned>) {
        let now_epoch = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let limits = read_server_limits(headers, now_epoch);
        let mut block_for = limits.exhausted_for();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = crate::retry::retry_after(headers, SystemTime::now());
            block_for = block_for.max(retry_after).or(limits.reset);
        }
        let block_for = block_for.filter(|w| !w.is_zero());
        if let Some(wait) = block_for {
            let until = Instant::now() + wait;
            if let Ok(mut blocked) = self.blocked.lock() {
                let entry = blocked.entry(host.to_owned()).or_insert(until);
                *entry = (*entry).max(until);
            }
            self.learned_any.store(true, Ordering::Release);
        }
        let Some(rate) = limits.rate else { return (block_for, None) };
        if headers.contains_key("x-amzn-ratelimit-limit") {
            // Local limiters hold quotas divided by the workers: compare with the undivided.
            let configured = self.operations.get(op).map(|l| l.quota().multiplied(self.divisor));
            if configured.is_some_and(|q| same_rate(q.rate(), rate)) {
                return (block_for, None);
            }
            let burst = configured.map_or(1, |q| q.burst());
            let learned = Quota::new(rate, burst).ok().map(Learned::Operation);
            self.learn(op_scope(op), rate, burst);
            (block_for, learned)
        } else {
            let burst = limits.window_quota.and_then(|q| u32::try_from(q).ok()).unwrap_or(1);
            let learned = Quota::new(rate, burst.max(1)).ok().map(Learned::Host);
            self.learn(host_scope(host), rate, burst.max(1));
            (block_for, learned)
        }
    }

    fn learn(&self, scope: String, rate: f64, burst: u32) {
        let Ok(quota) = Quota::new(rate, burst) else { return };
        let quota = quota.divided(self.divisor);
        let known =
            self.learned.read().ok().and_then(|l| l.get(&scope).map(|limiter| limiter.quota()));
        if known.is_some_and(|q| same_rate(q.rate(), quota.rate()) && q.burst() == quota.burst()) {
            return;
        }
        tracing::debug!(scope = %scope, rate, burst, "learned a rate limit from the server");
        if let Ok(mut learned) = self.learned.write() {
            learned.insert(scope, Arc::new(Limiter::new(quota)));
        }
        self.learned_any.store(true, Ordering::Release);
    }
}

/// True when a header name looks like a rate-limit header (`X-RateLimit-*`, `RateLimit*`,
/// `X-Rate-Limit-*`, `x-amzn-RateLimit-Limit`): one pass over the names instead of a lookup per
/// known header on every response.
fn mentions_rate_limits(headers: &HeaderMap) -> bool {
    headers.keys().any(|name| {
        let name = name.as_str();
        name.contains("ratelimit") || name.contains("rate-limit")
    })
}

fn op_scope(op: &str) -> String {
    format!("op:{op}")
}

fn host_scope(host: &str) -> String {
    format!("host:{host}")
}
