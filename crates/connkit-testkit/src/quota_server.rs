//! [`QuotaServer`]: an API on 127.0.0.1 that enforces a quota (GCRA: a rate and a burst) and
//! answers 429 beyond it, optionally announces its rate in `x-amzn-RateLimit-Limit`, and can
//! require OAuth2 tokens it issues itself at `POST /token` with a short lifetime. It records
//! every request, so the shared mode's tests can measure what several workers sent.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, TcpListener as StdListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::HarnessError;

/// What the server enforces.
#[derive(Debug, Clone, Copy)]
pub struct QuotaServerOptions {
    /// Requests per second.
    pub rate: f64,
    /// Largest burst.
    pub burst: u32,
    /// Send `x-amzn-RateLimit-Limit: {rate}` with every answer.
    pub announce: bool,
    /// Require `Authorization: Bearer` tokens from `POST /token`, valid this long.
    pub token_lifetime: Option<Duration>,
}

/// One request the server answered.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    /// When it arrived, since the server started.
    pub at: Duration,
    /// The status it got.
    pub status: u16,
}

#[derive(Debug, Default)]
struct Log {
    api: Vec<Hit>,
    tokens: Vec<Duration>,
    /// Issued tokens and their expiry.
    issued: HashMap<String, Instant>,
}

#[derive(Debug)]
struct State {
    options: QuotaServerOptions,
    started: Instant,
    /// GCRA theoretical arrival time.
    tat: Mutex<Option<Instant>>,
    log: Mutex<Log>,
}

/// A running quota server; dropping it shuts it down.
#[derive(Debug)]
pub struct QuotaServer {
    port: u16,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl QuotaServer {
    /// Serves on a free port of 127.0.0.1 (its own thread and runtime).
    pub fn start(options: QuotaServerOptions) -> Result<Self, HarnessError> {
        let listener = StdListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| HarnessError::io("binding the quota server", e))?;
        let port =
            listener.local_addr().map_err(|e| HarnessError::io("reading its port", e))?.port();
        listener
            .set_nonblocking(true)
            .map_err(|e| HarnessError::io("setting the listener non-blocking", e))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| HarnessError::io("building the quota server's runtime", e))?;
        let state = Arc::new(State {
            options,
            started: Instant::now(),
            tat: Mutex::new(None),
            log: Mutex::new(Log::default()),
        });
        let (shutdown, stop) = oneshot::channel();
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || runtime.block_on(serve(listener, shared, stop)));
        Ok(Self { port, state, shutdown: Some(shutdown), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT/token`.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url())
    }

    /// Every API request so far (not the token requests).
    pub fn hits(&self) -> Vec<Hit> {
        self.state.log.lock().map(|l| l.api.clone()).unwrap_or_default()
    }

    /// When each token was issued, since the server started.
    pub fn token_requests(&self) -> Vec<Duration> {
        self.state.log.lock().map(|l| l.tokens.clone()).unwrap_or_default()
    }

    /// Every token issued so far (to check that none is stored in clear text).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.log.lock().map(|l| l.issued.keys().cloned().collect()).unwrap_or_default()
    }

    /// Time since the server started (the clock of [`Hit::at`]).
    pub fn elapsed(&self) -> Duration {
        self.state.started.elapsed()
    }
}

impl Drop for QuotaServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(listener: StdListener, state: Arc<State>, mut stop: oneshot::Receiver<()>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(answer(&state, request)) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn answer(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let now = Instant::now();
    let at = now - state.started;
    if request.method() == hyper::Method::POST && request.uri().path() == "/token" {
        let lifetime = state.options.token_lifetime.unwrap_or(Duration::from_secs(3600));
        let mut log = match state.log.lock() {
            Ok(log) => log,
            Err(_) => return respond(500, "{}", &[]),
        };
        log.tokens.push(at);
        let token = format!("tok-{}-{}", log.tokens.len(), std::process::id());
        log.issued.insert(token.clone(), now + lifetime);
        let body = format!(
            "{{\"access_token\":\"{token}\",\"token_type\":\"bearer\",\"expires_in\":{}}}",
            lifetime.as_secs_f64()
        );
        return respond(200, &body, &[]);
    }
    if state.options.token_lifetime.is_some() {
        let bearer = request
            .headers()
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let valid = state.log.lock().ok().is_some_and(|log| {
            bearer.as_ref().and_then(|b| log.issued.get(b)).is_some_and(|expiry| now < *expiry)
        });
        if !valid {
            record(state, at, 401);
            return respond(401, "{\"error\":\"invalid or expired token\"}", &[]);
        }
    }
    let rate = state.options.rate;
    let announce = rate.to_string();
    let mut headers: Vec<(&str, &str)> = Vec::new();
    if state.options.announce {
        headers.push(("x-amzn-RateLimit-Limit", &announce));
    }
    if conforms(state, now) {
        record(state, at, 200);
        respond(200, "{\"items\":[]}", &headers)
    } else {
        record(state, at, 429);
        headers.push(("Retry-After", "1"));
        respond(429, "{\"error\":\"too many requests\"}", &headers)
    }
}

/// GCRA: a request conforms when it arrives no earlier than TAT - (burst - 1) * interval.
fn conforms(state: &State, now: Instant) -> bool {
    let interval = Duration::from_secs_f64(1.0 / state.options.rate);
    let tolerance = interval * state.options.burst.saturating_sub(1);
    let Ok(mut tat) = state.tat.lock() else { return false };
    let current = tat.unwrap_or(now);
    if current.checked_sub(tolerance).is_some_and(|earliest| now < earliest) {
        return false;
    }
    *tat = Some(current.max(now) + interval);
    true
}

fn record(state: &State, at: Duration, status: u16) {
    if let Ok(mut log) = state.log.lock() {
        log.api.push(Hit { at, status });
    }
}

fn respond(status: u16, body: &str, headers: &[(&str, &str)]) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}
