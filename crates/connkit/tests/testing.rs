//! The scripted transport (feature `testing`): offline tests of code built on the client,
//! including time-dependent behaviour on tokio's paused clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use connkit::auth::RefreshToken;
use connkit::client::TransportErrorKind;
use connkit::retry::{Jitter, RetryPolicy};
use connkit::testing::{ScriptedResponse, ScriptedTransport};
use connkit::{ErrorKind, HttpClient, Method, Operation};
use tokio::time::Instant;

const CREATE: Operation =
    Operation::new("create", Method::POST, "/things").with_idempotency_header("Idempotency-Key");
const GET: Operation = Operation::new("get", Method::GET, "/things/{id}");

fn client(transport: &ScriptedTransport) -> connkit::ClientBuilder {
    HttpClient::builder()
        .base_url("https://api.test/v2")
        .transport(transport.clone())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_secs(1)).jitter(Jitter::None))
}

#[tokio::test(start_paused = true)]
async fn queued_responses_and_recorded_requests() {
    let transport = ScriptedTransport::new();
    transport
        .push(ScriptedResponse::failure(TransportErrorKind::Io))
        .push(ScriptedResponse::new(502))
        .push(
            ScriptedResponse::json(201, serde_json::json!({"id": "t-1"})).header("etag", "\"1\""),
        );
    let client = client(&transport).build().unwrap();
    let start = Instant::now();
    let created = client.request(&CREATE).json(&serde_json::json!({"n": 1})).send().await.unwrap();
    assert_eq!(created.etag(), Some("\"1\""));
    assert_eq!(created.json::<serde_json::Value>().unwrap()["id"], "t-1");

    let requests = transport.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].url.as_str(), "https://api.test/v2/things");
    assert_eq!(requests[0].body.as_deref(), Some(&b"{\"n\":1}"[..]));
    let key = requests[0].header("idempotency-key").unwrap();
    assert!(requests.iter().all(|r| r.header("idempotency-key") == Some(key)));
    // Exact backoff without jitter: 1 s, then 2 s.
    let at: Vec<Duration> = requests.iter().map(|r| r.at - start).collect();
    assert_eq!(at, [Duration::ZERO, Duration::from_secs(1), Duration::from_secs(3)]);
    assert_eq!(transport.remaining(), 0);
}

#[tokio::test(start_paused = true)]
async fn attempt_and_call_timeouts() {
    let transport = ScriptedTransport::new();
    transport.fallback(|_| ScriptedResponse::new(200).delay(Duration::from_secs(60)));
    let client = client(&transport)
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::default().max_retries(1).initial_backoff(Duration::ZERO))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.request(&GET).path_param("id", 1).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(start.elapsed(), Duration::from_secs(10), "two attempts of 5 s");
    assert_eq!(transport.requests().len(), 2);

    let client = client.clone();
    let start = Instant::now();
    let err = client
        .request(&GET)
        .path_param("id", 1)
        .timeout(Duration::from_secs(7))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(start.elapsed(), Duration::from_secs(7), "the call budget caps the attempts");
}

#[tokio::test(start_paused = true)]
async fn tokens_are_refreshed_shortly_before_they_expire() {
    let transport = ScriptedTransport::new();
    let client = client(&transport)
        .auth(RefreshToken::lwa("id", "secret", "refresh").token_url("https://auth.test/o2/token"))
        .build()
        .unwrap();
    let token = |n: u32| {
        ScriptedResponse::json(
            200,
            serde_json::json!({"access_token": format!("a{n}"), "expires_in": 20}),
        )
    };
    transport.push(token(1)).push(ScriptedResponse::new(200)).push(ScriptedResponse::new(200));
    client.request(&GET).path_param("id", 1).send().await.unwrap();
    // A 20 s token is refreshed 2 s (a tenth) before it expires.
    tokio::time::advance(Duration::from_secs(17)).await;
    client.request(&GET).path_param("id", 2).send().await.unwrap();
    tokio::time::advance(Duration::from_secs(1)).await;
    transport.push(token(2)).push(ScriptedResponse::new(200));
    client.request(&GET).path_param("id", 3).send().await.unwrap();

    let requests = transport.requests();
    let hosts: Vec<&str> = requests.iter().map(|r| r.url.host_str().unwrap()).collect();
    assert_eq!(hosts, ["auth.test", "api.test", "api.test", "auth.test", "api.test"]);
    assert_eq!(requests[2].header("x-amz-access-token"), Some("a1"));
    assert_eq!(requests[4].header("x-amz-access-token"), Some("a2"));
}

#[tokio::test]
async fn an_empty_script_fails_clearly() {
    let transport = ScriptedTransport::new();
    let client = client(&transport).retry(RetryPolicy::disabled()).build().unwrap();
    let err = client.request(&GET).path_param("id", 1).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    let chain = format!("{:?}", err);
    assert!(chain.contains("no response left"), "{chain}");
}

#[tokio::test(start_paused = true)]
async fn standard_settings_configure_the_client() {
    use connkit::ratelimit::Quota;
    use connkit::settings::{CommonSettings, EnvSource};
    let source = EnvSource::from_pairs(
        "SHOP_",
        [("SHOP_TIMEOUT_SECS", "2"), ("SHOP_MAX_RETRIES", "0"), ("SHOP_RATE_LIMITS", "off")],
    );
    let mut reader = source.reader();
    let common = CommonSettings::read(&mut reader);
    assert!(reader.is_ok());

    let transport = ScriptedTransport::new();
    transport.push(ScriptedResponse::new(503));
    transport.push(ScriptedResponse::new(200).delay(Duration::from_secs(60)));
    transport.fallback(|_| ScriptedResponse::new(200));
    let client = client(&transport)
        .rate_limit(Quota::new(0.001, 1).unwrap())
        .common_settings(&common)
        .build()
        .unwrap();
    // MAX_RETRIES=0: the 503 is final.
    let err = client.request(&GET).path_param("id", 1).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    // TIMEOUT_SECS=2: the slow answer times out after 2 s.
    let start = Instant::now();
    let err = client.request(&GET).path_param("id", 2).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    // RATE_LIMITS=off: the one-per-1000-seconds quota does not apply.
    let start = Instant::now();
    for id in 3..6 {
        client.request(&GET).path_param("id", id).send().await.unwrap();
    }
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn hundred_callers_with_an_expired_token_share_one_refresh() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    static GET_STATIC: Operation = Operation::new("get", Method::GET, "/things/{id}");
    let transport = ScriptedTransport::new();
    let tokens = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&tokens);
    transport.fallback(move |request| {
        if request.url.host_str() == Some("auth.test") {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            ScriptedResponse::json(
                200,
                serde_json::json!({"access_token": format!("a{n}"), "expires_in": 60}),
            )
            .delay(Duration::from_millis(200))
        } else {
            ScriptedResponse::new(200)
        }
    });
    let client = client(&transport)
        .auth(RefreshToken::new("https://auth.test/token", "id", "secret", "refresh"))
        .build()
        .unwrap();
    client.request(&GET_STATIC).path_param("id", 0).send().await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    tokio::time::advance(Duration::from_secs(61)).await;
    let calls = (0..100).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client.request(&GET_STATIC).path_param("id", i).send().await.map(|_| ())
        })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 2, "one refresh for 100 callers");
    let api: Vec<_> =
        transport.requests().into_iter().filter(|r| r.url.host_str() == Some("api.test")).collect();
    assert_eq!(api.len(), 101);
    assert!(api[1..].iter().all(|r| r.header("authorization") == Some("Bearer a2")));
}
