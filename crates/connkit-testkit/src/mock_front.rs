//! [`PrismMock`]: `prism mock` on a spec, and [`MockFront`]: a small server in front of it
//! that adds headers to every request (Prism's `Prefer: dynamic=true` for a pass with
//! generated answers) and answers OAuth2 token requests itself, so a connector whose spec
//! uses OAuth2 gets its token from the test and its calls from Prism.
//!
//! Prism refuses some requests after validating them, for reasons of its own answer (no
//! representation for the `Accept`, a `*/*` or text answer it cannot serialise, nothing to
//! generate): such a refusal carries no `sl-violations`, so from the answer alone nobody can
//! tell whether the request was valid. Given Prism's log ([`MockFront::judged_by`]), the front
//! reads Prism's verdict on each refused request there and adds it to the answer as
//! [`VERDICT_HEADER`] (`passed` or `failed`).

use std::convert::Infallible;
use std::net::{Ipv4Addr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::HarnessError;
use crate::paths::e2e_dir;
use crate::process::{ServerProcess, free_port};

/// The path at which [`MockFront`] issues OAuth2 tokens.
pub const TOKEN_PATH: &str = "/__connkit/oauth/token";

/// The header [`MockFront`] adds to a Prism refusal: Prism's validation verdict on the
/// request, from its log (`passed`, `failed`, or `unknown` when the log says neither).
pub const VERDICT_HEADER: &str = "x-connkit-prism-verdict";

/// A running `prism mock`; dropping it stops the process group.
#[derive(Debug)]
pub struct PrismMock {
    process: ServerProcess,
    port: u16,
}

impl PrismMock {
    /// Installs Prism if needed and starts `prism mock` on `spec` (a file Prism reads as is) on
    /// a free port of 127.0.0.1, with `seed` for its generated (dynamic) answers. Waits up to
    /// `timeout` for it to listen: large specs take long to load.
    pub fn start(spec: &Path, seed: u64, timeout: Duration) -> Result<Self, HarnessError> {
        let prism = crate::prism::install()?;
        let dir = e2e_dir().join("run");
        std::fs::create_dir_all(&dir)
            .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
        let port = free_port()?;
        let mut command = Command::new(prism);
        command
            .arg("mock")
            .arg(spec)
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .args(["--seed", &seed.to_string(), "--cors", "false"])
            .current_dir(&dir);
        let log = dir.join(format!("prism-mock-{port}.log"));
        let mut process = ServerProcess::spawn("prism mock", command, &log)?;
        process
            .wait_until(timeout, || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok())?;
        Ok(Self { process, port })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Prism's log (for failure messages).
    pub fn log(&self) -> String {
        self.process.log()
    }

    /// Prism's log file.
    pub fn log_path(&self) -> &Path {
        self.process.log_path()
    }
}

#[derive(Debug)]
struct State {
    upstream: String,
    headers: Mutex<Vec<(String, String)>>,
    tokens: Mutex<u64>,
    /// Prism's log, read for its verdict on refused requests.
    log: Mutex<Option<PathBuf>>,
}

/// A forwarding server on 127.0.0.1 (its own thread and runtime); dropping it shuts it down.
#[derive(Debug)]
pub struct MockFront {
    port: u16,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockFront {
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`, no path).
    pub fn start(upstream: &str) -> Result<Self, HarnessError> {
        let listener = StdListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| HarnessError::io("binding the mock front", e))?;
        let port =
            listener.local_addr().map_err(|e| HarnessError::io("reading its port", e))?.port();
        listener
            .set_nonblocking(true)
            .map_err(|e| HarnessError::io("setting the listener non-blocking", e))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| HarnessError::io("building the mock front's runtime", e))?;
        let state = Arc::new(State {
            upstream: upstream.trim_end_matches('/').to_owned(),
            headers: Mutex::new(Vec::new()),
            tokens: Mutex::new(0),
            log: Mutex::new(None),
        });
        let (shutdown, stop) = oneshot::channel();
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || runtime.block_on(serve(listener, shared, stop)));
        Ok(Self { port, state, shutdown: Some(shutdown), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The token endpoint's URL.
    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.origin())
    }

    /// Replaces the headers added to every forwarded request.
    pub fn set_headers(&self, headers: &[(&str, &str)]) {
        if let Ok(mut current) = self.state.headers.lock() {
            *current = headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
        }
    }

    /// Reads Prism's verdict on each refused request from `log` (Prism's log file) and adds
    /// it to the answer as [`VERDICT_HEADER`]. Sound when requests reach Prism one at a time
    /// (one calling program per Prism), as the lines of one request then follow each other.
    pub fn judged_by(&self, log: &Path) {
        if let Ok(mut current) = self.state.log.lock() {
            *current = Some(log.to_path_buf());
        }
    }

    /// How many tokens were issued.
    pub fn tokens_issued(&self) -> u64 {
        self.state.tokens.lock().map(|n| *n).unwrap_or(0)
    }
}

impl Drop for MockFront {
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
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(answer(&state, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    if let Ok(value) = hyper::header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(hyper::header::CONTENT_TYPE, value);
    }
    response
}

async fn answer(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    if request.uri().path() == TOKEN_PATH {
        let count = state.tokens.lock().map(|mut n| {
            *n += 1;
            *n
        });
        let body = format!(
            "{{\"access_token\":\"conformance-token-{}\",\"token_type\":\"bearer\",\"expires_in\":3600}}",
            count.unwrap_or(0)
        );
        return respond(200, "application/json", body);
    }
    match forward(state, request).await {
        Ok(response) => response,
        Err(why) => respond(502, "text/plain", format!("the mock front could not forward: {why}")),
    }
}

async fn forward(
    state: &State,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, String> {
    let (mut parts, body) = request.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    parts.uri = path.parse().map_err(|e| format!("{e}"))?;
    let extra = state.headers.lock().map(|h| h.clone()).unwrap_or_default();
    for (name, value) in extra {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            parts.headers.insert(name, value);
        }
    }
    let authority = state.upstream.trim_start_matches("http://").to_owned();
    if let Ok(host) = hyper::header::HeaderValue::from_str(&authority) {
        parts.headers.insert(hyper::header::HOST, host);
    }
    for hop in
        [hyper::header::CONNECTION, hyper::header::TRANSFER_ENCODING, hyper::header::CONTENT_LENGTH]
    {
        parts.headers.remove(hop);
    }
    let log = state.log.lock().map(|l| l.clone()).unwrap_or_default();
    let log_start = log.as_deref().map(log_length);
    let stream = tokio::net::TcpStream::connect(&authority).await.map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let upstream = sender
        .send_request(Request::from_parts(parts, Full::new(body)))
        .await
        .map_err(|e| e.to_string())?;
    let (mut parts, body) = upstream.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    for hop in
        [hyper::header::CONNECTION, hyper::header::TRANSFER_ENCODING, hyper::header::CONTENT_LENGTH]
    {
        parts.headers.remove(hop);
    }
    if let (Some(log), Some(start)) = (log, log_start)
        && is_prism_refusal(&parts.headers)
    {
        let verdict = verdict(&log, start).await;
        parts.headers.insert(VERDICT_HEADER, hyper::header::HeaderValue::from_static(verdict));
    }
    Ok(Response::from_parts(parts, Full::new(body)))
}

/// Whether an answer is Prism's own problem document rather than the spec's answer.
fn is_prism_refusal(headers: &hyper::HeaderMap) -> bool {
    headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"))
}

/// The length of the log file now (0 when it cannot be read).
fn log_length(log: &Path) -> u64 {
    std::fs::metadata(log).map(|m| m.len()).unwrap_or(0)
}

/// The bytes of the log from `start` on (none when it cannot be read).
fn log_since(log: &Path, start: u64) -> Vec<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let mut bytes = Vec::new();
    if let Ok(mut file) = std::fs::File::open(log)
        && file.seek(SeekFrom::Start(start)).is_ok()
    {
        let _ = file.read_to_end(&mut bytes);
    }
    bytes
}

/// Prism's verdict on the request whose lines start at or after `start` in its log. Prism may
/// write the line a moment after answering, so the log is read again for up to half a second.
async fn verdict(log: &Path, start: u64) -> &'static str {
    for _ in 0..25 {
        let written = String::from_utf8_lossy(&log_since(log, start)).into_owned();
        // The request's own lines start at its `Request received` (a late line of the
        // request before it may come first).
        let Some(own) = written.rfind("Request received").map(|at| &written[at..]) else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        for line in own.lines().filter(|l| l.contains("[VALIDATOR]")) {
            if line.contains("passed the validation rules") {
                return "passed";
            }
            if line.contains("did not pass the validation rules") {
                return "failed";
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    "unknown"
}
