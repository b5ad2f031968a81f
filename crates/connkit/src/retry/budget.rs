//! [`RetryBudget`]: the per-call state that turns verdicts into waits.

use std::time::Duration;

use super::classify::RetryAction;
use super::policy::RetryPolicy;

/// The retry state of one call: how many retries are left, the next backoff delays and the
/// time already spent. Time is passed in (`elapsed`), so the decision is a pure function.
pub(crate) struct RetryBudget {
    schedule: Box<dyn Iterator<Item = Duration> + Send>,
    retry_after_cap: Duration,
    max_elapsed: Option<Duration>,
}

/// Why a call stops retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The verdict was not to retry.
    NotRetryable,
    /// Every allowed retry was used.
    Exhausted,
    /// The server asked for a longer wait than the cap, or the wait would exceed the budget.
    TooLong,
}

impl RetryBudget {
    pub(crate) fn new(policy: &RetryPolicy) -> Self {
        Self {
            schedule: Box::new(policy.backoff_schedule()),
            retry_after_cap: policy.retry_after_cap(),
            max_elapsed: policy.elapsed_budget(),
        }
    }

    /// The wait before the next attempt, or why there is none.
    pub(crate) fn next_wait(
        &mut self,
        action: RetryAction,
        elapsed: Duration,
    ) -> Result<Duration, Stop> {
        let after = match action {
            RetryAction::Retry { after } => after,
            RetryAction::NoAction | RetryAction::Forbidden => return Err(Stop::NotRetryable),
        };
        let backoff = self.schedule.next().ok_or(Stop::Exhausted)?;
        let wait = match after {
            Some(after) if after > self.retry_after_cap => return Err(Stop::TooLong),
            Some(after) => after,
            None => backoff,
        };
        match self.max_elapsed {
            Some(budget) if elapsed + wait > budget => Err(Stop::TooLong),
            _ => Ok(wait),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::Jitter;

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .max_retries(3)
            .initial_backoff(Duration::from_secs(1))
            .jitter(Jitter::None)
            .max_retry_after(Duration::from_secs(60))
    }

    #[test]
    fn backoff_then_exhausted() {
        let mut budget = RetryBudget::new(&policy());
        let retry = RetryAction::Retry { after: None };
        assert_eq!(budget.next_wait(retry, Duration::ZERO), Ok(Duration::from_secs(1)));
        assert_eq!(budget.next_wait(retry, Duration::ZERO), Ok(Duration::from_secs(2)));
        assert_eq!(budget.next_wait(retry, Duration::ZERO), Ok(Duration::from_secs(4)));
        assert_eq!(budget.next_wait(retry, Duration::ZERO), Err(Stop::Exhausted));
    }

    #[test]
    fn server_wait_wins_until_the_cap() {
        let mut budget = RetryBudget::new(&policy());
        let after = |s| RetryAction::Retry { after: Some(Duration::from_secs(s)) };
        assert_eq!(budget.next_wait(after(30), Duration::ZERO), Ok(Duration::from_secs(30)));
        assert_eq!(budget.next_wait(after(61), Duration::ZERO), Err(Stop::TooLong));
        assert_eq!(
            budget.next_wait(RetryAction::Forbidden, Duration::ZERO),
            Err(Stop::NotRetryable)
        );
    }

    #[test]
    fn total_budget() {
        let mut budget = RetryBudget::new(&policy().max_elapsed(Duration::from_secs(10)));
        let retry = RetryAction::Retry { after: None };
        assert_eq!(budget.next_wait(retry, Duration::from_secs(8)), Ok(Duration::from_secs(1)));
        assert_eq!(budget.next_wait(retry, Duration::from_secs(9)), Err(Stop::TooLong));
    }
}
