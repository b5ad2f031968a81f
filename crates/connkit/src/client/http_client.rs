//! [`HttpClient`]: a cheap-to-clone handle; every clone shares auth, quotas and connections.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use url::Url;

use super::builder::ClientBuilder;
use super::operation::Operation;
use super::request::RequestBuilder;
use super::transport::Transport;
use crate::auth::{AuthContext, AuthStrategy};
use crate::ratelimit::RateLimits;
use crate::retry::RetryPolicy;

/// The resilient HTTP client every connector uses: base URLs, default headers, auth, retries,
/// rate limits, timeouts and tracing. Cloning is cheap and clones share every quota, the token
/// cache and the connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), connkit::Error> {
/// use connkit::{HttpClient, Method, Operation};
///
/// const GET_WIDGET: Operation = Operation::new("getWidget", Method::GET, "/widgets/{id}");
///
/// let client = HttpClient::builder().base_url("https://api.example.com/v1").build()?;
/// let response = client.request(&GET_WIDGET).path_param("id", "a/b").send().await?;
/// let widget: connkit::ApiResponse<serde_json::Value> = response.json()?;
/// println!("{} (etag {:?})", *widget, widget.etag());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpClient {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) hosts: Vec<(String, Url)>,
    pub(crate) headers: HeaderMap,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) auth: Option<Arc<dyn AuthStrategy>>,
    pub(crate) auth_context: AuthContext,
    pub(crate) retry: RetryPolicy,
    pub(crate) limits: RateLimits,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) call_timeout: Option<Duration>,
    pub(crate) max_redirects: u32,
    pub(crate) secret_query_params: Vec<String>,
}

impl HttpClient {
    /// A builder with the defaults documented on [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_inner(inner: ClientInner) -> Self {
        Self { inner: Arc::new(inner) }
    }

    /// Starts a call of `operation`.
    pub fn request<'a>(&'a self, operation: &'a Operation) -> RequestBuilder<'a> {
        RequestBuilder::new(self, operation)
    }

    /// The base URL of host `name` ([`DEFAULT_HOST`](super::DEFAULT_HOST) for the default one).
    pub fn host_url(&self, name: &str) -> Option<&Url> {
        self.inner.hosts.iter().find(|(n, _)| n == name).map(|(_, url)| url)
    }

    /// True when credentials may be sent to `url`: it is on the origin of a base URL.
    pub fn is_trusted(&self, url: &Url) -> bool {
        self.inner.hosts.iter().any(|(_, base)| super::url::same_origin(base, url))
    }

    /// `url` with credentials (user info, secret query parameters) redacted.
    pub fn redact_url(&self, url: &Url) -> String {
        super::url::redact(url, &self.inner.secret_query_params)
    }
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hosts: Vec<_> = self.inner.hosts.iter().map(|(n, u)| (n, self.redact_url(u))).collect();
        f.debug_struct("HttpClient")
            .field("hosts", &hosts)
            .field("auth", &self.inner.auth.is_some())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}
