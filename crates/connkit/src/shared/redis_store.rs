//! [`RedisStore`]: [`QuotaStore`] and [`TokenStore`] on one Redis, through the `redis` crate's
//! connection manager (one multiplexed connection, re-established after a failure).

use std::time::Duration;

use futures::future::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::keys::Keys;
use super::{LearnedScope, QuotaStore, Reservation, ReserveRequest, StoreError, TokenStore};
use crate::ratelimit::Quota;

/// Part of a quota's burst tolerance kept in reserve for the timing spread between processes
/// (a reply read late, a timer firing late, one connection slower than another): the server
/// sees the requests of several workers, whose delays differ, so their spacing is held a
/// little tighter than the quota allows. The sustained rate is unchanged.
pub(super) const JITTER_MARGIN: Duration = Duration::from_millis(50);

/// How long a first call of an operation holds the probe while nothing is known of its
/// limits; the next one goes when it answers, or after this.
const PROBE_LIFETIME: Duration = Duration::from_secs(2);

/// How long what was learned (and that an operation was answered) stays in Redis after it
/// was last written.
const LEARNED_LIFETIME: Duration = Duration::from_secs(3600);

/// Shared quotas, blocks, learned limits and sealed tokens of one account and system in one
/// Redis, under keys `connkit:{namespace}:{system}:...`.
///
/// The GCRA runs in one Lua script ([`redis::Script`]: `EVALSHA`, loaded on first use or
/// after a Redis restart) on Redis's own clock (`TIME`), so that every process agrees on the
/// time and a decision costs one round trip.
pub struct RedisStore {
    client: redis::Client,
    config: ConnectionManagerConfig,
    manager: tokio::sync::OnceCell<ConnectionManager>,
    keys: Keys,
    reserve: redis::Script,
    block: redis::Script,
    unlock: redis::Script,
}

impl RedisStore {
    /// A store on the Redis at `url` (not connected until first used), for `namespace` (see
    /// [`namespace_of`](super::namespace_of)) and `system` (`amazon`). `timeout` bounds each
    /// connection attempt and each reply.
    ///
    /// # Errors
    /// [`StoreError`] when `url` is not a Redis URL.
    pub fn open(
        url: &str,
        namespace: &str,
        system: &str,
        timeout: Duration,
    ) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::new(format!("invalid Redis URL ({:?})", e.kind())))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(Duration::from_millis(200));
        Ok(Self {
            client,
            config,
            manager: tokio::sync::OnceCell::new(),
            keys: Keys::new(namespace, system),
            reserve: redis::Script::new(include_str!("reserve.lua")),
            block: redis::Script::new(include_str!("block.lua")),
            unlock: redis::Script::new(include_str!("unlock.lua")),
        })
    }

    /// The prefix of every key this store writes (`connkit:{namespace}:{system}:`).
    pub fn key_prefix(&self) -> &str {
        self.keys.prefix()
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        self.manager
            .get_or_try_init(|| async {
                self.client.get_connection_manager_lazy(self.config.clone()).map_err(redis_error)
            })
            .await
            .cloned()
    }

    async fn reserve_cells(&self, request: ReserveRequest<'_>) -> Result<Reservation, StoreError> {
        let mut con = self.connection().await?;
        let (op, host) = (request.operation, request.host);
        let max_wait = request.max_wait.map_or(-1, |w| micros(w) as i64);
        let (op_interval, op_burst) = cell_args(request.operation_quota);
        let (client_interval, client_burst) = cell_args(request.client_quota);
        let reply: Vec<i64> = self
            .reserve
            .key(self.keys.block(host))
            .key(self.keys.seen(host, op))
            .key(self.keys.probe(host, op))
            .key(self.keys.op_state(op))
            .key(self.keys.op_learned(op))
            .key(self.keys.host_state(host))
            .key(self.keys.host_learned(host))
            .key(self.keys.client_state())
            .arg(max_wait)
            .arg(micros(JITTER_MARGIN))
            .arg(PROBE_LIFETIME.as_millis() as u64)
            .arg(op_interval)
            .arg(op_burst)
            .arg(client_interval)
            .arg(client_burst)
            .invoke_async(&mut con)
            .await
            .map_err(redis_error)?;
        let wait = |us: i64| Duration::from_micros(us.max(0) as u64);
        match reply.as_slice() {
            [1, us] => Ok(Reservation::Go(wait(*us))),
            [0, us] => Ok(Reservation::TooLong(wait(*us))),
            [2, _] => Ok(Reservation::Probing),
            _ => Err(StoreError::new("unexpected reply of the quota script")),
        }
    }
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The connection info may hold a password: only the key prefix is shown.
        f.debug_struct("RedisStore").field("keys", &self.keys.prefix()).finish_non_exhaustive()
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// (interval µs, burst) of a quota, (0, 0) for none.
fn cell_args(quota: Option<Quota>) -> (u64, u32) {
    quota.map_or((0, 0), |q| (micros(q.interval()).max(1), q.burst()))
}

fn redis_error(err: redis::RedisError) -> StoreError {
    // The error's text names the kind and the server's message; it never holds the URL.
    StoreError::new(format!("Redis: {err}"))
}

impl QuotaStore for RedisStore {
    fn reserve<'a>(
        &'a self,
        request: ReserveRequest<'a>,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(self.reserve_cells(request))
    }

    fn block<'a>(&'a self, host: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut con = self.connection().await?;
            self.block
                .key(self.keys.block(host))
                .arg(micros(wait))
                .invoke_async::<i64>(&mut con)
                .await
                .map(|_| ())
                .map_err(redis_error)
        })
    }

    fn learn<'a>(
        &'a self,
        operation: &'a str,
        host: &'a str,
        learned: Option<(LearnedScope, Quota)>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut con = self.connection().await?;
            let lifetime = LEARNED_LIFETIME.as_millis() as u64;
            let mut pipe = redis::pipe();
            pipe.atomic();
            pipe.cmd("SET").arg(self.keys.seen(host, operation)).arg(1).arg("PX").arg(lifetime);
            pipe.cmd("DEL").arg(self.keys.probe(host, operation));
            if let Some((scope, quota)) = learned {
                let key = match scope {
                    LearnedScope::Operation => self.keys.op_learned(operation),
                    LearnedScope::Host => self.keys.host_learned(host),
                };
                let (interval, burst) = cell_args(Some(quota));
                pipe.cmd("HSET").arg(&key).arg("interval").arg(interval).arg("burst").arg(burst);
                pipe.cmd("PEXPIRE").arg(&key).arg(lifetime);
            }
            pipe.query_async::<()>(&mut con).await.map_err(redis_error)
        })
    }
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(async move {
            let mut con = self.connection().await?;
            redis::cmd("GET")
                .arg(self.keys.token(slot))
                .query_async::<Option<Vec<u8>>>(&mut con)
                .await
                .map_err(redis_error)
        })
    }

    fn try_lock<'a>(
        &'a self,
        slot: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        Box::pin(async move {
            let mut con = self.connection().await?;
            let id = uuid::Uuid::new_v4().simple().to_string();
            let taken: Option<String> = redis::cmd("SET")
                .arg(self.keys.token_lock(slot))
                .arg(&id)
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis().max(1) as u64)
                .query_async(&mut con)
                .await
                .map_err(redis_error)?;
            Ok(taken.map(|_| id))
        })
    }

    fn save<'a>(
        &'a self,
        slot: &'a str,
        sealed: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut con = self.connection().await?;
            redis::cmd("SET")
                .arg(self.keys.token(slot))
                .arg(sealed)
                .arg("PX")
                .arg(ttl.as_millis().max(1) as u64)
                .query_async::<()>(&mut con)
                .await
                .map_err(redis_error)
        })
    }

    fn unlock<'a>(&'a self, slot: &'a str, lock: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut con = self.connection().await?;
            self.unlock
                .key(self.keys.token_lock(slot))
                .arg(lock)
                .invoke_async::<i64>(&mut con)
                .await
                .map(|_| ())
                .map_err(redis_error)
        })
    }
}
