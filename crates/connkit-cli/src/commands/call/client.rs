//! The runtime client for one call, built from the manifest and the settings exactly as the
//! generated `client.rs` and `config.rs` build it: the same standard variable names, base URL
//! rules (BASE_URL, then sandbox, then region, then default host; `{NAME}_BASE_URL` for each
//! named host), auth strategy, timeouts, retries, rate limits and the shared mode
//! (`{P}_REDIS_URL`).

use connkit::auth::{ApiKey, Basic, Bearer, ClientCredentials, RefreshToken};
use connkit::ratelimit::Quota;
use connkit::retry::RetryPolicy;
use connkit::settings::{CommonSettings, EnvSource, SettingsReader};
use connkit::{HttpClient, Secret};
use connkit_gen::hosts::NamedHost;
use connkit_gen::manifest::{AuthConfig, AuthKind, Hosts, KeyLocation, Manifest, RateLimit};

/// The settings a connector reads, loaded dynamically from its manifest.
pub(super) struct CallSettings {
    base_url: String,
    /// The named hosts with their base URLs (each `{P}{NAME}_BASE_URL`, else the host's URL).
    hosts: Vec<(String, String)>,
    auth: Option<AuthSettings>,
    /// Timeout, retries, rate limits.
    pub common: CommonSettings,
}

enum AuthSettings {
    ApiKey(Secret),
    Bearer(Secret),
    Basic {
        username: String,
        password: Secret,
    },
    ClientCredentials {
        token_url: String,
        client_id: String,
        client_secret: Secret,
        scopes: Vec<String>,
    },
    RefreshToken {
        token_url: String,
        client_id: String,
        client_secret: Secret,
        refresh_token: Secret,
    },
}

impl CallSettings {
    /// Reads every setting the manifest calls for from `source` (the environment and the
    /// workspace's `.env`), collecting every problem into one error.
    ///
    /// # Errors
    ///
    /// One settings error naming every missing or invalid variable in full.
    pub(super) fn read(
        manifest: &Manifest,
        named: &[NamedHost],
        source: &EnvSource,
    ) -> Result<Self, connkit::Error> {
        let hosts = &manifest.hosts;
        let mut r = source.reader();
        let named_urls = read_named_urls(&mut r, named);
        let has_host = hosts.default.is_some() || !hosts.regions.is_empty();
        let base_override = if has_host {
            r.optional::<url::Url>("BASE_URL")
        } else {
            r.required::<url::Url>("BASE_URL")
        };
        let region = read_region(&mut r, hosts);
        let sandbox = !hosts.sandbox.is_empty() && r.or_default("SANDBOX", false);
        let auth = read_auth(&mut r, &manifest.auth);
        let common = CommonSettings::read(&mut r);
        let base_url = base_override
            .map(|url| url.to_string())
            .or_else(|| default_base_url(hosts, sandbox, region.as_deref()));
        let hosts: Option<Vec<(String, String)>> = named_urls.into_iter().collect();
        match (auth, base_url, hosts) {
            (Some(auth), Some(base_url), Some(hosts)) if r.is_ok() => {
                Ok(Self { base_url, hosts, auth, common })
            }
            _ => Err(r.into_error()),
        }
    }
}

/// Each named host's base URL (`{P}{NAME}_BASE_URL`, else the host's own); `None` for a
/// missing or invalid one (recorded in `r`).
fn read_named_urls(
    r: &mut SettingsReader<'_>,
    named: &[NamedHost],
) -> Vec<Option<(String, String)>> {
    named
        .iter()
        .map(|host| {
            let url = match &host.url {
                Some(default) => r
                    .optional::<url::Url>(&host.variable())
                    .map_or_else(|| default.clone(), |url| url.to_string()),
                None => r.required::<url::Url>(&host.variable())?.to_string(),
            };
            Some((host.name.clone(), url))
        })
        .collect()
}

/// `REGION` (its default: the manifest's default region, else the first), checked against
/// the regions; `None` for a connector without regions.
fn read_region(r: &mut SettingsReader<'_>, hosts: &Hosts) -> Option<String> {
    if hosts.regions.is_empty() {
        return None;
    }
    let default = hosts
        .default_region
        .clone()
        .or_else(|| hosts.regions.keys().next().cloned())
        .unwrap_or_default();
    let region = r.or_default("REGION", default);
    if !hosts.regions.contains_key(&region) {
        let names: Vec<&str> = hosts.regions.keys().map(String::as_str).collect();
        r.invalid("REGION", format!("one of {}", names.join(", ")));
    }
    Some(region)
}

/// The credentials of the manifest's auth: `Some(None)` for no auth, `None` when one is
/// missing or invalid (recorded in `r`).
fn read_auth(r: &mut SettingsReader<'_>, auth_config: &AuthConfig) -> Option<Option<AuthSettings>> {
    let token_url = |r: &mut SettingsReader<'_>| match &auth_config.token_url {
        Some(default) => Some(r.or_default("TOKEN_URL", default.clone())),
        None => r.required::<String>("TOKEN_URL"),
    };
    match auth_config.kind {
        AuthKind::None => Some(None),
        AuthKind::ApiKey => r.required_secret("API_KEY").map(|k| Some(AuthSettings::ApiKey(k))),
        AuthKind::Bearer => r.required_secret("TOKEN").map(|t| Some(AuthSettings::Bearer(t))),
        AuthKind::Basic => {
            let username = r.required::<String>("USERNAME");
            let password = r.required_secret("PASSWORD");
            username
                .zip(password)
                .map(|(username, password)| Some(AuthSettings::Basic { username, password }))
        }
        AuthKind::OAuth2ClientCredentials => {
            let client_id = r.required::<String>("CLIENT_ID");
            let client_secret = r.required_secret("CLIENT_SECRET");
            let token_url = token_url(r);
            let scopes = r.optional::<String>("SCOPES").map_or_else(
                || auth_config.scopes.clone(),
                |text| {
                    text.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect()
                },
            );
            match (client_id, client_secret, token_url) {
                (Some(client_id), Some(client_secret), Some(token_url)) => {
                    Some(Some(AuthSettings::ClientCredentials {
                        token_url,
                        client_id,
                        client_secret,
                        scopes,
                    }))
                }
                _ => None,
            }
        }
        AuthKind::OAuth2RefreshToken | AuthKind::Lwa => {
            let client_id = r.required::<String>("CLIENT_ID");
            let client_secret = r.required_secret("CLIENT_SECRET");
            let refresh_token = r.required_secret("REFRESH_TOKEN");
            let token_url = token_url(r);
            match (client_id, client_secret, refresh_token, token_url) {
                (Some(client_id), Some(client_secret), Some(refresh_token), Some(token_url)) => {
                    Some(Some(AuthSettings::RefreshToken {
                        token_url,
                        client_id,
                        client_secret,
                        refresh_token,
                    }))
                }
                _ => None,
            }
        }
    }
}

/// The base URL without `BASE_URL`: the sandbox host (when `SANDBOX` is on), then the
/// region's host, then the default host.
fn default_base_url(hosts: &Hosts, sandbox: bool, region: Option<&str>) -> Option<String> {
    if sandbox {
        let key = region.unwrap_or("default");
        if let Some(host) = hosts.sandbox.get(key).or_else(|| hosts.sandbox.get("default")) {
            return Some(host.clone());
        }
    }
    if let Some(host) = region.and_then(|region| hosts.regions.get(region)) {
        return Some(host.clone());
    }
    hosts.default.clone().or_else(|| hosts.regions.values().next().cloned())
}

/// Builds the runtime client for `operation_id` (its rate limit, if any, applied).
///
/// # Errors
///
/// The builder's error (an invalid base URL, an invalid quota).
pub(super) fn build_client(
    manifest: &Manifest,
    settings: &CallSettings,
    operation_id: &str,
    operation_rate_limit: Option<RateLimit>,
) -> Result<HttpClient, connkit::Error> {
    let user_agent = format!(
        "{}-connector/0.1.0 connkit/{} (connkit call)",
        manifest.system,
        env!("CARGO_PKG_VERSION")
    );
    let mut builder = HttpClient::builder()
        .base_url(settings.base_url.clone())
        .user_agent(user_agent)
        .timeout(settings.common.timeout)
        .retry(RetryPolicy::default().max_retries(settings.common.max_retries))
        .rate_limits_enabled(settings.common.rate_limits)
        .shared(&settings.common.shared);
    for (name, url) in &settings.hosts {
        builder = builder.host(name.clone(), url.clone());
    }
    let auth = &manifest.auth;
    builder = match &settings.auth {
        None => builder,
        Some(AuthSettings::ApiKey(key)) => {
            let name = auth.key_name.clone().unwrap_or_else(|| "X-API-Key".to_string());
            let prefix = auth.key_prefix.clone().unwrap_or_default();
            match auth.key_in {
                Some(KeyLocation::Query) => {
                    builder.auth(ApiKey::query(name, key.clone()).with_prefix(prefix))
                }
                _ => builder.auth(ApiKey::header(&name, key.clone()).with_prefix(prefix)),
            }
        }
        Some(AuthSettings::Bearer(token)) => builder.auth(Bearer::new(token.clone())),
        Some(AuthSettings::Basic { username, password }) => {
            builder.auth(Basic::new(username, password.clone()))
        }
        Some(AuthSettings::ClientCredentials { token_url, client_id, client_secret, scopes }) => {
            let mut strategy = ClientCredentials::new(
                token_url.as_str(),
                client_id.as_str(),
                client_secret.clone(),
            )
            .scopes(scopes.clone());
            if let Some(header) = &auth.token_header {
                strategy = strategy.token_header(header.clone());
            }
            for (key, value) in &auth.extra {
                strategy = strategy.extra_param(key.clone(), value.clone());
            }
            builder.auth(strategy)
        }
        Some(AuthSettings::RefreshToken { token_url, client_id, client_secret, refresh_token }) => {
            let mut strategy = RefreshToken::new(
                token_url.as_str(),
                client_id.as_str(),
                client_secret.clone(),
                refresh_token.clone(),
            );
            if let Some(header) = &auth.token_header {
                strategy = strategy.token_header(header.clone());
            }
            for (key, value) in &auth.extra {
                strategy = strategy.extra_param(key.clone(), value.clone());
            }
            builder.auth(strategy)
        }
    };
    if let Some(limit) = manifest.rate_limit {
        builder = builder.rate_limit(Quota::new(limit.rate, limit.burst)?);
    }
    if let Some(limit) = operation_rate_limit {
        builder = builder.operation_rate_limit(operation_id, Quota::new(limit.rate, limit.burst)?);
    }
    builder.build()
}
