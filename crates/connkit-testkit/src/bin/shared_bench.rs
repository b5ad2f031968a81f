//! Benchmark of the shared mode (one run, ratios printed, nothing asserted):
//!
//! 1. decision latency of the shared limiter: `RedisStore::reserve` round trips, p50 / p99
//!    (redis-cell's published mark is about 0.1 ms per decision);
//! 2. throughput of 1 vs 4 worker processes against the same shared quota (ideal ratio 1.0:
//!    four processes together get the quota, not four times it);
//! 3. overhead of shared mode against local mode for an unlimited client (calls per second
//!    on loopback, one process, 8 concurrent tasks).
//!
//! `cargo run --release -p connkit-testkit --bin shared_bench` (needs `redis-server`; builds
//! `shared_worker` alongside).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use connkit::ratelimit::Quota;
use connkit::settings::SharedSettings;
use connkit::shared::{QuotaStore, RedisStore, Reservation, ReserveRequest};
use connkit::{HttpClient, Method, Operation};
use connkit_testkit::quota_server::{QuotaServer, QuotaServerOptions};
use connkit_testkit::redis::RedisServer;

static LIST_ITEMS: Operation = Operation::new("listItems", Method::GET, "/items");

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn decision_latency(redis: &RedisServer) -> BenchResult<()> {
    let store = RedisStore::open(&redis.url(), "bench", "bench", Duration::from_secs(1))?;
    let quota = Quota::new(1e6, 1000)?;
    let mut samples = Vec::new();
    for i in 0..6000 {
        let request = ReserveRequest::new("op", "default", Some(quota), None, Some(Duration::ZERO));
        let started = Instant::now();
        let reservation = store.reserve(request).await?;
        if i >= 1000 {
            samples.push(started.elapsed());
        }
        if matches!(reservation, Reservation::Probing) {
            return Err("unexpected probe".into());
        }
    }
    samples.sort();
    println!(
        "decision latency (EVALSHA round trip, {} decisions): p50 {:.3} ms, p99 {:.3} ms (redis-cell mark ~0.1 ms: p50 ratio {:.2})",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        percentile(&samples, 0.5).as_secs_f64() * 1e3 / 0.1
    );
    Ok(())
}

fn throughput(redis: &RedisServer, processes: usize, seconds: f64) -> BenchResult<f64> {
    let api = QuotaServer::start(QuotaServerOptions {
        rate: 1e6,
        burst: 1_000_000,
        announce: false,
        token_lifetime: None,
    })?;
    let worker = std::env::current_exe()?.with_file_name("shared_worker");
    if !worker.is_file() {
        return Err(format!(
            "the worker binary {} is missing: build both with `cargo build --release -p \
             connkit-testkit --bin shared_worker --bin shared_bench` first",
            worker.display()
        )
        .into());
    }
    let children: Vec<_> = (0..processes)
        .map(|_| {
            Command::new(&worker)
                .args([
                    "--tasks",
                    "8",
                    "--seconds",
                    &seconds.to_string(),
                    "--rate",
                    "200",
                    "--burst",
                    "10",
                ])
                .env("SHOP_BASE_URL", api.base_url())
                .env("SHOP_REDIS_URL", redis.url())
                .env("SHOP_QUOTA_KEY", format!("bench-{processes}"))
                .env("SHOP_WORKERS", processes.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    for mut child in children {
        child.wait()?;
    }
    let hits = api.hits();
    let (first, last) = (hits[0].at.as_secs_f64(), hits[hits.len() - 1].at.as_secs_f64());
    Ok((hits.len() - 1) as f64 / (last - first))
}

async fn calls_per_second(client: &HttpClient, calls: usize) -> BenchResult<f64> {
    let started = Instant::now();
    let per_task = calls / 8;
    let tasks = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            for _ in 0..per_task {
                client.request(&LIST_ITEMS).send().await?;
            }
            Ok::<_, connkit::Error>(())
        })
    });
    for task in futures::future::join_all(tasks).await {
        task??;
    }
    Ok((per_task * 8) as f64 / started.elapsed().as_secs_f64())
}

async fn overhead(redis: &RedisServer) -> BenchResult<()> {
    let api = QuotaServer::start(QuotaServerOptions {
        rate: 1e9,
        burst: 1_000_000_000,
        announce: false,
        token_lifetime: None,
    })?;
    let local = HttpClient::builder().base_url(api.base_url()).build()?;
    let shared = HttpClient::builder()
        .base_url(api.base_url())
        .shared(&SharedSettings::redis("BENCH_", redis.url()).with_quota_key("overhead"))
        .build()?;
    calls_per_second(&local, 800).await?;
    calls_per_second(&shared, 800).await?;
    let local_rate = calls_per_second(&local, 8000).await?;
    let shared_rate = calls_per_second(&shared, 8000).await?;
    println!(
        "unlimited client, 8 tasks on loopback: local {local_rate:.0} calls/s, shared {shared_rate:.0} calls/s: shared/local {:.2} (overhead {:.0} %)",
        shared_rate / local_rate,
        (local_rate / shared_rate - 1.0) * 100.0
    );
    Ok(())
}

#[tokio::main]
async fn main() -> BenchResult<()> {
    let redis = RedisServer::start()?;
    decision_latency(&redis).await?;
    let one = throughput(&redis, 1, 5.0)?;
    let four = throughput(&redis, 4, 5.0)?;
    println!(
        "shared quota of 200/s, 8 tasks per process: 1 process {one:.1} req/s, 4 processes {four:.1} req/s: 4/1 ratio {:.3} (ideal 1.000)",
        four / one
    );
    overhead(&redis).await?;
    Ok(())
}
