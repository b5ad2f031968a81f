//! The one error type of the runtime.
//!
//! [`Error`] is opaque (one pointer wide) and answers questions: [`Error::kind`],
//! [`Error::status`], [`Error::request_id`], [`Error::body`], [`Error::api_error`],
//! [`Error::json_path`], [`Error::missing_settings`]. Its type parameter `E` is the typed error
//! body of an operation (a generated connector uses one type per operation, decoded per
//! status); it defaults to [`serde_json::Value`], which any JSON error body decodes into.
//!
//! No secret ever appears in an error: settings errors name variables, never values; URLs are
//! stored with credential query parameters redacted by the client before the error is built.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;

/// A `Result` whose error is the runtime's [`Error`].
pub type Result<T, E = serde_json::Value> = std::result::Result<T, Error<E>>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The environment is incomplete or invalid; see [`Error::settings_issues`].
    Settings,
    /// Credentials were refused, or a token could not be obtained or refreshed.
    Auth,
    /// The API answered with a non-success status; see [`Error::status`] and [`Error::body`].
    Status,
    /// The API kept answering 429 after every allowed retry, or the client-side quota would
    /// wait longer than the call's time budget.
    RateLimited,
    /// The request or the whole call (all attempts) ran out of time.
    Timeout,
    /// The connection failed (DNS, connect, reset, TLS, a body that could not be read).
    Transport,
    /// A body did not decode into the expected type; see [`Error::json_path`].
    Decode,
    /// The request could not be built: an invalid URL, header value, parameter or body, or a
    /// next-page URL on another origin.
    Request,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Settings => "settings",
            Self::Auth => "auth",
            Self::Status => "HTTP status",
            Self::RateLimited => "rate limited",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::Decode => "decode",
            Self::Request => "request",
        })
    }
}

/// One problem with one environment variable, named in full (`AMAZON_CLIENT_ID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingIssue {
    /// The full variable name, prefix included.
    pub variable: String,
    /// What is wrong with it: `missing`, or why the value is invalid (never the value itself).
    pub problem: SettingProblem,
}

/// Why a setting is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingProblem {
    /// The variable is required and not set (or set to an empty string).
    Missing,
    /// The variable is set but its value does not parse; the text says what was expected.
    Invalid(String),
}

impl fmt::Display for SettingIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            SettingProblem::Missing => write!(f, "{} is missing", self.variable),
            SettingProblem::Invalid(why) => write!(f, "{} is invalid: {why}", self.variable),
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The runtime's error: see the [module documentation](self).
pub struct Error<E = serde_json::Value> {
    inner: Box<Inner<E>>,
}

struct Inner<E> {
    kind: ErrorKind,
    message: Cow<'static, str>,
    operation: Option<Cow<'static, str>>,
    method: Option<http::Method>,
    url: Option<String>,
    status: Option<StatusCode>,
    request_id: Option<String>,
    headers: Option<http::HeaderMap>,
    body: Option<Bytes>,
    api_error: Option<E>,
    /// The status and body are the operation's own answer (so its typed error body applies),
    /// not, say, a token endpoint's.
    api_answer: bool,
    json_path: Option<String>,
    settings: Vec<SettingIssue>,
    source: Option<BoxError>,
}

impl<E> Error<E> {
    /// A new error of `kind` with a human-readable message (which must not contain secrets).
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                operation: None,
                method: None,
                url: None,
                status: None,
                request_id: None,
                headers: None,
                body: None,
                api_error: None,
                api_answer: false,
                json_path: None,
                settings: Vec::new(),
                source: None,
            }),
        }
    }

    /// A settings error listing every missing or invalid variable.
    pub fn settings(issues: Vec<SettingIssue>) -> Self {
        let mut err = Self::new(ErrorKind::Settings, "invalid settings");
        err.inner.settings = issues;
        err
    }

    /// A decode error: `path` is the JSON path that failed (`payload.Orders[3].OrderStatus`).
    pub fn decode(message: impl Into<Cow<'static, str>>, path: impl Into<String>) -> Self {
        let mut err = Self::new(ErrorKind::Decode, message);
        let path = path.into();
        err.inner.json_path = (!path.is_empty() && path != ".").then_some(path);
        err
    }

    /// Attaches the underlying cause.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Records which operation (its id) and request (method and a URL without secrets) failed.
    #[must_use]
    pub fn with_request(
        mut self,
        operation: Option<Cow<'static, str>>,
        method: http::Method,
        url_without_secrets: impl Into<String>,
    ) -> Self {
        self.inner.operation = operation;
        self.inner.method = Some(method);
        self.inner.url = Some(url_without_secrets.into());
        self
    }

    /// Records the response that failed: status, headers, request id and the raw body.
    #[must_use]
    pub fn with_response(
        mut self,
        status: StatusCode,
        headers: http::HeaderMap,
        request_id: Option<String>,
        body: Bytes,
    ) -> Self {
        self.inner.status = Some(status);
        self.inner.headers = Some(headers);
        self.inner.request_id = request_id;
        self.inner.body = Some(body);
        self
    }

    /// Records the headers and raw body of a success whose body did not decode (the status
    /// stays unset: the answer was not an error status), so the caller can see the request
    /// id and what was received.
    #[must_use]
    pub(crate) fn with_undecoded_answer(mut self, headers: http::HeaderMap, body: Bytes) -> Self {
        self.inner.request_id = crate::client::request_id(&headers);
        self.inner.headers = Some(headers);
        self.inner.body = Some(body);
        self
    }

    /// Records the operation's own error answer: like [`Error::with_response`], and the typed
    /// error body is decoded from it whatever the kind (a 401 or a 429 carries the API's error
    /// body too).
    #[must_use]
    pub fn with_api_response(
        mut self,
        status: StatusCode,
        headers: http::HeaderMap,
        request_id: Option<String>,
        body: Bytes,
    ) -> Self {
        self.inner.api_answer = true;
        self.with_response(status, headers, request_id, body)
    }

    /// Records the JSON path that failed to decode.
    #[must_use]
    pub fn with_json_path(mut self, path: impl Into<String>) -> Self {
        self.inner.json_path = Some(path.into());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The API's request id (`x-amzn-RequestId`, `x-request-id`, ...), when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The response headers, when the API answered.
    pub fn headers(&self) -> Option<&http::HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The raw response body, when the API answered.
    pub fn body(&self) -> Option<&Bytes> {
        self.inner.body.as_ref()
    }

    /// The response body as text (lossy), when the API answered.
    pub fn body_text(&self) -> Option<Cow<'_, str>> {
        self.inner.body.as_ref().map(|b| String::from_utf8_lossy(b))
    }

    /// The typed error body of the operation, when the status is documented and the body
    /// decoded into its type.
    pub fn api_error(&self) -> Option<&E> {
        self.inner.api_error.as_ref()
    }

    /// Takes the typed error body out of the error.
    pub fn into_api_error(self) -> Option<E> {
        self.inner.api_error
    }

    /// The JSON path that failed to decode, for [`ErrorKind::Decode`].
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// Every missing or invalid variable, for [`ErrorKind::Settings`].
    pub fn settings_issues(&self) -> &[SettingIssue] {
        &self.inner.settings
    }

    /// The full names of the missing variables, for [`ErrorKind::Settings`].
    pub fn missing_settings(&self) -> impl Iterator<Item = &str> {
        self.inner
            .settings
            .iter()
            .filter(|issue| issue.problem == SettingProblem::Missing)
            .map(|issue| issue.variable.as_str())
    }

    /// The id of the operation that failed, when known.
    pub fn operation(&self) -> Option<&str> {
        self.inner.operation.as_deref()
    }

    /// The request URL with credentials redacted, when known.
    pub fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    /// The request method, when known.
    pub fn method(&self) -> Option<&http::Method> {
        self.inner.method.as_ref()
    }

    /// True for [`ErrorKind::Timeout`].
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// True for [`ErrorKind::Status`] and [`ErrorKind::RateLimited`] with a status.
    pub fn is_status(&self) -> bool {
        self.inner.status.is_some()
    }

    /// Replaces the typed body type, decoding it again from the raw body with `decode`.
    pub fn map_api_error<F>(self, decode: impl FnOnce(StatusCode, &[u8]) -> Option<F>) -> Error<F> {
        let Inner {
            kind,
            message,
            operation,
            method,
            url,
            status,
            request_id,
            headers,
            body,
            api_error: _,
            api_answer,
            json_path,
            settings,
            source,
        } = *self.inner;
        let api_error = match (status, body.as_ref()) {
            (Some(status), Some(body)) if kind == ErrorKind::Status || api_answer => {
                decode(status, body)
            }
            _ => None,
        };
        Error {
            inner: Box::new(Inner {
                kind,
                message,
                operation,
                method,
                url,
                status,
                request_id,
                headers,
                body,
                api_error,
                api_answer,
                json_path,
                settings,
                source,
            }),
        }
    }

    /// Decodes the typed error body of type `F` from the raw body (see [`ApiErrorBody`]).
    pub fn typed<F: ApiErrorBody>(self) -> Error<F> {
        self.map_api_error(F::decode)
    }

    /// Drops the typed body type, keeping everything else (the raw body stays available).
    pub fn untyped(self) -> Error {
        self.typed()
    }
}

/// A typed error body: decodes itself from a response status and raw body.
///
/// A generated connector implements it for each operation's error type, choosing the
/// documented schema by status; `None` means the body does not match (it stays available raw).
pub trait ApiErrorBody: Sized {
    /// Decodes the body of a response with `status`, or `None` when it is not of this type.
    fn decode(status: StatusCode, body: &[u8]) -> Option<Self>;
}

impl ApiErrorBody for serde_json::Value {
    fn decode(_status: StatusCode, body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

impl ApiErrorBody for () {
    fn decode(_status: StatusCode, _body: &[u8]) -> Option<Self> {
        None
    }
}

/// Longest part of a response body quoted in an error message.
const BODY_SNIPPET: usize = 512;

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        match inner.kind {
            ErrorKind::Settings if !inner.settings.is_empty() => {
                write!(f, "invalid settings: ")?;
                for (i, issue) in inner.settings.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{issue}")?;
                }
                return Ok(());
            }
            ErrorKind::Status | ErrorKind::RateLimited if inner.status.is_some() => {
                if let Some(status) = inner.status {
                    write!(f, "HTTP {status}")?;
                }
            }
            _ => f.write_str(&inner.message)?,
        }
        if let (Some(method), Some(url)) = (&inner.method, &inner.url) {
            write!(f, " ({method} {url}")?;
            if let Some(op) = &inner.operation {
                write!(f, ", operation {op}")?;
            }
            f.write_str(")")?;
        }
        if let Some(id) = &inner.request_id {
            write!(f, ", request id {id}")?;
        }
        if let Some(path) = &inner.json_path {
            write!(f, " at `{path}`")?;
        }
        let quoted_body = matches!(inner.kind, ErrorKind::Status | ErrorKind::RateLimited)
            .then_some(inner.body.as_ref())
            .flatten()
            .filter(|b| !b.is_empty());
        if let Some(body) = quoted_body {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if text.chars().count() > BODY_SNIPPET {
                let cut: String = text.chars().take(BODY_SNIPPET).collect();
                write!(f, ": {cut}…")?;
            } else {
                write!(f, ": {text}")?;
            }
        }
        Ok(())
    }
}

impl<E> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &inner.kind).field("message", &inner.message);
        if let Some(op) = &inner.operation {
            d.field("operation", op);
        }
        if let Some(method) = &inner.method {
            d.field("method", method);
        }
        if let Some(url) = &inner.url {
            d.field("url", url);
        }
        if let Some(status) = &inner.status {
            d.field("status", status);
        }
        if let Some(id) = &inner.request_id {
            d.field("request_id", id);
        }
        if let Some(path) = &inner.json_path {
            d.field("json_path", path);
        }
        if !inner.settings.is_empty() {
            d.field("settings", &inner.settings);
        }
        if let Some(body) = &inner.body {
            d.field("body_len", &body.len());
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl<E> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn error_is_send_sync_and_one_pointer_wide() {
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn settings_error_names_every_variable() {
        let err: Error = Error::settings(vec![
            SettingIssue { variable: "AMAZON_CLIENT_ID".into(), problem: SettingProblem::Missing },
            SettingIssue {
                variable: "AMAZON_TIMEOUT_SECS".into(),
                problem: SettingProblem::Invalid("expected a whole number of seconds".into()),
            },
        ]);
        let text = err.to_string();
        assert!(text.contains("AMAZON_CLIENT_ID is missing"), "{text}");
        assert!(text.contains("AMAZON_TIMEOUT_SECS is invalid"), "{text}");
        assert_eq!(err.missing_settings().collect::<Vec<_>>(), ["AMAZON_CLIENT_ID"]);
    }

    #[test]
    fn status_error_decodes_typed_body() {
        #[derive(Debug, PartialEq)]
        struct Precondition(String);
        impl ApiErrorBody for Precondition {
            fn decode(status: StatusCode, body: &[u8]) -> Option<Self> {
                (status == StatusCode::PRECONDITION_FAILED)
                    .then(|| Precondition(String::from_utf8_lossy(body).into_owned()))
            }
        }
        let err: Error = Error::new(ErrorKind::Status, "status").with_response(
            StatusCode::PRECONDITION_FAILED,
            http::HeaderMap::new(),
            Some("req-1".into()),
            Bytes::from_static(b"{\"code\":412}"),
        );
        assert!(err.to_string().contains("412"));
        let typed = err.typed::<Precondition>();
        assert_eq!(typed.api_error(), Some(&Precondition("{\"code\":412}".into())));
        assert_eq!(typed.request_id(), Some("req-1"));
    }

    #[test]
    fn rate_limit_and_auth_answers_decode_only_when_they_are_the_operations_own() {
        let answer = |kind, own: bool| {
            let err: Error = Error::new(kind, "answered");
            let (status, headers, body) =
                (StatusCode::TOO_MANY_REQUESTS, http::HeaderMap::new(), Bytes::from_static(b"{}"));
            if own {
                err.with_api_response(status, headers, None, body)
            } else {
                err.with_response(status, headers, None, body)
            }
        };
        let typed = answer(ErrorKind::RateLimited, true).typed::<serde_json::Value>();
        assert_eq!(typed.api_error(), Some(&serde_json::json!({})));
        let token_endpoint = answer(ErrorKind::Auth, false).typed::<serde_json::Value>();
        assert_eq!(token_endpoint.api_error(), None, "a token endpoint's body is not the API's");
    }
}
