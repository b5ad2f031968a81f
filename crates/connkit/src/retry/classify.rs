//! Deciding whether a failed attempt may be retried (not when: that is the policy's job).

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};

use super::retry_after::retry_after;
use crate::client::TransportErrorKind;

/// What an attempt produced, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Attempted<'a> {
    /// The server answered with this status and these headers.
    Response {
        /// The HTTP status.
        status: StatusCode,
        /// The response headers (for `Retry-After`).
        headers: &'a HeaderMap,
    },
    /// No response: the transport failed.
    Transport(TransportErrorKind),
}

/// The verdict on one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAction {
    /// Nothing to retry (a success, or a failure that a retry would not fix).
    NoAction,
    /// The failure is transient: retry, not before `after` when the server said so.
    Retry {
        /// The server-requested wait (`Retry-After`, `retry-after-ms`), if any.
        after: Option<Duration>,
    },
    /// The failure is transient but the request may have been processed and is not safe to
    /// replay (a POST or PATCH without an idempotency key).
    Forbidden,
}

/// True for methods whose repetition has the same effect as one request.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// True for the statuses that signal a transient failure.
pub fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 425 | 429 | 500 | 502 | 503 | 504)
}

/// Classifies one attempt of a `method` request (`has_idempotency_key`: it carries a key).
///
/// - 429 is retried for every method: the server did not process the request.
/// - A connection that could not be made is retried for every method: nothing was sent.
/// - 408, 425, 500, 502, 503, 504, timeouts and broken connections are retried when the
///   request is idempotent by method or carries an idempotency key, else [`RetryAction::Forbidden`].
pub fn classify(
    method: &Method,
    has_idempotency_key: bool,
    attempted: Attempted<'_>,
    now: SystemTime,
) -> RetryAction {
    let replayable = is_idempotent(method) || has_idempotency_key;
    match attempted {
        Attempted::Response { status, headers } => {
            if !is_transient_status(status) {
                RetryAction::NoAction
            } else if status == StatusCode::TOO_MANY_REQUESTS || replayable {
                RetryAction::Retry { after: retry_after(headers, now) }
            } else {
                RetryAction::Forbidden
            }
        }
        Attempted::Transport(TransportErrorKind::Connect) => RetryAction::Retry { after: None },
        Attempted::Transport(_) if replayable => RetryAction::Retry { after: None },
        Attempted::Transport(_) => RetryAction::Forbidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(method: Method, key: bool, code: u16) -> RetryAction {
        let headers = HeaderMap::new();
        let attempted =
            Attempted::Response { status: StatusCode::from_u16(code).unwrap(), headers: &headers };
        classify(&method, key, attempted, SystemTime::UNIX_EPOCH)
    }

    #[test]
    fn statuses() {
        for code in [408, 425, 429, 500, 502, 503, 504] {
            assert_eq!(
                status(Method::GET, false, code),
                RetryAction::Retry { after: None },
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 409, 501] {
            assert_eq!(status(Method::GET, false, code), RetryAction::NoAction, "{code}");
        }
        assert_eq!(status(Method::POST, false, 503), RetryAction::Forbidden);
        assert_eq!(status(Method::PATCH, false, 500), RetryAction::Forbidden);
        assert_eq!(status(Method::POST, false, 429), RetryAction::Retry { after: None });
        assert_eq!(status(Method::POST, true, 503), RetryAction::Retry { after: None });
    }

    #[test]
    fn transport_failures() {
        let t = |m: Method, key, kind| {
            classify(&m, key, Attempted::Transport(kind), SystemTime::UNIX_EPOCH)
        };
        assert_eq!(
            t(Method::POST, false, TransportErrorKind::Connect),
            RetryAction::Retry { after: None }
        );
        assert_eq!(t(Method::POST, false, TransportErrorKind::Io), RetryAction::Forbidden);
        assert_eq!(
            t(Method::POST, true, TransportErrorKind::Timeout),
            RetryAction::Retry { after: None }
        );
        assert_eq!(
            t(Method::GET, false, TransportErrorKind::Io),
            RetryAction::Retry { after: None }
        );
    }

    #[test]
    fn reads_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        let attempted =
            Attempted::Response { status: StatusCode::SERVICE_UNAVAILABLE, headers: &headers };
        assert_eq!(
            classify(&Method::GET, false, attempted, SystemTime::UNIX_EPOCH),
            RetryAction::Retry { after: Some(Duration::from_secs(7)) }
        );
    }
}
