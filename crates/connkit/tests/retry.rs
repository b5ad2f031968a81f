//! Retries against real local servers: transient statuses, Retry-After, resets, methods and
//! idempotency keys. Waits run on tokio's paused clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use connkit::retry::{Jitter, RetryPolicy};
use connkit::{ErrorKind, HttpClient, Method, Operation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const GET: Operation = Operation::new("get", Method::GET, "/thing");
const POST: Operation = Operation::new("post", Method::POST, "/thing");
const POST_IDEMPOTENT: Operation = Operation::new("postKeyed", Method::POST, "/thing")
    .with_idempotency_header("x-amzn-IdempotencyKey");

fn client(uri: String) -> HttpClient {
    HttpClient::builder()
        .base_url(uri)
        .no_timeouts()
        .retry(
            RetryPolicy::default()
                .max_retries(3)
                .initial_backoff(Duration::from_millis(100))
                .jitter(Jitter::None),
        )
        .build()
        .unwrap()
}

/// Mounts `first` for the first `n` requests, then 200.
async fn server_failing(first: ResponseTemplate, n: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(first).up_to_n_times(n).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test(start_paused = true)]
async fn retries_503_and_429() {
    for status in [503, 429, 500, 502, 504, 408, 425] {
        let server = server_failing(ResponseTemplate::new(status), 2).await;
        let response = client(server.uri()).request(&GET).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{status}");
        assert_eq!(requests(&server).await, 3, "{status}");
    }
}

#[tokio::test(start_paused = true)]
async fn no_retry_starts_before_retry_after() {
    for (name, value, wait) in [
        ("retry-after", "5".to_owned(), Duration::from_secs(5)),
        ("retry-after-ms", "1500".to_owned(), Duration::from_millis(1500)),
        (
            "retry-after",
            httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(8)),
            Duration::from_secs(6),
        ),
    ] {
        let server =
            server_failing(ResponseTemplate::new(503).insert_header(name, value.as_str()), 1).await;
        let started = Instant::now();
        client(server.uri()).request(&GET).send().await.unwrap();
        assert!(
            started.elapsed() >= wait,
            "{name}: {value}: retried after {:?}",
            started.elapsed()
        );
        assert_eq!(requests(&server).await, 2);
    }
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_fails_instead_of_retrying_early() {
    let server =
        server_failing(ResponseTemplate::new(429).insert_header("retry-after", "3600"), 1).await;
    let err = client(server.uri()).request(&GET).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn bounded_attempts_end_with_the_last_status() {
    let server = server_failing(ResponseTemplate::new(503).set_body_string("busy"), 100).await;
    let err = client(server.uri()).request(&GET).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.body_text().as_deref(), Some("busy"));
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test(start_paused = true)]
async fn a_post_without_key_is_not_retried_after_5xx_but_is_after_429() {
    let server = server_failing(ResponseTemplate::new(503), 1).await;
    let err = client(server.uri()).request(&POST).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1);

    let server = server_failing(ResponseTemplate::new(429), 1).await;
    client(server.uri()).request(&POST).send().await.unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_post_with_a_declared_idempotency_header_reuses_one_key() {
    let server = server_failing(ResponseTemplate::new(503), 2).await;
    let client = client(server.uri());
    client.request(&POST_IDEMPOTENT).json(&serde_json::json!({})).send().await.unwrap();
    client.request(&POST_IDEMPOTENT).idempotency_key(Some("mine")).send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 4);
    let keys: Vec<&str> = received
        .iter()
        .map(|r| r.headers.get("x-amzn-IdempotencyKey").unwrap().to_str().unwrap())
        .collect();
    assert!(!keys[0].is_empty());
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[0], keys[2], "one key per call, the same on every attempt");
    assert_eq!(keys[3], "mine");
}

/// A server that resets the first `resets` connections after reading the request, then answers.
async fn resetting_server(resets: usize) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let mut seen = 0;
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return seen };
            seen += 1;
            let mut buf = vec![0u8; 4096];
            let _ = socket.read(&mut buf).await;
            if seen <= resets {
                // Closing after reading the request, without an answer: the client sees the
                // connection end mid-exchange.
                drop(socket);
                continue;
            }
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await;
            return seen;
        }
    });
    (format!("http://{address}"), handle)
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_idempotent_requests() {
    let (uri, server) = resetting_server(1).await;
    let client = HttpClient::builder()
        .base_url(uri)
        .retry(
            RetryPolicy::default().initial_backoff(Duration::from_millis(1)).jitter(Jitter::None),
        )
        .build()
        .unwrap();
    let response = client.request(&GET).send().await.unwrap();
    assert_eq!(response.text(), "ok");
    assert_eq!(server.await.unwrap(), 2);
}

#[tokio::test]
async fn a_reset_connection_is_not_retried_for_a_post_without_key() {
    let (uri, server) = resetting_server(1).await;
    let client = HttpClient::builder()
        .base_url(uri)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.request(&POST).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    server.abort();
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // Nothing listens: every attempt fails to connect, so even a POST is retried, then fails.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = HttpClient::builder()
        .base_url(format!("http://{address}"))
        .retry(RetryPolicy::default().max_retries(2).initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.request(&POST).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.to_string().contains("connect"), "{err}");
}
