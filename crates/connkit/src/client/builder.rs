//! [`ClientBuilder`]: setters that never fail, and a `build()` that reports every problem.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use super::http_client::{ClientInner, HttpClient};
use super::transport::{ReqwestTransport, Transport};
use super::url::parse_base;
use crate::auth::{AuthContext, AuthStrategy};
use crate::error::{Error, ErrorKind};
use crate::ratelimit::{Quota, RateLimits};
use crate::retry::RetryPolicy;
use crate::settings::{CommonSettings, SharedSettings};

/// The name of the host set with [`ClientBuilder::base_url`].
pub const DEFAULT_HOST: &str = "default";

/// The user agent sent when none is configured.
pub const DEFAULT_USER_AGENT: &str = concat!("connkit/", env!("CARGO_PKG_VERSION"));

/// Builds an [`HttpClient`]. Setters never fail; [`ClientBuilder::build`] reports every
/// invalid value at once.
///
/// # Defaults
/// Connect timeout 10 s, 30 s per attempt, no total call timeout, [`RetryPolicy::default`],
/// no quotas (server limits are still learned), rate limiting on, no auth, at most 10
/// redirects (followed by the client itself, credentials only on the base URLs' origins).
#[must_use]
pub struct ClientBuilder {
    hosts: Vec<(String, String)>,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    auth: Option<Arc<dyn AuthStrategy>>,
    retry: RetryPolicy,
    rate_limit: Option<Quota>,
    operation_limits: Vec<(String, Quota)>,
    rate_limits_enabled: bool,
    transport: Option<Arc<dyn Transport>>,
    max_redirects: u32,
    secret_query_params: Vec<String>,
    shared: Option<SharedSettings>,
    shared_command_timeout: Duration,
}

/// Default time allowed for one command to the shared store.
pub const DEFAULT_SHARED_COMMAND_TIMEOUT: Duration = Duration::from_millis(250);

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            hosts: Vec::new(),
            user_agent: None,
            default_headers: Vec::new(),
            connect_timeout: Some(Duration::from_secs(10)),
            timeout: Some(Duration::from_secs(30)),
            call_timeout: None,
            auth: None,
            retry: RetryPolicy::default(),
            rate_limit: None,
            operation_limits: Vec::new(),
            rate_limits_enabled: true,
            transport: None,
            max_redirects: 10,
            secret_query_params: Vec::new(),
            shared: None,
            shared_command_timeout: DEFAULT_SHARED_COMMAND_TIMEOUT,
        }
    }
}

impl ClientBuilder {
    /// The default base URL; its path is kept (`https://host/v1` + `/widgets` =
    /// `https://host/v1/widgets`).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.host(DEFAULT_HOST, url)
    }

    /// Registers another named base URL, for operations declared
    /// [`with_host(name)`](crate::Operation::with_host). Credentials are sent to every
    /// registered host.
    pub fn host(mut self, name: impl Into<String>, url: impl Into<String>) -> Self {
        let name = name.into();
        self.hosts.retain(|(n, _)| *n != name);
        self.hosts.push((name, url.into()));
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request (a request's own header of the same name wins).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// How long connecting may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt (request and response body) may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long a whole call (every attempt, wait and retry) may take.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// Removes the connect, attempt and call timeouts (tests on a paused clock with real
    /// sockets, where a pending timeout would fire as soon as the runtime idles).
    pub fn no_timeouts(mut self) -> Self {
        self.connect_timeout = None;
        self.timeout = None;
        self.call_timeout = None;
        self
    }

    /// How requests are authorized.
    pub fn auth(mut self, strategy: impl AuthStrategy) -> Self {
        self.auth = Some(Arc::new(strategy));
        self
    }

    /// How requests are authorized, as a shared strategy.
    pub fn auth_shared(mut self, strategy: Arc<dyn AuthStrategy>) -> Self {
        self.auth = Some(strategy);
        self
    }

    /// How failed attempts are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A quota for the whole client (every operation, every host).
    pub fn rate_limit(mut self, quota: Quota) -> Self {
        self.rate_limit = Some(quota);
        self
    }

    /// A quota for one operation (by [`Operation::id`](crate::Operation::id)), on top of the
    /// client-wide one.
    pub fn operation_rate_limit(mut self, operation_id: impl Into<String>, quota: Quota) -> Self {
        let id = operation_id.into();
        self.operation_limits.retain(|(op, _)| *op != id);
        self.operation_limits.push((id, quota));
        self
    }

    /// Turns client-side rate limiting (configured and learned) on or off.
    pub fn rate_limits_enabled(mut self, enabled: bool) -> Self {
        self.rate_limits_enabled = enabled;
        self
    }

    /// Sends attempts through `transport` instead of the default reqwest one (the connect
    /// timeout then belongs to that transport).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Sends attempts through a shared transport.
    pub fn transport_shared(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The most redirects one call follows (0: redirects are returned as responses).
    pub fn max_redirects(mut self, max: u32) -> Self {
        self.max_redirects = max;
        self
    }

    /// Another query parameter whose value is a credential (redacted in errors and logs).
    pub fn secret_query_param(mut self, name: impl Into<String>) -> Self {
        self.secret_query_params.push(name.into());
        self
    }

    /// Shares the quotas, what the server announced (rate-limit headers, 429s) and the OAuth2
    /// access token with every process of the same account through the Redis of
    /// `settings.redis_url` (`{P}_REDIS_URL`); nothing changes when it is unset.
    ///
    /// The shared state lives under a namespace: `{P}_QUOTA_KEY`, else a hash of the
    /// credential's [`account`](crate::auth::AuthStrategy::account) (client id, API key), so
    /// that workers of one account meet and the credential never reaches Redis. Quotas are
    /// reserved by a Lua GCRA on Redis's clock; the token is stored encrypted with a key
    /// derived from the client secret, and refreshed by one process at a time. When Redis
    /// fails, each process keeps to its quotas divided by `{P}_WORKERS` and its own token
    /// cache until Redis is back (one warning per outage), or the call fails with
    /// `{P}_REDIS_REQUIRED=true`.
    ///
    /// Needs the runtime's `redis` feature; without it a set `{P}_REDIS_URL` is reported at
    /// [`build`](ClientBuilder::build) (a warning, or an error when Redis is required).
    pub fn shared(mut self, settings: &SharedSettings) -> Self {
        self.shared = settings.is_enabled().then(|| settings.clone());
        self
    }

    /// Time allowed for one command to the shared store (default
    /// [`DEFAULT_SHARED_COMMAND_TIMEOUT`]); a slower answer counts as a failure.
    pub fn shared_command_timeout(mut self, timeout: Duration) -> Self {
        self.shared_command_timeout = timeout;
        self
    }

    /// Applies the standard settings every connector reads (`{P}_TIMEOUT_SECS` as the attempt
    /// timeout, `{P}_MAX_RETRIES`, `{P}_RATE_LIMITS`, and the shared mode of
    /// [`ClientBuilder::shared`]), keeping the rest of the retry policy. Call
    /// [`ClientBuilder::retry`] before this, or it replaces the retry count again.
    pub fn common_settings(mut self, settings: &CommonSettings) -> Self {
        self.timeout = Some(settings.timeout);
        self.retry = self.retry.max_retries(settings.max_retries);
        self.rate_limits_enabled = settings.rate_limits;
        self.shared(&settings.shared)
    }

    /// The client, or one [`ErrorKind::Request`] error listing every invalid setting.
    pub fn build(self) -> Result<HttpClient, Error> {
        let mut problems = Vec::new();
        let hosts = self.checked_hosts(&mut problems);
        let headers = self.checked_headers(&mut problems);
        let mut secret_query_params = self.secret_query_params.clone();
        if let Some(auth) = &self.auth {
            if let Err(err) = auth.validate() {
                problems.push(format!("auth: {err}"));
            }
            secret_query_params.extend(auth.secret_query_params());
        }
        let transport = match (self.checked_transport(&mut problems), problems.is_empty()) {
            (Some(transport), true) => transport,
            _ => {
                return Err(Error::new(
                    ErrorKind::Request,
                    format!("invalid client configuration: {}", problems.join("; ")),
                ));
            }
        };
        let shared = match &self.shared {
            Some(settings) => {
                super::shared::open(settings, self.auth.as_deref(), self.shared_command_timeout)?
            }
            None => None,
        };
        #[cfg(feature = "redis")]
        let limits = match &shared {
            Some(state) => RateLimits::shared(
                self.rate_limits_enabled,
                self.rate_limit,
                self.operation_limits,
                Arc::clone(state),
            ),
            None => {
                RateLimits::new(self.rate_limits_enabled, self.rate_limit, self.operation_limits)
            }
        };
        #[cfg(not(feature = "redis"))]
        let limits =
            RateLimits::new(self.rate_limits_enabled, self.rate_limit, self.operation_limits);
        #[allow(unused_mut)]
        let mut auth_context = AuthContext::new(Arc::clone(&transport), self.timeout);
        #[cfg(feature = "redis")]
        {
            auth_context.shared = shared;
        }
        #[cfg(not(feature = "redis"))]
        let _ = shared;
        Ok(HttpClient::from_inner(ClientInner {
            hosts,
            headers,
            auth_context,
            transport,
            auth: self.auth,
            retry: self.retry,
            limits,
            attempt_timeout: self.timeout,
            call_timeout: self.call_timeout,
            max_redirects: self.max_redirects,
            secret_query_params,
        }))
    }

    /// The parsed base URLs (at least one is needed); a problem for each invalid one.
    fn checked_hosts(&self, problems: &mut Vec<String>) -> Vec<(String, Url)> {
        let mut hosts = Vec::new();
        for (name, text) in &self.hosts {
            match parse_base(text) {
                Ok(url) => hosts.push((name.clone(), url)),
                Err(problem) => problems.push(format!("base URL `{name}`: {problem}")),
            }
        }
        if self.hosts.is_empty() {
            problems.push("no base URL: call `base_url`".to_owned());
        }
        hosts
    }

    /// The user agent and the default headers; a problem for each invalid name or value.
    fn checked_headers(&self, problems: &mut Vec<String>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        match HeaderValue::from_str(user_agent) {
            Ok(value) => {
                headers.insert(http::header::USER_AGENT, value);
            }
            Err(_) => problems.push("the user agent is not a valid header value".to_owned()),
        }
        for (name, value) in &self.default_headers {
            match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                (Ok(name), Ok(value)) => {
                    headers.append(name, value);
                }
                (Err(_), _) => {
                    problems.push(format!("default header `{name}` has an invalid name"))
                }
                (_, Err(_)) => {
                    problems.push(format!("default header `{name}` has an invalid value"))
                }
            }
        }
        headers
    }

    /// The transport given, else a reqwest one with the connect timeout.
    fn checked_transport(&self, problems: &mut Vec<String>) -> Option<Arc<dyn Transport>> {
        if let Some(transport) = &self.transport {
            return Some(Arc::clone(transport));
        }
        match ReqwestTransport::with_connect_timeout(self.connect_timeout) {
            Ok(transport) => Some(Arc::new(transport) as Arc<dyn Transport>),
            Err(err) => {
                problems.push(format!("the HTTP client could not be created: {err}"));
                None
            }
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("hosts", &self.hosts.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("rate_limits_enabled", &self.rate_limits_enabled)
            .finish_non_exhaustive()
    }
}
