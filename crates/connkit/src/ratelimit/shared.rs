//! [`SharedLimits`]: the quotas of a client reserved in a shared store, with the local
//! limiters as the fallback while the store is down.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::limits::{LimitError, RateLimits};
use super::quota::Quota;
use crate::shared::{LearnedScope, Reservation, ReserveRequest, SharedState};

/// First and longest pause between two asks while another worker's first call probes.
const FIRST_PROBE_POLL: Duration = Duration::from_millis(10);
const LONGEST_PROBE_POLL: Duration = Duration::from_millis(200);
/// What was pushed is pushed again after this (the store's copy may have expired or been lost).
const REPUSH_AFTER: Duration = Duration::from_secs(60);

/// The configured quotas (as configured, not divided) and the store.
pub(crate) struct SharedLimits {
    state: Arc<SharedState>,
    client: Option<Quota>,
    operations: HashMap<String, Quota>,
    /// What this process told the store: (host, operation, learned) → (store epoch, when).
    pushed: Mutex<HashMap<String, (u64, Instant)>>,
    /// What this process knows of the account's queue of reserved cells, for the handover to
    /// local limits when the store fails.
    handover: Mutex<Handover>,
}

/// The handover from shared to local limits.
///
/// Cells reserved in the store before an outage are still sent during it, by every process
/// of the account, each at its own turn; local limits that start at once would send on top of
/// them. The other processes' cells cannot be read while the store is down, so a process
/// estimates where the account's queue ends: the queue was as deep as this process last saw
/// it (its latest reservation had the queue's whole depth before it) up to the outage, when
/// the other processes stopped reserving. Local limits start after that (and after this
/// process's own last cell), once per outage.
#[derive(Default)]
struct Handover {
    /// When the last cell this process reserved comes due.
    reserved_until: Option<Instant>,
    /// The wait of this process's latest reservation: the depth of the account's queue then.
    depth: Duration,
    /// Set when the current fallback began: when local limits take over.
    local_from: Option<Instant>,
}

impl Handover {
    fn reserved(&mut self, wait: Duration) {
        let due = Instant::now() + wait;
        self.reserved_until = Some(self.reserved_until.map_or(due, |u| u.max(due)));
        self.depth = wait;
        self.local_from = None;
    }

    /// When local limits take over in this outage, and whether this caller is the first to
    /// fall back (it charges the local limiters for the shared cells).
    fn fall_back(&mut self) -> (Instant, bool) {
        if let Some(from) = self.local_from {
            return (from, false);
        }
        let now = Instant::now();
        let queue_end = now + self.depth;
        let from = self.reserved_until.map_or(queue_end, |u| u.max(queue_end));
        self.local_from = Some(from);
        (from, true)
    }
}

impl SharedLimits {
    pub(crate) fn new(
        state: Arc<SharedState>,
        client: Option<Quota>,
        operations: Vec<(String, Quota)>,
    ) -> Self {
        Self {
            state,
            client,
            operations: operations.into_iter().collect(),
            pushed: Mutex::new(HashMap::new()),
            handover: Mutex::new(Handover::default()),
        }
    }

    /// Reserves the attempt's cells in the store and sleeps until its turn; on a store failure
    /// waits on the local limiters of `local` instead (or fails when the store is required).
    pub(crate) async fn wait(
        &self,
        op: &str,
        host: &str,
        deadline: Option<Instant>,
        local: &RateLimits,
    ) -> Result<Duration, LimitError> {
        let started = Instant::now();
        if self.state.recovering() {
            // Others may still send under their local share (see RECOVERY_GRACE): keep to it
            // too, before the shared cell is taken so that the cell's time is the send's.
            local.wait(op, host, deadline).await?;
        }
        let mut poll = FIRST_PROBE_POLL;
        loop {
            let request = ReserveRequest {
                operation: op,
                host,
                operation_quota: self.operations.get(op).copied(),
                client_quota: self.client,
                max_wait: deadline.map(|d| d.saturating_duration_since(Instant::now())),
            };
            match self.state.run(self.state.quotas.reserve(request)).await {
                Ok(Reservation::Go(wait)) => {
                    if let Ok(mut handover) = self.handover.lock() {
                        handover.reserved(wait);
                    }
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                    return Ok(started.elapsed());
                }
                Ok(Reservation::TooLong(_)) => return Err(LimitError::PastDeadline),
                Ok(Reservation::Probing) => {
                    if deadline.is_some_and(|d| Instant::now() + poll > d) {
                        return Err(LimitError::PastDeadline);
                    }
                    tokio::time::sleep(poll).await;
                    poll = (poll * 2).min(LONGEST_PROBE_POLL);
                }
                Err(unavailable) if self.state.required => {
                    return Err(LimitError::Shared(format!(
                        "{}; {}",
                        unavailable.message,
                        "the shared store is required, so the call fails instead of using local limits"
                    )));
                }
                Err(_) => {
                    let (from, first) = match self.handover.lock() {
                        Ok(mut handover) => handover.fall_back(),
                        Err(_) => (Instant::now(), false),
                    };
                    if from > Instant::now() {
                        if deadline.is_some_and(|d| from > d) {
                            return Err(LimitError::PastDeadline);
                        }
                        tokio::time::sleep_until(from).await;
                    }
                    if first {
                        // The account's last shared cell was just sent: the local limits go on
                        // from it rather than granting a burst on top.
                        local.charge(op);
                    }
                    local.wait(op, host, deadline).await?;
                    return Ok(started.elapsed());
                }
            }
        }
    }

    /// The writes that tell the other workers what an answer said: a block of the host, and
    /// (once per store epoch, or after [`REPUSH_AFTER`]) that the operation was answered and
    /// the quota it announced.
    pub(crate) fn push<'a>(
        &'a self,
        op: &'a str,
        host: &'a str,
        block_for: Option<Duration>,
        learned: Option<(LearnedScope, Quota)>,
    ) -> Option<BoxFuture<'a, ()>> {
        let learn = self.first_push(op, host, learned);
        if block_for.is_none() && !learn {
            return None;
        }
        Some(Box::pin(async move {
            if let Some(wait) = block_for {
                let _ = self.state.run(self.state.quotas.block(host, wait)).await;
            }
            if learn {
                let _ = self.state.run(self.state.quotas.learn(op, host, learned)).await;
            }
        }))
    }

    fn first_push(&self, op: &str, host: &str, learned: Option<(LearnedScope, Quota)>) -> bool {
        let key = format!("{host}\0{op}\0{learned:?}");
        let epoch = self.state.epoch();
        let Ok(mut pushed) = self.pushed.lock() else { return true };
        let fresh =
            pushed.get(&key).is_some_and(|(e, at)| *e == epoch && at.elapsed() < REPUSH_AFTER);
        if fresh {
            return false;
        }
        pushed.insert(key, (epoch, Instant::now()));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn local_limits_start_where_the_accounts_queue_was_last_seen_to_end() {
        let mut handover = Handover::default();
        // The latest reservation waited 1.6 s: the account's queue was that deep.
        handover.reserved(Duration::from_millis(1600));
        tokio::time::advance(Duration::from_millis(500)).await;
        let failed_at = Instant::now();
        let (from, first) = handover.fall_back();
        assert!(first, "the first caller of an outage charges the local limiters");
        assert_eq!(from, failed_at + Duration::from_millis(1600));
        // Every later caller of the same outage waits for the same instant, without charging.
        tokio::time::advance(Duration::from_millis(300)).await;
        assert_eq!(handover.fall_back(), (from, false));
        // A new reservation ends the outage; the next one starts from its own estimate (once
        // this process's own cells have come due).
        tokio::time::advance(Duration::from_secs(2)).await;
        handover.reserved(Duration::ZERO);
        let (again, first) = handover.fall_back();
        assert!(first);
        assert_eq!(again, Instant::now());
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_account_falls_back_at_once() {
        let mut handover = Handover::default();
        assert_eq!(handover.fall_back(), (Instant::now(), true));
    }
}
