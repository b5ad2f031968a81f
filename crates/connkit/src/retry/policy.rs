//! [`RetryPolicy`]: how many attempts, how long to wait between them, and the budget.

use std::time::Duration;

/// Where the random part of the backoff comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Jitter {
    /// No jitter: exact exponential delays (for tests and reproducible schedules).
    None,
    /// Each delay is stretched by a random factor in `[1, 2)` (the default), so many clients
    /// that failed together do not retry together.
    Random,
    /// Like `Random`, from a fixed seed (reproducible schedules with jitter).
    Seeded(u64),
}

/// How a call retries: bounded attempts, exponential backoff with jitter, a cap on
/// `Retry-After`, and a total time budget.
///
/// Which failures are retried is decided separately by [`classify`](super::classify); this
/// policy only decides when (and whether the budget allows it).
///
/// # Defaults
/// 3 retries, backoff from 500 ms doubling up to 30 s, random jitter, `Retry-After` honoured up
/// to 120 s, no total budget besides the client's call timeout.
///
/// ```
/// use std::time::Duration;
/// use connkit::retry::{Jitter, RetryPolicy};
///
/// let policy = RetryPolicy::default()
///     .max_retries(2)
///     .initial_backoff(Duration::from_millis(100))
///     .jitter(Jitter::None);
/// let delays: Vec<_> = policy.backoff_schedule().collect();
/// assert_eq!(delays, [Duration::from_millis(100), Duration::from_millis(200)]);
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    factor: f32,
    jitter: Jitter,
    max_retry_after: Duration,
    max_elapsed: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            factor: 2.0,
            jitter: Jitter::Random,
            max_retry_after: Duration::from_secs(120),
            max_elapsed: None,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (every call makes one attempt, plus at most one replay after
    /// a token refresh).
    pub fn disabled() -> Self {
        Self::default().max_retries(0)
    }

    /// At most `retries` attempts after the first one.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first backoff delay (zero is allowed: immediate retries).
    #[must_use]
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest backoff delay before jitter.
    #[must_use]
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The growth factor between delays; values below 1 or not finite are treated as 1.
    #[must_use]
    pub fn factor(mut self, factor: f32) -> Self {
        self.factor = if factor.is_finite() && factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// Where the jitter comes from.
    #[must_use]
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// The longest server-requested wait (`Retry-After`, `retry-after-ms`) the client accepts;
    /// when the server asks for more, the call fails instead of retrying early.
    #[must_use]
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The longest time a call may spend on attempts and waits before a retry is refused.
    #[must_use]
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = Some(budget);
        self
    }

    /// The configured number of retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The configured cap on server-requested waits.
    pub fn retry_after_cap(&self) -> Duration {
        self.max_retry_after
    }

    /// The configured total budget, if any.
    pub fn elapsed_budget(&self) -> Option<Duration> {
        self.max_elapsed
    }

    /// The backoff delays of one call, one per allowed retry: `initial * factor^n` capped at
    /// the maximum, each stretched by the jitter factor in `[1, 2)`.
    ///
    /// The schedule is computed here rather than with `backon`: backon multiplies in `f32`
    /// (`200.000003ms` instead of `200ms`), which defeats exact-delay tests.
    pub fn backoff_schedule(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        let mut rng = match self.jitter {
            Jitter::None => None,
            Jitter::Random => Some(fastrand::Rng::new()),
            Jitter::Seeded(seed) => Some(fastrand::Rng::with_seed(seed)),
        };
        let (max, factor) = (self.max_backoff, f64::from(self.factor));
        let mut next = self.initial_backoff.min(max);
        (0..self.max_retries).map(move |_| {
            let base = next;
            next = scale(base, factor).min(max);
            match rng.as_mut() {
                Some(rng) => scale(base, 1.0 + rng.f64()),
                None => base,
            }
        })
    }
}

/// `delay * factor`, exact for whole factors, saturating instead of overflowing.
fn scale(delay: Duration, factor: f64) -> Duration {
    if factor.fract() == 0.0 && factor <= f64::from(u32::MAX) {
        return delay.saturating_mul(factor as u32);
    }
    Duration::try_from_secs_f64(delay.as_secs_f64() * factor).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_exponential_without_jitter() {
        let policy = RetryPolicy::default()
            .max_retries(5)
            .initial_backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(5))
            .jitter(Jitter::None);
        let delays: Vec<u64> = policy.backoff_schedule().map(|d| d.as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
    }

    #[test]
    fn jitter_stays_within_one_to_two_times() {
        let policy = RetryPolicy::default()
            .max_retries(4)
            .initial_backoff(Duration::from_secs(1))
            .jitter(Jitter::Seeded(7));
        let a: Vec<_> = policy.backoff_schedule().collect();
        assert_eq!(a, policy.backoff_schedule().collect::<Vec<_>>(), "seeded is reproducible");
        for (i, delay) in a.iter().enumerate() {
            let base = Duration::from_secs(1 << i);
            assert!(*delay >= base && *delay < base * 2, "{delay:?} vs {base:?}");
        }
    }

    #[test]
    fn disabled_has_no_delays() {
        assert_eq!(RetryPolicy::disabled().backoff_schedule().count(), 0);
    }
}
