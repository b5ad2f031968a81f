//! Rate limiting on tokio's paused clock: GCRA quotas (client-wide, per operation, shared by
//! clones), limits learned from response headers and 429s, and the off switch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use connkit::ratelimit::Quota;
use connkit::retry::{Jitter, RetryPolicy};
use connkit::testing::{ScriptedResponse, ScriptedTransport};
use connkit::{ErrorKind, HttpClient, Method, Operation};
use tokio::time::Instant;

static LIST: Operation = Operation::new("list", Method::GET, "/items");
static SLOW_OP: Operation = Operation::new("ordersV0.getOrders", Method::GET, "/orders");

fn ok_transport() -> ScriptedTransport {
    let transport = ScriptedTransport::new();
    transport.fallback(|_| ScriptedResponse::new(200));
    transport
}

fn builder(transport: &ScriptedTransport) -> connkit::ClientBuilder {
    HttpClient::builder().base_url("https://api.test").transport(transport.clone())
}

/// Seconds since `start` at which each recorded request was sent.
fn send_times(transport: &ScriptedTransport, start: Instant) -> Vec<f64> {
    transport.requests().iter().map(|r| (r.at - start).as_secs_f64()).collect()
}

async fn send_concurrently(client: &HttpClient, op: &'static Operation, n: usize) {
    let calls = (0..n).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.request(op).send().await.map(|_| ()) })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn hundred_requests_at_ten_per_second_with_burst_five() {
    let transport = ok_transport();
    let client = builder(&transport).rate_limit(Quota::new(10.0, 5).unwrap()).build().unwrap();
    let start = Instant::now();
    send_concurrently(&client, &LIST, 100).await;
    let elapsed = start.elapsed().as_secs_f64();
    assert!((9.5..=9.6).contains(&elapsed), "took {elapsed} s");
    let times = send_times(&transport, start);
    assert_eq!(times.len(), 100);
    assert_eq!(times.iter().filter(|t| **t == 0.0).count(), 5, "{times:?}");
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    for pair in sorted[4..].windows(2) {
        assert!(pair[1] - pair[0] >= 0.0999, "requests {pair:?} closer than the rate allows");
    }
}

#[tokio::test(start_paused = true)]
async fn sequential_requests_follow_the_same_schedule() {
    let transport = ok_transport();
    let client = builder(&transport).rate_limit(Quota::new(10.0, 5).unwrap()).build().unwrap();
    let start = Instant::now();
    for _ in 0..100 {
        client.request(&LIST).send().await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    assert!((9.5..=9.6).contains(&elapsed), "took {elapsed} s");
}

#[tokio::test(start_paused = true)]
async fn per_operation_quotas_and_fractional_rates() {
    let transport = ok_transport();
    let client = builder(&transport)
        .operation_rate_limit("ordersV0.getOrders", Quota::new(0.0167, 2).unwrap())
        .build()
        .unwrap();
    let start = Instant::now();
    send_concurrently(&client, &SLOW_OP, 3).await;
    send_concurrently(&client, &LIST, 10).await;
    let times = send_times(&transport, start);
    assert_eq!(&times[..2], &[0.0, 0.0]);
    assert!((59.8..60.0).contains(&times[2]), "third getOrders at {} s", times[2]);
    // The other operation is not limited by getOrders' quota.
    assert!(times[3..].iter().all(|t| (times[2] - t).abs() < 1e-9), "{times:?}");
}

#[tokio::test(start_paused = true)]
async fn every_clone_shares_the_quota() {
    let transport = ok_transport();
    let client = builder(&transport).rate_limit(Quota::new(1.0, 1).unwrap()).build().unwrap();
    let other = client.clone();
    let start = Instant::now();
    let (a, b) =
        tokio::join!(send_concurrently(&client, &LIST, 3), send_concurrently(&other, &LIST, 3));
    let _ = (a, b);
    let elapsed = start.elapsed().as_secs_f64();
    assert!((5.0..5.01).contains(&elapsed), "6 requests at 1/s took {elapsed} s");
}

#[tokio::test(start_paused = true)]
async fn waits_for_the_reset_when_nothing_remains() {
    for headers in [
        vec![("x-ratelimit-remaining", "0".to_owned()), ("x-ratelimit-reset", "3".to_owned())],
        vec![
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", {
                let now =
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
                (now.as_secs() + 4).to_string()
            }),
        ],
        vec![("ratelimit", "limit=10, remaining=0, reset=3".to_owned())],
        vec![("ratelimit", "\"default\";r=0;t=3".to_owned())],
    ] {
        let transport = ok_transport();
        let mut first = ScriptedResponse::new(200);
        for (name, value) in &headers {
            first = first.header(name, value);
        }
        transport.push(first);
        let client = builder(&transport).build().unwrap();
        let start = Instant::now();
        client.request(&LIST).send().await.unwrap();
        client.request(&LIST).send().await.unwrap();
        let times = send_times(&transport, start);
        assert!(times[1] >= 3.0, "{headers:?}: second request at {} s", times[1]);
        assert!(times[1] <= 5.0, "{headers:?}: waited too long: {} s", times[1]);
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_holds_back_every_concurrent_call() {
    let transport = ok_transport();
    transport.push(ScriptedResponse::new(429).header("retry-after", "2"));
    let client = builder(&transport)
        .retry(
            RetryPolicy::default().jitter(Jitter::None).initial_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let start = Instant::now();
    client.request(&LIST).send().await.unwrap();
    send_concurrently(&client, &LIST, 5).await;
    let times = send_times(&transport, start);
    assert_eq!(times.len(), 7);
    assert!(times[1..].iter().all(|t| *t >= 2.0), "{times:?}");
}

#[tokio::test(start_paused = true)]
async fn learns_amazon_rate_headers_per_operation() {
    let transport = ScriptedTransport::new();
    transport.fallback(|_| ScriptedResponse::new(200).header("x-amzn-RateLimit-Limit", "0.5"));
    let client = builder(&transport).build().unwrap();
    let start = Instant::now();
    for _ in 0..3 {
        client.request(&SLOW_OP).send().await.unwrap();
    }
    client.request(&LIST).send().await.unwrap();
    let times = send_times(&transport, start);
    // The first answer teaches 0.5 requests per second (burst 1) for getOrders only.
    assert_eq!(times[0], 0.0);
    assert!((times[2] - times[1] - 2.0).abs() < 1e-6, "{times:?}");
    assert_eq!(times[3], times[2], "another operation is not held back");
}

#[tokio::test(start_paused = true)]
async fn rate_limits_can_be_turned_off() {
    let transport = ScriptedTransport::new();
    transport.fallback(|_| {
        ScriptedResponse::new(200)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", "30")
    });
    let client = builder(&transport)
        .rate_limit(Quota::new(1.0, 1).unwrap())
        .rate_limits_enabled(false)
        .build()
        .unwrap();
    let start = Instant::now();
    send_concurrently(&client, &LIST, 20).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_wait_beyond_the_call_budget_is_rate_limited() {
    let transport = ok_transport();
    let client = builder(&transport)
        .operation_rate_limit("list", Quota::new(0.01, 1).unwrap())
        .call_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    client.request(&LIST).send().await.unwrap();
    let err = client.request(&LIST).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn learns_from_a_real_server() {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-RateLimit-Limit", "100")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", "4"),
        )
        .mount(&server)
        .await;
    // Real sockets on a paused clock: no timeouts, or they would fire while the runtime idles.
    let client = HttpClient::builder().base_url(server.uri()).no_timeouts().build().unwrap();
    client.request(&LIST).send().await.unwrap();
    let after_first = Instant::now();
    client.request(&LIST).send().await.unwrap();
    assert!(after_first.elapsed() >= Duration::from_secs(4), "{:?}", after_first.elapsed());
}
