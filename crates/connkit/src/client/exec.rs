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
use crate::retry::{Attempted, RetryAction, RetryBudget, Stop, classify};
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

/// The attempt loop, one phase per step: wait for the rate limits ([`CallState::acquire`]),
/// authorize ([`CallState::authorize`]), exchange ([`CallState::exchange`]), read the answer
/// ([`CallState::answered`]: success, a redirect or the 401 replay to follow, or a failure),
/// and back off before the next attempt or stop ([`CallState::back_off`]).
async fn attempts(
    client: &HttpClient,
    call: &Prepared<'_>,
    read_body: bool,
    deadline: Option<Instant>,
    call_span: tracing::Span,
) -> Result<Success, Error> {
    let mut state = CallState::new(client, call, deadline);
    // Built on the first failure: most calls never need it (and it is not `Sync`, so it stays
    // out of the state the phases borrow across awaits).
    let mut budget: Option<RetryBudget> = None;
    let mut summary = CallSummary { span: call_span, attempts: 0, status: None };
    loop {
        summary.attempts += 1;
        let waited = state.acquire().await?;
        let (request, used) = state.authorize(read_body).await?;
        let attempt_span = tracing::debug_span!(
            "connkit.attempt",
            attempt = summary.attempts,
            wait_ms = waited.as_millis() as u64,
            status = tracing::field::Empty,
        );
        let (action, outcome) = match state.exchange(request, read_body, &attempt_span).await {
            Outcome::Answered { status, headers, body } => {
                attempt_span.record("status", status.as_u16());
                summary.status = Some(status.as_u16());
                match state.answered(status, headers, body, used).await {
                    Next::Again => continue,
                    Next::Done(success) => return Ok(success),
                    Next::Failed(action, outcome) => (action, outcome),
                }
            }
            Outcome::Failed(err) => state.transport_failed(err, &attempt_span),
        };
        state.back_off(&mut budget, action, outcome, &attempt_span).await?;
    }
}

/// What the loop does after an answer.
enum Next {
    /// Send again at once: a 401 replayed with fresh credentials, or a redirect followed.
    Again,
    /// The call succeeded.
    Done(Success),
    /// The attempt failed: back off and retry, or stop.
    Failed(RetryAction, Outcome),
}

/// One call across its attempts: what a redirect or the 401 replay changes (method, URL,
/// body).
struct CallState<'c, 'a> {
    client: &'c HttpClient,
    call: &'c Prepared<'a>,
    deadline: Option<Instant>,
    started: Instant,
    method: Method,
    url: Url,
    body: Option<Bytes>,
    replayed_after_401: bool,
    redirects: u32,
}

impl<'c, 'a> CallState<'c, 'a> {
    fn new(client: &'c HttpClient, call: &'c Prepared<'a>, deadline: Option<Instant>) -> Self {
        Self {
            client,
            call,
            deadline,
            started: Instant::now(),
            method: call.operation.method().clone(),
            url: call.url.clone(),
            body: call.body.clone(),
            replayed_after_401: false,
            redirects: 0,
        }
    }

    /// Waits for the rate limits that apply; returns the time waited.
    async fn acquire(&self) -> Result<Duration, Error> {
        let (client, call) = (self.client, self.call);
        let Some(wait) = client.inner.limits.acquire(call.operation.id(), call.host, self.deadline)
        else {
            return Ok(Duration::ZERO);
        };
        wait.await.map_err(|err| match err {
            LimitError::PastDeadline => call_error(
                client,
                call,
                &self.url,
                ErrorKind::RateLimited,
                "the client-side quota would wait past the call's deadline",
            ),
            LimitError::Shared(message) => Error::new(ErrorKind::Transport, message).with_request(
                Some(call.operation.id().to_owned().into()),
                self.method.clone(),
                client.redact_url(&self.url),
            ),
        })
    }

    /// The attempt's request with its credentials (only for a trusted URL); also returns
    /// the credentials used, which a 401 may refresh.
    async fn authorize(
        &self,
        read_body: bool,
    ) -> Result<(AttemptRequest, Option<crate::auth::Authorized>), Error> {
        let mut request = AttemptRequest {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.call.headers.clone(),
            body: self.body.clone(),
            streaming: !read_body,
        };
        let inner = &self.client.inner;
        let used = match &inner.auth {
            Some(auth) if self.client.is_trusted(&self.url) => Some(
                auth.authorize(&mut request, &inner.auth_context)
                    .await
                    .map_err(|e| enrich(e, self.client, self.call, &self.method, &self.url))?,
            ),
            _ => None,
        };
        Ok((request, used))
    }

    /// Sends the request under the attempt's timeout (the shorter of the attempt timeout
    /// and what is left of the call's).
    async fn exchange(
        &self,
        request: AttemptRequest,
        read_body: bool,
        attempt_span: &tracing::Span,
    ) -> Outcome {
        let deadline = self.deadline;
        let timeout = match (self.client.inner.attempt_timeout, deadline) {
            (Some(t), Some(d)) => Some(t.min(d.saturating_duration_since(Instant::now()))),
            (t, Some(d)) => t.or(Some(d.saturating_duration_since(Instant::now()))),
            (t, None) => t,
        };
        // The request moves into the transport's (boxed) future now, so the attempt future
        // stays small.
        let exchange = one_attempt(self.client.inner.transport.send(request), read_body);
        match timeout {
            Some(limit) => tokio::time::timeout(limit, exchange)
                .instrument(attempt_span.clone())
                .await
                .unwrap_or_else(|elapsed| {
                    Outcome::Failed(TransportError::new(TransportErrorKind::Timeout, elapsed))
                }),
            None => exchange.instrument(attempt_span.clone()).await,
        }
    }

    /// Reads an answer: tells the rate limits what it said, then follows a 401 replay or a
    /// redirect, returns a success, or classifies the failure.
    async fn answered(
        &mut self,
        status: StatusCode,
        headers: HeaderMap,
        body: Body,
        used: Option<crate::auth::Authorized>,
    ) -> Next {
        let inner = &self.client.inner;
        let op = self.call.operation.id();
        if let Some(tell_others) = inner.limits.observe(op, self.call.host, status, &headers) {
            tell_others.await;
        }
        if status == StatusCode::UNAUTHORIZED
            && !self.replayed_after_401
            && let (Some(auth), Some(used)) = (&inner.auth, used)
            && auth.unauthorized(used)
        {
            tracing::debug!("401: refreshing credentials and replaying once");
            self.replayed_after_401 = true;
            return Next::Again;
        }
        if status.is_redirection()
            && self.redirects < inner.max_redirects
            && let Some(next) = redirect_target(&self.url, &headers)
        {
            self.redirects += 1;
            if status == StatusCode::SEE_OTHER
                || (matches!(status.as_u16(), 301 | 302) && self.method == Method::POST)
            {
                self.method = Method::GET;
                self.body = None;
            }
            self.url = next;
            return Next::Again;
        }
        if status.is_success() || status.is_redirection() {
            return Next::Done(Success { status, headers, url: self.url.clone(), body });
        }
        let action = classify(
            &self.method,
            self.call.has_idempotency_key,
            Attempted::Response { status, headers: &headers },
            SystemTime::now(),
        );
        Next::Failed(action, Outcome::Answered { status, headers, body })
    }

    /// Classifies a failed exchange (no answer).
    fn transport_failed(
        &self,
        err: TransportError,
        attempt_span: &tracing::Span,
    ) -> (RetryAction, Outcome) {
        tracing::debug!(parent: attempt_span, error = %err, "attempt failed");
        let action = classify(
            &self.method,
            self.call.has_idempotency_key,
            Attempted::Transport(err.kind()),
            SystemTime::now(),
        );
        (action, Outcome::Failed(err))
    }

    /// Sleeps before the next attempt, or ends the call with the last failure when the retry
    /// budget is spent, the failure is not retryable, or the wait would pass the deadline.
    async fn back_off(
        &self,
        budget: &mut Option<RetryBudget>,
        action: RetryAction,
        outcome: Outcome,
        attempt_span: &tracing::Span,
    ) -> Result<(), Error> {
        let wait = budget
            .get_or_insert_with(|| RetryBudget::new(&self.client.inner.retry))
            .next_wait(action, self.started.elapsed());
        let wait = match wait {
            Ok(wait) if self.deadline.is_some_and(|d| Instant::now() + wait > d) => {
                Err(Stop::TooLong)
            }
            other => other,
        };
        match wait {
            Ok(wait) => {
                tracing::debug!(parent: attempt_span, wait_ms = wait.as_millis() as u64, "retrying");
                tokio::time::sleep(wait).await;
                Ok(())
            }
            Err(stop) => {
                Err(final_error(self.client, self.call, &self.method, &self.url, outcome, stop)
                    .await)
            }
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
