//! [`Transport`]: how one attempt reaches the network. The client's default is
//! [`ReqwestTransport`]; the `testing` feature adds a scripted one.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures::future::{BoxFuture, Either};
use futures::stream::{BoxStream, StreamExt};
use http::{HeaderMap, Method, StatusCode};
use url::Url;

/// One attempt as handed to a [`Transport`]: credentials are already applied.
///
/// Its `Debug` output redacts credential query parameters, prints sensitive headers as
/// `Sensitive`, and shows only the body's length.
#[derive(Clone)]
#[non_exhaustive]
pub struct AttemptRequest {
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL, query included.
    pub url: Url,
    /// Every header to send (default headers, user agent, auth, idempotency key, ...).
    pub headers: HeaderMap,
    /// The body, if any (cheap to clone, so every attempt can replay it).
    pub body: Option<Bytes>,
    /// True when the caller reads the response body as a stream (a download); otherwise it
    /// reads it whole, and a transport may hand it over already buffered.
    pub streaming: bool,
}

impl AttemptRequest {
    /// A request without headers or body.
    pub fn new(method: Method, url: Url) -> Self {
        Self { method, url, headers: HeaderMap::new(), body: None, streaming: false }
    }
}

impl fmt::Debug for AttemptRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptRequest")
            .field("method", &self.method)
            .field("url", &super::url::redact(&self.url, &[]))
            .field("headers", &self.headers)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("streaming", &self.streaming)
            .finish()
    }
}

/// What a [`Transport`] returns for one attempt: status and headers, with the body unread.
#[non_exhaustive]
pub struct AttemptResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, read by the client when it needs it.
    pub body: ResponseBody,
}

impl AttemptResponse {
    /// A response with a fully buffered body.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Self { status, headers, body: ResponseBody::from_bytes(body) }
    }

    /// A response whose body is streamed.
    pub fn streaming(status: StatusCode, headers: HeaderMap, body: ResponseBody) -> Self {
        Self { status, headers, body }
    }
}

impl fmt::Debug for AttemptResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptResponse").field("status", &self.status).finish_non_exhaustive()
    }
}

/// The future of [`ResponseBody::bytes`]: ready at once for a buffered body, boxed otherwise
/// (so the futures that read bodies stay small).
pub type ReadBody = Either<
    std::future::Ready<Result<Bytes, TransportError>>,
    BoxFuture<'static, Result<Bytes, TransportError>>,
>;

/// A response body that is read at most once, buffered or as a stream of chunks.
pub struct ResponseBody(BodyRepr);

enum BodyRepr {
    Full(Bytes),
    Reqwest(reqwest::Response),
    Stream(BoxStream<'static, Result<Bytes, TransportError>>),
}

impl ResponseBody {
    /// A body that is already in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self(BodyRepr::Full(bytes.into()))
    }

    /// A body delivered as a stream of chunks.
    pub fn from_stream(stream: BoxStream<'static, Result<Bytes, TransportError>>) -> Self {
        Self(BodyRepr::Stream(stream))
    }

    /// Reads the whole body (at once when it is already in memory).
    pub fn bytes(self) -> ReadBody {
        match self.0 {
            BodyRepr::Full(bytes) => Either::Left(std::future::ready(Ok(bytes))),
            BodyRepr::Reqwest(response) => Either::Right(Box::pin(async move {
                response.bytes().await.map_err(TransportError::from)
            })),
            BodyRepr::Stream(mut stream) => Either::Right(Box::pin(async move {
                let mut buf = bytes::BytesMut::new();
                while let Some(chunk) = stream.next().await {
                    buf.extend_from_slice(&chunk?);
                }
                Ok(buf.freeze())
            })),
        }
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes, TransportError>> {
        match self.0 {
            BodyRepr::Full(bytes) => futures::stream::once(async move { Ok(bytes) }).boxed(),
            BodyRepr::Reqwest(response) => {
                response.bytes_stream().map(|r| r.map_err(TransportError::from)).boxed()
            }
            BodyRepr::Stream(stream) => stream,
        }
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseBody")
    }
}

/// Why an attempt failed before a response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made: nothing was sent, so any request may be retried.
    Connect,
    /// The attempt ran out of time.
    Timeout,
    /// The connection failed after the request may have been sent (reset, broken body, TLS).
    Io,
}

/// A failed attempt that produced no response.
pub struct TransportError {
    kind: TransportErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    /// A failure of `kind` caused by `source`.
    pub fn new(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self { kind, source: source.into() }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    pub(crate) fn into_source(self) -> Box<dyn std::error::Error + Send + Sync> {
        self.source
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(err: reqwest::Error) -> Self {
        // A connect timeout is both: nothing was sent, which is what retrying cares about.
        let kind = if err.is_connect() {
            TransportErrorKind::Connect
        } else if err.is_timeout() {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::Io
        };
        // reqwest errors carry the URL, which may hold a credential in its query.
        Self::new(kind, err.without_url())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection failed",
        };
        write!(f, "{what}: {}", self.source)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Sends one attempt. Implement it to put another HTTP stack (or a test double) under the
/// client; retries, auth, rate limits and timeouts stay in the client.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the response head with its body unread.
    fn send(
        &self,
        request: AttemptRequest,
    ) -> BoxFuture<'static, Result<AttemptResponse, TransportError>>;
}

/// The default [`Transport`]: reqwest with rustls, automatic redirects off (the client follows
/// redirects itself, so it can keep credentials on their origin).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport over an existing reqwest client. Disable its redirects
    /// (`redirect::Policy::none()`) so credentials never follow a redirect to another origin.
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }

    /// A reqwest client configured for connkit: no automatic redirects, the given connect
    /// timeout, rustls.
    pub(crate) fn with_connect_timeout(
        connect_timeout: Option<Duration>,
    ) -> Result<Self, reqwest::Error> {
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if let Some(timeout) = connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        Ok(Self { client: builder.build()? })
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: AttemptRequest,
    ) -> BoxFuture<'static, Result<AttemptResponse, TransportError>> {
        let AttemptRequest { method, url, headers, body, streaming } = request;
        let mut builder = self.client.request(method, url).headers(headers);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        Box::pin(async move {
            let mut response = builder.send().await?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body = if streaming {
                ResponseBody(BodyRepr::Reqwest(response))
            } else {
                ResponseBody::from_bytes(response.bytes().await?)
            };
            Ok(AttemptResponse { status, headers, body })
        })
    }
}
