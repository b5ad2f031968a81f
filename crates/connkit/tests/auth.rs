//! Auth strategies against real local servers: what each sends, the shared token cache, the
//! 401 replay, failing refreshes, and credentials that stay on their origin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use connkit::auth::{
    ApiKey, AuthContext, AuthStrategy, Authorized, Basic, Bearer, ClientAuth, ClientCredentials,
    RefreshToken,
};
use connkit::client::AttemptRequest;
use connkit::{ErrorKind, HttpClient, Method, Operation};
use futures::future::BoxFuture;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PING: Operation = Operation::new("ping", Method::GET, "/ping");
const CANARY: &str = "canary-secret-5f2e";

fn form(request: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&request.body).into_owned().collect()
}

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

async fn last_request(server: &MockServer) -> Request {
    server.received_requests().await.unwrap().pop().unwrap()
}

#[tokio::test]
async fn static_strategies_send_what_their_api_expects() {
    let server = ok_server().await;
    let cases: Vec<(Arc<dyn AuthStrategy>, &str, &str)> = vec![
        (Arc::new(ApiKey::header("x-api-key", "k1")), "x-api-key", "k1"),
        (
            Arc::new(ApiKey::header("Authorization", "k2").with_prefix("Bot ")),
            "authorization",
            "Bot k2",
        ),
        (Arc::new(Bearer::new("t1")), "authorization", "Bearer t1"),
        (
            Arc::new(Basic::new("aladdin", "opensesame")),
            "authorization",
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        ),
    ];
    for (strategy, name, value) in cases {
        let client =
            HttpClient::builder().base_url(server.uri()).auth_shared(strategy).build().unwrap();
        client.request(&PING).send().await.unwrap();
        let request = last_request(&server).await;
        assert_eq!(request.headers.get(name).unwrap(), value);
    }
    let client = HttpClient::builder()
        .base_url(server.uri())
        .auth(ApiKey::query("api_key", CANARY))
        .build()
        .unwrap();
    client.request(&PING).query("page", 1).send().await.unwrap();
    let request = last_request(&server).await;
    assert_eq!(request.url.query(), Some(format!("page=1&api_key={CANARY}").as_str()));
}

#[tokio::test]
async fn client_credentials_in_the_form_body_or_as_basic() {
    let api = ok_server().await;
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "at-1", "token_type": "bearer", "expires_in": 3600}),
        ))
        .mount(&auth)
        .await;
    let token_url = format!("{}/token", auth.uri());

    let client = HttpClient::builder()
        .base_url(api.uri())
        .auth(ClientCredentials::new(&token_url, "my id", CANARY).scopes(["read", "write"]))
        .build()
        .unwrap();
    client.request(&PING).send().await.unwrap();
    let sent = form(&last_request(&auth).await);
    assert_eq!(sent["grant_type"], "client_credentials");
    assert_eq!(sent["client_id"], "my id");
    assert_eq!(sent["client_secret"], CANARY);
    assert_eq!(sent["scope"], "read write");
    assert_eq!(last_request(&api).await.headers.get("authorization").unwrap(), "Bearer at-1");

    let client = HttpClient::builder()
        .base_url(api.uri())
        .auth(ClientCredentials::new(&token_url, "my id", "s:e").client_auth(ClientAuth::Basic))
        .build()
        .unwrap();
    client.request(&PING).send().await.unwrap();
    let request = last_request(&auth).await;
    // RFC 6749 2.3.1: id and secret are form-encoded before base64 ("my+id:s%3Ae").
    assert_eq!(request.headers.get("authorization").unwrap(), "Basic bXkraWQ6cyUzQWU=");
    let sent = form(&request);
    assert!(!sent.contains_key("client_secret") && !sent.contains_key("client_id"));
}

#[tokio::test]
async fn refresh_token_and_the_login_with_amazon_preset() {
    let api = ok_server().await;
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "Atza|1", "expires_in": 3600})),
        )
        .mount(&auth)
        .await;

    let lwa = RefreshToken::lwa("amzn-client", CANARY, "Atzr|refresh")
        .token_url(format!("{}/auth/o2/token", auth.uri()));
    let client = HttpClient::builder().base_url(api.uri()).auth(lwa).build().unwrap();
    client.request(&PING).send().await.unwrap();
    let token_request = last_request(&auth).await;
    assert_eq!(token_request.url.path(), "/auth/o2/token");
    let sent = form(&token_request);
    assert_eq!(sent["grant_type"], "refresh_token");
    assert_eq!(sent["refresh_token"], "Atzr|refresh");
    assert_eq!(sent["client_id"], "amzn-client");
    assert_eq!(sent["client_secret"], CANARY);
    let api_request = last_request(&api).await;
    assert_eq!(api_request.headers.get("x-amz-access-token").unwrap(), "Atza|1");
    assert!(api_request.headers.get("authorization").is_none());

    let bearer = RefreshToken::new(format!("{}/t", auth.uri()), "id", "secret", "r");
    let client = HttpClient::builder().base_url(api.uri()).auth(bearer).build().unwrap();
    client.request(&PING).send().await.unwrap();
    assert_eq!(last_request(&api).await.headers.get("authorization").unwrap(), "Bearer Atza|1");
    assert_eq!(connkit::auth::LWA_TOKEN_URL, "https://api.amazon.com/auth/o2/token");
}

#[tokio::test]
async fn concurrent_callers_share_one_token_request() {
    let api = ok_server().await;
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(std::time::Duration::from_millis(100))
                .set_body_json(serde_json::json!({"access_token": "shared", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&auth)
        .await;
    let client = HttpClient::builder()
        .base_url(api.uri())
        .auth(RefreshToken::new(format!("{}/token", auth.uri()), "id", "secret", "r"))
        .build()
        .unwrap();
    let calls = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.request(&PING).send().await.map(|_| ()) })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
    assert_eq!(auth.received_requests().await.unwrap().len(), 1);
    assert_eq!(api.received_requests().await.unwrap().len(), 100);
}

/// Token server answering `t1`, `t2`, ... in turn.
struct CountingTokens(AtomicU32);

impl Respond for CountingTokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"access_token": format!("t{n}"), "expires_in": 3600}))
    }
}

#[tokio::test]
async fn a_401_causes_one_refresh_and_one_replay() {
    let api = MockServer::start().await;
    Mock::given(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&api)
        .await;
    Mock::given(header("authorization", "Bearer t2"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&api)
        .await;
    let auth = MockServer::start().await;
    Mock::given(method("POST")).respond_with(CountingTokens(AtomicU32::new(0))).mount(&auth).await;
    let client = HttpClient::builder()
        .base_url(api.uri())
        .auth(ClientCredentials::new(format!("{}/token", auth.uri()), "id", "secret"))
        .build()
        .unwrap();
    client.request(&PING).send().await.unwrap();
    assert_eq!(auth.received_requests().await.unwrap().len(), 2);
    assert_eq!(api.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_401_after_the_replay_is_an_auth_error_not_a_loop() {
    let api = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&api).await;
    let auth = MockServer::start().await;
    Mock::given(method("POST")).respond_with(CountingTokens(AtomicU32::new(0))).mount(&auth).await;
    let client = HttpClient::builder()
        .base_url(api.uri())
        .auth(ClientCredentials::new(format!("{}/token", auth.uri()), "id", "secret"))
        .build()
        .unwrap();
    let err = client.request(&PING).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(auth.received_requests().await.unwrap().len(), 2);
    assert_eq!(api.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_failing_refresh_is_an_auth_error_and_stops() {
    let api = ok_server().await;
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"error": "invalid_grant", "error_description": "refresh token revoked"}),
        ))
        .mount(&auth)
        .await;
    let client = HttpClient::builder()
        .base_url(api.uri())
        .auth(RefreshToken::new(format!("{}/token", auth.uri()), "id", CANARY, CANARY))
        .build()
        .unwrap();
    let err = client.request(&PING).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    let text = format!("{err} {err:?}");
    assert!(text.contains("invalid_grant"), "{text}");
    assert!(!text.contains(CANARY), "{text}");
    assert_eq!(auth.received_requests().await.unwrap().len(), 1);
    assert!(api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn credentials_never_reach_a_foreign_origin() {
    let foreign = ok_server().await;
    let api = MockServer::start().await;
    Mock::given(path("/ping"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/landing", foreign.uri())),
        )
        .mount(&api)
        .await;
    Mock::given(path("/local"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/ping2"))
        .mount(&api)
        .await;
    Mock::given(path("/ping2")).respond_with(ResponseTemplate::new(200)).mount(&api).await;
    for strategy in [
        Arc::new(Bearer::new(CANARY)) as Arc<dyn AuthStrategy>,
        Arc::new(ApiKey::header("x-api-key", CANARY)),
        Arc::new(ApiKey::query("key", CANARY)),
    ] {
        let client =
            HttpClient::builder().base_url(api.uri()).auth_shared(strategy).build().unwrap();
        // A redirect to another origin is followed without credentials.
        client.request(&PING).send().await.unwrap();
        // So is a next-page URL on another origin.
        let next = url::Url::parse(&format!("{}/page/2", foreign.uri())).unwrap();
        client.request(&PING).absolute_url(next).send().await.unwrap();
        for request in foreign.received_requests().await.unwrap() {
            let all = format!("{:?} {}", request.headers, request.url);
            assert!(!all.contains(CANARY), "credential leaked to {}", request.url);
        }
        // A redirect on the same origin keeps them.
        let local = Operation::new("local", Method::GET, "/local");
        client.request(&local).send().await.unwrap();
        let followed = last_request(&api).await;
        assert_eq!(followed.url.path(), "/ping2");
        let all = format!("{:?} {}", followed.headers, followed.url);
        assert!(all.contains(CANARY), "same-origin redirect lost its credential");
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let strategies: Vec<Box<dyn std::fmt::Debug>> = vec![
        Box::new(ApiKey::header("x-api-key", CANARY)),
        Box::new(ApiKey::query("api_key", CANARY)),
        Box::new(Bearer::new(CANARY)),
        Box::new(Basic::new("user", CANARY)),
        Box::new(ClientCredentials::new("https://a/t", "id", CANARY)),
        Box::new(RefreshToken::lwa("id", CANARY, CANARY)),
    ];
    for strategy in &strategies {
        assert!(!format!("{strategy:?}").contains(CANARY));
    }
    // A query key is redacted from the URL kept in errors.
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let client = HttpClient::builder()
        .base_url(server.uri())
        .auth(ApiKey::query("custom_name", CANARY))
        .build()
        .unwrap();
    let next =
        url::Url::parse(&format!("{}/ping?custom_name={CANARY}&token={CANARY}", server.uri()))
            .unwrap();
    let err = client.request(&PING).absolute_url(next).send().await.unwrap_err();
    let text = format!("{err} {err:?} {client:?}");
    assert!(!text.contains(CANARY), "{text}");
}

/// A custom signing strategy: an HMAC-like digest over method, path and body.
struct Signer;

impl AuthStrategy for Signer {
    fn authorize<'a>(
        &'a self,
        request: &'a mut AttemptRequest,
        _context: &'a AuthContext,
    ) -> BoxFuture<'a, Result<Authorized, connkit::Error>> {
        let body_len = request.body.as_ref().map_or(0, |b| b.len());
        let signature = format!("{}:{}:{}", request.method, request.url.path(), body_len);
        request.headers.insert("x-signature", signature.parse().unwrap());
        Box::pin(async { Ok(Authorized::default()) })
    }
}

#[tokio::test]
async fn custom_strategies_sign_the_final_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = HttpClient::builder().base_url(server.uri()).auth(Signer).build().unwrap();
    let op = Operation::new("create", Method::POST, "/things");
    client.request(&op).json(&serde_json::json!({"a": 1})).send().await.unwrap();
    assert_eq!(last_request(&server).await.headers.get("x-signature").unwrap(), "POST:/things:7");
}

#[tokio::test]
async fn attempts_handed_to_a_transport_print_without_credentials() {
    use connkit::testing::{ScriptedResponse, ScriptedTransport};
    let transport = ScriptedTransport::new();
    transport.push(ScriptedResponse::new(200)).push(ScriptedResponse::new(200));
    for strategy in [
        Arc::new(ApiKey::query("api_key", CANARY)) as Arc<dyn AuthStrategy>,
        Arc::new(Bearer::new(CANARY)),
    ] {
        let client = HttpClient::builder()
            .base_url("https://api.test")
            .transport(transport.clone())
            .auth_shared(strategy)
            .build()
            .unwrap();
        client.request(&PING).send().await.unwrap();
    }
    for recorded in transport.requests() {
        let mut attempt = AttemptRequest::new(recorded.method.clone(), recorded.url.clone());
        attempt.headers = recorded.headers.clone();
        let text = format!("{attempt:?}");
        assert!(!text.contains(CANARY), "{text}");
    }
}
