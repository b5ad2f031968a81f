//! Client benchmark: connkit's `HttpClient` against bare reqwest, GET plus JSON decode on a
//! local hyper server, at equal concurrency. Prints the throughput of each and the ratio.
//!
//! Run with `cargo bench -p connkit --bench client` (release). Options: `--requests N` per
//! round, `--concurrency N`, `--rounds N`. Rounds alternate between the two clients; the best
//! round of each is compared (the machine is shared, so the best round is the least disturbed).
//! connkit runs with its defaults (retry policy, rate limiting on with no quota, tracing
//! spans); both clients keep connections alive and decode the same typed body.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use connkit::{HttpClient, Method, Operation};
use futures::StreamExt;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Deserialize;

static GET_WIDGET: Operation = Operation::new("getWidget", Method::GET, "/v1/widgets/{id}");

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Widget {
    id: u64,
    name: String,
    tags: Vec<String>,
    price: f64,
    active: bool,
}

fn body() -> Bytes {
    let widgets: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            serde_json::json!({"id": i, "name": format!("widget {i}"), "tags": ["a", "b", "c"],
                               "price": 9.99, "active": true})
        })
        .collect();
    Bytes::from(serde_json::to_vec(&widgets).unwrap())
}

/// A keep-alive hyper server answering every request with the same JSON array.
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::Builder::new().name(SERVER_THREAD.to_owned());
    let _ = server.spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let payload = body();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                stream.set_nodelay(true).unwrap();
                let payload = payload.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |_req| {
                        let payload = payload.clone();
                        async move {
                            let response = hyper::Response::builder()
                                .header("content-type", "application/json")
                                .header("x-amzn-RequestId", "bench")
                                .body(Full::new(payload))
                                .unwrap();
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ =
                        http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

/// The name of the server's thread, so its CPU time can be told apart from the client's.
const SERVER_THREAD: &str = "bench-server";

/// CPU time (user + system) of the client: the whole process minus the server thread.
fn client_cpu() -> Option<Duration> {
    let total = process_cpu()?;
    let server = std::fs::read_dir("/proc/self/task").ok()?.flatten().find_map(|task| {
        let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
        if comm.trim() != SERVER_THREAD {
            return None;
        }
        stat_cpu(&std::fs::read_to_string(task.path().join("stat")).ok()?)
    });
    Some(total.saturating_sub(server.unwrap_or_default()))
}

/// User + system time from the text of a `stat` file.
fn stat_cpu(stat: &str) -> Option<Duration> {
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every mainstream Linux configuration.
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time (user + system) of the whole process so far, from `/proc/self/stat` (Linux);
/// `None` elsewhere. The machine is shared, so CPU per request is steadier than wall time.
fn process_cpu() -> Option<Duration> {
    stat_cpu(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// Runs `work`, returning its wall time and the process CPU time it used.
async fn measured(
    work: impl std::future::Future<Output = Duration>,
) -> (Duration, Option<Duration>) {
    let before = client_cpu();
    let wall = work.await;
    let cpu = client_cpu().zip(before).map(|(after, before)| after.saturating_sub(before));
    (wall, cpu)
}

struct Options {
    /// Run only one client (`reqwest` or `connkit`), for profiling.
    only: Option<String>,
    requests: usize,
    concurrency: usize,
    rounds: usize,
}

fn options() -> Options {
    let mut options = Options { only: None, requests: 20_000, concurrency: 16, rounds: 5 };
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        let value = pair[1].parse().ok();
        match (pair[0].as_str(), value) {
            ("--requests", Some(v)) => options.requests = v,
            ("--concurrency", Some(v)) => options.concurrency = v,
            ("--rounds", Some(v)) => options.rounds = v,
            ("--only", _) => options.only = Some(pair[1].clone()),
            _ => {}
        }
    }
    options
}

async fn run_reqwest(client: &reqwest::Client, base: &str, options: &Options) -> Duration {
    let started = Instant::now();
    futures::stream::iter(0..options.requests)
        .for_each_concurrent(options.concurrency, |i| async move {
            let url = format!("{base}/v1/widgets/{i}");
            let response = client.get(url).send().await.unwrap().error_for_status().unwrap();
            let bytes = response.bytes().await.unwrap();
            let widgets: Vec<Widget> = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(widgets);
        })
        .await;
    started.elapsed()
}

async fn run_connkit(client: &HttpClient, options: &Options) -> Duration {
    let started = Instant::now();
    futures::stream::iter(0..options.requests)
        .for_each_concurrent(options.concurrency, |i| async move {
            let response = client.request(&GET_WIDGET).path_param("id", i).send().await.unwrap();
            let widgets = response.into_json::<Vec<Widget>>().unwrap();
            std::hint::black_box(widgets);
        })
        .await;
    started.elapsed()
}

/// A transport answering every attempt at once from memory: what remains is connkit's own
/// work per call (URL, headers, limits, retry bookkeeping, spans, timeout), without network.
struct InstantTransport;

impl connkit::client::Transport for InstantTransport {
    fn send(
        &self,
        _request: connkit::client::AttemptRequest,
    ) -> futures::future::BoxFuture<
        'static,
        Result<connkit::client::AttemptResponse, connkit::client::TransportError>,
    > {
        Box::pin(std::future::ready(Ok(connkit::client::AttemptResponse::new(
            http::StatusCode::OK,
            http::HeaderMap::new(),
            Bytes::from_static(b"[]"),
        ))))
    }
}

/// connkit's own CPU time per call, measured over an in-memory transport.
fn overhead_per_call() -> Duration {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = HttpClient::builder()
            .base_url("http://127.0.0.1:1")
            .transport(InstantTransport)
            .build()
            .unwrap();
        let calls = 200_000u32;
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            for i in 0..calls {
                let response =
                    client.request(&GET_WIDGET).path_param("id", i).send().await.unwrap();
                std::hint::black_box(response);
            }
            best = best.min(started.elapsed() / calls);
        }
        best
    })
}

fn main() {
    let options = options();
    let overhead = overhead_per_call();
    println!(
        "connkit's own work per call (in-memory transport, best of 3 x 200000 calls): {:.2} us",
        overhead.as_secs_f64() * 1e6
    );
    if options.only.as_deref() == Some("overhead") {
        return;
    }
    let address = start_server();
    let base = format!("http://{address}");
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(async {
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let connkit = HttpClient::builder().base_url(&base).build().unwrap();
        let connkit = Arc::new(connkit);
        let rate = |d: Duration| options.requests as f64 / d.as_secs_f64();
        // Warm up both connection pools.
        let warm = Options { requests: 2_000, only: None, ..options };
        run_reqwest(&bare, &base, &warm).await;
        run_connkit(&connkit, &warm).await;
        if let Some(only) = options.only.as_deref() {
            for _ in 0..options.rounds {
                let (wall, cpu) = if only == "reqwest" {
                    measured(run_reqwest(&bare, &base, &options)).await
                } else {
                    measured(run_connkit(&connkit, &options)).await
                };
                let cpu = cpu.unwrap_or_default().as_secs_f64() * 1e6 / options.requests as f64;
                println!("{only}: {:.0} req/s, {cpu:.1} us CPU per request", rate(wall));
            }
            return;
        }

        let (mut best_bare, mut best_connkit) = (Duration::MAX, Duration::MAX);
        let mut ratios = Vec::new();
        let (mut cpu_bare, mut cpu_connkit) = (Duration::ZERO, Duration::ZERO);
        for round in 0..options.rounds {
            let ((a, cpu_a), (b, cpu_b)) = if round % 2 == 0 {
                let a = measured(run_reqwest(&bare, &base, &options)).await;
                (a, measured(run_connkit(&connkit, &options)).await)
            } else {
                let b = measured(run_connkit(&connkit, &options)).await;
                (measured(run_reqwest(&bare, &base, &options)).await, b)
            };
            println!(
                "round {round}: reqwest {:>8.0} req/s   connkit {:>8.0} req/s   ratio {:.3}",
                rate(a),
                rate(b),
                rate(b) / rate(a)
            );
            ratios.push(rate(b) / rate(a));
            best_bare = best_bare.min(a);
            best_connkit = best_connkit.min(b);
            cpu_bare += cpu_a.unwrap_or_default();
            cpu_connkit += cpu_b.unwrap_or_default();
        }
        ratios.sort_by(f64::total_cmp);
        println!("median throughput ratio of paired rounds: {:.3}", ratios[ratios.len() / 2]);
        println!(
            "best rounds: reqwest {:.0} req/s, connkit {:.0} req/s, ratio {:.3} \
             ({} requests per round, concurrency {}, target >= 0.95)",
            rate(best_bare),
            rate(best_connkit),
            rate(best_connkit) / rate(best_bare),
            options.requests,
            options.concurrency
        );
        if !cpu_bare.is_zero() {
            let total = (options.requests * options.rounds) as f64;
            let per = |cpu: Duration| cpu.as_secs_f64() * 1e6 / total;
            println!(
                "client CPU per request (process minus the server thread): reqwest {:.1} us, connkit {:.1} us; \
                 CPU-bound throughput ratio {:.3}",
                per(cpu_bare),
                per(cpu_connkit),
                per(cpu_bare) / per(cpu_connkit)
            );
        }
    });
}
