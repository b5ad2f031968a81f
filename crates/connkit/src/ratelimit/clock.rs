//! [`TokioClock`]: governor's clock over `tokio::time`, so a paused test clock drives limits.

use std::time::Duration;

use governor::clock::{Clock, ReasonablyRealtime};

/// A governor clock reading `tokio::time::Instant` (elapsed time since the clock was made).
///
/// governor's own clocks read the system; this one follows tokio's clock, which tests can
/// pause and advance.
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock starting now.
    pub fn new() -> Self {
        Self { start: tokio::time::Instant::now() }
    }

    /// The tokio instant of a reading.
    pub fn instant_of(&self, reading: Duration) -> tokio::time::Instant {
        self.start + reading
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

impl ReasonablyRealtime for TokioClock {}
