//! The replay server: hyper on 127.0.0.1, one thread with its own runtime, so sync and async
//! tests can use it alike.

use std::convert::Infallible;
use std::net::{Ipv4Addr, TcpListener as StdListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use super::cases::SandboxCase;
use super::matcher::{IncomingRequest, match_request};
use crate::HarnessError;

/// The status of a response to a request that matches no case: outside every real status
/// class an API uses, so it can never pass for an expected error.
pub const MISMATCH_STATUS: u16 = 599;

/// The header naming why a request matched no case.
pub const MISMATCH_HEADER: &str = "x-sandbox-mismatch";

/// The path of the server's Login-with-Amazon token endpoint: a refresh-token grant gets a
/// sandbox access token, so connectors run their real LWA auth against the replay server.
pub const TOKEN_PATH: &str = "/auth/o2/token";

/// The access token the token endpoint hands out.
pub const SANDBOX_ACCESS_TOKEN: &str = "Atza|sandbox-access-token";

/// One request the server answered.
#[derive(Debug, Clone)]
pub struct Served {
    /// `METHOD path?query` as received.
    pub request: String,
    /// The matched case's name, or the mismatch.
    pub outcome: Result<String, String>,
}

/// A running replay server; dropping it shuts it down.
#[derive(Debug)]
pub struct SandboxServer {
    port: u16,
    served: Arc<Mutex<Vec<Served>>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SandboxServer {
    /// Serves `cases` on a free port of 127.0.0.1.
    pub fn start(cases: Vec<SandboxCase>) -> Result<Self, HarnessError> {
        let listener = StdListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| HarnessError::io("binding the sandbox server", e))?;
        let port =
            listener.local_addr().map_err(|e| HarnessError::io("reading its port", e))?.port();
        listener
            .set_nonblocking(true)
            .map_err(|e| HarnessError::io("setting the listener non-blocking", e))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| HarnessError::io("building the sandbox runtime", e))?;
        let served = Arc::new(Mutex::new(Vec::new()));
        let (shutdown, stop) = oneshot::channel();
        let cases = Arc::new(cases);
        let log = Arc::clone(&served);
        let thread = std::thread::spawn(move || {
            runtime.block_on(serve(listener, cases, log, stop));
        });
        Ok(Self { port, served, shutdown: Some(shutdown), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The requests answered so far.
    pub fn served(&self) -> Vec<Served> {
        self.served.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    listener: StdListener,
    cases: Arc<Vec<SandboxCase>>,
    log: Arc<Mutex<Vec<Served>>>,
    mut stop: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let cases = Arc::clone(&cases);
        let log = Arc::clone(&log);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let cases = Arc::clone(&cases);
                let log = Arc::clone(&log);
                async move { Ok::<_, Infallible>(answer(&cases, &log, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    cases: &[SandboxCase],
    log: &Mutex<Vec<Served>>,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    if parts.method == hyper::Method::POST && parts.uri.path() == TOKEN_PATH {
        return token_response(&body);
    }
    let incoming = IncomingRequest {
        method: parts.method.as_str().to_ascii_uppercase(),
        path: parts.uri.path().to_string(),
        query: parts
            .uri
            .query()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())
            })
            .collect(),
        body: body.to_vec(),
    };
    let outcome = match_request(cases, &incoming);
    let response = match &outcome {
        Ok(case) => case_response(case),
        Err(mismatch) => mismatch_response(&mismatch.to_string()),
    };
    if let Ok(mut log) = log.lock() {
        log.push(Served {
            request: format!("{} {}", parts.method, parts.uri),
            outcome: outcome.map(SandboxCase::name).map_err(|m| m.to_string()),
        });
    }
    response
}

fn case_response(case: &SandboxCase) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(case.status).unwrap_or(StatusCode::OK);
    let mut builder = Response::builder().status(status);
    for (name, value) in &case.response_headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = match case.wire_body() {
        Some(value) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(value).unwrap_or_default())
        }
        None => Bytes::new(),
    };
    builder.body(Full::new(body)).unwrap_or_else(|_| mismatch_response("bad case headers"))
}

/// A refresh-token grant answered with [`SANDBOX_ACCESS_TOKEN`]; anything else is a 400 as
/// LWA gives it.
fn token_response(body: &[u8]) -> Response<Full<Bytes>> {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let grant = form.iter().find(|(k, _)| k == "grant_type").map(|(_, v)| v.as_str());
    let has_refresh = form.iter().any(|(k, v)| k == "refresh_token" && !v.is_empty());
    let (status, json) = if grant == Some("refresh_token") && has_refresh {
        (
            StatusCode::OK,
            serde_json::json!({"access_token": SANDBOX_ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600}),
        )
    } else {
        (StatusCode::BAD_REQUEST, serde_json::json!({"error": "invalid_request"}))
    };
    let mut response = Response::new(Full::new(Bytes::from(json.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

fn mismatch_response(reason: &str) -> Response<Full<Bytes>> {
    // Header values must be visible ASCII: keep the reason readable, drop the rest.
    let header: String =
        reason.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect();
    let body = serde_json::json!({ "errors": [{ "code": "SandboxMismatch", "message": reason }] });
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(MISMATCH_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(value) = hyper::header::HeaderValue::from_str(&header) {
        response.headers_mut().insert(MISMATCH_HEADER, value);
    }
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}
