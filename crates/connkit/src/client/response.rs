//! [`Response`] and [`ApiResponse`]: a successful answer with its headers, and a decoded body
//! that keeps them.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{Error, ErrorKind};

/// Response headers that carry the API's request id, in the order they are looked up.
pub const REQUEST_ID_HEADERS: &[&str] = &[
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-request-id",
    "request-id",
    "x-ms-request-id",
    "x-correlation-id",
    "x-amzn-trace-id",
    "cf-ray",
];

/// The API's request id from `headers` (`x-amzn-RequestId`, `x-request-id`, `request-id`, ...).
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn etag(headers: &HeaderMap) -> Option<&str> {
    headers.get(http::header::ETAG).and_then(|v| v.to_str().ok())
}

/// A successful (2xx) response with its body in memory.
#[derive(Debug, Clone)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    url: Url,
    body: Bytes,
}

impl Response {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, url: Url, body: Bytes) -> Self {
        Self { status, headers, url, body }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `ETag` header, if any.
    pub fn etag(&self) -> Option<&str> {
        etag(&self.headers)
    }

    /// The API's request id, if it sent one (see [`REQUEST_ID_HEADERS`]).
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    /// The URL that answered (after redirects). It may contain credentials in its query when
    /// the API takes its key there; do not log it.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The raw body.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// Splits the response into status, headers, URL and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, Url, Bytes) {
        (self.status, self.headers, self.url, self.body)
    }

    /// Takes the raw body.
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Decodes the JSON body into `T`. On failure the error is [`ErrorKind::Decode`] with the
    /// JSON path that failed (`payload.Orders[3].OrderStatus`), the response's headers and
    /// its raw body ([`Error::headers`], [`Error::body`]).
    pub fn json<T: DeserializeOwned>(&self) -> Result<ApiResponse<T>, Error> {
        let value = decode_json(&self.body).map_err(|e| self.undecoded(e))?;
        Ok(ApiResponse { value, status: self.status, headers: self.headers.clone() })
    }

    /// Like [`Response::json`] but consumes the response (no header copy).
    pub fn into_json<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let value = decode_json(&self.body).map_err(|e| self.undecoded(e))?;
        Ok(ApiResponse { value, status: self.status, headers: self.headers })
    }

    /// Like [`Response::into_json`], for operations that document a success without content
    /// (`204 No Content` beside a `200` with a body): `None` when the body is empty, only
    /// whitespace or `null`, else the decoded `T`.
    pub fn into_json_opt<T: DeserializeOwned>(self) -> Result<ApiResponse<Option<T>>, Error> {
        let value = if self.body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            decode_json::<Option<T>>(&self.body).map_err(|e| self.undecoded(e))?
        };
        Ok(ApiResponse { value, status: self.status, headers: self.headers })
    }

    /// The response as an [`ApiResponse`] of `f(body)`, with its status and headers.
    pub fn into_value<T>(self, f: impl FnOnce(Bytes) -> T) -> ApiResponse<T> {
        ApiResponse { value: f(self.body), status: self.status, headers: self.headers }
    }

    /// A decode error of this response's body, carrying its headers and the raw body.
    fn undecoded(&self, error: Error) -> Error {
        error.with_undecoded_answer(self.headers.clone(), self.body.clone())
    }
}

/// Decodes JSON `body` into `T`, reporting the failing path.
///
/// The body is decoded once at full speed; only when that fails is it decoded again with
/// path tracking (`serde_path_to_error`) to name the failing path in the error.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(first) => Err(decode_error::<T>(body, first)),
    }
}

#[cold]
fn decode_error<T: DeserializeOwned>(body: &[u8], first: serde_json::Error) -> Error {
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            Error::decode(format!("response body does not decode: {inner}"), path)
                .with_source(inner)
        }
        // The value decoded but the document goes on: trailing data.
        Ok(_) => {
            Error::decode(format!("response body does not decode: {first}"), "").with_source(first)
        }
    }
}

/// A decoded body with the status and headers of its response.
///
/// It dereferences to the body (`typed.field`), and exposes [`ApiResponse::etag`],
/// [`ApiResponse::request_id`] and [`ApiResponse::headers`].
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ApiResponse<T> {
    /// Wraps an already decoded value with its response metadata.
    pub fn new(value: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self { value, status, headers }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `ETag` header, if any.
    pub fn etag(&self) -> Option<&str> {
        etag(&self.headers)
    }

    /// The API's request id, if it sent one.
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse { value: f(self.value), status: self.status, headers: self.headers }
    }
}

impl<T> Deref for ApiResponse<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for ApiResponse<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// A successful response whose body is streamed (downloads).
pub struct StreamingResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: super::transport::ResponseBody,
}

impl StreamingResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The API's request id, if it sent one.
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    /// The body as a stream of chunks; a broken connection is an [`ErrorKind::Transport`] item.
    pub fn bytes_stream(self) -> BoxStream<'static, Result<Bytes, Error>> {
        self.body
            .into_stream()
            .map(|chunk| {
                chunk.map_err(|e| {
                    Error::new(ErrorKind::Transport, "response body broke off").with_source(e)
                })
            })
            .boxed()
    }
}

impl std::fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingResponse").field("status", &self.status).finish_non_exhaustive()
    }
}
