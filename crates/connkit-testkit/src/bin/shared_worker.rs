//! A worker of the shared mode's multi-process tests and benchmark: builds its client the way
//! a generated connector does (settings from `SHOP_*` variables through `CommonSettings`,
//! OAuth2 client credentials when `SHOP_CLIENT_ID` is set, a quota, `.shared(...)`), then runs
//! `--tasks` concurrent loops of calls for `--seconds` and prints a JSON summary on stdout.
//!
//! ```text
//! shared_worker --tasks 8 --seconds 20 [--rate 20 --burst 5] [--pause-ms 0] [--call-timeout-secs 10]
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connkit::auth::ClientCredentials;
use connkit::ratelimit::Quota;
use connkit::retry::RetryPolicy;
use connkit::settings::{CommonSettings, EnvSource};
use connkit::{HttpClient, Method, Operation};

static LIST_ITEMS: Operation = Operation::new("listItems", Method::GET, "/items");

#[derive(Default)]
struct Args {
    tasks: usize,
    seconds: f64,
    rate: Option<f64>,
    burst: u32,
    pause: Duration,
    call_timeout: Duration,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        tasks: 1,
        seconds: 1.0,
        burst: 1,
        call_timeout: Duration::from_secs(10),
        ..Args::default()
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag}: not a number"));
        match flag.as_str() {
            "--tasks" => args.tasks = number(&value)? as usize,
            "--seconds" => args.seconds = number(&value)?,
            "--rate" => args.rate = Some(number(&value)?),
            "--burst" => args.burst = number(&value)? as u32,
            "--pause-ms" => args.pause = Duration::from_secs_f64(number(&value)? / 1000.0),
            "--call-timeout-secs" => args.call_timeout = Duration::from_secs_f64(number(&value)?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

fn client(args: &Args) -> Result<HttpClient, connkit::Error> {
    let source = EnvSource::environment("SHOP_");
    let mut r = source.reader();
    let base_url = r.required::<String>("BASE_URL");
    let client_id = r.optional::<String>("CLIENT_ID");
    let client_secret = r.optional_secret("CLIENT_SECRET");
    let token_url = r.optional::<String>("TOKEN_URL");
    let common = CommonSettings::read(&mut r);
    let Some(base_url) = base_url.filter(|_| r.is_ok()) else { return Err(r.into_error()) };
    let mut builder = HttpClient::builder()
        .base_url(base_url)
        .timeout(common.timeout)
        .call_timeout(args.call_timeout)
        .retry(RetryPolicy::default().max_retries(common.max_retries))
        .rate_limits_enabled(common.rate_limits)
        .shared(&common.shared);
    if let (Some(id), Some(secret), Some(url)) = (client_id, client_secret, token_url) {
        builder = builder.auth(ClientCredentials::new(url, id, secret));
    }
    if let Some(rate) = args.rate {
        builder = builder.rate_limit(Quota::new(rate, args.burst)?);
    }
    builder.build()
}

#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    max_call: Duration,
    errors: BTreeMap<String, u64>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).init();
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    let client = match client(&args) {
        Ok(client) => client,
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    let tally = Arc::new(Mutex::new(Tally::default()));
    let end = Instant::now() + Duration::from_secs_f64(args.seconds);
    let loops = (0..args.tasks).map(|_| {
        let client = client.clone();
        let tally = Arc::clone(&tally);
        let pause = args.pause;
        tokio::spawn(async move {
            while Instant::now() < end {
                let started = Instant::now();
                let outcome = client.request(&LIST_ITEMS).send().await;
                let took = started.elapsed();
                if let Ok(mut tally) = tally.lock() {
                    tally.max_call = tally.max_call.max(took);
                    match outcome {
                        Ok(_) => tally.ok += 1,
                        Err(err) => {
                            tally.failed += 1;
                            *tally.errors.entry(format!("{}: {err}", err.kind())).or_default() += 1;
                        }
                    }
                }
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
        })
    });
    futures::future::join_all(loops).await;
    let tally = tally.lock().map(|t| {
        serde_json::json!({
            "ok": t.ok,
            "failed": t.failed,
            "max_call_ms": t.max_call.as_millis() as u64,
            "errors": t.errors,
        })
    });
    match tally {
        Ok(summary) => {
            println!("{summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(_) => std::process::ExitCode::FAILURE,
    }
}
