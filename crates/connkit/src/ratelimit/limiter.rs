//! [`Limiter`]: one GCRA quota on tokio time, with waiters served in arrival order.

use std::time::Duration;

use governor::clock::Clock;
use governor::state::{InMemoryState, NotKeyed};
use governor::{RateLimiter, middleware::NoOpMiddleware};
use tokio::time::Instant;

use super::clock::TokioClock;
use super::quota::Quota;

/// One quota: a governor GCRA limiter on [`TokioClock`]; concurrent waiters queue in order
/// (a fair mutex), so each sleeps once instead of polling together.
pub(crate) struct Limiter {
    quota: Quota,
    gcra: RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>,
    clock: TokioClock,
    queue: tokio::sync::Mutex<()>,
}

/// The wait would end after the call's deadline.
#[derive(Debug)]
pub(crate) struct PastDeadline;

impl Limiter {
    pub(crate) fn new(quota: Quota) -> Self {
        let clock = TokioClock::new();
        Self {
            quota,
            gcra: RateLimiter::direct_with_clock(quota.to_governor(), clock),
            clock,
            queue: tokio::sync::Mutex::new(()),
        }
    }

    pub(crate) fn quota(&self) -> Quota {
        self.quota
    }

    /// Takes a cell now if one is free, without waiting: counts a request this limiter did
    /// not see (one sent under a shared quota before a fallback to this one).
    #[cfg(feature = "redis")]
    pub(crate) fn charge(&self) {
        let _ = self.gcra.check();
    }

    /// Waits for a cell; fails at once when the wait would end after `deadline`.
    pub(crate) async fn acquire(
        &self,
        deadline: Option<Instant>,
    ) -> Result<Duration, PastDeadline> {
        let started = Instant::now();
        // Waiters queue in arrival order; a caller that finds nobody waiting takes the fast path.
        let _turn = match self.queue.try_lock() {
            Ok(turn) => turn,
            Err(_) => self.queue.lock().await,
        };
        loop {
            match self.gcra.check() {
                Ok(()) => return Ok(started.elapsed()),
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    let until = Instant::now() + wait;
                    if deadline.is_some_and(|d| until > d) {
                        return Err(PastDeadline);
                    }
                    tokio::time::sleep_until(until).await;
                }
            }
        }
    }
}
