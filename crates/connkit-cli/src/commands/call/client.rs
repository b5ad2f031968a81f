//! The runtime client for one call, interpreted from the connector's resolved contract
//! ([`connkit_gen::contract`]): the settings the generated `config.rs` reads (same list, same
//! defaults), the runtime's base-URL rule ([`connkit::settings::HostTable`]), the resolved
//! auth, the connector's user agent, timeouts, retries, rate limits and the shared mode
//! (`{P}_REDIS_URL`). Nothing here restates a rule of the contract.

use std::collections::HashMap;

use connkit::auth::{ApiKey, Basic, Bearer, ClientCredentials, RefreshToken};
use connkit::ratelimit::Quota;
use connkit::retry::RetryPolicy;
use connkit::settings::{CommonSettings, EnvSource, HostTable, SettingsReader};
use connkit::{ClientBuilder, HttpClient, Secret};
use connkit_gen::contract::{
    ResolvedAuth, SettingValue, TokenEndpoint, region_expectation, settings_variables, user_agent,
};
use connkit_gen::hosts::NamedHost;
use connkit_gen::manifest::{Hosts, KeyLocation, Manifest, RateLimit};
use connkit_gen::naming::SystemName;

/// The settings a connector reads, loaded dynamically from its contract.
pub(super) struct CallSettings {
    base_url: String,
    /// The named hosts with their base URLs (each `{P}{NAME}_BASE_URL`, else the host's URL).
    hosts: Vec<(String, String)>,
    /// Every other setting by the settings struct's field name (`api_key`, `token_url`).
    values: HashMap<String, SettingValue>,
    /// Timeout, retries, rate limits.
    pub common: CommonSettings,
}

impl CallSettings {
    /// Reads every setting the contract calls for from `source` (the environment and the
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
        let mut r = source.reader();
        let mut values = HashMap::new();
        for var in settings_variables(manifest, named) {
            if let Some(value) = var.read(&mut r) {
                values.insert(var.field.clone(), value);
            }
        }
        let common = CommonSettings::read(&mut r);
        check_region(&mut r, &manifest.hosts, &values);
        let base_url = base_url(&manifest.hosts, &values);
        let hosts: Option<Vec<(String, String)>> =
            named.iter().map(|host| named_url(host, &values)).collect();
        match (base_url, hosts) {
            (Some(base_url), Some(hosts)) if r.is_ok() => {
                Ok(Self { base_url, hosts, values, common })
            }
            _ => Err(r.into_error()),
        }
    }

    fn text(&self, field: &str) -> Option<&str> {
        match self.values.get(field) {
            Some(SettingValue::Text(text)) => Some(text),
            _ => None,
        }
    }

    fn secret(&self, field: &str) -> Option<Secret> {
        match self.values.get(field) {
            Some(SettingValue::Secret(secret)) => Some(secret.clone()),
            _ => None,
        }
    }

    fn list(&self, field: &str) -> Vec<String> {
        match self.values.get(field) {
            Some(SettingValue::List(words)) => words.clone(),
            _ => Vec::new(),
        }
    }
}

/// `REGION` names one of the connector's regions (as the generated `from_source` checks).
fn check_region(r: &mut SettingsReader<'_>, hosts: &Hosts, values: &HashMap<String, SettingValue>) {
    if let Some(SettingValue::Text(region)) = values.get("region")
        && !hosts.regions.contains_key(region)
        && let Some(expected) = region_expectation(hosts)
    {
        r.invalid("REGION", expected);
    }
}

/// The default host's base URL by the runtime's rule; `None` when `BASE_URL` is required
/// and missing (recorded).
fn base_url(hosts: &Hosts, values: &HashMap<String, SettingValue>) -> Option<String> {
    let (regions, sandbox) = (pairs(&hosts.regions), pairs(&hosts.sandbox));
    let table =
        HostTable { default: hosts.default.as_deref(), regions: &regions, sandbox: &sandbox };
    let set = match values.get("base_url") {
        Some(SettingValue::Url(url)) => url.as_ref(),
        _ => None,
    };
    let sandbox_on = matches!(values.get("sandbox"), Some(SettingValue::Bool(true)));
    let region = match values.get("region") {
        Some(SettingValue::Text(region)) => Some(region.as_str()),
        _ => None,
    };
    table.base_url(set, sandbox_on, region)
}

/// A table of the manifest as the runtime's (name, URL) pairs.
fn pairs(table: &indexmap::IndexMap<String, String>) -> Vec<(&str, &str)> {
    table.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A named host's base URL: its setting when set, else the host's own; `None` when the
/// setting is required and missing (recorded).
fn named_url(host: &NamedHost, values: &HashMap<String, SettingValue>) -> Option<(String, String)> {
    let set = match values.get(&host.field()) {
        Some(SettingValue::Url(url)) => url.as_ref().map(ToString::to_string),
        _ => None,
    };
    Some((host.name.clone(), set.or_else(|| host.url.clone())?))
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
    // The system name was checked when the connector was loaded; an unchecked one only loses
    // the crate name in the user agent.
    let agent = SystemName::parse(&manifest.system).map_or_else(
        |_| format!("connkit/{}", env!("CARGO_PKG_VERSION")),
        |system| user_agent(&system, env!("CARGO_PKG_VERSION")),
    );
    let mut builder = HttpClient::builder()
        .base_url(settings.base_url.clone())
        .user_agent(format!("{agent} (connkit call)"))
        .timeout(settings.common.timeout)
        .retry(RetryPolicy::default().max_retries(settings.common.max_retries))
        .rate_limits_enabled(settings.common.rate_limits)
        .shared(&settings.common.shared);
    for (name, url) in &settings.hosts {
        builder = builder.host(name.clone(), url.clone());
    }
    builder = with_auth(builder, &ResolvedAuth::of(&manifest.auth), settings);
    if let Some(limit) = manifest.rate_limit {
        builder = builder.rate_limit(Quota::new(limit.rate, limit.burst)?);
    }
    if let Some(limit) = operation_rate_limit {
        builder = builder.operation_rate_limit(operation_id, Quota::new(limit.rate, limit.burst)?);
    }
    builder.build()
}

/// The resolved auth's strategy over the credentials read (all present: reading them
/// failed otherwise).
fn with_auth(
    builder: ClientBuilder,
    auth: &ResolvedAuth,
    settings: &CallSettings,
) -> ClientBuilder {
    let secret = |field: &str| settings.secret(field).unwrap_or_else(|| Secret::new(String::new()));
    let text = |field: &str| settings.text(field).unwrap_or_default().to_string();
    let token_options = |endpoint: &TokenEndpoint| {
        (endpoint.token_header.clone(), endpoint.extra.clone().into_iter().collect::<Vec<_>>())
    };
    match auth {
        ResolvedAuth::None => builder,
        ResolvedAuth::ApiKey { name, location, prefix } => {
            let key = match location {
                KeyLocation::Query => ApiKey::query(name.clone(), secret("api_key")),
                KeyLocation::Header => ApiKey::header(name, secret("api_key")),
            };
            match prefix {
                Some(prefix) => builder.auth(key.with_prefix(prefix.clone())),
                None => builder.auth(key),
            }
        }
        ResolvedAuth::Bearer => builder.auth(Bearer::new(secret("token"))),
        ResolvedAuth::Basic => builder.auth(Basic::new(text("username"), secret("password"))),
        ResolvedAuth::ClientCredentials(endpoint) => {
            let mut strategy = ClientCredentials::new(
                text("token_url"),
                text("client_id"),
                secret("client_secret"),
            )
            .scopes(settings.list("scopes"));
            let (header, extra) = token_options(endpoint);
            if let Some(header) = header {
                strategy = strategy.token_header(header);
            }
            for (key, value) in extra {
                strategy = strategy.extra_param(key, value);
            }
            builder.auth(strategy)
        }
        ResolvedAuth::RefreshToken(endpoint) => {
            let mut strategy = RefreshToken::new(
                text("token_url"),
                text("client_id"),
                secret("client_secret"),
                secret("refresh_token"),
            );
            let (header, extra) = token_options(endpoint);
            if let Some(header) = header {
                strategy = strategy.token_header(header);
            }
            for (key, value) in extra {
                strategy = strategy.extra_param(key, value);
            }
            builder.auth(strategy)
        }
    }
}
