//! Test support (cargo feature `testing`): [`ScriptedTransport`], a transport without network
//! that answers from a script and records every request, so code built on a connector can be
//! tested offline, on tokio's paused clock if it likes.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), connkit::Error> {
//! use connkit::testing::{ScriptedResponse, ScriptedTransport};
//! use connkit::{HttpClient, Method, Operation};
//!
//! const GET_ORDER: Operation = Operation::new("getOrder", Method::GET, "/orders/{id}");
//!
//! let transport = ScriptedTransport::new();
//! transport.push(ScriptedResponse::new(503));
//! transport.push(ScriptedResponse::json(200, serde_json::json!({"id": "1"})));
//! let client = HttpClient::builder()
//!     .base_url("https://api.test/v1")
//!     .transport(transport.clone())
//!     .retry(connkit::retry::RetryPolicy::default().initial_backoff(std::time::Duration::ZERO))
//!     .build()?;
//!
//! let order = client.request(&GET_ORDER).path_param("id", 1).send().await?;
//! assert_eq!(order.json::<serde_json::Value>()?["id"], "1");
//! let requests = transport.requests();
//! assert_eq!(requests.len(), 2);
//! assert_eq!(requests[1].url.as_str(), "https://api.test/v1/orders/1");
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

use crate::client::{
    AttemptRequest, AttemptResponse, Transport, TransportError, TransportErrorKind,
};

/// One scripted answer: a response (optionally delayed) or a transport failure.
#[derive(Debug, Clone)]
pub struct ScriptedResponse {
    outcome: Result<(StatusCode, HeaderMap, Bytes), TransportErrorKind>,
    delay: Duration,
}

impl ScriptedResponse {
    /// A response with `status` and an empty body (an invalid status becomes 500).
    pub fn new(status: u16) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self { outcome: Ok((status, HeaderMap::new(), Bytes::new())), delay: Duration::ZERO }
    }

    /// A JSON response.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::new(status)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).unwrap_or_default())
    }

    /// A failure without a response: `Connect` (nothing sent), `Timeout` or `Io` (reset).
    pub fn failure(kind: TransportErrorKind) -> Self {
        Self { outcome: Err(kind), delay: Duration::ZERO }
    }

    /// Adds a header (an invalid name or value is ignored).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok((_, headers, _)), Ok(name), Ok(value)) = (
            self.outcome.as_mut(),
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        if let Ok((_, _, current)) = self.outcome.as_mut() {
            *current = body.into();
        }
        self
    }

    /// Answers only after `delay` of tokio time (to exercise timeouts on a paused clock).
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request the transport received, with the tokio time it arrived.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// When it was sent (tokio time, so it follows a paused clock).
    pub at: tokio::time::Instant,
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: Url,
    /// The headers, credentials included (it is a test double).
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Bytes>,
}

impl RecordedRequest {
    /// The value of header `name` as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

type Responder = Arc<dyn Fn(&RecordedRequest) -> ScriptedResponse + Send + Sync>;

#[derive(Default)]
struct Script {
    queue: VecDeque<ScriptedResponse>,
    fallback: Option<Responder>,
    recorded: Vec<RecordedRequest>,
}

/// A [`Transport`] that answers from a queue of [`ScriptedResponse`]s (then from a fallback
/// function, if set) and records every request. Clones share the script.
#[derive(Clone, Default)]
pub struct ScriptedTransport {
    script: Arc<Mutex<Script>>,
}

impl ScriptedTransport {
    /// An empty script: every request fails until responses are pushed.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues the answer to the next unanswered request.
    pub fn push(&self, response: ScriptedResponse) -> &Self {
        self.lock().queue.push_back(response);
        self
    }

    /// Answers with `responder` once the queue is empty.
    pub fn fallback(
        &self,
        responder: impl Fn(&RecordedRequest) -> ScriptedResponse + Send + Sync + 'static,
    ) -> &Self {
        self.lock().fallback = Some(Arc::new(responder));
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().recorded.clone()
    }

    /// How many scripted responses are still queued.
    pub fn remaining(&self) -> usize {
        self.lock().queue.len()
    }
}

impl fmt::Debug for ScriptedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let script = self.lock();
        f.debug_struct("ScriptedTransport")
            .field("queued", &script.queue.len())
            .field("recorded", &script.recorded.len())
            .finish()
    }
}

impl Transport for ScriptedTransport {
    fn send(
        &self,
        request: AttemptRequest,
    ) -> BoxFuture<'static, Result<AttemptResponse, TransportError>> {
        let recorded = RecordedRequest {
            at: tokio::time::Instant::now(),
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
        };
        let answer = {
            let mut script = self.lock();
            let answer = match script.queue.pop_front() {
                Some(answer) => Some(answer),
                None => script.fallback.clone().map(|responder| responder(&recorded)),
            };
            script.recorded.push(recorded);
            answer
        };
        Box::pin(async move {
            let Some(answer) = answer else {
                return Err(TransportError::new(
                    TransportErrorKind::Io,
                    "scripted transport: no response left in the script",
                ));
            };
            if !answer.delay.is_zero() {
                tokio::time::sleep(answer.delay).await;
            }
            match answer.outcome {
                Ok((status, headers, body)) => Ok(AttemptResponse::new(status, headers, body)),
                Err(kind) => Err(TransportError::new(kind, "scripted transport: scripted failure")),
            }
        })
    }
}
