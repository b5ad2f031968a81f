//! [`Operation`]: the static description of one API operation (id, method, path template).

use std::fmt;
use std::sync::Arc;

use http::Method;

/// A string that is either `'static` (generated consts) or shared (built at run time).
#[derive(Clone)]
enum Text {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Text {
    fn as_str(&self) -> &str {
        match self {
            Self::Static(s) => s,
            Self::Shared(s) => s,
        }
    }
}

/// One API operation: its id, HTTP method, path template and per-operation options.
///
/// Generated connectors declare one `const` per operation; `connkit call` builds them at run
/// time with [`Operation::owned`]. The path template is relative to the host's base URL and
/// names its parameters in braces (`/orders/v0/orders/{orderId}`).
///
/// ```
/// use connkit::{Method, Operation};
///
/// pub const GET_ORDER: Operation =
///     Operation::new("ordersV0.getOrder", Method::GET, "/orders/v0/orders/{orderId}")
///         .with_idempotency_header("x-amzn-IdempotencyKey");
/// assert_eq!(GET_ORDER.id(), "ordersV0.getOrder");
/// ```
#[derive(Clone)]
pub struct Operation {
    id: Text,
    method: Method,
    path: Text,
    idempotency_header: Option<Text>,
    host: Option<Text>,
}

impl Operation {
    /// An operation with a `'static` id and path template (usable in `const` items).
    pub const fn new(id: &'static str, method: Method, path: &'static str) -> Self {
        Self {
            id: Text::Static(id),
            method,
            path: Text::Static(path),
            idempotency_header: None,
            host: None,
        }
    }

    /// An operation built at run time (for example from a spec read by `connkit call`).
    pub fn owned(id: impl Into<String>, method: Method, path: impl Into<String>) -> Self {
        Self {
            id: Text::Shared(Arc::from(id.into())),
            method,
            path: Text::Shared(Arc::from(path.into())),
            idempotency_header: None,
            host: None,
        }
    }

    /// Declares the header that carries this operation's idempotency key
    /// (`Idempotency-Key`, `x-amzn-IdempotencyKey`, ...). A call that leaves the key empty gets
    /// one generated key, sent unchanged on every attempt, which also makes a POST or PATCH
    /// safe to retry.
    pub const fn with_idempotency_header(mut self, header: &'static str) -> Self {
        let previous = self.idempotency_header.replace(Text::Static(header));
        // Only a `'static` or shared text can be replaced here; forgetting a shared one leaks
        // one reference count, which is harmless (const contexts cannot run destructors).
        std::mem::forget(previous);
        self
    }

    /// Serves this operation from the named host registered with
    /// [`ClientBuilder::host`](crate::ClientBuilder::host) instead of the default base URL.
    pub const fn with_host(mut self, host: &'static str) -> Self {
        let previous = self.host.replace(Text::Static(host));
        std::mem::forget(previous);
        self
    }

    /// Run-time variant of [`Operation::with_idempotency_header`].
    #[must_use]
    pub fn idempotency_header_owned(mut self, header: impl Into<String>) -> Self {
        self.idempotency_header = Some(Text::Shared(Arc::from(header.into())));
        self
    }

    /// Run-time variant of [`Operation::with_host`].
    #[must_use]
    pub fn host_owned(mut self, host: impl Into<String>) -> Self {
        self.host = Some(Text::Shared(Arc::from(host.into())));
        self
    }

    /// The operation id (`ordersV0.getOrder`), used for per-operation rate limits and tracing.
    pub fn id(&self) -> &str {
        self.id.as_str()
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template, relative to the host's base URL.
    pub fn path(&self) -> &str {
        self.path.as_str()
    }

    /// The declared idempotency header, if any.
    pub fn idempotency_header(&self) -> Option<&str> {
        self.idempotency_header.as_ref().map(Text::as_str)
    }

    /// The named host this operation is served from (`None` = the default base URL).
    pub fn host(&self) -> Option<&str> {
        self.host.as_ref().map(Text::as_str)
    }
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("id", &self.id())
            .field("method", &self.method)
            .field("path", &self.path())
            .field("idempotency_header", &self.idempotency_header())
            .field("host", &self.host())
            .finish()
    }
}
