//! The call loop: rate limits, auth, one attempt, learning, redirects, the 401 replay and
//! retries, under one `connkit.call` span with one `connkit.attempt` span per attempt.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use super::http_client::HttpClient;
use super::operation::Operation;
use super::response::{Response, StreamingResponse, request_id};
use super::transport::{
    AttemptRequest, AttemptResponse, ResponseBody, TransportError, TransportErrorKind,
};
use crate::error::{Error, ErrorKind};
use crate::ratelimit::LimitError;
use crate::retry::{Attempted, RetryBudget, Stop, classify};
use futures::future::BoxFuture;

/// A call ready to be attempted (cloneable, so pagination can derive the next page's call).
#[derive(Clone)]
pub(crate) struct Prepared<'a> {
    pub(crate) operation: &'a Operation,
    pub(crate) host: &'a str,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) has_idempotency_key: bool,
    /// The header holding a key the client generated (a fresh one per page of a stream).
    pub(crate) generated_key_header: Option<http::HeaderName>,
    pub(crate) timeout: Option<Duration>,
}

/// A successful exchange, body read or not.
struct Success {
    status: StatusCode,
    headers: HeaderMap,
    url: Url,
    body: Body,
}

enum Body {
    Read(Bytes),
    Unread(ResponseBody),
}

/// Sends a call and reads the whole body.
pub(crate) async fn send_buffered(
    client: &HttpClient,
    call: &Prepared<'_>,
) -> Result<Response, Error> {
    let success = run(client, call, true).await?;
    match success.body {
        Body::Read(body) => Ok(Response::new(success.status, success.headers, success.url, body)),
        Body::Unread(_) => Err(Error::new(ErrorKind::Transport, "the response body was not read")),
    }
}

/// Sends a call and returns the body unread.
pub(crate) async fn send_streaming(
    client: &HttpClient,
    call: &Prepared<'_>,
) -> Result<StreamingResponse, Error> {
    let success = run(client, call, false).await?;
    let body = match success.body {
        Body::Read(bytes) => ResponseBody::from_bytes(bytes),
        Body::Unread(body) => body,
    };
    Ok(StreamingResponse { status: success.status, headers: success.headers, body })
}

async fn run(client: &HttpClient, call: &Prepared<'_>, read_body: bool) -> Result<Success, Error> {
    let span = tracing::info_span!(
        "connkit.call",
        operation = call.operation.id(),
        method = %call.operation.method(),
        path = call.operation.path(),
        host = call.host,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
    );
    let deadline = call.timeout.map(|t| Instant::now() + t);
    // Boxed: the attempt loop is the large part of the call's state; callers then move a pointer.
    let work = Box::pin(attempts(client, call, read_body, deadline, span.clone()).instrument(span));
    match deadline {
        Some(deadline) => match tokio::time::timeout_at(deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(call_error(
                client,
                call,
                &call.url,
                ErrorKind::Timeout,
                "the call ran out of time",
            )),
        },
        None => work.await,
    }
}

fn call_error(
    client: &HttpClient,
    call: &Prepared<'_>,
    url: &Url,
    kind: ErrorKind,
    message: &'static str,
) -> Error {
    Error::new(kind, message).with_request(
        Some(call.operation.id().to_owned().into()),
        call.operation.method().clone(),
        client.redact_url(url),
    )
}

/// What one attempt produced (short-lived, so the size difference of the variants is moot).
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Answered { status: StatusCode, headers: HeaderMap, body: Body },
    Failed(TransportError),
}

async fn attempts(
    client: &HttpClient,
    call: &Prepared<'_>,
    read_body: bool,
    deadline: Option<Instant>,
    call_span: tracing::Span,
) -> Result<Success, Error> {
    let inner = &client.inner;
    let started = Instant::now();
    // Built on the first failure: most calls never need it.
    let mut budget: Option<RetryBudget> = None;
    let mut method = call.operation.method().clone();
    let mut url = call.url.clone();
    let mut body = call.body.clone();
    let mut replayed_after_401 = false;
    let mut redirects = 0;
    let mut attempt: u32 = 0;
    let mut summary = CallSummary { span: call_span, attempts: 0, status: None };
    let op = call.operation.id();
    loop {
        attempt += 1;
        summary.attempts = attempt;
        let waited = match inner.limits.acquire(op, call.host, deadline) {
            None => Duration::ZERO,
            Some(wait) => wait.await.map_err(|err| match err {
                LimitError::PastDeadline => call_error(
                    client,
                    call,
                    &url,
                    ErrorKind::RateLimited,
                    "the client-side quota would wait past the call's deadline",
                ),
                LimitError::Shared(message) => Error::new(ErrorKind::Transport, message)
                    .with_request(
                        Some(op.to_owned().into()),
                        method.clone(),
                        client.redact_url(&url),
                    ),
            })?,
        };
        let mut request = AttemptRequest {
            method: method.clone(),
            url: url.clone(),
            headers: call.headers.clone(),
            body: body.clone(),
            streaming: !read_body,
        };
        let used = match &inner.auth {
            Some(auth) if client.is_trusted(&url) => Some(
                auth.authorize(&mut request, &inner.auth_context)
                    .await
                    .map_err(|e| enrich(e, client, call, &method, &url))?,
            ),
            _ => None,
        };
        let attempt_span = tracing::debug_span!(
            "connkit.attempt",
            attempt,
            wait_ms = waited.as_millis() as u64,
            status = tracing::field::Empty,
        );
        let timeout = match (inner.attempt_timeout, deadline) {
            (Some(t), Some(d)) => Some(t.min(d.saturating_duration_since(Instant::now()))),
            (t, Some(d)) => t.or(Some(d.saturating_duration_since(Instant::now()))),
            (t, None) => t,
        };
        // The request moves into the transport's (boxed) future now, so the attempt future
        // stays small.
        let exchange = one_attempt(client.inner.transport.send(request), read_body);
        let outcome = match timeout {
            Some(limit) => tokio::time::timeout(limit, exchange)
                .instrument(attempt_span.clone())
                .await
                .unwrap_or_else(|elapsed| {
                    Outcome::Failed(TransportError::new(TransportErrorKind::Timeout, elapsed))
                }),
            None => exchange.instrument(attempt_span.clone()).await,
        };

        let (action, outcome) = match outcome {
            Outcome::Answered { status, headers, body: response_body } => {
                attempt_span.record("status", status.as_u16());
                summary.status = Some(status.as_u16());
                if let Some(tell_others) = inner.limits.observe(op, call.host, status, &headers) {
                    tell_others.await;
                }
                if status == StatusCode::UNAUTHORIZED
                    && !replayed_after_401
                    && let (Some(auth), Some(used)) = (&inner.auth, used)
                    && auth.unauthorized(used)
                {
                    tracing::debug!("401: refreshing credentials and replaying once");
                    replayed_after_401 = true;
                    continue;
                }
                if status.is_redirection()
                    && redirects < inner.max_redirects
                    && let Some(next) = redirect_target(&url, &headers)
                {
                    redirects += 1;
                    if status == StatusCode::SEE_OTHER
                        || (matches!(status.as_u16(), 301 | 302) && method == Method::POST)
                    {
                        method = Method::GET;
                        body = None;
                    }
                    url = next;
                    continue;
                }
                if status.is_success() || status.is_redirection() {
                    return Ok(Success { status, headers, url, body: response_body });
                }
                let action = classify(
                    &method,
                    call.has_idempotency_key,
                    Attempted::Response { status, headers: &headers },
                    SystemTime::now(),
                );
                (action, Outcome::Answered { status, headers, body: response_body })
            }
            Outcome::Failed(err) => {
                tracing::debug!(parent: &attempt_span, error = %err, "attempt failed");
                let action = classify(
                    &method,
                    call.has_idempotency_key,
                    Attempted::Transport(err.kind()),
                    SystemTime::now(),
                );
                (action, Outcome::Failed(err))
            }
        };
        let wait = budget
            .get_or_insert_with(|| RetryBudget::new(&inner.retry))
            .next_wait(action, started.elapsed());
        let wait = match wait {
            Ok(wait) if deadline.is_some_and(|d| Instant::now() + wait > d) => Err(Stop::TooLong),
            other => other,
        };
        match wait {
            Ok(wait) => {
                tracing::debug!(parent: &attempt_span, wait_ms = wait.as_millis() as u64, "retrying");
                tokio::time::sleep(wait).await;
            }
            Err(stop) => return Err(final_error(client, call, &method, &url, outcome, stop).await),
        }
    }
}

/// Records the call's attempts and last status on its span once, when the attempt loop ends
/// (also when the call's deadline cancels it): a field recorded on every attempt would be
/// printed once per record by span formatters (`attempts=1 status=500 attempts=2 ...`).
struct CallSummary {
    span: tracing::Span,
    attempts: u32,
    status: Option<u16>,
}

impl Drop for CallSummary {
    fn drop(&mut self) {
        self.span.record("attempts", self.attempts);
        if let Some(status) = self.status {
            self.span.record("status", status);
        }
    }
}

async fn one_attempt(
    sending: BoxFuture<'static, Result<AttemptResponse, TransportError>>,
    read_body: bool,
) -> Outcome {
    let response = match sending.await {
        Ok(response) => response,
        Err(err) => return Outcome::Failed(err),
    };
    let body = if read_body || !response.status.is_success() {
        match response.body.bytes().await {
            Ok(bytes) => Body::Read(bytes),
            Err(err) => return Outcome::Failed(err),
        }
    } else {
        Body::Unread(response.body)
    };
    Outcome::Answered { status: response.status, headers: response.headers, body }
}

fn redirect_target(current: &Url, headers: &HeaderMap) -> Option<Url> {
    let location = headers.get(http::header::LOCATION)?.to_str().ok()?;
    let next = current.join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

fn enrich(
    err: Error,
    client: &HttpClient,
    call: &Prepared<'_>,
    method: &Method,
    url: &Url,
) -> Error {
    if err.method().is_some() {
        return err;
    }
    err.with_request(
        Some(call.operation.id().to_owned().into()),
        method.clone(),
        client.redact_url(url),
    )
}

async fn final_error(
    client: &HttpClient,
    call: &Prepared<'_>,
    method: &Method,
    url: &Url,
    outcome: Outcome,
    stop: Stop,
) -> Error {
    let op = Some(call.operation.id().to_owned().into());
    let redacted = client.redact_url(url);
    match outcome {
        Outcome::Answered { status, headers, body } => {
            let body = match body {
                Body::Read(bytes) => bytes,
                Body::Unread(body) => body.bytes().await.unwrap_or_default(),
            };
            let kind = match status {
                StatusCode::UNAUTHORIZED => ErrorKind::Auth,
                StatusCode::TOO_MANY_REQUESTS => ErrorKind::RateLimited,
                _ => ErrorKind::Status,
            };
            let message = match stop {
                Stop::NotRetryable => "the API answered with an error",
                Stop::Exhausted => "the API kept failing after every allowed retry",
                Stop::TooLong => "the API asked to wait longer than allowed",
            };
            let request_id = request_id(&headers);
            Error::new(kind, message)
                .with_request(op, method.clone(), redacted)
                .with_api_response(status, headers, request_id, body)
        }
        Outcome::Failed(err) => {
            let kind = match err.kind() {
                TransportErrorKind::Timeout => ErrorKind::Timeout,
                _ => ErrorKind::Transport,
            };
            let message = match err.kind() {
                TransportErrorKind::Timeout => "the request timed out",
                TransportErrorKind::Connect => "could not connect",
                _ => "the connection failed",
            };
            Error::new(kind, message)
                .with_request(op, method.clone(), redacted)
                .with_source(err.into_source())
        }
    }
}
