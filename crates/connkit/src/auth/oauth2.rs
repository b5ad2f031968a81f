//! OAuth2 token strategies: [`ClientCredentials`] and [`RefreshToken`] (with the
//! Login-with-Amazon preset).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use http::{HeaderName, HeaderValue, Method};
use url::Url;

use super::simple::{header_name, sensitive_value};
use super::token_cache::{FreshToken, TokenCache};
use super::{AuthContext, AuthStrategy, Authorized};
use crate::client::{AttemptRequest, TransportErrorKind};
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// The Login-with-Amazon token endpoint.
pub const LWA_TOKEN_URL: &str = "https://api.amazon.com/auth/o2/token";
/// The header Amazon's Selling Partner API reads the LWA access token from.
pub(super) const LWA_TOKEN_HEADER: &str = "x-amz-access-token";

/// How the client authenticates itself to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body (the default).
    #[default]
    FormBody,
    /// HTTP basic with the (form-encoded) client id and secret.
    Basic,
}

/// Where the access token goes on API requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TokenPlacement {
    /// `Authorization: Bearer TOKEN` (the default).
    #[default]
    Bearer,
    /// The raw token in the named header (`x-amz-access-token: TOKEN`).
    Header(String),
}

/// Configuration and state shared by both grants.
struct Flow {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    client_auth: ClientAuth,
    scopes: Vec<String>,
    placement: TokenPlacement,
    extra: Vec<(String, String)>,
    /// The refresh token, replaced when the server rotates it.
    refresh_token: Option<Mutex<Secret>>,
    cache: TokenCache,
    /// This credential's slot in the shared store (shared mode), made on first use.
    #[cfg(feature = "redis")]
    shared: std::sync::OnceLock<super::shared_token::SharedSlot>,
}

impl Clone for Flow {
    /// Copies the configuration; the copy starts with an empty token cache.
    fn clone(&self) -> Self {
        Self {
            token_url: self.token_url.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            client_auth: self.client_auth,
            scopes: self.scopes.clone(),
            placement: self.placement.clone(),
            extra: self.extra.clone(),
            refresh_token: self
                .refresh_token
                .as_ref()
                .and_then(|m| m.lock().ok().map(|s| Mutex::new(s.clone()))),
            cache: TokenCache::new(),
            #[cfg(feature = "redis")]
            shared: std::sync::OnceLock::new(),
        }
    }
}

impl Flow {
    fn new(token_url: String, client_id: String, client_secret: Secret) -> Self {
        Self {
            token_url,
            client_id,
            client_secret,
            client_auth: ClientAuth::FormBody,
            scopes: Vec::new(),
            placement: TokenPlacement::Bearer,
            extra: Vec::new(),
            refresh_token: None,
            cache: TokenCache::new(),
            #[cfg(feature = "redis")]
            shared: std::sync::OnceLock::new(),
        }
    }

    fn placement_header(&self) -> Result<(HeaderName, bool), Error> {
        match &self.placement {
            TokenPlacement::Bearer => Ok((http::header::AUTHORIZATION, true)),
            TokenPlacement::Header(name) => {
                header_name(name).map(|n| (n, false)).map_err(|e| Error::new(ErrorKind::Auth, e))
            }
        }
    }

    /// The account: the client id, and the refresh token of the authorization when there is
    /// one (SP-API limits belong to an application and a seller).
    fn account(&self) -> String {
        let refresh = self.refresh_token.as_ref().and_then(|m| m.lock().ok().map(|s| s.clone()));
        match refresh {
            Some(token) => format!("{}\0{}", self.client_id, token.expose()),
            None => self.client_id.clone(),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        let url = Url::parse(&self.token_url).map_err(|e| {
            Error::new(
                ErrorKind::Auth,
                format!("the token URL `{}` is invalid: {e}", self.token_url),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::new(ErrorKind::Auth, "the token URL must be http or https"));
        }
        self.placement_header().map(|_| ())
    }

    async fn authorize(
        &self,
        request: &mut AttemptRequest,
        context: &AuthContext,
    ) -> Result<Authorized, Error> {
        let (name, bearer) = self.placement_header()?;
        #[cfg(feature = "redis")]
        let shared = context.shared.as_ref().map(|state| {
            self.shared.get_or_init(|| {
                let refresh =
                    self.refresh_token.as_ref().and_then(|m| m.lock().ok().map(|s| s.clone()));
                let scopes = self.scopes.join(" ");
                let placement = format!("{:?}", self.placement);
                let identity = [
                    self.token_url.as_str(),
                    self.client_id.as_str(),
                    refresh.as_ref().map_or("", |r| r.expose()),
                    scopes.as_str(),
                    placement.as_str(),
                ];
                super::shared_token::SharedSlot::new(
                    std::sync::Arc::clone(state),
                    &identity,
                    self.client_secret.expose(),
                    context.timeout,
                )
            })
        });
        #[cfg(not(feature = "redis"))]
        let shared = None;
        let (value, used) = self
            .cache
            .get(
                || async {
                    let token = self.fetch(context).await?;
                    let text = if bearer {
                        format!("Bearer {}", token.0.expose())
                    } else {
                        token.0.expose().to_owned()
                    };
                    Ok(FreshToken { value: sensitive_value(&text)?, lifetime: token.1 })
                },
                shared,
            )
            .await?;
        request.headers.insert(name, value);
        Ok(used)
    }

    /// One token request: form POST, parsed `access_token` and `expires_in`.
    async fn fetch(&self, context: &AuthContext) -> Result<(Secret, Option<Duration>), Error> {
        let request = self.token_request()?;
        let (status, headers, body) = exchange(context, request).await?;
        if !status.is_success() {
            let detail = oauth_error(&body);
            let request_id = crate::client::request_id(&headers);
            return Err(Error::new(
                ErrorKind::Auth,
                format!("the token endpoint refused the request with HTTP {status}{detail}"),
            )
            .with_response(status, headers, request_id, body));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            Error::new(ErrorKind::Auth, format!("the token response is not valid: {e}"))
        })?;
        if parsed.access_token.is_empty() {
            return Err(Error::new(
                ErrorKind::Auth,
                "the token response has an empty access_token",
            ));
        }
        if let (Some(new_refresh), Some(slot)) = (parsed.refresh_token, &self.refresh_token)
            && !new_refresh.is_empty()
            && let Ok(mut current) = slot.lock()
        {
            *current = Secret::new(new_refresh);
        }
        let lifetime = parsed.expires_in.as_ref().and_then(seconds).map(Duration::from_secs_f64);
        Ok((Secret::new(parsed.access_token), lifetime))
    }

    /// The token request: the grant (refresh token, else client credentials), the scopes,
    /// the client's credentials in the form or in a Basic header, and the extra parameters.
    fn token_request(&self) -> Result<AttemptRequest, Error> {
        let url = Url::parse(&self.token_url)
            .map_err(|e| Error::new(ErrorKind::Auth, format!("the token URL is invalid: {e}")))?;
        let mut form: Vec<(&str, &str)> = Vec::new();
        let refresh_token =
            self.refresh_token.as_ref().and_then(|rt| rt.lock().ok().map(|s| s.clone()));
        match &refresh_token {
            Some(token) => {
                form.push(("grant_type", "refresh_token"));
                form.push(("refresh_token", token.expose()));
            }
            None => form.push(("grant_type", "client_credentials")),
        }
        let scopes = self.scopes.join(" ");
        if !scopes.is_empty() {
            form.push(("scope", &scopes));
        }
        let mut request = AttemptRequest::new(Method::POST, url);
        match self.client_auth {
            ClientAuth::FormBody => {
                form.push(("client_id", &self.client_id));
                form.push(("client_secret", self.client_secret.expose()));
            }
            ClientAuth::Basic => {
                let encode = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                let raw =
                    format!("{}:{}", encode(&self.client_id), encode(self.client_secret.expose()));
                let value =
                    sensitive_value(&format!("Basic {}", super::base64::encode(raw.as_bytes())))?;
                request.headers.insert(http::header::AUTHORIZATION, value);
            }
        }
        for (k, v) in &self.extra {
            form.push((k, v));
        }
        let body = serde_urlencoded::to_string(&form).map_err(|_| {
            Error::new(ErrorKind::Auth, "the token request form could not be encoded")
        })?;
        request.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        request.headers.insert(http::header::ACCEPT, HeaderValue::from_static("application/json"));
        request.body = Some(body.into());
        Ok(request)
    }
}

/// Sends the token request under the auth timeout and reads the whole answer.
async fn exchange(
    context: &AuthContext,
    request: AttemptRequest,
) -> Result<(http::StatusCode, http::HeaderMap, bytes::Bytes), Error> {
    let exchange = async {
        let response = context.transport.send(request).await?;
        let body = response.body.bytes().await?;
        Ok::<_, crate::client::TransportError>((response.status, response.headers, body))
    };
    let outcome = match context.timeout {
        Some(limit) => tokio::time::timeout(limit, exchange).await.unwrap_or_else(|elapsed| {
            Err(crate::client::TransportError::new(TransportErrorKind::Timeout, elapsed))
        }),
        None => exchange.await,
    };
    outcome.map_err(|e| {
        Error::new(ErrorKind::Auth, format!("the token request failed: {e}")).with_source(e)
    })
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
}

/// `expires_in` as a number or a numeric string.
fn seconds(value: &serde_json::Value) -> Option<f64> {
    let secs = match value {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (secs.is_finite() && secs >= 0.0).then_some(secs.min(1e9))
}

/// `: error (description)` from an RFC 6749 error body; never the raw body (it is kept in the
/// error for callers who ask).
fn oauth_error(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct OAuthError {
        error: String,
        #[serde(default)]
        error_description: Option<String>,
    }
    match serde_json::from_slice::<OAuthError>(body) {
        Ok(OAuthError { error, error_description: Some(d) }) => format!(": {error} ({d})"),
        Ok(OAuthError { error, error_description: None }) => format!(": {error}"),
        Err(_) => String::new(),
    }
}

macro_rules! flow_setters {
    ($t:ty) => {
        impl $t {
            /// Adds scopes (sent space-separated as `scope`).
            #[must_use]
            pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
                self.flow_mut().scopes.extend(scopes.into_iter().map(Into::into));
                self
            }

            /// How the client id and secret reach the token endpoint.
            #[must_use]
            pub fn client_auth(mut self, client_auth: ClientAuth) -> Self {
                self.flow_mut().client_auth = client_auth;
                self
            }

            /// Where the access token goes on API requests.
            #[must_use]
            pub fn placement(mut self, placement: TokenPlacement) -> Self {
                self.flow_mut().placement = placement;
                self
            }

            /// Sends the access token raw in header `name` instead of as a bearer token.
            #[must_use]
            pub fn token_header(self, name: impl Into<String>) -> Self {
                self.placement(TokenPlacement::Header(name.into()))
            }

            /// Overrides the token endpoint (tests, other regions).
            #[must_use]
            pub fn token_url(mut self, url: impl Into<String>) -> Self {
                self.flow_mut().token_url = url.into();
                self
            }

            /// Adds a form field to the token request (`audience`, `resource`, ...).
            #[must_use]
            pub fn extra_param(
                mut self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                self.flow_mut().extra.push((name.into(), value.into()));
                self
            }

            fn flow_mut(&mut self) -> &mut Flow {
                // Setters run before the strategy is shared; a shared one is copied (config
                // only, with an empty token cache).
                Arc::make_mut(&mut self.flow)
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($t))
                    .field("token_url", &self.flow.token_url)
                    .field("client_id", &self.flow.client_id)
                    .field("client_secret", &self.flow.client_secret)
                    .field("client_auth", &self.flow.client_auth)
                    .field("scopes", &self.flow.scopes)
                    .field("placement", &self.flow.placement)
                    .finish_non_exhaustive()
            }
        }

        impl AuthStrategy for $t {
            fn authorize<'a>(
                &'a self,
                request: &'a mut AttemptRequest,
                context: &'a AuthContext,
            ) -> BoxFuture<'a, Result<Authorized, Error>> {
                Box::pin(self.flow.authorize(request, context))
            }

            fn unauthorized(&self, used: Authorized) -> bool {
                self.flow.cache.invalidate(used);
                true
            }

            fn validate(&self) -> Result<(), Error> {
                self.flow.validate()
            }

            fn account(&self) -> Option<String> {
                Some(self.flow.account())
            }
        }
    };
}

/// OAuth2 client credentials grant: the client's own id and secret buy an access token.
///
/// ```
/// use connkit::auth::{ClientAuth, ClientCredentials};
///
/// let auth = ClientCredentials::new("https://auth.example.com/token", "id", "secret")
///     .scopes(["read", "write"])
///     .client_auth(ClientAuth::Basic);
/// ```
#[derive(Clone)]
pub struct ClientCredentials {
    flow: Arc<Flow>,
}

impl ClientCredentials {
    /// Tokens from `token_url` for this client id and secret (sent in the form body).
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Self { flow: Arc::new(Flow::new(token_url.into(), client_id.into(), client_secret.into())) }
    }
}

flow_setters!(ClientCredentials);

/// OAuth2 refresh token grant: a long-lived refresh token buys short-lived access tokens
/// (form POST of `grant_type=refresh_token`, `refresh_token`, `client_id`, `client_secret`).
///
/// ```
/// use connkit::auth::RefreshToken;
///
/// // Login with Amazon: token from https://api.amazon.com/auth/o2/token, sent as x-amz-access-token.
/// let lwa = RefreshToken::lwa("client-id", "client-secret", "refresh-token");
/// // Any other provider, token sent as a bearer token.
/// let other = RefreshToken::new("https://auth.example.com/token", "id", "secret", "refresh");
/// ```
#[derive(Clone)]
pub struct RefreshToken {
    flow: Arc<Flow>,
}

impl RefreshToken {
    /// Tokens from `token_url` for this refresh token, the access token sent as bearer.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> Self {
        let mut flow = Flow::new(token_url.into(), client_id.into(), client_secret.into());
        flow.refresh_token = Some(Mutex::new(refresh_token.into()));
        Self { flow: Arc::new(flow) }
    }

    /// The Login-with-Amazon preset: token URL [`LWA_TOKEN_URL`], access token in header
    /// `x-amz-access-token`. Override the URL with [`RefreshToken::token_url`] in tests.
    pub fn lwa(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> Self {
        Self::new(LWA_TOKEN_URL, client_id, client_secret, refresh_token)
            .token_header(LWA_TOKEN_HEADER)
    }
}

flow_setters!(RefreshToken);
