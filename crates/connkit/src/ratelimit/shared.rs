//! [`SharedLimits`]: the quotas of a client reserved in a shared store, with the local
//! limiters as the fallback while the store is down.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// When the last cell this process reserved in the store comes due: a fallback to local
    /// limits starts after it, so that cells reserved before an outage and local ones do not
    /// add up.
    reserved_until: Mutex<Option<Instant>>,
    /// Whether the local limiters were charged for the shared cells since the last one was
    /// reserved (see [`RateLimits::charge`]).
    charged: AtomicBool,
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
            reserved_until: Mutex::new(None),
            charged: AtomicBool::new(true),
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
                    if let Ok(mut until) = self.reserved_until.lock() {
                        let due = Instant::now() + wait;
                        *until = Some(until.map_or(due, |u| u.max(due)));
                    }
                    self.charged.store(false, Ordering::Release);
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
                    let reserved = self.reserved_until.lock().ok().and_then(|u| *u);
                    if let Some(until) = reserved.filter(|u| *u > Instant::now()) {
                        if deadline.is_some_and(|d| until > d) {
                            return Err(LimitError::PastDeadline);
                        }
                        tokio::time::sleep_until(until).await;
                    }
                    if !self.charged.swap(true, Ordering::AcqRel) {
                        // The last shared cell was this process's latest request: the local
                        // limits go on from it rather than granting a burst on top.
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
