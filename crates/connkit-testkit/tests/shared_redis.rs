//! The shared mode (runtime feature `redis`) with several worker processes against a real
//! `redis-server` and a local API that enforces its quota with 429s.
//!
//! Each scenario runs 4 processes of `shared_worker` (built once by cargo with this test) for
//! a fixed time; the scenarios run one after the other (about 82 s in all: 20 + 20 + 20 +
//! 16 s of traffic, plus process starts).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use connkit_testkit::quota_server::{Hit, QuotaServer, QuotaServerOptions};
use connkit_testkit::redis::RedisServer;

/// The scenarios share the machine's two cores: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const WORKERS: usize = 4;

struct Workers {
    children: Vec<Child>,
}

#[derive(Debug)]
struct Summary {
    ok: u64,
    failed: u64,
    max_call_ms: u64,
    /// How many calls failed with each error message.
    errors: serde_json::Map<String, serde_json::Value>,
    stderr: String,
}

fn spawn_workers(env: &[(&str, String)], args: &[&str]) -> Workers {
    let children = (0..WORKERS)
        .map(|_| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_shared_worker"));
            command.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
            command.env("RUST_LOG", "warn");
            for (name, value) in env {
                command.env(name, value);
            }
            command.spawn().expect("the worker starts")
        })
        .collect();
    Workers { children }
}

impl Workers {
    fn wait(self) -> Vec<Summary> {
        self.children
            .into_iter()
            .map(|child| {
                let output = child.wait_with_output().unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
                assert!(output.status.success(), "worker failed: {stderr}");
                let json: serde_json::Value = serde_json::from_slice(&output.stdout)
                    .unwrap_or_else(|e| panic!("worker output {e}: {stderr}"));
                Summary {
                    ok: json["ok"].as_u64().unwrap(),
                    failed: json["failed"].as_u64().unwrap(),
                    max_call_ms: json["max_call_ms"].as_u64().unwrap(),
                    errors: json["errors"].as_object().cloned().unwrap_or_default(),
                    stderr: format!("errors {}\n{stderr}", json["errors"]),
                }
            })
            .collect()
    }
}

fn base_env(api: &QuotaServer, redis: &RedisServer) -> Vec<(&'static str, String)> {
    vec![
        ("SHOP_BASE_URL", api.base_url()),
        ("SHOP_REDIS_URL", redis.url()),
        ("SHOP_WORKERS", WORKERS.to_string()),
        ("SHOP_QUOTA_KEY", "test-account".to_string()),
    ]
}

/// Accepted requests per second between the first and the last accepted one.
fn accepted_rate(hits: &[Hit]) -> f64 {
    let ok: Vec<f64> =
        hits.iter().filter(|h| h.status == 200).map(|h| h.at.as_secs_f64()).collect();
    let (first, last) = (ok[0], ok[ok.len() - 1]);
    (ok.len() - 1) as f64 / (last - first)
}

fn count(hits: &[Hit], status: u16) -> usize {
    hits.iter().filter(|h| h.status == status).count()
}

#[test]
fn four_processes_hold_one_configured_quota() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let redis = RedisServer::start().unwrap();
    let api = QuotaServer::start(QuotaServerOptions {
        rate: 20.0,
        burst: 5,
        announce: false,
        token_lifetime: None,
    })
    .unwrap();
    let summaries = spawn_workers(
        &base_env(&api, &redis),
        &["--tasks", "8", "--seconds", "20", "--rate", "20", "--burst", "5"],
    )
    .wait();
    let hits = api.hits();
    let rate = accepted_rate(&hits);
    let ok: u64 = summaries.iter().map(|s| s.ok).sum();
    eprintln!(
        "configured quota: {} requests, {} accepted, {} x 429, {rate:.3} req/s (quota 20)",
        hits.len(),
        count(&hits, 200),
        count(&hits, 429)
    );
    assert_eq!(count(&hits, 429), 0, "no 429: {summaries:?}");
    assert!((rate - 20.0).abs() <= 0.6, "within 3 % of the quota: {rate}");
    assert!(ok >= 390, "the workers kept the quota busy: {ok} calls");
    assert!(summaries.iter().all(|s| s.failed == 0), "{summaries:?}");
}

#[test]
fn four_processes_share_a_quota_learned_from_headers() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let redis = RedisServer::start().unwrap();
    let api = QuotaServer::start(QuotaServerOptions {
        rate: 20.0,
        burst: 5,
        announce: true,
        token_lifetime: None,
    })
    .unwrap();
    let summaries =
        spawn_workers(&base_env(&api, &redis), &["--tasks", "8", "--seconds", "20"]).wait();
    let hits = api.hits();
    let rate = accepted_rate(&hits);
    eprintln!(
        "learned quota: {} requests, {} accepted, {} x 429, {rate:.3} req/s (server 20)",
        hits.len(),
        count(&hits, 200),
        count(&hits, 429)
    );
    assert!(count(&hits, 429) <= 2, "at most 2 x 429: {}", count(&hits, 429));
    assert!((rate - 20.0).abs() <= 0.6, "within 3 % of the server's quota: {rate}");
    assert!(summaries.iter().all(|s| s.failed == 0), "{summaries:?}");
}

#[test]
fn four_processes_share_one_token_refresh_per_expiry() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let redis = RedisServer::start().unwrap();
    let lifetime = Duration::from_secs(3);
    let api = QuotaServer::start(QuotaServerOptions {
        rate: 1000.0,
        burst: 100,
        announce: false,
        token_lifetime: Some(lifetime),
    })
    .unwrap();
    let secret = "client-secret-never-in-redis";
    let mut env = base_env(&api, &redis);
    env.retain(|(name, _)| *name != "SHOP_QUOTA_KEY");
    env.push(("SHOP_CLIENT_ID", "client-id-never-in-redis".to_string()));
    env.push(("SHOP_CLIENT_SECRET", secret.to_string()));
    env.push(("SHOP_TOKEN_URL", api.token_url()));
    let seconds = 20.0;
    let summaries =
        spawn_workers(&env, &["--tasks", "2", "--seconds", "20", "--pause-ms", "20"]).wait();
    let tokens = api.token_requests();
    // Refreshed a tenth of the lifetime before expiry: one token per 2.7 s.
    let period = lifetime.as_secs_f64() * 0.9;
    let expected = (seconds / period).ceil() as usize;
    let gaps: Vec<f64> = tokens.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect();
    eprintln!("token requests: {} (expected {expected} +- 1), gaps {gaps:.2?}", tokens.len());
    assert!(
        tokens.len().abs_diff(expected) <= 1,
        "one refresh per expiry: {} token requests, expected {expected}",
        tokens.len()
    );
    assert!(gaps.iter().all(|g| *g >= period * 0.8), "never a burst of refreshes: {gaps:?}");
    assert_eq!(count(&api.hits(), 401), 0, "no call used an expired token");
    assert!(summaries.iter().all(|s| s.failed == 0), "{summaries:?}");

    // Nothing readable in Redis: no credential, no token, in any key or value.
    let dump = redis.dump().unwrap();
    assert!(dump.iter().any(|(k, _)| k.contains(":token:")), "the token is shared: {dump:?}");
    let mut secrets = api.issued_tokens();
    secrets.extend(["client-id-never-in-redis".to_string(), secret.to_string()]);
    for (key, value) in &dump {
        for secret in &secrets {
            let needle = secret.as_bytes();
            assert!(!key.contains(secret.as_str()), "{secret} in key {key}");
            assert!(
                !value.windows(needle.len()).any(|w| w == needle),
                "{secret} in the value of {key}"
            );
        }
    }
}

#[test]
fn redis_killed_and_restarted_mid_run() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut redis = RedisServer::start().unwrap();
    let api = QuotaServer::start(QuotaServerOptions {
        rate: 20.0,
        burst: 5,
        announce: false,
        token_lifetime: None,
    })
    .unwrap();
    let workers = spawn_workers(
        &base_env(&api, &redis),
        &[
            "--tasks",
            "8",
            "--seconds",
            "16",
            "--rate",
            "20",
            "--burst",
            "5",
            "--call-timeout-secs",
            "5",
        ],
    );
    std::thread::sleep(Duration::from_secs(5));
    let killed_at = api.elapsed();
    redis.kill();
    std::thread::sleep(Duration::from_secs(5));
    let restarted_at = api.elapsed();
    redis.restart().unwrap();
    let summaries = workers.wait();
    let hits = api.hits();
    // During the outage each process keeps to 20 / 4 per second (burst 1).
    let outage: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.at > killed_at + Duration::from_millis(500) && h.at < restarted_at)
        .collect();
    let span = (restarted_at - killed_at).as_secs_f64() - 0.5;
    let outage_rate = outage.len() as f64 / span;
    let mut buckets = vec![(0, 0); 40];
    for h in &hits {
        let b = (h.at.as_secs_f64() * 2.0) as usize;
        if b < buckets.len() {
            buckets[b].0 += 1;
            if h.status == 429 {
                buckets[b].1 += 1;
            }
        }
    }
    eprintln!(
        "per half second (requests, 429): {buckets:?}; killed {killed_at:?}, restarted {restarted_at:?}"
    );
    let after: Vec<&Hit> =
        hits.iter().filter(|h| h.at > restarted_at + Duration::from_secs(3)).collect();
    eprintln!(
        "outage: {} requests in {span:.1} s = {outage_rate:.2} req/s; after restart {} requests, {} x 429; max call {} ms",
        outage.len(),
        after.len(),
        count(&hits, 429),
        summaries.iter().map(|s| s.max_call_ms).max().unwrap_or(0)
    );
    // Each process keeps to 20 / 4 = 5 per second with a burst of 5 / 4 -> 1: together at most
    // 20 per second plus one burst each (3 % allowed for timing, as for the shared quota).
    let allowed = 20.0 * span + WORKERS as f64;
    assert!(
        outage.len() as f64 <= allowed * 1.03,
        "within the fallback quota: {} requests, at most {allowed:.0}",
        outage.len()
    );
    for summary in &summaries {
        assert!(summary.max_call_ms <= 5_500, "every call ends within its timeout: {summary:?}");
        let warnings = summary.stderr.matches("falling back to local limits").count();
        assert_eq!(warnings, 1, "one warning per outage: {}", summary.stderr);
        assert!(summary.stderr.contains("shared again"), "shared mode resumes: {}", summary.stderr);
        // A call whose wait for a permit would pass its deadline fails at once, saying so:
        // that is the one failure allowed (no hang, no store error reaching the caller).
        let errors: serde_json::Map<String, serde_json::Value> = summary.errors.clone();
        let unclear: Vec<&String> =
            errors.keys().filter(|message| !message.contains("past the call's deadline")).collect();
        assert!(unclear.is_empty(), "calls complete or fail on their deadline: {summary:?}");
        assert!(summary.failed * 20 <= summary.ok, "nearly all calls complete: {summary:?}");
    }
    assert!(!redis.dump().unwrap().is_empty(), "the workers write to the restarted Redis");
}
