//! [`Quota`]: a rate and a burst, validated.

use std::num::NonZeroU32;
use std::time::Duration;

use crate::error::{Error, ErrorKind};

/// A client-side quota: `rate` requests per second on average, at most `burst` at once
/// (GCRA, the leaky-bucket equivalent used by [`governor`]).
///
/// ```
/// use connkit::ratelimit::Quota;
///
/// let orders = Quota::new(0.0167, 20)?; // one request a minute, bursts of 20
/// assert_eq!(orders.burst(), 20);
/// # Ok::<(), connkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    rate: f64,
    burst: u32,
}

impl Quota {
    /// A quota of `rate` requests per second with bursts of up to `burst` requests.
    ///
    /// # Errors
    /// [`ErrorKind::Settings`] when `rate` is not a finite number in `(0, 1e9]` or `burst` is 0.
    pub fn new(rate: f64, burst: u32) -> Result<Self, Error> {
        if !(rate.is_finite() && rate > 0.0 && rate <= 1e9) {
            return Err(Error::new(
                ErrorKind::Settings,
                format!(
                    "invalid quota: the rate must be a positive number of requests per second, got {rate}"
                ),
            ));
        }
        if burst == 0 {
            return Err(Error::new(
                ErrorKind::Settings,
                "invalid quota: the burst must be at least 1",
            ));
        }
        Ok(Self { rate, burst })
    }

    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Largest burst.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// The time between two requests at the sustained rate.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.rate)
    }

    /// This quota split between `workers` processes: the rate divided, the burst divided
    /// (rounded down, at least 1), so that together they never exceed it.
    pub fn divided(self, workers: u32) -> Self {
        if workers <= 1 {
            return self;
        }
        Self { rate: self.rate / f64::from(workers), burst: (self.burst / workers).max(1) }
    }

    /// The quota of which this is the share of one of `workers` processes (the rate
    /// multiplied; the burst as is, since the division rounded it).
    pub(crate) fn multiplied(self, workers: u32) -> Self {
        if workers <= 1 {
            return self;
        }
        Self { rate: self.rate * f64::from(workers), burst: self.burst }
    }

    pub(crate) fn to_governor(self) -> governor::Quota {
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        let interval = self.interval().max(Duration::from_nanos(1));
        governor::Quota::with_period(interval)
            .unwrap_or_else(|| governor::Quota::per_second(NonZeroU32::MAX))
            .allow_burst(burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates() {
        assert!(Quota::new(0.0, 1).is_err());
        assert!(Quota::new(f64::NAN, 1).is_err());
        assert!(Quota::new(-1.0, 1).is_err());
        assert!(Quota::new(1.0, 0).is_err());
        let q = Quota::new(0.0167, 20).unwrap();
        assert!((q.interval().as_secs_f64() - 59.88).abs() < 0.01);
        assert_eq!(q.to_governor().burst_size().get(), 20);
    }

    #[test]
    fn divided_between_workers() {
        let q = Quota::new(20.0, 5).unwrap();
        let share = q.divided(4);
        assert_eq!(share.rate(), 5.0);
        assert_eq!(share.burst(), 1, "4 workers with a burst of 1 each stay within 5");
        assert_eq!(q.divided(1), q);
        assert_eq!(Quota::new(10.0, 20).unwrap().divided(3).burst(), 6);
    }
}
